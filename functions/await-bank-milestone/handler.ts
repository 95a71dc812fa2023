// Workflow steps AwaitBankAcknowledgement / AwaitAuthorizationAndExecution: park the task token on the batch.

import { z } from 'zod';
import { wire } from '#shared/adapters/wiring.ts';
import { batchRefSchema, workflowTask } from '#shared/adapters/workflow-task.ts';
import { awaitMilestone, type BatchWorkflowDependencies } from '#shared/app/batch-workflow.ts';

const input = batchRefSchema.extend({
  milestone: z.enum(['acknowledged', 'final']),
  taskToken: z.string().min(1),
});

export function makeHandler(deps: BatchWorkflowDependencies) {
  return workflowTask(input, 'AwaitBankMilestone', (event) => awaitMilestone(deps, event));
}

export const handler = makeHandler(wire('await-bank-milestone'));
