import { ApiOperation, ApiResponse, type SchemaObject } from '@nestjs/swagger';
import type { ReferenceObject } from '@nestjs/swagger';
import { Reflector } from '@nestjs/core';
import type { ErrorCode } from '../http/app-error';

/**
 * Response schemas, declared beside the views that produce them. Request
 * bodies need none of this: their schemas are derived from the class-validator
 * rules the server enforces (openapi/request-schemas.ts). Views are plain
 * functions with no metadata to read, so their shape is written here once, and
 * the e2e suite validates every response against it: a field added to a view
 * but not here (or the reverse) turns the suite red.
 */
export type Schema = SchemaObject | ReferenceObject;

/** Named schemas, built when the document is (thunks: they may read DTO metadata). */
const NAMED = new Map<string, () => SchemaObject>();

/** A component schema `#/components/schemas/<name>`; the same name must always mean the same thunk. */
export function named(
  name: string,
  build: () => SchemaObject,
): ReferenceObject {
  const known = NAMED.get(name);
  if (known && known !== build)
    throw new Error(`schema ${name} declared twice`);
  NAMED.set(name, build);
  return { $ref: `#/components/schemas/${name}` };
}

export const namedSchemas = (): Record<string, SchemaObject> =>
  Object.fromEntries([...NAMED].map(([name, build]) => [name, build()]));

export const text = (extra: SchemaObject = {}): SchemaObject => ({
  type: 'string',
  ...extra,
});
export const integer = (extra: SchemaObject = {}): SchemaObject => ({
  type: 'integer',
  ...extra,
});
export const bool: SchemaObject = { type: 'boolean' };
export const instant: SchemaObject = { type: 'string', format: 'date-time' };
export const listOf = (items: Schema): SchemaObject => ({
  type: 'array',
  items,
});
/** OpenAPI 3.1 has no `nullable`: null is one more alternative. */
export const orNull = (schema: Schema): SchemaObject => ({
  anyOf: [schema, { type: 'null' }],
});

/** A record: every field always present, nothing else (so drift is caught). */
export function strict(
  properties: Record<string, Schema>,
  optional: string[] = [],
): SchemaObject {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((p) => !optional.includes(p)),
    additionalProperties: false,
  };
}

/** `{"items": [...], "total": n}`, the shape of every list. */
export const page = (items: Schema): SchemaObject =>
  strict({ items: listOf(items), total: integer({ minimum: 0 }) });

/** The success answer of a route (the status Nest sends, and its body). */
export const Answers = (status: number, schema?: Schema, description = '') =>
  ApiResponse({
    status,
    description: description || (schema ? 'Success' : 'No content'),
    ...(schema && { schema: schema }),
  });

/**
 * An operation's one-line summary, where the one the document derives from
 * the route's method and path (openapi/summaries.ts) would read badly.
 */
export const Summary = (summary: string) => ApiOperation({ summary });

export interface CookieNote {
  names: string[];
  description: string;
}

/**
 * A handler whose successful answers set or clear cookies (Set-Cookie);
 * the e2e suite fails on a Set-Cookie a route does not declare.
 */
export const CookieSetter = Reflector.createDecorator<CookieNote>();
export const SetsCookie = (names: string[], description: string) =>
  CookieSetter({ names, description });

/**
 * Error codes a handler can answer besides those its policy, scope, body and
 * parameters imply (openapi/error-catalog.ts derives those).
 */
export const Refusals = Reflector.createDecorator<ErrorCode[]>();
export const MayFail = (...codes: ErrorCode[]) => Refusals(codes);
