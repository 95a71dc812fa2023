// wire(name) is every function's composition root: it reads process.env once at cold start and caches, so each
// case runs it in its own Node process (the pinned Node, on its own type stripping) with exactly the
// environment given here, as Lambda would. The environment comes from the stack's own derivation
// (environmentFor in infra/constructs/function-access.ts), so these also hold the CDK and the wiring together.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type ConnectorResources, environmentFor } from '../../../infra/constructs/function-access.ts';
import { type FunctionName, type FunctionNeeds, functionNeeds } from '../../../shared/function-needs.ts';

const probe = fileURLToPath(new URL('./fixtures/wire-probe.ts', import.meta.url));
const run = promisify(execFile);

type Failure = { error: string; message: string };
type ProbeResult =
  | ({ wired: false } & Failure)
  | {
      wired: true;
      cached: boolean;
      kinds: Record<string, string | Failure>;
      used: Record<string, string | Failure>;
      awaited: string | Failure;
    };

async function wireIn(env: Record<string, string>, name: string, ...uses: string[]): Promise<ProbeResult> {
  const { stdout } = await run(process.execPath, [probe, name, ...uses], { env, timeout: 30_000 });
  const line = stdout.split('\n').find((text) => text.startsWith('RESULT '));
  if (!line) throw new Error(`the probe printed no result:\n${stdout}`);
  return JSON.parse(line.slice('RESULT '.length)) as ProbeResult;
}

/** Runs cases two at a time (the machine is shared). */
async function inPairs<Case, Result>(cases: readonly Case[], each: (c: Case) => Promise<Result>) {
  const results: Result[] = [];
  for (let i = 0; i < cases.length; i += 2) {
    results.push(...(await Promise.all(cases.slice(i, i + 2).map(each))));
  }
  return results;
}

// Stand-ins for what the stack creates; environmentFor reads only names and ARNs.
const resources = {
  stage: 'dev',
  logLevel: 'INFO',
  table: { table: { tableName: 'connector-dev' }, key: {} },
  stateMachine: { stateMachineArn: 'arn:aws:states:eu-north-1:123456789012:stateMachine:batch' },
  bank: {
    config: { baseUrl: 'https://bank.example/' },
    certificate: { secretArn: 'arn:aws:secretsmanager:eu-north-1:123456789012:secret:bank-cert' },
  },
  registry: {
    baseUrl: 'https://registry.example/api',
    apiKey: { secretArn: 'arn:aws:secretsmanager:eu-north-1:123456789012:secret:registry-key' },
  },
  customerTopic: { topicArn: 'arn:aws:sns:eu-north-1:123456789012:customers' },
  archiveBucket: { bucketName: 'archive' },
  eventBus: { eventBusName: 'envoice' },
  batchRules: { maxPaymentsPerMessage: 1500, signingOverdue: 'next-cutoff' },
  statementRules: {},
  auth: { issuer: 'https://issuer', audience: 'aud', publicKeys: { k1: 'PEM' } },
} as unknown as ConnectorResources;

const environmentOf = (name: FunctionName) => ({
  AWS_REGION: 'eu-north-1',
  ...environmentFor(name, resources),
});

/** The part of shared/function-needs.ts each dependency comes from (as wiring.ts names it). */
const partOf: Record<string, keyof FunctionNeeds> = {
  connections: 'table',
  batches: 'table',
  archive: 'archive',
  workflow: 'respondsToWorkflow',
  bank: 'bank',
  agreements: 'bank',
  registry: 'registry',
  notifier: 'notify',
  channels: 'subscriptions',
  events: 'events',
  batchSettings: 'batchRules',
  collector: 'batchRules',
  settings: 'statementRules',
};

const declares = (needs: FunctionNeeds, member: string) =>
  member === 'workflow'
    ? Boolean(needs.startsWorkflow || needs.respondsToWorkflow)
    : Boolean(needs[partOf[member] as keyof FunctionNeeds]);

// Between them these declare every part.
const representatives = [
  'api-list-banks',
  'api-get-connection',
  'api-confirm-representation',
  'api-confirm-payment-batch',
  'api-create-notification-subscription',
  'await-bank-milestone',
  'collect-bank-messages',
] as const satisfies readonly FunctionName[];

describe('wire(name): one composition root per function', { timeout: 60_000 }, () => {
  it('runs on the pinned Node (type stripping, as the local runtime runs handlers)', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });

  it('builds every declared part, and only those, from exactly the environment the stack gives the function', async () => {
    const covered = new Set(representatives.flatMap((name) => Object.keys(functionNeeds[name])));
    expect([...covered]).toEqual(expect.arrayContaining([...Object.values(partOf), 'startsWorkflow']));
    const results = await inPairs(representatives, (name) => wireIn(environmentOf(name), name));
    representatives.forEach((name, index) => {
      const result = results[index];
      expect(result, name).toMatchObject({ wired: true, cached: true, awaited: 'resolved' });
      if (!result?.wired) return;
      const needs: FunctionNeeds = functionNeeds[name];
      for (const [member, kind] of Object.entries(result.kinds)) {
        if (declares(needs, member)) expect(typeof kind, `${name} ${member}`).toBe('string');
        else {
          expect(kind, `${name} ${member}`).toEqual({
            error: 'ConfigError',
            message: `functions/${name} uses ${member}.constructor, which needs "${partOf[member]}": declare it in shared/function-needs.ts`,
          });
        }
      }
    });
  });

  it('refuses an undeclared part on first use, naming the function, the part and shared/function-needs.ts', async () => {
    const result = await wireIn(
      environmentOf('api-get-connection'),
      'api-get-connection',
      'connections.get',
      'bank.heartbeat',
      'workflow.start',
      'notifier.notify',
    );
    expect(result).toMatchObject({
      wired: true,
      used: {
        'connections.get': 'function',
        'bank.heartbeat': {
          error: 'ConfigError',
          message:
            'functions/api-get-connection uses bank.heartbeat, which needs "bank": declare it in shared/function-needs.ts',
        },
        'workflow.start': {
          error: 'ConfigError',
          message: expect.stringMatching(
            /needs "respondsToWorkflow": declare it in shared\/function-needs\.ts$/,
          ),
        },
        'notifier.notify': {
          error: 'ConfigError',
          message: expect.stringMatching(/needs "notify": declare it in shared\/function-needs\.ts$/),
        },
      },
    });
    // A function with no table is not given one.
    expect(await wireIn(environmentOf('api-list-banks'), 'api-list-banks', 'connections.get')).toMatchObject({
      wired: true,
      used: {
        'connections.get': { error: 'ConfigError', message: expect.stringContaining('needs "table"') },
      },
    });
  });

  it('fails at cold start, naming the variable, when the environment lacks one its wiring needs', async () => {
    const required: Array<[FunctionName, string]> = [
      ['api-get-connection', 'TABLE_NAME'],
      ['api-confirm-payment-batch', 'BATCH_STATE_MACHINE_ARN'],
      ['api-confirm-representation', 'REGISTRY_BASE_URL'],
      ['api-confirm-representation', 'REGISTRY_API_KEY_SECRET_ARN'],
      ['request-daily-statements', 'BANK_GATEWAY_CONFIG'],
      ['request-daily-statements', 'BANK_CERTIFICATE_SECRET_ARN'],
      ['api-create-notification-subscription', 'NOTIFICATION_TOPIC_ARN'],
      ['collect-bank-messages', 'ARCHIVE_BUCKET'],
      ['collect-bank-messages', 'EVENT_BUS_NAME'],
    ];
    const results = await inPairs(required, ([name, variable]) => {
      const env: Record<string, string> = environmentOf(name);
      expect(env[variable], `${name} is given ${variable}`).toBeDefined();
      delete env[variable];
      return wireIn(env, name);
    });
    required.forEach(([name, variable], index) => {
      expect(results[index], `${name} without ${variable}`).toEqual({
        wired: false,
        error: 'ConfigError',
        message: expect.stringMatching(new RegExp(`^Invalid configuration: .*\\b${variable}: `)),
      });
    });
  });

  it('fails at cold start, naming the variable, when a value is malformed', async () => {
    const cases: Array<[FunctionName, Record<string, string>, RegExp]> = [
      ['api-list-banks', { LOG_LEVEL: 'LOUD' }, /LOG_LEVEL: /],
      ['request-daily-statements', { BANK_GATEWAY_CONFIG: '{oops' }, /BANK_GATEWAY_CONFIG: must be JSON/],
      [
        'request-daily-statements',
        { BANK_GATEWAY_CONFIG: JSON.stringify({ baseUrl: 'http://bank.example/' }) },
        /BANK_GATEWAY_CONFIG: baseUrl: /,
      ],
      ['api-confirm-representation', { REGISTRY_BASE_URL: 'registry' }, /REGISTRY_BASE_URL: /],
      ['submit-batch', { SIGNING_OVERDUE: 'soon' }, /SIGNING_OVERDUE: /],
    ];
    const results = await inPairs(cases, ([name, change]) =>
      wireIn({ ...environmentOf(name), ...change }, name),
    );
    cases.forEach(([name, change, message], index) => {
      expect(results[index], `${name} with ${JSON.stringify(change)}`).toEqual({
        wired: false,
        error: 'ConfigError',
        message: expect.stringMatching(message),
      });
    });
  });

  it('refuses a function that shared/function-needs.ts does not list', async () => {
    expect(await wireIn({}, 'api-no-such-function')).toEqual({
      wired: false,
      error: 'Error',
      message: 'functions/api-no-such-function is not in shared/function-needs.ts',
    });
  });
});
