// Least privilege in the synthesized template: each function's environment holds only what its wiring reads,
// and its role grants only what that function uses (infra/constructs/function-access.ts, derived from
// shared/function-needs.ts). Read from the resolved template, as the local IAM check sees it.
import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalFunction, LocalModel } from '../../infra/local/template/model.ts';
import { createLocalModel } from '../../infra/local/template/model.ts';
import * as config from '../../shared/config.ts';
import { type FunctionName, functionNeeds } from '../../shared/function-needs.ts';
import { sharedTemplate } from '../support/template.ts';

type Grant = { action: string; resources: string[]; condition: unknown };

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

describe('per-function environment and grants', () => {
  let model: LocalModel;
  let byName: Map<string, LocalFunction>;

  beforeAll(async () => {
    model = createLocalModel(await sharedTemplate());
    byName = new Map(
      model.functions.map((fn) => [fn.entry.replace(/^functions\/([^/]+)\/handler\.ts$/, '$1'), fn]),
    );
  });

  const fn = (name: string): LocalFunction => {
    const found = byName.get(name);
    if (!found) throw new Error(`no function ${name} in the template`);
    return found;
  };
  /** Every Allow of the function's role, one action per row (identity policies, not the managed basic role). */
  const grantsOf = (name: string): Grant[] =>
    model.identityPoliciesOf(fn(name).roleArn).flatMap((document) =>
      document.Statement.filter((statement) => statement.Effect === 'Allow').flatMap((statement) =>
        list(statement.Action).map((action) => ({
          action,
          resources: list(statement.Resource),
          condition: statement.Condition,
        })),
      ),
    );
  const actionsOf = (name: string) => [...new Set(grantsOf(name).map((grant) => grant.action))].sort();
  const who = (predicate: (grant: Grant) => boolean) =>
    [...byName.keys()].filter((name) => grantsOf(name).some(predicate)).sort();
  const single = (resources: { logicalId: string; arn: string | undefined }[], pattern: RegExp) => {
    const matching = resources.filter((resource) => pattern.test(resource.logicalId));
    expect(matching, String(pattern)).toHaveLength(1);
    return String(matching[0]?.arn);
  };

  const names = Object.keys(functionNeeds) as FunctionName[];
  const bankCallers = names.filter((name) => 'bank' in functionNeeds[name]).sort();

  it('has one function per entry of shared/function-needs.ts, and no other of its own', () => {
    expect([...byName.keys()].sort()).toEqual([...names].sort());
    expect(bankCallers).toEqual(
      expect.arrayContaining(['collect-bank-messages', 'submit-batch', 'api-confirm-representation']),
    );
  });

  it('gives each function only variables its wiring reads, and no secret values', () => {
    const sections = (Object.values(config) as unknown[]).filter(
      (value): value is { variables: Record<string, string> } =>
        typeof value === 'object' && value !== null && 'variables' in value,
    );
    const read = new Set(sections.flatMap((section) => Object.values(section.variables)));
    // Set for the Node runtime and Powertools, not read by the wiring (infra/runtime-env.ts).
    const runtime = new Set([
      'NODE_OPTIONS',
      'GLIBC_TUNABLES',
      'POWERTOOLS_SERVICE_NAME',
      'POWERTOOLS_METRICS_NAMESPACE',
    ]);
    for (const name of byName.keys()) {
      const unexpected = Object.keys(fn(name).environment).filter(
        (key) => !read.has(key) && !runtime.has(key),
      );
      expect(unexpected, name).toEqual([]);
      expect(fn(name).environment.REGISTRY_API_KEY, name).toBeUndefined();
    }
  });

  it('the authorizer has no table, no AWS service grant and only its token settings', () => {
    const authorizer = fn('authorize-request');
    expect(
      Object.keys(authorizer.environment)
        .filter((key) => /^(JWT|TABLE|BANK|REGISTRY|NOTIFICATION)_/.test(key))
        .sort(),
    ).toEqual(['JWT_AUDIENCE', 'JWT_ISSUER', 'JWT_PUBLIC_KEYS']);
    expect(actionsOf('authorize-request')).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    expect(model.managedPolicyArnsOf(authorizer.roleArn)).toEqual([
      expect.stringMatching(/:policy\/service-role\/AWSLambdaBasicExecutionRole$/),
    ]);
  });

  it('API read functions only GetItem, Query and BatchGetItem on the table, and only decrypt with its key', () => {
    const table = single(model.tables, /.*/);
    const readers = [...byName.keys()].filter(
      (name) =>
        /^api-(list|get|summarize)-/.test(name) && name !== 'api-list-banks' && name !== 'api-get-openapi',
    );
    expect(readers.length).toBeGreaterThanOrEqual(9);
    for (const name of readers) {
      expect(actionsOf(name), name).toEqual([
        'dynamodb:BatchGetItem',
        'dynamodb:GetItem',
        'dynamodb:Query',
        'kms:Decrypt',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ]);
      const dynamo = grantsOf(name).filter((grant) => grant.action.startsWith('dynamodb:'));
      for (const grant of dynamo) expect(grant.resources, name).toEqual([table]);
      expect(fn(name).environment.TABLE_NAME, name).toBeDefined();
    }
    // Neither the API description nor the bank list touches the table.
    for (const name of ['api-get-openapi', 'api-list-banks']) {
      expect(actionsOf(name), name).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      expect(fn(name).environment.TABLE_NAME, name).toBeUndefined();
    }
  });

  it('grants table actions exactly as declared: no Scan, no wildcard, DeleteItem and indexes only where declared', () => {
    const table = single(model.tables, /.*/);
    for (const name of names) {
      const declared = functionNeeds[name] as {
        table?: { actions: readonly string[]; indexes?: readonly string[] };
      };
      const dynamo = grantsOf(name).filter((grant) => grant.action.startsWith('dynamodb:'));
      expect(dynamo.map((grant) => grant.action).sort(), name).toEqual(
        (declared.table?.actions ?? []).map((action) => `dynamodb:${action}`).sort(),
      );
      for (const grant of dynamo) {
        expect(grant.resources.sort(), name).toEqual(
          [table, ...(declared.table?.indexes ?? []).map((index) => `${table}/index/${index}`)].sort(),
        );
      }
    }
    expect(who((grant) => grant.action === 'dynamodb:Scan' || grant.action === 'dynamodb:*')).toEqual([]);
    expect(who((grant) => grant.action === 'dynamodb:DeleteItem')).toEqual(
      names.filter((name) => JSON.stringify(functionNeeds[name]).includes('DeleteItem')).sort(),
    );
    // Removing a connection's or subscription's items and the collector's consumed work items.
    expect(who((grant) => grant.action === 'dynamodb:DeleteItem')).toEqual(
      expect.arrayContaining([
        'api-remove-bank-account',
        'api-remove-notification-subscription',
        'collect-bank-messages',
      ]),
    );
  });

  it('only creating a subscription subscribes and only removing one unsubscribes, on the customer topic only', () => {
    const topic = single(model.topics, /CustomerTopic/);
    const subscribers = ['api-create-notification-subscription', 'api-remove-notification-subscription'];
    expect(who((grant) => grant.action === 'sns:Subscribe')).toEqual([
      'api-create-notification-subscription',
    ]);
    expect(who((grant) => grant.action === 'sns:Unsubscribe')).toEqual([
      'api-remove-notification-subscription',
    ]);
    for (const name of subscribers) {
      for (const grant of grantsOf(name).filter((g) => g.action.startsWith('sns:'))) {
        expect(grant.resources, name).toEqual([topic]);
      }
      expect(fn(name).environment.NOTIFICATION_TOPIC_ARN, name).toBe(topic);
      expect(actionsOf(name), name).not.toContain('sns:Publish');
    }
    // Publishing goes to the customer topic only (the operations topic is for alarms).
    for (const name of who((grant) => grant.action === 'sns:Publish')) {
      for (const grant of grantsOf(name).filter((g) => g.action === 'sns:Publish')) {
        expect(grant.resources, name).toEqual([topic]);
      }
    }
  });

  it('only the collector and await-bank-milestone answer task tokens (states:SendTaskSuccess on "*", no SendTaskFailure: nothing fails a token); only confirming a batch starts one', () => {
    const responders = ['await-bank-milestone', 'collect-bank-messages'];
    expect(who((grant) => grant.action === 'states:SendTaskFailure')).toEqual([]);
    for (const action of ['states:SendTaskSuccess']) {
      expect(who((grant) => grant.action === action)).toEqual(responders);
      for (const name of responders) {
        const grant = grantsOf(name).find((g) => g.action === action);
        expect(grant?.resources, `${name} ${action}`).toEqual(['*']);
      }
    }
    const [machine] = model.stateMachines;
    expect(who((grant) => grant.action === 'states:StartExecution')).toEqual(['api-confirm-payment-batch']);
    expect(
      grantsOf('api-confirm-payment-batch').find((g) => g.action === 'states:StartExecution')?.resources,
    ).toEqual([machine?.arn]);
    expect(fn('api-confirm-payment-batch').environment.BATCH_STATE_MACHINE_ARN).toBe(machine?.arn);
    expect(
      who(
        (grant) =>
          grant.action.startsWith('states:') &&
          !grant.action.startsWith('states:SendTask') &&
          grant.action !== 'states:StartExecution',
      ),
    ).toEqual([]);
  });

  it('only functions that call the bank read the certificate secret; only confirm-representation reads the register API key', () => {
    const certificate = single(model.secrets, /ClientCertificate/);
    const registryKey = single(model.secrets, /RegistryApiKey/);
    const reads = (secret: string) => (grant: Grant) =>
      grant.action.startsWith('secretsmanager:') && grant.resources.includes(secret);
    expect(who(reads(certificate))).toEqual(bankCallers);
    for (const name of bankCallers)
      expect(fn(name).environment.BANK_CERTIFICATE_SECRET_ARN, name).toBe(certificate);
    expect(who(reads(registryKey))).toEqual(['api-confirm-representation']);
    expect(fn('api-confirm-representation').environment.REGISTRY_API_KEY_SECRET_ARN).toBe(registryKey);
    // No secret by wildcard, and no function reads a secret it is not given the ARN of.
    for (const name of byName.keys()) {
      const secretGrants = grantsOf(name).filter((grant) => grant.action.startsWith('secretsmanager:'));
      for (const grant of secretGrants) {
        expect(grant.resources, name).toEqual([expect.stringMatching(/^arn:aws:secretsmanager:.*:secret:/)]);
        expect(Object.values(fn(name).environment), name).toContain(grant.resources[0]);
      }
    }
  });

  it('only the collector touches the archive, only under its prefix, and grants nothing else on "*"', () => {
    expect(who((grant) => grant.action.startsWith('s3:'))).toEqual(['collect-bank-messages']);
    for (const name of byName.keys()) {
      const wildcard = grantsOf(name)
        .filter((grant) => grant.resources.includes('*'))
        .map((grant) => grant.action);
      expect(
        wildcard.filter(
          (action) =>
            !/^xray:Put(TraceSegments|TelemetryRecords)$/.test(action) &&
            !/^states:SendTask(Success|Failure)$/.test(action),
        ),
        name,
      ).toEqual([]);
    }
  });
});
