import { describe, expect, it } from 'vitest';
import {
  archiveSection,
  authSection,
  bankSection,
  batchRulesSection,
  eventsSection,
  notificationSection,
  parseSection,
  registrySection,
  runtimeSection,
  statementSection,
  tableSection,
  workflowSection,
} from '../../../shared/config.ts';
import { ConfigError } from '../../../shared/errors.ts';

describe('configuration', () => {
  it('applies defaults and keeps only the variables it knows', () => {
    expect(parseSection(runtimeSection, { TABLE_NAME: 'connector', UNRELATED: 'x' })).toEqual({
      stage: 'local',
      region: 'eu-north-1',
      logLevel: 'INFO',
    });
    expect(parseSection(tableSection, { TABLE_NAME: 'connector', STAGE: 'dev', UNRELATED: 'x' })).toEqual({
      tableName: 'connector',
    });
    expect(parseSection(batchRulesSection, {})).toEqual({
      maxPaymentsPerMessage: 1500,
      signingOverdue: 'next-cutoff',
      collectorBudgetMs: 45_000,
    });
    expect(parseSection(batchRulesSection, { SIGNING_OVERDUE: '90' }).signingOverdue).toBe(90);
    expect(parseSection(statementSection, {})).toEqual({
      backfillDays: 31,
      maxDaysPerRequest: 31,
      notifyAfterAttempts: 3,
    });
  });

  it('names the environment variable that is missing or wrong', () => {
    expect(() => parseSection(runtimeSection, { LOG_LEVEL: 'LOUD' })).toThrow(ConfigError);
    expect(() => parseSection(runtimeSection, { LOG_LEVEL: 'LOUD' })).toThrow(/LOG_LEVEL: /);
    expect(() => parseSection(tableSection, { DYNAMODB_ENDPOINT: 'http://x' })).toThrow(/TABLE_NAME: /);
    expect(() => parseSection(workflowSection, {})).toThrow(/BATCH_STATE_MACHINE_ARN: /);
    expect(() => parseSection(archiveSection, {})).toThrow(/ARCHIVE_BUCKET: /);
    expect(() => parseSection(eventsSection, {})).toThrow(/EVENT_BUS_NAME: /);
    expect(() => parseSection(notificationSection, {})).toThrow(/NOTIFICATION_TOPIC_ARN: /);
    // Every problem of a section at once, each under its variable's name.
    expect(() => parseSection(bankSection, {})).toThrow(
      /BANK_GATEWAY_CONFIG: .*; BANK_CERTIFICATE_SECRET_ARN: /,
    );
    expect(() =>
      parseSection(bankSection, { BANK_GATEWAY_CONFIG: '{oops', BANK_CERTIFICATE_SECRET_ARN: 'arn' }),
    ).toThrow(/BANK_GATEWAY_CONFIG: must be JSON/);
    expect(() => parseSection(registrySection, { REGISTRY_BASE_URL: 'not a url' })).toThrow(
      /REGISTRY_BASE_URL: .*; REGISTRY_API_KEY_SECRET_ARN: /,
    );
    expect(() => parseSection(batchRulesSection, { SIGNING_OVERDUE: 'soon' })).toThrow(/SIGNING_OVERDUE: /);
    expect(() => parseSection(batchRulesSection, { COLLECTOR_BUDGET_MS: '10' })).toThrow(
      /COLLECTOR_BUDGET_MS: /,
    );
    expect(() => parseSection(statementSection, { STATEMENT_BACKFILL_DAYS: '400' })).toThrow(
      /STATEMENT_BACKFILL_DAYS: /,
    );
  });

  it('takes the register API key only as a Secrets Manager reference, never the key itself', () => {
    const registry = parseSection(registrySection, {
      REGISTRY_BASE_URL: 'https://registry.example/api',
      REGISTRY_API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-north-1:123456789012:secret:registry',
      REGISTRY_API_KEY: 'the-key-itself',
    });
    expect(registry).toEqual({
      baseUrl: 'https://registry.example/api',
      path: '/companies/{country}/{registryCode}/representatives',
      apiKeySecretArn: 'arn:aws:secretsmanager:eu-north-1:123456789012:secret:registry',
      timeoutMs: 5000,
    });
    expect(JSON.stringify(registry)).not.toContain('the-key-itself');
  });

  it('parses the public keys of the token issuer from JSON and refuses anything else', () => {
    const env = { JWT_ISSUER: 'https://issuer', JWT_AUDIENCE: 'aud', JWT_PUBLIC_KEYS: '{"k1":"PEM"}' };
    expect(parseSection(authSection, env).publicKeys).toEqual({ k1: 'PEM' });
    expect(() => parseSection(authSection, { ...env, JWT_PUBLIC_KEYS: '{oops' })).toThrow(
      /JWT_PUBLIC_KEYS: must be JSON/,
    );
  });
});
