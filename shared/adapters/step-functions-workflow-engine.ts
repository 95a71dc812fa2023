// WorkflowEngine on AWS Step Functions: one execution per batch, named after the batch id. Answering a task
// token needs no state machine ARN (the token names its execution), so workers that only resume tasks get none.
import {
  ExecutionAlreadyExists,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { WorkflowEngine } from '../app/ports.ts';
import { ConfigError, InfrastructureError } from '../errors.ts';

export class StepFunctionsWorkflowEngine implements WorkflowEngine {
  readonly #client: SFNClient;
  readonly #stateMachineArn: string | undefined;
  readonly #functionName: string;

  constructor(client: SFNClient, stateMachineArn: string | undefined, functionName: string) {
    this.#client = client;
    this.#stateMachineArn = stateMachineArn;
    this.#functionName = functionName;
  }

  async startBatchWorkflow(input: {
    companyId: string;
    batchId: string;
  }): Promise<{ executionName: string }> {
    if (!this.#stateMachineArn) {
      throw new ConfigError(
        `functions/${this.#functionName} starts batch workflows: declare startsWorkflow in shared/function-needs.ts`,
      );
    }
    try {
      await this.#client.send(
        new StartExecutionCommand({
          stateMachineArn: this.#stateMachineArn,
          name: input.batchId,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      // Same name and same input: Step Functions already runs this batch, which is what we wanted.
      if (!(error instanceof ExecutionAlreadyExists)) {
        throw new InfrastructureError('Starting the batch workflow failed', { cause: error });
      }
    }
    return { executionName: input.batchId };
  }

  async resumeTask(taskToken: string, output: unknown): Promise<void> {
    await this.#client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  }
}
