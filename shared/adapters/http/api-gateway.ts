// Edge of the REST API: authenticated caller from the authorizer context, zod-validated input, and errors
// mapped to RFC 9457 problem+json. No stack trace or internal message ever reaches a response.
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import { ForbiddenError, RateLimitedError, UnprocessableError } from '../../app/errors.ts';
import { AppError, ConflictError, DomainError, NotFoundError, ValidationError } from '../../errors.ts';
import { parseInput } from '../../validation.ts';

export interface Caller {
  companyId: string;
  userId: string;
  personalCode?: string | undefined;
  roles: string[];
}

export class AuthenticationError extends AppError {
  override name = 'AuthenticationError';
  constructor(message = 'A valid Envoice token is required') {
    super('unauthenticated', message);
  }
}

/**
 * The caller as established by the API's JWT authorizer. The company comes from the verified token only,
 * never from the path or body.
 */
export function callerOf(event: APIGatewayProxyEvent): Caller {
  const context = (event.requestContext?.authorizer ?? {}) as Record<string, unknown>;
  const companyId = context.companyId;
  const userId = context.userId;
  if (typeof companyId !== 'string' || companyId === '' || typeof userId !== 'string' || userId === '') {
    throw new AuthenticationError();
  }
  const roles = typeof context.roles === 'string' && context.roles !== '' ? context.roles.split(',') : [];
  const personalCode = typeof context.personalCode === 'string' ? context.personalCode : undefined;
  return { companyId, userId, personalCode, roles };
}

export function parseBody<Schema extends z.ZodType>(
  event: APIGatewayProxyEvent,
  schema: Schema,
): z.infer<Schema> {
  let json: unknown;
  try {
    json = event.body
      ? JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString() : event.body)
      : {};
  } catch {
    throw new ValidationError('The request body is not valid JSON', [{ path: '', message: 'invalid JSON' }]);
  }
  return parseInput(json, schema, 'The request body is invalid');
}

export function pathParameter(event: APIGatewayProxyEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value)
    throw new ValidationError(`Missing path parameter ${name}`, [{ path: name, message: 'required' }]);
  return value;
}

/** Query string parameters parsed with a zod object (unknown parameters are refused with their name). */
export function parseQuery<Schema extends z.ZodType>(
  event: APIGatewayProxyEvent,
  schema: Schema,
): z.infer<Schema> {
  return parseInput(event.queryStringParameters ?? {}, schema, 'The query parameters are invalid');
}

/** A required request header (case-insensitive), checked with a zod schema; the field path is the header name. */
export function parseHeader<Schema extends z.ZodType>(
  event: APIGatewayProxyEvent,
  name: string,
  schema: Schema,
): z.infer<Schema> {
  const wanted = name.toLowerCase();
  const value = Object.entries(event.headers ?? {}).find(([header]) => header.toLowerCase() === wanted)?.[1];
  if (value === undefined || value === '') {
    throw new ValidationError(`The ${name} header is required`, [{ path: name, message: 'required' }]);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ValidationError(
      `The ${name} header is invalid`,
      parsed.error.issues.map((issue) => ({ path: name, message: issue.message })),
    );
  }
  return parsed.data;
}

export function noContent(): APIGatewayProxyResult {
  return { statusCode: 204, headers: {}, body: '' };
}

export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

interface ProblemMapping {
  status: number;
  title: string;
}

function problemFor(error: unknown): {
  mapping: ProblemMapping;
  detail: string;
  extra: Record<string, unknown>;
} {
  if (error instanceof ValidationError) {
    return {
      mapping: { status: 400, title: 'Invalid request' },
      detail: error.message,
      extra: { errors: error.issues },
    };
  }
  if (error instanceof AuthenticationError) {
    return { mapping: { status: 401, title: 'Unauthenticated' }, detail: error.message, extra: {} };
  }
  if (error instanceof ForbiddenError) {
    return {
      mapping: { status: 403, title: 'Forbidden' },
      detail: error.message,
      extra: { code: error.code },
    };
  }
  if (error instanceof UnprocessableError) {
    return {
      mapping: { status: 422, title: 'Unprocessable request' },
      detail: error.message,
      extra: { code: error.code, ...(error.issues.length > 0 ? { errors: error.issues } : {}) },
    };
  }
  if (error instanceof RateLimitedError) {
    return {
      mapping: { status: 429, title: 'Too many requests' },
      detail: error.message,
      extra: { code: error.code, retryAfterSeconds: error.retryAfterSeconds },
    };
  }
  if (error instanceof NotFoundError) {
    return { mapping: { status: 404, title: 'Not found' }, detail: error.message, extra: {} };
  }
  if (error instanceof ConflictError || error instanceof DomainError) {
    return {
      mapping: { status: 409, title: 'Conflict' },
      detail: error.message,
      extra: { code: error.code },
    };
  }
  return {
    mapping: { status: 500, title: 'Internal error' },
    detail: 'Something went wrong on our side. Try again later.',
    extra: {},
  };
}

export function problemResponse(error: unknown, instance?: string): APIGatewayProxyResult {
  const { mapping, detail, extra } = problemFor(error);
  const code = error instanceof AppError ? error.code : 'internal_error';
  return {
    statusCode: mapping.status,
    headers: {
      'content-type': 'application/problem+json',
      ...(error instanceof RateLimitedError ? { 'retry-after': String(error.retryAfterSeconds) } : {}),
    },
    body: JSON.stringify({
      type: `https://docs.envoice.example/problems/${code}`,
      title: mapping.title,
      status: mapping.status,
      detail,
      ...(instance ? { instance } : {}),
      ...extra,
    }),
  };
}

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * An unexpected error as one structured ERROR line (name and code, never the request body), so a metric filter
 * can count it and an operator can find it by request id.
 */
export function logUnexpectedError(
  error: unknown,
  requestId: string | undefined,
  path: string | undefined,
): void {
  const failure = error instanceof Error ? error : new Error(String(error));
  console.error(
    JSON.stringify({
      level: 'ERROR',
      message: 'Unexpected error in API handler',
      requestId,
      path,
      error: {
        name: failure.name,
        code: (failure as { code?: unknown }).code,
        message: failure.message,
        cause:
          failure.cause instanceof Error
            ? { name: failure.cause.name, message: failure.cause.message }
            : undefined,
        stack: failure.stack,
      },
    }),
  );
}

/** Wraps a handler so that every thrown error becomes a problem+json response (logged when unexpected). */
export function apiHandler(
  handle: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>,
  onUnexpected: (
    error: unknown,
    requestId: string | undefined,
    path: string | undefined,
  ) => void = logUnexpectedError,
): ApiHandler {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .onError(function mapErrorToProblem(request) {
      const error = request.error;
      if (!(error instanceof AppError) || problemFor(error).mapping.status >= 500) {
        onUnexpected(
          error,
          (request.context as { awsRequestId?: string } | undefined)?.awsRequestId,
          request.event.path,
        );
      }
      request.response = problemResponse(error, request.event.path);
    })
    .handler(function handleApiRequest(event) {
      return handle(event);
    }) as unknown as ApiHandler;
}
