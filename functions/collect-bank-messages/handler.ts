// Every minute (and right after a submission): drains the bank's message queue within a time budget.

import { type Dependencies, wire } from '#shared/adapters/wiring.ts';
import { collectBankMessages } from '#shared/app/collect-bank-messages.ts';

export function makeHandler(deps: Dependencies) {
  return async function collect() {
    const run = await collectBankMessages(deps, { budgetMs: deps.collector.budgetMs });
    deps.observeCollectorRun?.(run);
    // A run the bank cut short counts as a failed invocation, so the collector-errors alarm sees it.
    if (run.stoppedBecause === 'retry-later' && run.processed === 0 && run.quarantined === 0) {
      throw new Error(`Collector made no progress: ${JSON.stringify(run)}`);
    }
    return run;
  };
}

export const handler = makeHandler(wire('collect-bank-messages'));
