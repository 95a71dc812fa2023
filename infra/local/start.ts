// `npm start`: the whole connector on this machine — DynamoDB Local (data kept in .local/), the synthesized
// batch state machine executed in-process with the real handlers, and the REST API on localhost.
// Flags: --fresh (wipe local data first), --port <n> (API port, default 3000).
import { rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createConnectorTable,
  type DynamoDbLocal,
  JavaMissingError,
  startDynamoDbLocal,
} from './dynamodb-local.ts';
import { startHttpServer } from './http-server.ts';
import { createLocalRuntime } from './runtime.ts';

const localDir = resolve(import.meta.dirname, '../../.local');
const tableName = 'coop-pank-connector';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { fresh: { type: 'boolean', default: false }, port: { type: 'string', default: '3000' } },
  });
  const port = Number(values.port);
  const started = Date.now();
  if (values.fresh) {
    rmSync(localDir, { recursive: true, force: true });
    console.log('Local data removed (--fresh).');
  }

  let dynamo: DynamoDbLocal | undefined;
  let server: Server | undefined;
  const shutdown = async (signal: string) => {
    console.log(`\n${signal}: shutting down…`);
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    await dynamo?.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  dynamo = await startDynamoDbLocal({ dataDir: resolve(localDir, 'dynamodb') });
  await createConnectorTable(dynamo.endpoint, tableName);
  const runtime = createLocalRuntime({ dynamoDbEndpoint: dynamo.endpoint, tableName });
  try {
    server = await startHttpServer(runtime, port);
  } catch (error) {
    await dynamo.stop();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `Port ${port} is already in use. Stop what is using it or run \`npm start -- --port <other>\`.`,
      );
    }
    throw error;
  }

  const token = runtime.issuer.issue(
    { userId: 'local-user', companyId: 'local-company', personalCode: '38001010000', roles: ['admin'] },
    12 * 3600,
  );
  const api = `http://127.0.0.1:${port}`;
  console.log(`
Coop Pank connector running locally (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)
  API            ${api}/v1
  DynamoDB Local ${dynamo.endpoint} (table ${tableName}, data in .local/dynamodb)

Local token (company local-company, valid 12 h):
  export TOKEN='${token}'

Try:
  curl -s -X POST ${api}/v1/payment-batches -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"paymentCount":3}'
  curl -s ${api}/v1/payment-batches/<id> -H "authorization: Bearer $TOKEN"

Ctrl-C stops everything.`);
}

main().catch((error: unknown) => {
  if (error instanceof JavaMissingError) {
    console.error(`\n${error.message}\n`);
  } else {
    console.error('\nThe local system could not start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
