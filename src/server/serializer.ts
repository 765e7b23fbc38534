// Response serialization: each route's zod response schema is turned once into JSON Schema
// (zod's own z.toJSONSchema, output side) and compiled by fast-json-stringify, Fastify's own
// serializer. The zod serializer re-validated every answer with zod and then ran JSON.stringify
// (~10% of a session check). What callers receive is the same: only the properties the schema
// declares are written (an extra field on a record can never leak into an answer), and a missing
// required field is still an error. A schema JSON Schema cannot express (a transform, a custom
// check) keeps the zod serializer, decided at start-up, never per request.
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import fastJson, { type Schema } from 'fast-json-stringify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

type RouteSchema = Parameters<FastifySerializerCompiler<unknown>>[0];

export function responseJsonSchema(schema: z.ZodType): Schema {
  return z.toJSONSchema(schema, { io: 'output', unrepresentable: 'throw', target: 'draft-7' }) as Schema;
}

/** Routes whose response schema kept the zod serializer ("GET /url 200"), for the tests to see. */
export const zodSerializedRoutes: string[] = [];

export const serializerCompiler: FastifySerializerCompiler<unknown> = (route: RouteSchema) => {
  const { schema } = route;
  if (!(schema instanceof z.ZodType)) return zodSerializerCompiler(route as never);
  let json: Schema;
  try {
    json = responseJsonSchema(schema);
  } catch {
    zodSerializedRoutes.push(`${route.method} ${route.url} ${route.httpStatus}`);
    return zodSerializerCompiler(route as never);
  }
  const stringify = fastJson(json);
  return (data: unknown) => stringify(data);
};
