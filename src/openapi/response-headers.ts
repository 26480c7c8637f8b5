import type { HeaderObject, ReferenceObject } from '@nestjs/swagger';
import { WWW_AUTHENTICATE } from '../http/problem.filter';
import { type CookieNote, integer, text } from '../validation/schema';

type Headers = Record<string, HeaderObject | ReferenceObject>;

/** What decides the headers of a route's responses. */
export interface HeaderTraits {
  public: boolean;
  /** `@RequirePrivileges` ids, in declared order; undefined when the route requires none. */
  privileges?: string[];
  /** `@SetsCookie(...)`: the cookies its successful answers set or clear. */
  cookie?: CookieNote;
}

/**
 * Headers that mean the same on every route, once in components.headers.
 * Every name here is also checked on every response of the e2e suite
 * (test/helpers/openapi-validator.ts): sent but not documented for that
 * route and status, or a value off its schema, fails the request.
 */
export const SHARED_HEADERS: Record<string, HeaderObject> = {
  'X-Request-Id': {
    description:
      "The request's id, also in the log line, audit entries and problem bodies. A well-formed X-Request-Id sent with the request is kept.",
    required: true,
    schema: text({ pattern: '^[A-Za-z0-9._-]{1,64}$' }),
  },
  RateLimit: {
    description:
      'IETF RateLimit field, on every answer to an API key with max_per_sec > 0: `"key";r=<remaining>;t=<seconds to reset>`.',
    schema: text({ pattern: '^"key";r=\\d+;t=\\d+$' }),
  },
  'RateLimit-Policy': {
    description:
      'IETF RateLimit-Policy field, beside RateLimit: `"key";q=<max_per_sec>;w=1`.',
    schema: text({ pattern: '^"key";q=\\d+;w=\\d+$' }),
  },
  'X-API-Key-Expires': {
    description:
      'On every answer to a request authenticated by an API key that has an expires_at: that instant (ISO 8601).',
    schema: text({ format: 'date-time' }),
  },
  'Retry-After': {
    description: 'Whole seconds to wait before retrying, at least 1.',
    required: true,
    schema: integer({ minimum: 1 }),
  },
  'WWW-Authenticate': {
    description: WWW_AUTHENTICATE,
    required: true,
    schema: text({ enum: [WWW_AUTHENTICATE] }),
  },
};

const ref = (name: keyof typeof SHARED_HEADERS): ReferenceObject => ({
  $ref: `#/components/headers/${name}`,
});

/**
 * The headers of one response, from the route's declarations and the
 * status alone, so a route added later gets them with nothing to write.
 * Only X-Request-Id is on every response; the credential's own headers are
 * on every answer to a guarded route but 401 (no caller was accepted).
 */
export function headersFor(route: HeaderTraits, status: number): Headers {
  const headers: Headers = { 'X-Request-Id': ref('X-Request-Id') };
  const guarded = !route.public && status !== 401;
  if (guarded) {
    headers.RateLimit = ref('RateLimit');
    headers['RateLimit-Policy'] = ref('RateLimit-Policy');
    headers['X-API-Key-Expires'] = ref('X-API-Key-Expires');
  }
  if (status === 401) headers['WWW-Authenticate'] = ref('WWW-Authenticate');
  if (status === 429) headers['Retry-After'] = ref('Retry-After');
  if (route.privileges?.length) {
    const value = route.privileges.join(',');
    headers['X-Accepted-Privileges'] = {
      description:
        'The privileges this route requires, comma-separated (SPEC §19), on every answer, refusals included.',
      schema: text({ enum: [value], example: value }),
    };
  }
  // Successful answers and redirects (single sign-on signs in with a 302).
  if (route.cookie && status >= 200 && status < 400) {
    headers['Set-Cookie'] = {
      description: route.cookie.description,
      schema: text({ pattern: `^(${route.cookie.names.join('|')})=` }),
    };
  }
  return headers;
}
