// Wire helpers shared by the emulated services: who is calling (SigV4 credential scope), the three error
// shapes the SDK's protocols parse (JSON, Query XML, S3 XML), and asking `authorize` for a list of calls.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AwsCall, LocalAwsOptions } from './types.ts';

export interface AwsRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: Buffer;
  accessKeyId: string;
  /** Service name from the credential scope; empty when the request is not SigV4-signed. */
  service: string;
  requestId: string;
}

export interface ServiceContext {
  options: LocalAwsOptions;
}

/** `Credential=<key>/<date>/<region>/<service>/aws4_request` from the Authorization header or the query. */
export function credentialScope(
  headers: IncomingMessage['headers'],
  url: URL,
): { accessKeyId: string; region: string; service: string } | undefined {
  const header = headers.authorization ?? '';
  const credential =
    /Credential=([^,\s]+)/.exec(header)?.[1] ?? url.searchParams.get('X-Amz-Credential') ?? undefined;
  if (!credential) return undefined;
  const [accessKeyId, , region, service] = credential.split('/');
  if (!accessKeyId || !region || !service) return undefined;
  return { accessKeyId, region, service };
}

export function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer = '',
): void {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...headers, 'content-length': String(payload.byteLength) });
  res.end(payload);
}

export function sendJson(
  res: ServerResponse,
  req: AwsRequest,
  contentType: string,
  value: unknown,
  status = 200,
): void {
  send(
    res,
    status,
    { 'content-type': contentType, 'x-amzn-requestid': req.requestId },
    JSON.stringify(value, jsonDates),
  );
}

/** JSON protocols carry timestamps as epoch seconds. */
function jsonDates(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Date ? raw.getTime() / 1000 : value;
}

/** An error in the awsJson 1.0/1.1 shape: the SDK takes the code from `x-amzn-ErrorType`/`__type`. */
export function sendJsonError(
  res: ServerResponse,
  req: AwsRequest,
  contentType: string,
  status: number,
  code: string,
  message: string,
): void {
  send(
    res,
    status,
    { 'content-type': contentType, 'x-amzn-errortype': code, 'x-amzn-requestid': req.requestId },
    JSON.stringify({ __type: code, message, Message: message }),
  );
}

export function xmlEscape(value: string): string {
  return value.replace(
    /[<>&'"]/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[c]};`,
  );
}

/** An AWS Query protocol error (SNS): `<ErrorResponse><Error><Type/><Code/><Message/></Error>`. */
export function sendQueryError(
  res: ServerResponse,
  req: AwsRequest,
  xmlns: string,
  status: number,
  code: string,
  message: string,
): void {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  send(
    res,
    status,
    { 'content-type': 'text/xml', 'x-amzn-requestid': req.requestId },
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${req.requestId}</RequestId></ErrorResponse>`,
  );
}

/** An S3 REST XML error: `<Error><Code/><Message/>...</Error>`; HEAD responses carry no body. */
export function sendS3Error(
  res: ServerResponse,
  req: AwsRequest,
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
): void {
  const headers = { 'content-type': 'application/xml', 'x-amz-request-id': req.requestId };
  if (req.method === 'HEAD') {
    send(res, status, headers);
    return;
  }
  const fields = Object.entries(extra)
    .map(([name, value]) => `<${name}>${xmlEscape(value)}</${name}>`)
    .join('');
  send(
    res,
    status,
    headers,
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message>${fields}<RequestId>${req.requestId}</RequestId></Error>`,
  );
}

/** The error for anything this endpoint does not emulate, in whichever shape the caller's protocol reads. */
export function sendNotEmulated(res: ServerResponse, req: AwsRequest, operation: string): void {
  const service = req.service || 'unknown service';
  const message = `${service} ${operation} is not emulated locally (infra/local/aws); add it there or avoid the call`;
  const contentType = String(req.headers['content-type'] ?? '');
  if (contentType.startsWith('application/x-amz-json')) {
    sendJsonError(res, req, contentType, 400, 'NotEmulatedLocally', message);
  } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
    sendQueryError(res, req, 'https://local.aws/', 400, 'NotEmulatedLocally', message);
  } else {
    sendS3Error(res, req, 400, 'NotEmulatedLocally', message);
  }
}

export function newRequestId(): string {
  return randomUUID();
}

export interface Denial {
  call: AwsCall;
  message: string;
}

/** Asks `authorize` for every pair in order and returns the first denial (AWS stops at the first too). */
export async function firstDenial(
  options: LocalAwsOptions,
  req: AwsRequest,
  operation: string,
  pairs: readonly { action: string; resource: string; context?: Record<string, string> }[],
): Promise<Denial | undefined> {
  for (const pair of pairs) {
    const call: AwsCall = {
      accessKeyId: req.accessKeyId,
      service: req.service,
      operation,
      action: pair.action,
      resource: pair.resource,
      ...(pair.context ? { context: pair.context } : {}),
    };
    const verdict = await options.authorize(call);
    if (!verdict.allowed) return { call, message: verdict.message };
  }
  return undefined;
}

/** An error a handler throws to answer with a service error code (mapped to the service's wire shape). */
export class ServiceError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.code = code;
    this.status = status;
  }
}
