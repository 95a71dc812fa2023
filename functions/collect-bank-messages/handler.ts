// Every minute (and right after a submission): drains the bank's message queue within a time budget. An
// operator may invoke it by hand with `{"maxMessages": n}` to take only the next n messages.
import { z } from 'zod';
import { type Dependencies, wire } from '#shared/adapters/wiring.ts';
import { collectBankMessages } from '#shared/app/collect-bank-messages.ts';
import { parseInput } from '#shared/validation.ts';

/** Scheduler and workflow events carry other fields; only `maxMessages` is ours. */
const collectInput = z.object({ maxMessages: z.number().int().positive().optional() }).loose();

export function makeHandler(deps: Dependencies) {
  return async function collect(event: unknown) {
    const input = parseInput(event ?? {}, collectInput, 'Invalid collector input');
    const run = await collectBankMessages(deps, {
      budgetMs: deps.collector.budgetMs,
      ...(input.maxMessages !== undefined ? { maxMessages: input.maxMessages } : {}),
    });
    deps.observeCollectorRun(run);
    // A run the bank cut short counts as a failed invocation, so the collector-errors alarm sees it.
    if (run.stoppedBecause === 'retry-later' && run.processed === 0 && run.quarantined === 0) {
      throw new Error(`Collector made no progress: ${JSON.stringify(run)}`);
    }
    return run;
  };
}

export const handler = makeHandler(wire('collect-bank-messages'));
