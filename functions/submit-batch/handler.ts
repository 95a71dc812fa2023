// Workflow step SubmitToBank: sends the batch's pain.001 message(s); safe to run again (same MsgIds).

import { z } from 'zod';
import { wire } from '#shared/adapters/wiring.ts';
import { batchRefSchema, workflowTask } from '#shared/adapters/workflow-task.ts';
import { type BatchWorkflowDependencies, submitBatch } from '#shared/app/batch-workflow.ts';

export function makeHandler(deps: BatchWorkflowDependencies) {
  return workflowTask(batchRefSchema.extend({ executionName: z.string().min(1) }), 'SubmitToBank', (input) =>
    submitBatch(deps, input),
  );
}

export const handler = makeHandler(wire('submit-batch'));
