// Runtime configuration, parsed once with zod at cold start. Nothing else in the project reads process.env.
// Each section is parsed on first use, so a function only needs the variables of the sections it uses.
import { z } from 'zod';
import { ConfigError } from './errors.ts';

type Environment = Record<string, string | undefined>;

interface Section<Schema extends z.ZodObject> {
  schema: Schema;
  /** Config key → environment variable name (what the CDK stack sets on functions). */
  variables: Record<keyof z.infer<Schema>, string>;
}

function section<Schema extends z.ZodObject>(
  schema: Schema,
  variables: Record<keyof z.infer<Schema>, string>,
): Section<Schema> {
  return { schema, variables };
}

const jsonRecordOfStrings = z
  .string()
  .transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      context.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string(), z.string()));

export const runtimeSection = section(
  z.object({
    stage: z.string().min(1).default('local'),
    region: z.string().min(1).default('eu-north-1'),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
  }),
  { stage: 'STAGE', region: 'AWS_REGION', logLevel: 'LOG_LEVEL' },
);

/** The single DynamoDB table (functions that read or write data). */
export const tableSection = section(z.object({ tableName: z.string().min(1) }), { tableName: 'TABLE_NAME' });

/** The batch lifecycle state machine (functions that start batch executions). */
export const workflowSection = section(z.object({ batchStateMachineArn: z.string().min(1) }), {
  batchStateMachineArn: 'BATCH_STATE_MACHINE_ARN',
});

export const authSection = section(
  z.object({
    issuer: z.string().min(1),
    audience: z.string().min(1),
    /** JSON object of key id → PEM public key. Public material, so an environment variable is fine. */
    publicKeys: jsonRecordOfStrings,
  }),
  { issuer: 'JWT_ISSUER', audience: 'JWT_AUDIENCE', publicKeys: 'JWT_PUBLIC_KEYS' },
);

const jsonObject = z.string().transform((text, context) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    context.addIssue({ code: 'custom', message: 'must be JSON' });
    return z.NEVER;
  }
});

/** The bank connection: adapter settings and the mTLS certificate secret (functions that call the bank). */
export const bankSection = section(
  z.object({
    /** Bank adapter settings as JSON (shape: `bankGatewayConfigSchema` in shared/bank/config.ts). */
    bankGatewayConfig: jsonObject,
    /** Secrets Manager secret with the mTLS certificate and key; never the key itself. */
    bankCertificateSecretArn: z.string().min(1),
  }),
  { bankGatewayConfig: 'BANK_GATEWAY_CONFIG', bankCertificateSecretArn: 'BANK_CERTIFICATE_SECRET_ARN' },
);

/** Where raw bank messages are archived. */
export const archiveSection = section(z.object({ archiveBucket: z.string().min(1) }), {
  archiveBucket: 'ARCHIVE_BUCKET',
});

/** The event bus Envoice receives payment and incoming-payment events on. */
export const eventsSection = section(z.object({ eventBusName: z.string().min(1) }), {
  eventBusName: 'EVENT_BUS_NAME',
});

/** Batch workflow rules. */
export const batchRulesSection = section(
  z.object({
    maxPaymentsPerMessage: z.coerce.number().int().min(1).max(100_000).default(1500),
    /** `next-cutoff` (15:30 Tallinn on business days) or a number of minutes after submission. */
    signingOverdue: z
      .union([z.literal('next-cutoff'), z.coerce.number().int().positive()])
      .default('next-cutoff'),
    collectorBudgetMs: z.coerce.number().int().min(1000).default(45_000),
  }),
  {
    maxPaymentsPerMessage: 'BATCH_MAX_PAYMENTS_PER_MESSAGE',
    signingOverdue: 'SIGNING_OVERDUE',
    collectorBudgetMs: 'COLLECTOR_BUDGET_MS',
  },
);

/** The e-Business Register service the HTTP RepresentationRegistry adapter asks (only the API functions). */
export const registrySection = section(
  z.object({
    /** e.g. `https://registry.example/api`; the path below is appended. */
    baseUrl: z.url(),
    /** Path template with `{country}` and `{registryCode}`. */
    path: z.string().default('/companies/{country}/{registryCode}/representatives'),
    /** Secrets Manager secret holding the register's API key (sent as a bearer token); never the key itself. */
    apiKeySecretArn: z.string().min(1),
    timeoutMs: z.coerce.number().int().positive().default(5000),
  }),
  {
    baseUrl: 'REGISTRY_BASE_URL',
    path: 'REGISTRY_PATH',
    apiKeySecretArn: 'REGISTRY_API_KEY_SECRET_ARN',
    timeoutMs: 'REGISTRY_TIMEOUT_MS',
  },
);

/** The SNS topic people's notifications go to (workers publish; subscription routes subscribe). */
export const notificationSection = section(z.object({ notificationTopicArn: z.string().min(1) }), {
  notificationTopicArn: 'NOTIFICATION_TOPIC_ARN',
});

/** Daily statements: how far back missing days are asked for, request size, when a missing day is notified. */
export const statementSection = section(
  z.object({
    backfillDays: z.coerce.number().int().min(1).max(92).default(31),
    maxDaysPerRequest: z.coerce.number().int().min(1).max(92).default(31),
    notifyAfterAttempts: z.coerce.number().int().min(1).default(3),
  }),
  {
    backfillDays: 'STATEMENT_BACKFILL_DAYS',
    maxDaysPerRequest: 'STATEMENT_MAX_DAYS_PER_REQUEST',
    notifyAfterAttempts: 'STATEMENT_NOTIFY_AFTER_ATTEMPTS',
  },
);

export type RuntimeConfig = z.infer<typeof runtimeSection.schema>;
export type AuthConfig = z.infer<typeof authSection.schema>;
export type RegistrySettings = z.infer<typeof registrySection.schema>;

export function parseSection<Schema extends z.ZodObject>(
  target: Section<Schema>,
  env: Environment,
): z.infer<Schema> {
  const raw: Record<string, string> = {};
  for (const [key, name] of Object.entries(target.variables) as [string, string][]) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = target.schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const name = (target.variables as Record<string, string>)[key] ?? key;
      return `${name}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

const cache = new Map<object, unknown>();

/** A section parsed from this process's environment (once; a ConfigError names each bad or missing variable). */
export function loadSection<Schema extends z.ZodObject>(target: Section<Schema>): z.infer<Schema> {
  if (!cache.has(target)) cache.set(target, parseSection(target, process.env));
  return cache.get(target) as z.infer<Schema>;
}

export const loadConfig = (): RuntimeConfig => loadSection(runtimeSection);
export const loadAuthConfig = (): AuthConfig => loadSection(authSection);
