// `npm start`: the whole connector on this machine (see system.ts and docs/local.md). Flags:
//   --fresh                 wipe .local/ first (DynamoDB data, outboxes, clock offset, issuer key, certificates)
//   --port <n>              API port (default 3000)
//   --bank-port <n>         bank simulator (HTTPS + mTLS) port (default: a free port)
//   --bank-control-port <n> bank simulator control API port (default: a free port)
//   --collect-every <ms>    collector interval (default 3000)
//   --statements-at <HH:MM> daily statement requests, Europe/Tallinn (default 06:00)
//   --auto-sign             the simulated bank signs payments by itself
//   --data-dir <path>       keep everything there instead of .local/
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { estonianIban } from './bank-simulator/seed.ts';
import { JavaMissingError } from './dynamodb-local.ts';
import { type LocalSystem, PortInUseError, startLocalSystem } from './system.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      fresh: { type: 'boolean', default: false },
      port: { type: 'string', default: '3000' },
      'bank-port': { type: 'string', default: '0' },
      'bank-control-port': { type: 'string', default: '0' },
      'collect-every': { type: 'string', default: '3000' },
      'statements-at': { type: 'string', default: '06:00' },
      'auto-sign': { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
    },
  });
  const number = (name: string, value: string) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0)
      throw new Error(`--${name} must be a whole number, got ${value}`);
    return parsed;
  };
  if (values.fresh) console.log('Wiping local data (--fresh)…');
  console.log('Starting the local Coop Pank connector…');

  let system: LocalSystem | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: shutting down…`);
    const force = setTimeout(() => {
      console.error('Shutdown took too long; exiting.');
      process.exit(1);
    }, 10_000);
    force.unref();
    await system?.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  system = await startLocalSystem({
    fresh: values.fresh,
    ...(values['data-dir'] ? { dataDir: resolve(values['data-dir']) } : {}),
    port: number('port', values.port),
    bankPort: number('bank-port', values['bank-port']),
    bankControlPort: number('bank-control-port', values['bank-control-port']),
    collectorIntervalMs: number('collect-every', values['collect-every']) || false,
    dailyStatementTime: values['statements-at'],
    signing: values['auto-sign'] ? 'auto' : 'manual',
  });
  if (stopping) return;
  const api = system.apiUrl;
  const iban = estonianIban(1000101);
  const next = system.nextDailyStatementsAt();
  console.log(`
Coop Pank connector running locally — ready in ${(system.startupMs / 1000).toFixed(1)} s

  API              ${api}/v1        (OpenAPI: ${api}/openapi.json)
  API docs         ${api}/docs      (interactive; the tokens below are preselected)
  Local controls   ${api}/local     (clock, collector, statements, signing, incoming payments)
  Bank simulator   ${system.bankUrl} (mTLS; control API ${system.bankControlUrl}/control/state)
  DynamoDB Local   ${system.dynamoDbEndpoint} (table ${system.tableName})
  Data             ${system.dataDir} (notifications.jsonl, events.jsonl; --fresh wipes it)
  Clock            ${system.clock.now().toISOString()}${system.clock.offsetMs > 0 ? ` (advanced ${(system.clock.offsetMs / 3_600_000).toFixed(1)} h)` : ''}; collector every ${values['collect-every']} ms; statements daily at ${values['statements-at']} Tallinn${next ? ` (next ${next.toISOString()})` : ''}

Local tokens (company local-company, valid 7 days, still valid after a restart):
  export ADMIN='${system.tokens.admin}'
  export PAYER='${system.tokens.payer}'
  export VIEWER='${system.tokens.viewer}'

Try (connect Põhjala Puit AS, a customer of the simulated bank; the admin signs in as its board member):
  curl -s -X POST ${api}/v1/bank-accounts -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' -d '{"iban":"${iban}"}'
  curl -s -X POST ${api}/v1/connections -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' -d '{"registryCode":"87654321"}'
  … then representation-confirmations, accounts, activate and a payment batch: see ${api}/docs
  curl -s -X POST ${api}/local/time/advance -H 'content-type: application/json' -d '{"days":1}'

The whole flow, scripted:  npm run demo   (in another terminal; uses this system)
Ctrl-C stops everything.`);
}

main().catch((error: unknown) => {
  if (error instanceof JavaMissingError || error instanceof PortInUseError) {
    console.error(`\n${error.message}\n`);
  } else {
    console.error('\nThe local system could not start:', error instanceof Error ? error.message : error);
    if (error instanceof Error && error.stack && process.env.DEBUG) console.error(error.stack);
  }
  process.exit(1);
});
