import type { ErrorCode } from '../http/app-error';

/** What the document knows about a route, to tell which errors it can answer. */
export interface RouteTraits {
  public: boolean;
  privileges: boolean;
  scoped: boolean;
  /** A method other than GET/HEAD/OPTIONS (CSRF applies to cookie sessions). */
  unsafe: boolean;
  pathParams: boolean;
  query: boolean;
  body: boolean;
  /** Codes the handler declares with `@MayFail(...)`. */
  declared: ErrorCode[];
}

export interface ErrorInfo {
  status: number;
  when: string;
  /** Whether a route with these traits can answer this code. */
  on: (route: RouteTraits) => boolean;
}

const always = () => true;
// Answered by the HTTP server before any route is chosen: in the Problem
// schema's codes and the document's description, on no operation.
const beforeRouting = () => false;
const guarded = (r: RouteTraits) => !r.public;
const declared = (code: ErrorCode) => (r: RouteTraits) =>
  r.declared.includes(code);

/**
 * Every error code (SPEC §8) and the routes it applies to. `satisfies` makes
 * a new ErrorCode fail the typecheck until it is documented here.
 */
export const ERROR_CATALOG = {
  validation_failed: {
    status: 400,
    when: 'a body, query or path parameter is invalid, or a property is unknown (also a query credential when ALLOW_QUERY_CREDENTIALS=false)',
    on: (r) => r.body || r.query || !r.public,
  },
  malformed_json: {
    status: 400,
    when: 'the body is not valid JSON (parsed on every route, before routing)',
    on: always,
  },
  no_credentials: {
    status: 401,
    when: 'no credential on a protected route',
    on: guarded,
  },
  invalid_api_key: {
    status: 401,
    when: 'unknown (or deleted) API key, or not of the key form',
    on: guarded,
  },
  api_key_disabled: { status: 401, when: 'the key is disabled', on: guarded },
  api_key_expired: {
    status: 401,
    when: 'the key is past expires_at',
    on: guarded,
  },
  invalid_session: {
    status: 401,
    when: 'unknown or logged-out session',
    on: guarded,
  },
  session_expired: {
    status: 401,
    when: 'idle timeout or maximum age reached',
    on: guarded,
  },
  account_disabled: {
    status: 401,
    when: "the session's user is disabled",
    on: (r) => guarded(r) || r.declared.includes('account_disabled'),
  },
  login_failed: {
    status: 401,
    when: 'wrong username or password',
    on: declared('login_failed'),
  },
  sso_failed: {
    status: 401,
    when: 'single sign-on could not complete; `reason` says why (state_mismatch, token_invalid, no_username, provider_error, unavailable, untrusted_proxy, account_conflict)',
    on: declared('sso_failed'),
  },
  missing_privilege: {
    status: 403,
    when: 'the caller lacks a privilege the route requires (see x-required-privileges)',
    on: (r) => r.privileges || r.declared.includes('missing_privilege'),
  },
  scope_denied: {
    status: 403,
    when: "a category or server group is outside the caller's scope (see x-scope)",
    on: (r) => r.scoped || r.declared.includes('scope_denied'),
  },
  ip_not_allowed: {
    status: 403,
    when: 'the API key has allowed_ips and the client IP is outside them; `ip` is that IP',
    on: guarded,
  },
  escalation_denied: {
    status: 403,
    when: 'the change would give a holder of the role (listed in holders) a privilege, category or group the caller cannot use itself (SPEC §20)',
    on: declared('escalation_denied'),
  },
  csrf_failed: {
    status: 403,
    when: 'session_id cookie on an unsafe method without the right X-CSRF-Token',
    on: (r) => guarded(r) && r.unsafe,
  },
  not_found: {
    status: 404,
    when: 'no such record',
    on: (r) => r.pathParams || r.declared.includes('not_found'),
  },
  conflict: {
    status: 409,
    when: 'duplicate id or username, a record still in use, the last-admin rule, or an invalid state change',
    on: declared('conflict'),
  },
  payload_too_large: {
    status: 413,
    when: 'the body is over 1 MiB (checked on every route)',
    on: always,
  },
  rate_limited: {
    status: 429,
    when: 'the API key is over its max_per_sec (Retry-After says when to retry)',
    on: guarded,
  },
  too_many_login_attempts: {
    status: 429,
    when: 'login lockout for this username and IP, or this IP (Retry-After)',
    on: declared('too_many_login_attempts'),
  },
  too_many_failures: {
    status: 429,
    when: 'too many refused credentials (or single sign-ons) from this IP within a minute (Retry-After)',
    on: (r) => !r.public || r.declared.includes('too_many_failures'),
  },
  malformed_request: {
    status: 400,
    when: 'the HTTP request itself is malformed (request line, framing), answered before routing',
    on: beforeRouting,
  },
  headers_too_large: {
    status: 431,
    when: "the request headers are over the server's limit, answered before routing",
    on: beforeRouting,
  },
  internal_error: {
    status: 500,
    when: 'anything unexpected; the body has a request_id, also in the log',
    on: always,
  },
  unavailable: {
    status: 503,
    when: 'the database cannot be reached',
    on: declared('unavailable'),
  },
  reauthentication_failed: {
    status: 403,
    when: 'the current password or second factor given to confirm an action is wrong',
    on: declared('reauthentication_failed'),
  },
  step_up_required: {
    status: 403,
    when: 'the act needs a second factor completed within STEP_UP_WINDOW, or the user must enrol one first (MFA_REQUIRED); `methods` lists what the user can use',
    // MFA_REQUIRED can refuse any guarded route to a user who has not enrolled.
    on: guarded,
  },
  mfa_failed: {
    status: 401,
    when: 'a wrong or reused second-factor code, a passkey that did not verify, an unknown or spent mfa_token',
    on: declared('mfa_failed'),
  },
} satisfies Record<ErrorCode, ErrorInfo>;

export const ERROR_CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

/** The codes a route can answer, by status. */
export function errorsOf(route: RouteTraits): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of ERROR_CODES) {
    const info: ErrorInfo = ERROR_CATALOG[code];
    if (!info.on(route)) continue;
    byStatus.set(info.status, [...(byStatus.get(info.status) ?? []), code]);
  }
  return byStatus;
}
