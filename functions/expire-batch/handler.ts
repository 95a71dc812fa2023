// Workflow step ExpireBatch: the signing deadline passed; unexecuted payments expire and people are told.

import { wire } from '#shared/adapters/wiring.ts';
import { batchRefSchema, workflowTask } from '#shared/adapters/workflow-task.ts';
import { type BatchWorkflowDependencies, expireBatch } from '#shared/app/batch-workflow.ts';

export function makeHandler(deps: BatchWorkflowDependencies) {
  return workflowTask(batchRefSchema, 'ExpireBatch', (input) => expireBatch(deps, input));
}

export const handler = makeHandler(wire('expire-batch'));
