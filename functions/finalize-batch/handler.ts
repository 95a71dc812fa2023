// Workflow step Finalize: completed, partially completed or rejected, from the payments' final statuses.

import { wire } from '#shared/adapters/wiring.ts';
import { batchRefSchema, workflowTask } from '#shared/adapters/workflow-task.ts';
import { type BatchWorkflowDependencies, finalizeBatch } from '#shared/app/batch-workflow.ts';

export function makeHandler(deps: BatchWorkflowDependencies) {
  return workflowTask(batchRefSchema, 'Finalize', (input) => finalizeBatch(deps, input));
}

export const handler = makeHandler(wire('finalize-batch'));
