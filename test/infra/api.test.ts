// Template assertions on the REST API: every route of shared/api/routes.ts is an API Gateway method bound to
// its own function, behind the JWT authorizer (except the public /openapi.json), with request validation on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../infra/app.ts';
import { apiRoutesOf } from '../../infra/local/api-routes.ts';
import type { CloudFormationTemplate } from '../../infra/local/synthesize.ts';
import { apiRoutes } from '../../shared/api/routes.ts';

type Resource = { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> };

describe('REST API template', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'cdk-api-'));
  let json: CloudFormationTemplate;
  let resources: Record<string, Resource>;
  let methods: { key: string; properties: Record<string, unknown> }[];

  beforeAll(() => {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const { stack } = createApp(app);
    json = Template.fromStack(stack).toJSON() as CloudFormationTemplate;
    resources = json.Resources as Record<string, Resource>;
    methods = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::ApiGateway::Method')
      .filter((resource) => resource.Properties?.HttpMethod !== 'OPTIONS')
      .map((resource) => {
        const properties = resource.Properties ?? {};
        return { key: `${String(properties.HttpMethod)} ${pathOf(properties.ResourceId)}`, properties };
      });
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const pathOf = (resourceRef: unknown): string => {
    const ref = (resourceRef as { Ref?: string } | undefined)?.Ref;
    const resource = ref ? resources[ref] : undefined;
    if (resource?.Type !== 'AWS::ApiGateway::Resource') return '';
    return `${pathOf(resource.Properties?.ParentId)}/${String(resource.Properties?.PathPart)}`;
  };

  it('has every route of shared/api/routes.ts as a method, and no other', () => {
    const expected = apiRoutes.map((route) => `${route.method} ${route.path}`).sort();
    expect(methods.map((method) => method.key).sort()).toEqual(expected);
    const served = apiRoutesOf(json).map((route) => `${route.method} ${route.pathTemplate}`);
    expect(served.sort()).toEqual(expected);
  });

  it('binds each route to its own function (functions/<name>/handler.ts)', () => {
    const entries = new Map(
      apiRoutesOf(json).map((route) => [`${route.method} ${route.pathTemplate}`, route]),
    );
    for (const route of apiRoutes) {
      expect(entries.get(`${route.method} ${route.path}`)?.entry).toBe(
        `functions/${route.functionName}/handler.ts`,
      );
    }
  });

  it('puts the JWT authorizer on every route except GET /openapi.json', () => {
    const authorizers = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::ApiGateway::Authorizer');
    expect(authorizers).toHaveLength(1);
    const [authorizerId] = authorizers[0] as [string, Resource];
    for (const { key, properties } of methods) {
      if (key === 'GET /openapi.json') {
        expect(properties.AuthorizationType, key).toBe('NONE');
        expect(properties.AuthorizerId, key).toBeUndefined();
      } else {
        expect(properties.AuthorizationType, key).toBe('CUSTOM');
        expect(properties.AuthorizerId, key).toEqual({ Ref: authorizerId });
      }
    }
  });

  it('validates request bodies and parameters on every route (path parameters and Idempotency-Key required)', () => {
    const validators = Object.entries(resources).filter(
      ([, r]) => r.Type === 'AWS::ApiGateway::RequestValidator',
    );
    expect(validators).toHaveLength(1);
    const [validatorId, validator] = validators[0] as [string, Resource];
    expect(validator.Properties).toMatchObject({
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    for (const { key, properties } of methods) {
      expect(properties.RequestValidatorId, key).toEqual({ Ref: validatorId });
      const route = apiRoutes.find((r) => `${r.method} ${r.path}` === key);
      const parameters = (properties.RequestParameters ?? {}) as Record<string, boolean>;
      for (const match of route?.path.matchAll(/\{([^}]+)\}/g) ?? []) {
        expect(parameters[`method.request.path.${match[1]}`], key).toBe(true);
      }
      if (route?.idempotencyKey) expect(parameters['method.request.header.Idempotency-Key'], key).toBe(true);
    }
  });
});
