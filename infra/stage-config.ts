// Per-stage deployment settings, read from CDK context (`cdk.json` → context.stages.<stage>, `-c stage=prod`).
// `dev` needs none; any other stage refuses to synthesize until the settings a real deployment needs are set.
import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { bankGatewayConfigSchema } from '#shared/bank/config.ts';

/** The stage that synthesizes without configuration (and the one the local runtime synthesizes). */
export const DEV_STAGE = 'dev';
/** Defaults that cannot resolve, so an unconfigured stage never reaches a real bank or registry. */
export const UNCONFIGURED_BANK_URL = 'https://coop-pank-gateway.invalid/';
export const UNCONFIGURED_REGISTRY_URL = 'https://e-business-register.invalid/';

/**
 * The e-Business Register service the API functions ask who may represent a company. The API key is never
 * part of the configuration: it lives in Secrets Manager.
 */
/** A key the authorizer cannot load would fail every cold start: refuse it at synthesis instead. */
function isPublicKey(pem: string): boolean {
  try {
    createPublicKey(pem);
    return true;
  } catch {
    return false;
  }
}

export const registryStageConfigSchema = z.strictObject({
  /** e.g. `https://registry.example/api`; the path is appended. */
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** Path template with `{country}` and `{registryCode}` (the adapter has a default). */
  path: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().optional(),
  /** Name of an existing Secrets Manager secret holding the API key; absent: the stack creates an empty one. */
  apiKeySecretName: z.string().min(1).optional(),
});
export type RegistryStageConfig = z.infer<typeof registryStageConfigSchema>;

export const stageConfigSchema = z.strictObject({
  /** Free text for people reading cdk.json (JSON has no comments); ignored. */
  $comment: z.string().optional(),
  account: z.string().optional(),
  region: z.string().default('eu-north-1'),
  /** Retain data (table, key, archive) and turn on deletion protection. Default: true except in dev. */
  retainData: z.boolean().optional(),
  auth: z
    .strictObject({
      issuer: z.string().min(1).default('https://auth.envoice.example'),
      audience: z.string().min(1).default('coop-pank-connector'),
      /** key id → PEM public key of the Envoice token issuer. Empty: every token is refused. */
      publicKeys: z
        .record(z.string(), z.string().refine(isPublicKey, 'must be a PEM public key'))
        .default({}),
    })
    .prefault({}),
  throttle: z
    .strictObject({
      rateLimit: z.number().positive().default(50),
      burstLimit: z.number().int().positive().default(100),
    })
    .prefault({}),
  /** Bank adapter settings, passed to the workers as they are (shape: `bankGatewayConfigSchema`). */
  bank: z
    .record(z.string(), z.unknown())
    .default({ baseUrl: UNCONFIGURED_BANK_URL })
    .check((context) => {
      const parsed = bankGatewayConfigSchema.safeParse(context.value);
      for (const issue of parsed.error?.issues ?? []) {
        context.issues.push({
          code: 'custom',
          message: issue.message,
          path: issue.path,
          input: context.value,
        });
      }
    }),
  registry: registryStageConfigSchema.default({ baseUrl: UNCONFIGURED_REGISTRY_URL }),
  workflow: z
    .strictObject({
      acknowledgementTimeoutMinutes: z.number().int().positive().default(120),
      signingDeadlineDays: z.number().int().positive().max(30).default(5),
      /** `next-cutoff` or minutes after submission. */
      signingOverdue: z.union([z.literal('next-cutoff'), z.number().int().positive()]).default('next-cutoff'),
      maxPaymentsPerMessage: z.number().int().positive().default(1500),
    })
    .prefault({}),
  statements: z
    .strictObject({
      dailyRequestTime: z
        .string()
        .regex(/^\d{2}:\d{2}$/)
        .default('06:00'),
    })
    .prefault({}),
  /** Who receives the operations alarms (SNS email / SMS subscriptions). */
  operations: z
    .strictObject({
      emails: z.array(z.email()).default([]),
      phoneNumbers: z.array(z.string().regex(/^\+[1-9]\d{6,14}$/)).default([]),
    })
    .prefault({}),
});

export type StageConfig = Omit<z.infer<typeof stageConfigSchema>, '$comment' | 'retainData'> & {
  stage: string;
  retainData: boolean;
};

/** What a stage other than dev must set, each in words; empty when the stage may be synthesized. */
export function missingStageSettings(config: Omit<StageConfig, 'stage'>): string[] {
  const missing: string[] = [];
  if (Object.keys(config.auth.publicKeys).length === 0) {
    missing.push('auth.publicKeys (key id → PEM public key of the Envoice token issuer)');
  }
  if (config.bank.baseUrl === UNCONFIGURED_BANK_URL) {
    missing.push('bank.baseUrl (the Coop Pank Gateway sandbox or live URL)');
  }
  if (config.registry.baseUrl === UNCONFIGURED_REGISTRY_URL) {
    missing.push('registry.baseUrl (the e-Business Register service; API key in Secrets Manager)');
  }
  if (config.operations.emails.length === 0 && config.operations.phoneNumbers.length === 0) {
    missing.push('operations.emails or operations.phoneNumbers (at least one contact for alarms)');
  }
  return missing;
}

/**
 * The settings of `stage` from the `stages` context object. Refuses a stage other than dev that misses any
 * setting a deployment needs, naming all of them in one message.
 */
/** A stage whose configuration is invalid or incomplete: the message says what to set. */
export class StageConfigError extends Error {
  override name = 'StageConfigError';
}

export function readStageConfig(stage: string, stages: unknown): StageConfig {
  const all = z
    .record(z.string(), z.unknown())
    .default({})
    .parse(stages ?? {});
  const parsed = stageConfigSchema.safeParse(all[stage] ?? {});
  if (!parsed.success) {
    throw new StageConfigError(`Invalid CDK context for stage "${stage}": ${z.prettifyError(parsed.error)}`);
  }
  const { $comment: _comment, retainData, ...settings } = parsed.data;
  const config: StageConfig = { ...settings, retainData: retainData ?? stage !== DEV_STAGE, stage };
  const missing = stage === DEV_STAGE ? [] : missingStageSettings(config);
  if (missing.length > 0) {
    throw new StageConfigError(
      [
        `Stage "${stage}" is not configured. Set in cdk.json context.stages.${stage}:`,
        ...missing.map((item) => `  - ${item}`),
        'cdk.json context.stageExamples.prod shows every setting (synthesize it with -c stage=prod -c useExample=true).',
      ].join('\n'),
    );
  }
  return config;
}
