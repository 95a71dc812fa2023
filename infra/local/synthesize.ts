// Synthesizes the real CDK app in-process (bundling skipped) so the local runtime and the tests use the very
// state machine definition that would be deployed.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../app.ts';

export type CloudFormationTemplate = { Resources: Record<string, CloudFormationResource> };
export interface CloudFormationResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

let cached: CloudFormationTemplate | undefined;

export function synthesizeConnectorTemplate(): CloudFormationTemplate {
  if (cached) return cached;
  // An empty bundling-stacks list makes NodejsFunction skip esbuild: the local runtime runs the sources.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], stage: 'dev' } });
  const { stack } = createApp(app);
  cached = Template.fromStack(stack).toJSON() as CloudFormationTemplate;
  return cached;
}
