// Turns an HTTP request into the API Gateway REST proxy event a Lambda handler receives in AWS, including
// the authorizer context (verified caller) that the JWT authorizer adds.
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';

export interface HttpRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

export function toProxyEvent(
  request: HttpRequest,
  route: { pathTemplate: string; pathParameters: Record<string, string> },
  authorizer: Record<string, string> | undefined,
): APIGatewayProxyEvent {
  const headers = Object.fromEntries(
    Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const query = request.query && Object.keys(request.query).length > 0 ? request.query : null;
  const now = new Date();
  return {
    httpMethod: request.method.toUpperCase(),
    path: request.path,
    resource: route.pathTemplate,
    pathParameters: Object.keys(route.pathParameters).length > 0 ? route.pathParameters : null,
    queryStringParameters: query,
    multiValueQueryStringParameters: query
      ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]]))
      : null,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    body: request.body ?? null,
    isBase64Encoded: false,
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: authorizer ?? null,
      protocol: 'HTTP/1.1',
      httpMethod: request.method.toUpperCase(),
      identity: {} as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/local${request.path}`,
      stage: 'local',
      requestId: randomUUID(),
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: route.pathTemplate,
    },
  };
}
