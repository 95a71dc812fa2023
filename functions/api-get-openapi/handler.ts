// GET /openapi.json: the API as an OpenAPI 3.1 document (public, generated from the zod schemas).
import { apiHandler, json } from '#shared/adapters/http/api-gateway.ts';
import { openApiDocument } from '#shared/api/openapi.ts';

let document: unknown;

export function makeHandler(_deps?: unknown) {
  return apiHandler(async () => {
    document ??= openApiDocument();
    return json(200, document, { 'cache-control': 'public, max-age=300' });
  });
}

export const handler = makeHandler();
