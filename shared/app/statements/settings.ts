// Configuration of the statements capability as an environment section (parsed once, at cold start, by the
// composition root with `parseSection`); defaults are the values in `defaultStatementSettings`.
import { z } from 'zod';
import { defaultStatementSettings } from './ports.ts';

export const statementSettingsSection = {
  schema: z.object({
    backfillDays: z.coerce.number().int().min(1).max(92).default(defaultStatementSettings.backfillDays),
    maxDaysPerRequest: z.coerce
      .number()
      .int()
      .min(1)
      .max(92)
      .default(defaultStatementSettings.maxDaysPerRequest),
    notifyAfterAttempts: z.coerce.number().int().min(1).default(defaultStatementSettings.notifyAfterAttempts),
  }),
  variables: {
    backfillDays: 'STATEMENT_BACKFILL_DAYS',
    maxDaysPerRequest: 'STATEMENT_MAX_DAYS_PER_REQUEST',
    notifyAfterAttempts: 'STATEMENT_NOTIFY_AFTER_ATTEMPTS',
  },
};
