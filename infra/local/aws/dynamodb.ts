// DynamoDB: every request is checked against the caller's IAM policies (the actions AWS evaluates for that
// operation, on the tables and indexes it touches), then forwarded unchanged to DynamoDB Local.
import { Agent, request as httpRequest, type ServerResponse } from 'node:http';
import { type AwsRequest, firstDenial, type ServiceContext, sendJsonError, sendNotEmulated } from './wire.ts';

const contentType = 'application/x-amz-json-1.0';

export interface DynamoDbPermission {
  action: string;
  resource: string;
}

type Body = Record<string, unknown>;

function tableArn(region: string, account: string, table: string): string {
  // TableName may already be a table ARN (DynamoDB accepts both).
  return table.startsWith('arn:') ? table : `arn:aws:dynamodb:${region}:${account}:table/${table}`;
}

const transactActions: Record<string, string> = {
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  Get: 'dynamodb:GetItem',
};

/** PartiQL needs the statement parsed to know its tables; not emulated rather than guessed. */
const unsupported = new Set(['ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction']);

/**
 * The (action, resource) pairs AWS evaluates for one DynamoDB call. Transactions have no action of their
 * own: each item needs its item action. Batch calls need the batch action on every table they name.
 */
export function dynamoDbPermissions(
  operation: string,
  body: Body,
  region: string,
  account: string,
): DynamoDbPermission[] {
  const arn = (table: string) => tableArn(region, account, table);
  const pairs: DynamoDbPermission[] = [];
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    for (const item of (body.TransactItems as Body[] | undefined) ?? []) {
      for (const [kind, spec] of Object.entries(item)) {
        const action = transactActions[kind];
        const table = (spec as Body | undefined)?.TableName;
        if (action && typeof table === 'string') pairs.push({ action, resource: arn(table) });
      }
    }
  } else if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    for (const table of Object.keys((body.RequestItems as Body | undefined) ?? {})) {
      pairs.push({ action: `dynamodb:${operation}`, resource: arn(table) });
    }
  } else if (typeof body.TableName === 'string') {
    const index =
      (operation === 'Query' || operation === 'Scan') && typeof body.IndexName === 'string'
        ? `/index/${body.IndexName}`
        : '';
    pairs.push({ action: `dynamodb:${operation}`, resource: `${arn(body.TableName)}${index}` });
  } else {
    pairs.push({ action: `dynamodb:${operation}`, resource: '*' });
  }
  // One check per distinct pair, in first-seen order.
  const seen = new Set<string>();
  return pairs.filter((pair) => {
    const key = `${pair.action} ${pair.resource}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export async function handleDynamoDb(
  ctx: ServiceContext,
  req: AwsRequest,
  res: ServerResponse,
): Promise<void> {
  const target = String(req.headers['x-amz-target'] ?? '');
  const operation = target.split('.')[1] ?? '';
  ctx.options.onDynamoDbRequest?.(operation);
  if (!operation || unsupported.has(operation)) {
    sendNotEmulated(res, req, operation || '(no X-Amz-Target)');
    return;
  }
  let body: Body;
  try {
    body = req.body.length > 0 ? (JSON.parse(req.body.toString('utf8')) as Body) : {};
  } catch {
    sendJsonError(res, req, contentType, 400, 'SerializationException', 'The request body is not JSON');
    return;
  }
  const { region, account } = ctx.options;
  const denial = await firstDenial(
    ctx.options,
    req,
    operation,
    dynamoDbPermissions(operation, body, region, account),
  );
  if (denial) {
    sendJsonError(res, req, contentType, 400, 'AccessDeniedException', denial.message);
    return;
  }
  await forward(ctx.options.dynamoDbEndpoint, req, res);
}

function forward(endpoint: string, req: AwsRequest, res: ServerResponse): Promise<void> {
  const target = new URL(endpoint);
  const headers = { ...req.headers, host: target.host, 'content-length': String(req.body.byteLength) };
  return new Promise((resolve) => {
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: req.url.pathname,
        method: req.method,
        headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', () => resolve());
      },
    );
    upstream.on('error', (error) => {
      // 500: the SDK retries, as it would a DynamoDB hiccup; the message says what is really wrong.
      sendJsonError(
        res,
        req,
        contentType,
        500,
        'InternalServerError',
        `DynamoDB Local at ${endpoint} did not answer: ${error.message}`,
      );
      resolve();
    });
    upstream.end(req.body);
  });
}
