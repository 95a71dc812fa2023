// Workflow step NotifyProblems: rejected payments and partially rejected batches, each told once.

import { wire } from '#shared/adapters/wiring.ts';
import { batchRefSchema, workflowTask } from '#shared/adapters/workflow-task.ts';
import { type BatchWorkflowDependencies, notifyBatchProblems } from '#shared/app/batch-workflow.ts';

export function makeHandler(deps: BatchWorkflowDependencies) {
  return workflowTask(batchRefSchema, 'NotifyProblems', (input) => notifyBatchProblems(deps, input));
}

export const handler = makeHandler(wire('notify-batch-problems'));
