import type { ExecutionContext } from '@nestjs/common';
import type { IpAllowlist } from '../http/client-ip';
import type { Principal } from './principal';

/** Who a request was authenticated as. */
export interface RequestAuth {
  readonly principal: Principal;
  /** Sessions only: the session record's id. */
  readonly sessionRecordId?: string;
  /** Sessions only: when the session ends if idle from now on, epoch ms. */
  readonly sessionExpiresAt?: number;
  /** Sessions only: the session's CSRF token, for GET /api/me's csrf_token. */
  readonly csrfToken?: string;
  /** Sessions only: the signed-in user's record id. */
  readonly userId?: number;
  /** Keys with an `expires_at` only: it, ISO 8601, for X-API-Key-Expires (SPEC §19). */
  readonly keyExpires?: string;
  /** Keys with `allowed_ips` only: where the key may be used from (SPEC §19). */
  readonly ipAllowlist?: IpAllowlist;
  /** With `ipAllowlist`: `ip_policy` is `report`, so a request from outside passes, audited. */
  readonly ipReportOnly?: boolean;
  /** Sessions only: when a second factor was last completed (epoch ms), for step-up. */
  readonly steppedUpAt?: number | null;
}

/**
 * Kept beside the request rather than on it. A property added to an Express
 * request object takes V8's slow path (a store miss and a new hidden class)
 * every time, since Express swaps the object's prototype per request; under
 * callgrind that cost about 10% of a guarded request per added property.
 */
const auths = new WeakMap<object, RequestAuth>();

export function setAuth(req: object, auth: RequestAuth): void {
  auths.set(req, auth);
}

export function authOf(req: object): RequestAuth | undefined {
  return auths.get(req);
}

/** The authenticated caller of the request in `context`, if any. */
export function principalOf(context: ExecutionContext): Principal | undefined {
  return auths.get(context.switchToHttp().getRequest<object>())?.principal;
}
