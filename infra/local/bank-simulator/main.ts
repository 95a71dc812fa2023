// Runs the bank simulator standalone: `npx tsx infra/local/bank-simulator/main.ts [--port 8443]
// [--control-port 8444] [--live] [--auto-sign] [--scenarios file.json] [--accounts 10000]`.
// Certificates are generated on first start under .local/bank-simulator (git-ignored).
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEMO_SEED, generateSeed } from './seed.ts';
import { startBankSimulator } from './simulator.ts';

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8443' },
    'control-port': { type: 'string', default: '8444' },
    live: { type: 'boolean', default: false },
    'auto-sign': { type: 'boolean', default: false },
    scenarios: { type: 'string' },
    accounts: { type: 'string' },
    'certificate-dir': { type: 'string', default: join(repoRoot, '.local', 'bank-simulator') },
  },
});

const extra = values.accounts ? generateSeed(Number(values.accounts)) : undefined;
const simulator = await startBankSimulator({
  port: Number(values.port),
  controlPort: Number(values['control-port']),
  certificates: { directory: values['certificate-dir'] },
  settings: {
    environment: values.live ? 'live' : 'sandbox',
    signing: values['auto-sign'] ? 'auto' : 'manual',
  },
  seed: {
    endUsers: [...DEMO_SEED.endUsers, ...(extra?.endUsers ?? [])],
    otherAccounts: DEMO_SEED.otherAccounts ?? [],
  },
  ...(values.scenarios ? { scenarioFile: resolve(values.scenarios) } : {}),
});

const dir = values['certificate-dir'];
console.log(`Bank simulator (Coop Pank Gateway) listening on ${simulator.url}`);
console.log(`Control API on ${simulator.controlUrl} (GET /control/state)`);
console.log(
  `Client certificate: ${join(dir, 'client.pem')}  key: ${join(dir, 'client-key.pem')}  CA: ${join(dir, 'ca.pem')}`,
);
console.log(`Accounts: ${simulator.bank.ledger.size}, end users: ${simulator.bank.agreements.size}`);

const shutdown = () => {
  simulator.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
