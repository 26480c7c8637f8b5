import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';
/** SPEC §15: a well-formed incoming X-Request-Id is kept. */
const WELL_FORMED = /^[A-Za-z0-9._-]{1,64}$/;

/** A well-formed incoming id (a proxy's, a client's) is kept, so one id follows a request across services. */
export function chooseRequestId(incoming: unknown): string {
  return typeof incoming === 'string' && WELL_FORMED.test(incoming)
    ? incoming
    : randomUUID();
}

/** For requests whose response cannot hold the id (already sent, or none). */
const fallback = new WeakMap<object, string>();

/**
 * The id of a request (audit entries, problem bodies, log lines), from the
 * request or its response. The access log (src/observability/access-log.ts)
 * chooses it first thing and keeps it in the response's own X-Request-Id
 * header rather than in a property added to the request (see
 * request-auth.ts for why); this reads it back. A request that no
 * middleware saw gets one here, kept for the rest of the request.
 */
export function requestIdOf(target: IncomingMessage | ServerResponse): string {
  const res =
    target instanceof ServerResponse
      ? target
      : (target as { res?: ServerResponse }).res;
  const held = res?.getHeader(REQUEST_ID_HEADER);
  if (typeof held === 'string') return held;
  const req = target instanceof ServerResponse ? target.req : target;
  const known = req ? fallback.get(req) : undefined;
  if (known !== undefined) return known;
  const fresh = chooseRequestId(req?.headers?.['x-request-id']);
  if (res && !res.headersSent) res.setHeader(REQUEST_ID_HEADER, fresh);
  else if (req) fallback.set(req, fresh);
  return fresh;
}
