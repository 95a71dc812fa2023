// Workflow step RecordFailure: every failure path ends here with a recorded status and a notification.

import { z } from 'zod';
import { wire } from '#shared/adapters/wiring.ts';
import { batchRefSchema, workflowTask } from '#shared/adapters/workflow-task.ts';
import { type BatchWorkflowDependencies, recordBatchFailure } from '#shared/app/batch-workflow.ts';

/** Step Functions' Catch output: `{ Error, Cause }` under `$.failure`. */
const input = batchRefSchema.extend({
  failure: z.object({ Error: z.string().default('States.TaskFailed'), Cause: z.string().optional() }).loose(),
});

export function makeHandler(deps: BatchWorkflowDependencies) {
  return workflowTask(input, 'RecordFailure', ({ companyId, batchId, failure }) =>
    recordBatchFailure(deps, { companyId, batchId, error: failure.Error, cause: failure.Cause }),
  );
}

export const handler = makeHandler(wire('record-batch-failure'));
