// Reads the REST API's routes (method + path template → Lambda handler file) from the synthesized template,
// so the local HTTP server serves exactly the routes deployed to API Gateway.

import type { CloudFormationTemplate } from './synthesize.ts';
import { createResolver } from './template/intrinsics.ts';

export interface ApiRoute {
  method: string;
  /** e.g. `/v1/payment-batches/{batchId}` */
  pathTemplate: string;
  entry: string;
  /** The function's local name (its logical id). */
  functionName: string;
  /** Whether API Gateway runs the JWT authorizer before this route. */
  authorized: boolean;
  match(path: string): Record<string, string> | undefined;
}

export function apiRoutesOf(template: CloudFormationTemplate): ApiRoute[] {
  const resources = template.Resources;
  const resolver = createResolver(template);
  const pathOf = (resourceRef: unknown): string => {
    const ref = resourceRef as { Ref?: string };
    if (!ref.Ref) return '';
    const resource = resources[ref.Ref];
    if (resource?.Type !== 'AWS::ApiGateway::Resource') return '';
    return `${pathOf(resource.Properties?.ParentId)}/${String(resource.Properties?.PathPart)}`;
  };
  const entries = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    const entry = resource.Metadata?.LocalEntry;
    if (resource.Type === 'AWS::Lambda::Function' && typeof entry === 'string') {
      entries.set(resolver.getAtt(logicalId, 'Arn'), entry);
    }
  }
  const routes: ApiRoute[] = [];
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::ApiGateway::Method') continue;
    const properties = resource.Properties ?? {};
    const integration = properties.Integration as { Uri?: unknown } | undefined;
    if (!integration?.Uri) continue;
    const uri = resolver.resolveString(integration.Uri);
    const functionArn = /arn:aws:lambda:[^/]+?:function:[A-Za-z0-9]+/.exec(uri)?.[0];
    const entry = functionArn ? entries.get(functionArn) : undefined;
    if (!entry) continue;
    const pathTemplate = pathOf(properties.ResourceId) || '/';
    routes.push({
      method: String(properties.HttpMethod),
      pathTemplate,
      entry,
      functionName: (functionArn as string).split(':function:')[1] as string,
      authorized: properties.AuthorizationType === 'CUSTOM',
      match: matcher(pathTemplate),
    });
  }
  return routes;
}

function matcher(pathTemplate: string): (path: string) => Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = pathTemplate
    .split('/')
    .map((segment) => {
      const parameter = /^\{(.+)\}$/.exec(segment);
      if (!parameter?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(parameter[1]);
      return '([^/]+)';
    })
    .join('/');
  const regex = new RegExp(`^${pattern}/?$`);
  return (path) => {
    const found = regex.exec(path);
    if (!found) return undefined;
    return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(found[index + 1] ?? '')]));
  };
}
