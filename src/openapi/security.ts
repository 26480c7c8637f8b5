import type { SchemaObject, SecuritySchemeObject } from '@nestjs/swagger';
import { API_KEY_PATTERN } from '../access/credentials';

/**
 * The credential places of SPEC §2, in the order the server looks them up
 * (auth/credentials.ts). The fifth, the JSON body property `api_key`, has no
 * OpenAPI security scheme type; it is described in words on the first one.
 */
export const SECURITY_SCHEMES: Record<string, SecuritySchemeObject> = {
  ApiKeyHeader: {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description:
      'An API key (recommended; looked up 1st). A key may also be sent as the JSON body property `api_key` (looked up 5th, after the query parameters): the server removes it from the body before validation, so it never counts as an unknown property.',
  },
  SessionHeader: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Session-ID',
    description: 'A session ID from POST /api/sessions (looked up 2nd).',
  },
  ApiKeyQuery: {
    type: 'apiKey',
    in: 'query',
    name: 'api_key',
    description:
      'An API key in the query string (3rd); refused with 400 validation_failed when ALLOW_QUERY_CREDENTIALS=false.',
  },
  SessionQuery: {
    type: 'apiKey',
    in: 'query',
    name: 'session_id',
    description:
      'A session ID in the query string (4th); refused like api_key when ALLOW_QUERY_CREDENTIALS=false.',
  },
  SessionCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'session_id',
    description:
      'The cookie login sets (6th). Unsafe methods (POST, PATCH, DELETE…) must then send X-CSRF-Token equal to the csrf_token of the session, else 403 csrf_failed.',
  },
};

/**
 * Any one of the places is enough; the first one present is used, and an
 * invalid one is never skipped. Alternatives, one scheme per requirement
 * object: a single object naming all five would tell clients to send every
 * one at once, and a session id sent as X-API-Key too is refused as a key.
 */
export const ANY_CREDENTIAL = Object.keys(SECURITY_SCHEMES).map((name) => ({
  [name]: [],
}));

export const DESCRIPTION = `Authentication and authorization for an operations platform: API keys for applications, session tokens for people, privileges and category / server-group scope on every request.

**Credentials** (see the security schemes): header \`X-API-Key\`, header \`X-Session-ID\`, query \`api_key\`, query \`session_id\`, JSON body property \`api_key\`, cookie \`session_id\` — looked up in that order; the first one present is used, and a present but invalid one is an error (the server never falls back to the next).

**Authorization**: \`x-required-privileges\` on an operation lists the privileges the caller needs, all of them (\`[]\`: any valid credential; \`admin\` implies every privilege). \`x-scope\` says which category / server-group scope the scope check (src/auth/checks/scope.check.ts) checks: \`stored\` (the record named in the path) and/or \`body\` (the values the request would write).

**Errors** are \`application/problem+json\` (RFC 9457, schema \`Problem\`); each operation lists the \`code\` values it can answer, per status. 401 answers carry \`WWW-Authenticate: ApiKey header="X-API-Key"\`; 429 answers carry \`Retry-After\`. A path that matches no route answers 404 \`not_found\`. Before any route is chosen, a malformed request answers 400 \`malformed_request\` and oversized headers 431 \`headers_too_large\`.

**Generated clients**: \`servers\` names the origin this document was fetched from. Each operation's \`security\` lists the credential places as alternatives: configure exactly one credential. With openapi-fetch, as a default header: \`createClient({ baseUrl, headers: { 'X-API-Key': key } })\`. A client that fills every listed scheme from one \`auth\` value (hey-api) must be told which one, e.g. \`auth: (scheme) => scheme.name === 'X-API-Key' ? key : undefined\`, or a session id would go out as \`X-API-Key\` too, be looked up first, and be refused.

**Response headers** are documented on each response: \`X-Request-Id\` on every one; \`X-Accepted-Privileges\` (the privileges the route requires) on every answer of a route that requires some; \`X-API-Key-Expires\` on answers to a key that has an \`expires_at\`; \`Set-Cookie\` where a route sets the session cookie.

**Rate limits**: a key with \`max_per_sec > 0\` gets \`RateLimit-Policy\` and \`RateLimit\` headers on every response and \`429 rate_limited\` beyond its allowance.`;

/**
 * SPEC §2's fifth place, which OpenAPI has no security scheme for: an
 * optional property of every JSON body. The server removes it before
 * validation, so it never counts as unknown; every other unknown property
 * still does (the body schemas keep additionalProperties: false).
 */
export const BODY_API_KEY: SchemaObject = {
  type: 'string',
  // Still accepted, but not to be chosen: sample generators (Swagger UI's
  // "Try it out" among them) leave deprecated properties out of the
  // example bodies, which would otherwise carry a made-up key that is
  // refused with 401 when no header credential comes first.
  deprecated: true,
  pattern: API_KEY_PATTERN.source,
  description:
    'A credential, not a field: an API key, used only when no X-API-Key, X-Session-ID, api_key or session_id query parameter comes first (SPEC §2, 5th place). Removed from the body before validation, never stored; ignored on public routes. Prefer the X-API-Key header.',
};
