// A real handler of the project run by the function host: Node's own type stripping imports it with its
// `#shared/*` imports, and it answers an API Gateway proxy event. Also measures the cold start.
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { toProxyEvent } from '#infra/local/api-gateway-events.ts';
import { FunctionHost, SharedClock } from '#infra/local/functions/function-host.ts';

const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
const host = new FunctionHost({
  repositoryRoot,
  clock: new SharedClock({ frozenAt: '2026-03-02T10:00:00.000Z' }),
  onLog: () => {},
  functions: [
    {
      name: 'ApiGetOpenApi',
      entry: 'functions/api-get-openapi/handler.ts',
      environment: {
        POWERTOOLS_SERVICE_NAME: 'coop-pank-connector-api-get-openapi',
        TABLE_NAME: 'connector',
      },
      timeoutSeconds: 10,
      memoryMb: 256,
    },
  ],
});
afterAll(() => host.close());

it('imports and invokes functions/api-get-openapi/handler.ts in a worker', { timeout: 30_000 }, async () => {
  const coldStart = performance.now();
  await host.start('ApiGetOpenApi');
  const coldStartMs = performance.now() - coldStart;
  const event = toProxyEvent(
    { method: 'GET', path: '/openapi.json' },
    { pathTemplate: '/openapi.json', pathParameters: {} },
    undefined,
  );
  const firstInvoke = performance.now();
  const response = (await host.invoke('ApiGetOpenApi', event)) as { statusCode: number; body: string };
  const firstInvokeMs = performance.now() - firstInvoke;
  const warm = performance.now();
  await host.invoke('ApiGetOpenApi', event);
  const warmMs = performance.now() - warm;
  console.log(
    `cold start ${coldStartMs.toFixed(0)} ms, first invoke ${firstInvokeMs.toFixed(0)} ms, warm invoke ${warmMs.toFixed(1)} ms`,
  );
  expect(response.statusCode).toBe(200);
  expect(JSON.parse(response.body)).toMatchObject({ openapi: expect.stringMatching(/^3\.1/) });
});
