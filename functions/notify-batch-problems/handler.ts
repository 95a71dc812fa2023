// Workflow step NotifyProblems: rejected payments and partially rejected batches, each told once.

import { lazyHandler } from '#shared/adapters/aws-dependencies.ts';
import { awsWorkerDependencies } from '#shared/adapters/aws-worker-dependencies.ts';
import { batchRefSchema, workflowTask } from '#shared/adapters/workflow-task.ts';
import { type BatchWorkflowDependencies, notifyBatchProblems } from '#shared/app/batch-workflow.ts';

export function makeHandler(deps: BatchWorkflowDependencies) {
  return workflowTask(batchRefSchema, 'NotifyProblems', (input) => notifyBatchProblems(deps, input));
}

export const handler = lazyHandler(() => makeHandler(awsWorkerDependencies()));
