// The served OpenAPI document is valid OpenAPI 3.1, lists exactly the deployed routes, and accepts the
// requests the handlers accept (and refuses what they refuse), checked with a JSON Schema validator.
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutesOf } from '../../../infra/local/api-routes.ts';
import { synthesizeConnectorTemplate } from '../../../infra/local/synthesize.ts';
import { apiRoutes } from '../../../shared/api/routes.ts';
import { coopIbans, onboard, paymentLine, startApi } from './harness.ts';

type Document = {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: object }> } }>>;
};

describe('OpenAPI document', () => {
  let document: Document;
  let api: Awaited<ReturnType<typeof startApi>>;

  afterAll(() => api?.close());
  beforeAll(async () => {
    api = await startApi();
    const response = await api.runtime.handleHttp({ method: 'GET', path: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    document = JSON.parse(response.body) as Document;
  });

  it('is served without a token and is valid OpenAPI 3.1', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document as never);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('describes exactly the routes API Gateway serves', () => {
    const deployed = apiRoutesOf(synthesizeConnectorTemplate())
      .map((route) => `${route.method} ${route.pathTemplate}`)
      .sort();
    const described = Object.entries(document.paths)
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    expect(described).toEqual(deployed);
  });

  const bodyOf = (method: string, path: string) => {
    const schema = document.paths[path]?.[method]?.requestBody?.content['application/json']?.schema;
    if (!schema) throw new Error(`no body schema for ${method} ${path}`);
    return new Ajv2020({ strict: false }).compile(schema);
  };

  const examples: { route: string; valid: unknown[]; invalid: unknown[] }[] = [
    {
      route: 'POST /v1/payment-batches',
      valid: [
        {
          debtorAccountId: coopIbans[0],
          payments: [paymentLine(), paymentLine({ reference: undefined, remittanceInformation: 'Arve 7' })],
        },
      ],
      invalid: [
        { debtorAccountId: coopIbans[0], payments: [] },
        { debtorAccountId: coopIbans[0], payments: [paymentLine({ amount: 12.5 })] },
        { debtorAccountId: coopIbans[0], payments: [paymentLine()], extra: true },
      ],
    },
    {
      route: 'POST /v1/bank-accounts',
      valid: [
        { iban: coopIbans[1] },
        { iban: coopIbans[1], name: 'Main', currency: 'EUR', bankId: 'coop-pank' },
      ],
      invalid: [{}, { iban: coopIbans[1], currency: 'USD' }],
    },
    {
      route: 'POST /v1/connections',
      valid: [{ registryCode: '10000001' }],
      invalid: [{ registryCode: '123' }, { registryCode: '10000001', country: 'LV' }],
    },
    {
      route: 'PUT /v1/connections/{connectionId}/accounts',
      valid: [
        { accounts: [{ accountId: coopIbans[0], paymentInitiation: true, statementRetrieval: false }] },
      ],
      invalid: [
        { accounts: [] },
        { accounts: [{ accountId: coopIbans[0], paymentInitiation: 'yes', statementRetrieval: false }] },
      ],
    },
    {
      route: 'POST /v1/payment-batches/{batchId}/confirm',
      valid: [{}, { acknowledgedDuplicates: ['00001'] }],
      invalid: [{ acknowledgedDuplicates: 'all' }],
    },
    {
      route: 'POST /v1/notification-subscriptions',
      valid: [{ channel: 'sms', address: '+37255512345', types: ['payment_rejected'] }],
      invalid: [{ channel: 'fax', address: '+37255512345' }],
    },
  ];

  it.each(examples)(
    '$route: the document and the handler schema agree on example requests',
    ({ route, valid, invalid }) => {
      const [method, path] = route.split(' ') as [string, string];
      const validate = bodyOf(method.toLowerCase(), path);
      const zodSchema = apiRoutes.find((r) => r.method === method && r.path === path)?.body;
      if (!zodSchema) throw new Error(`no zod schema for ${route}`);
      for (const example of valid) {
        expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
        expect(zodSchema.safeParse(example).success).toBe(true);
      }
      for (const example of invalid) {
        expect(validate(example)).toBe(false);
        expect(zodSchema.safeParse(example).success).toBe(false);
      }
    },
  );

  it('every route with a body or Idempotency-Key documents it', () => {
    for (const route of apiRoutes) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()] as
        | { requestBody?: unknown; parameters?: { name: string; in: string }[] }
        | undefined;
      expect(operation, route.path).toBeDefined();
      expect(Boolean(operation?.requestBody)).toBe(Boolean(route.body));
      const header = operation?.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
      expect(Boolean(header)).toBe(Boolean(route.idempotencyKey));
    }
  });

  it('models every success body with a named schema, and real answers match it', async () => {
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ ...(document as object), $id: 'openapi.json' });
    const answerSchema = (method: string, path: string, status: number) => {
      const operation = document.paths[path]?.[method] as unknown as {
        responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
      };
      const ref = operation.responses[String(status)]?.content?.['application/json']?.schema.$ref;
      expect(ref, `${method} ${path}`).toMatch(/^#\/components\/schemas\/\w+$/);
      return ajv.compile({ $ref: `openapi.json${ref}` });
    };
    for (const route of apiRoutes) {
      if (route.success !== 204) answerSchema(route.method.toLowerCase(), route.path, route.success);
    }

    const admin = api.as({
      companyId: 'schema-co',
      userId: 'sam',
      personalCode: '38001010001',
      roles: ['admin', 'payer'],
    });
    const { connectionId } = await onboard(admin, { iban: coopIbans[2] });
    const created = await admin.call<{ id: string }>('POST', '/v1/payment-batches', {
      debtorAccountId: coopIbans[2],
      payments: [paymentLine(), paymentLine({ creditorIban: 'EE00 bad' })],
    });
    const subscription = await admin.call('POST', '/v1/notification-subscriptions', {
      channel: 'email',
      address: 'ops@example.com',
    });
    expect(subscription.status).toBe(201);
    const batchId = created.body.id;
    const calls: [string, string, string][] = [
      ['GET', '/v1/banks', '/v1/banks'],
      ['GET', '/v1/bank-accounts', '/v1/bank-accounts'],
      ['GET', '/v1/connections/{connectionId}', `/v1/connections/${connectionId}`],
      ['GET', '/v1/payment-batches', '/v1/payment-batches'],
      ['GET', '/v1/payment-batches/{batchId}', `/v1/payment-batches/${batchId}`],
      ['GET', '/v1/payment-batches/{batchId}/summary', `/v1/payment-batches/${batchId}/summary`],
      ['GET', '/v1/payment-batches/{batchId}/payments', `/v1/payment-batches/${batchId}/payments`],
      [
        'GET',
        '/v1/bank-accounts/{accountId}/statement-days',
        `/v1/bank-accounts/${coopIbans[2]}/statement-days`,
      ],
      ['GET', '/v1/bank-accounts/{accountId}/transactions', `/v1/bank-accounts/${coopIbans[2]}/transactions`],
      ['GET', '/v1/notification-subscriptions', '/v1/notification-subscriptions'],
      ['POST', '/v1/payment-batches/{batchId}/cancel', `/v1/payment-batches/${batchId}/cancel`],
    ];
    const answers: { route: string; status: number; body: unknown }[] = [
      { route: 'POST /v1/payment-batches', status: created.status, body: created.body },
      { route: 'POST /v1/notification-subscriptions', status: subscription.status, body: subscription.body },
    ];
    for (const [method, template, path] of calls) {
      const answer = await admin.call(method, path);
      answers.push({ route: `${method} ${template}`, status: answer.status, body: answer.body });
    }
    for (const { route, status, body } of answers) {
      const [method, path] = route.split(' ') as [string, string];
      const validate = answerSchema(method.toLowerCase(), path, status);
      expect(validate(body), `${route}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});
