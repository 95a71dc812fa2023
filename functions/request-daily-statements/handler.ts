// Scheduled (06:00 Europe/Tallinn): asks the bank for the previous day's statements and for missing days.
import { z } from 'zod';
import { wire } from '#shared/adapters/wiring.ts';
import {
  type DailyStatementDependencies,
  requestDailyStatements,
} from '#shared/app/statements/daily-statement-requests.ts';
import { parseInput } from '#shared/validation.ts';

/** The schedule's input: `{"scheduledTime": "<aws.scheduler.scheduled-time>"}` (absent when run by hand). */
const requestDailyStatementsInput = z
  .object({ scheduledTime: z.iso.datetime({ offset: true }).optional() })
  .loose();

export function makeHandler(deps: DailyStatementDependencies) {
  return async (event: unknown) => {
    const input = parseInput(event ?? {}, requestDailyStatementsInput, 'Invalid daily statements input');
    const outcome = await requestDailyStatements(deps, {
      now: input.scheduledTime ? new Date(input.scheduledTime) : undefined,
    });
    return {
      runDate: outcome.runDate,
      accounts: outcome.accounts.length,
      requests: outcome.accounts.reduce((sum, account) => sum + account.requested.length, 0),
      notified: outcome.accounts.reduce((sum, account) => sum + account.notified.length, 0),
    };
  };
}

export const handler = makeHandler(wire('request-daily-statements'));
