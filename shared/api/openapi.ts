// Generates the OpenAPI 3.1 document from the route table and the zod request schemas (JSON Schema 2020-12,
// which OpenAPI 3.1 uses as is).
import { z } from 'zod';
import { responseRegistry } from './responses.ts';
import { type ApiRouteDefinition, apiRoutes } from './routes.ts';
import { idempotencyKeySchema } from './schemas.ts';

type JsonObject = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): JsonObject {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonObject;
  return rest;
}

/** components/schemas: every named response schema, referring to each other by `$ref`. */
function componentSchemas(): Record<string, JsonObject> {
  const { schemas } = z.toJSONSchema(responseRegistry, {
    uri: (id) => `#/components/schemas/${id}`,
    io: 'output',
    unrepresentable: 'any',
  }) as { schemas: Record<string, JsonObject> };
  const components: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _schema, $id: _id, ...rest } = schema;
    components[id] = rest;
  }
  return components;
}

function responseRef(schema: z.ZodType | undefined): JsonObject {
  const id = schema ? responseRegistry.get(schema)?.id : undefined;
  if (!id) throw new Error('Every route with a body answers with a named schema of shared/api/responses.ts');
  return { $ref: `#/components/schemas/${id}` };
}

const errorStatuses: Record<string, string> = {
  '400': 'Invalid request: the body, a parameter or a header is malformed (field paths in `errors`)',
  '401': 'No valid Envoice token',
  '403': 'The caller may not do this (role, representation rights)',
  '404': 'Not found for the caller’s company',
  '409': 'Conflicts with the current state (see `code`)',
  '422': 'Well formed but cannot be processed (see `code` and `errors`)',
  '429': 'Too many requests; retry after the Retry-After header',
};

function operation(route: ApiRouteDefinition): JsonObject {
  const parameters: JsonObject[] = [];
  for (const match of route.path.matchAll(/\{([^}]+)\}/g)) {
    parameters.push({ name: match[1], in: 'path', required: true, schema: { type: 'string', minLength: 1 } });
  }
  if (route.query) {
    const shape = route.query.shape as Record<string, z.ZodType>;
    for (const [name, schema] of Object.entries(shape)) {
      parameters.push({
        name,
        in: 'query',
        required: !schema.safeParse(undefined).success,
        schema: jsonSchema(schema),
      });
    }
  }
  if (route.idempotencyKey) {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: true,
      description:
        'A new unique key per intended request; a repeat with the same key and body returns the first answer',
      schema: jsonSchema(idempotencyKeySchema),
    });
  }
  const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
  const responses: JsonObject = {
    [String(route.success)]:
      route.success === 204
        ? { description: 'Done' }
        : {
            description: 'Success',
            content: { 'application/json': { schema: responseRef(route.response) } },
          },
  };
  for (const [status, description] of Object.entries(errorStatuses)) {
    if (route.public && status !== '429') continue;
    responses[status] = { description, content: problem };
  }
  return {
    operationId: route.constructId.charAt(0).toLowerCase() + route.constructId.slice(1),
    summary: route.summary,
    tags: [route.tag],
    ...(route.public ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(route.body) } },
          },
        }
      : {}),
    responses,
  };
}

export function openApiDocument(): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of apiRoutes) {
    paths[route.path] ??= {};
    (paths[route.path] as JsonObject)[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Coop Pank Gateway connector for Envoice',
      version: '1.0.0',
      description:
        'Connections, bank accounts, payment batches, statements and notification subscriptions. ' +
        'Amounts are decimal strings; errors are RFC 9457 problem+json.',
    },
    servers: [{ url: '/' }],
    security: [{ envoiceJwt: [] }],
    paths,
    components: {
      securitySchemes: { envoiceJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: componentSchemas(),
    },
  };
}
