// The local API endpoint: a plain HTTP server that hands every request to the runtime's API Gateway stand-in.
// An optional `before` handler answers local-only routes first (the docs page, `/local/*` control routes).
import { createServer, type Server } from 'node:http';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { HttpRequest } from './api-gateway-events.ts';
import type { LocalRuntime } from './runtime.ts';

/** Answers a request the deployed API does not have, or returns undefined to pass it on to the API. */
export type LocalRouteHandler = (request: HttpRequest) => Promise<APIGatewayProxyResult | undefined>;

const maxBodyBytes = 10 * 1024 * 1024;

export function startHttpServer(
  runtime: LocalRuntime,
  port: number,
  host = '127.0.0.1',
  options: { before?: LocalRouteHandler } = {},
): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        response.writeHead(413, { 'content-type': 'application/problem+json' });
        response.end(JSON.stringify({ title: 'Payload too large', status: 413 }));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', async () => {
      const url = new URL(request.url ?? '/', `http://${host}`);
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(',') : (value ?? ''),
        ]),
      );
      try {
        const httpRequest: HttpRequest = {
          method: request.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers,
          ...(chunks.length > 0 ? { body: Buffer.concat(chunks).toString('utf8') } : {}),
        };
        const result = (await options.before?.(httpRequest)) ?? (await runtime.handleHttp(httpRequest));
        response.writeHead(result.statusCode, result.headers as Record<string, string> | undefined);
        response.end(result.body);
      } catch (error) {
        console.error('Unhandled error in local API:', error);
        response.writeHead(500, { 'content-type': 'application/problem+json' });
        response.end(JSON.stringify({ title: 'Internal error', status: 500 }));
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
