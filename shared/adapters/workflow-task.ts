// Workflow task handlers: validate the state's input with zod, run one use case, return its result.
// Errors keep their names, which the state machine's Retry and Catch rules match on.
import { z } from 'zod';
import { parseInput } from '../validation.ts';

export const batchRefSchema = z.object({ companyId: z.string().min(1), batchId: z.string().min(1) });

export function workflowTask<Schema extends z.ZodType, Result>(
  schema: Schema,
  step: string,
  run: (input: z.infer<Schema>) => Promise<Result>,
): (event: unknown) => Promise<Result> {
  return async function runWorkflowTask(event: unknown) {
    return run(parseInput(event, schema, `Invalid input for workflow step ${step}`));
  };
}
