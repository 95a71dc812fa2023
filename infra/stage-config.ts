// Per-stage deployment settings, read from CDK context (`cdk.json` → context.stages.<stage>, or `-c stage=prod`).
import { z } from 'zod';

export const stageConfigSchema = z.object({
  account: z.string().optional(),
  region: z.string().default('eu-north-1'),
  /** Production retains data (table, keys) and turns on deletion protection. */
  retainData: z.boolean().default(false),
  auth: z
    .object({
      issuer: z.string().min(1).default('https://auth.envoice.example'),
      audience: z.string().min(1).default('coop-pank-connector'),
      /** key id → PEM public key of the Envoice token issuer. Empty: every token is refused. */
      publicKeys: z.record(z.string(), z.string()).default({}),
    })
    .prefault({}),
  throttle: z
    .object({
      rateLimit: z.number().positive().default(50),
      burstLimit: z.number().int().positive().default(100),
    })
    .prefault({}),
  /**
   * Bank adapter settings (shape: `bankGatewayConfigSchema` in shared/bank/config.ts). The default points at
   * an address that cannot resolve, so nothing reaches a real bank until a stage names its sandbox or live URL.
   */
  bank: z.record(z.string(), z.unknown()).default({ baseUrl: 'https://coop-pank-gateway.invalid/' }),
  workflow: z
    .object({
      acknowledgementTimeoutMinutes: z.number().int().positive().default(120),
      signingDeadlineDays: z.number().int().positive().max(30).default(5),
      /** `next-cutoff` or minutes after submission. */
      signingOverdue: z.union([z.literal('next-cutoff'), z.number().int().positive()]).default('next-cutoff'),
      maxPaymentsPerMessage: z.number().int().positive().default(1500),
    })
    .prefault({}),
  statements: z
    .object({
      dailyRequestTime: z
        .string()
        .regex(/^\d{2}:\d{2}$/)
        .default('06:00'),
    })
    .prefault({}),
  operations: z
    .object({
      emails: z.array(z.email()).default([]),
      phoneNumbers: z.array(z.string().regex(/^\+[1-9]\d{6,14}$/)).default([]),
    })
    .prefault({}),
});

export type StageConfig = z.infer<typeof stageConfigSchema> & { stage: string };

export function readStageConfig(stage: string, stages: unknown): StageConfig {
  const all = z
    .record(z.string(), z.unknown())
    .default({})
    .parse(stages ?? {});
  const parsed = stageConfigSchema.safeParse(all[stage] ?? {});
  if (!parsed.success) {
    throw new Error(`Invalid CDK context for stage "${stage}": ${z.prettifyError(parsed.error)}`);
  }
  return { ...parsed.data, stage };
}
