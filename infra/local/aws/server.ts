// One local HTTP endpoint for every AWS service our functions call (AWS_ENDPOINT_URL): requests are routed
// by the SigV4 credential scope's service name, and the access key id says which function is calling.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleDynamoDb } from './dynamodb.ts';
import { handleEventBridge } from './eventbridge.ts';
import { handleS3 } from './s3.ts';
import { handleSecretsManager } from './secrets-manager.ts';
import { handleSns, SnsSubscriptionStore } from './sns.ts';
import { handleStepFunctions } from './step-functions.ts';
import type { LocalAws, LocalAwsOptions } from './types.ts';
import {
  type AwsRequest,
  credentialScope,
  newRequestId,
  type ServiceContext,
  sendJsonError,
  sendNotEmulated,
  sendQueryError,
  sendS3Error,
} from './wire.ts';

const maxBody = 64 * 1024 * 1024;

function readBody(message: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    message.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBody) {
        reject(new Error(`request body over ${maxBody} bytes`));
        message.destroy();
        return;
      }
      chunks.push(chunk);
    });
    message.on('end', () => resolve(Buffer.concat(chunks)));
    message.on('error', reject);
  });
}

function operationName(req: AwsRequest): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop() ?? target;
  const action = new URLSearchParams(req.body.toString('utf8')).get('Action');
  return action ?? `${req.method} ${req.url.pathname}`;
}

/** Answers an unexpected failure in the caller's protocol shape, so the SDK reports it instead of hanging. */
function sendInternal(res: ServerResponse, req: AwsRequest, error: unknown): void {
  const message = `local ${req.service} endpoint failed: ${(error as Error)?.message ?? String(error)}`;
  const contentType = String(req.headers['content-type'] ?? '');
  if (res.headersSent) {
    res.destroy();
  } else if (contentType.startsWith('application/x-amz-json')) {
    sendJsonError(res, req, contentType, 500, 'InternalFailure', message);
  } else if (req.service === 'sns') {
    sendQueryError(res, req, 'http://sns.amazonaws.com/doc/2010-03-31/', 500, 'InternalError', message);
  } else {
    sendS3Error(res, req, 500, 'InternalError', message);
  }
}

export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const ctx: ServiceContext = { options };
  const subscriptions = new SnsSubscriptionStore(options.dataDir);

  const server = createServer(async (message, res) => {
    const url = new URL(message.url ?? '/', 'http://local');
    const scope = credentialScope(message.headers, url);
    let body: Buffer;
    try {
      body = await readBody(message);
    } catch {
      res.destroy();
      return;
    }
    const req: AwsRequest = {
      method: message.method ?? 'GET',
      url,
      headers: message.headers,
      body,
      accessKeyId: scope?.accessKeyId ?? '',
      service: scope?.service ?? '',
      requestId: newRequestId(),
    };
    try {
      switch (req.service) {
        case 'dynamodb':
          await handleDynamoDb(ctx, req, res);
          break;
        case 'states':
          await handleStepFunctions(ctx, req, res);
          break;
        case 'sns':
          await handleSns(ctx, subscriptions, req, res);
          break;
        case 'events':
          await handleEventBridge(ctx, req, res);
          break;
        case 's3':
          await handleS3(ctx, req, res);
          break;
        case 'secretsmanager':
          await handleSecretsManager(ctx, req, res);
          break;
        default:
          sendNotEmulated(
            res,
            req,
            scope ? operationName(req) : `${operationName(req)} (request has no SigV4 credential scope)`,
          );
      }
    } catch (error) {
      sendInternal(res, req, error);
    }
  });
  // Keep-alive sockets from SDK clients in worker threads must not hold `close()` open.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    sns: { subscriptions: (topicArn?: string) => subscriptions.list(topicArn) },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
