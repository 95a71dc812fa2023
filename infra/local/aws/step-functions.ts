// Step Functions (awsJson 1.0): the operations our functions call, delegated to the local workflow engine.
// Task-token actions have no IAM resource type, so AWS evaluates them against `*` (Service Authorization
// Reference, states: SendTaskSuccess/SendTaskFailure/SendTaskHeartbeat list no resource types).
import type { ServerResponse } from 'node:http';
import type { LocalWorkflowEndpoint } from './types.ts';
import {
  type AwsRequest,
  firstDenial,
  type ServiceContext,
  ServiceError,
  sendJson,
  sendJsonError,
  sendNotEmulated,
} from './wire.ts';

const contentType = 'application/x-amz-json-1.0';
type Body = Record<string, unknown>;

function text(body: Body, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') {
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function optionalText(body: Body, field: string): string | undefined {
  const value = body[field];
  return typeof value === 'string' ? value : undefined;
}

interface Operation {
  resource(body: Body): string;
  run(workflow: LocalWorkflowEndpoint, body: Body): Promise<unknown>;
}

const operations: Record<string, Operation> = {
  StartExecution: {
    resource: (body) => text(body, 'stateMachineArn'),
    async run(workflow, body) {
      const name = optionalText(body, 'name');
      const input = optionalText(body, 'input');
      const started = await workflow.startExecution({
        stateMachineArn: text(body, 'stateMachineArn'),
        ...(name !== undefined ? { name } : {}),
        ...(input !== undefined ? { input } : {}),
      });
      return { executionArn: started.executionArn, startDate: started.startDate };
    },
  },
  SendTaskSuccess: {
    resource: () => '*',
    async run(workflow, body) {
      await workflow.sendTaskSuccess(text(body, 'taskToken'), text(body, 'output'));
      return {};
    },
  },
  SendTaskFailure: {
    resource: () => '*',
    async run(workflow, body) {
      await workflow.sendTaskFailure(
        text(body, 'taskToken'),
        optionalText(body, 'error'),
        optionalText(body, 'cause'),
      );
      return {};
    },
  },
  SendTaskHeartbeat: {
    resource: () => '*',
    async run(workflow, body) {
      if (!workflow.sendTaskHeartbeat) throw new NotSupported();
      await workflow.sendTaskHeartbeat(text(body, 'taskToken'));
      return {};
    },
  },
  DescribeExecution: {
    resource: (body) => text(body, 'executionArn'),
    async run(workflow, body) {
      if (!workflow.describeExecution) throw new NotSupported();
      return workflow.describeExecution(text(body, 'executionArn'));
    },
  },
};

class NotSupported extends Error {}

export async function handleStepFunctions(
  ctx: ServiceContext,
  req: AwsRequest,
  res: ServerResponse,
): Promise<void> {
  const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
  const spec = operations[operation];
  const workflow = ctx.options.workflow;
  if (!spec || !workflow) {
    sendNotEmulated(res, req, workflow ? operation : `${operation} (no local workflow engine configured)`);
    return;
  }
  try {
    const body = (req.body.length > 0 ? JSON.parse(req.body.toString('utf8')) : {}) as Body;
    const denial = await firstDenial(ctx.options, req, operation, [
      { action: `states:${operation}`, resource: spec.resource(body) },
    ]);
    if (denial) throw new ServiceError('AccessDeniedException', denial.message);
    sendJson(res, req, contentType, await spec.run(workflow, body));
  } catch (error) {
    if (error instanceof NotSupported) {
      sendNotEmulated(res, req, `${operation} (the local workflow engine does not implement it)`);
    } else if (error instanceof ServiceError) {
      sendJsonError(res, req, contentType, error.status, error.code, error.message);
    } else if (error instanceof SyntaxError) {
      sendJsonError(res, req, contentType, 400, 'SerializationException', 'The request body is not JSON');
    } else {
      // The workflow engine names Step Functions error codes in `name` (ExecutionAlreadyExists, TaskDoesNotExist...).
      const named = error as { name?: string; message?: string };
      const code = named.name && named.name !== 'Error' ? named.name : undefined;
      if (code) sendJsonError(res, req, contentType, 400, code, named.message ?? code);
      else sendJsonError(res, req, contentType, 500, 'InternalFailure', String(named.message ?? error));
    }
  }
}
