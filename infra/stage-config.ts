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
