import { randomUUID } from 'node:crypto';
import type { Request } from 'express';

/** SPEC §15: a well-formed incoming X-Request-Id is kept. */
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

const ids = new WeakMap<object, string>();

/**
 * The request's id: the caller's X-Request-Id when well formed, otherwise
 * one generated on first use and kept for the rest of the request. The one
 * place a request id comes from (audit entries, 500 answers); made lazily, so
 * a request that never needs one pays nothing.
 */
export function requestIdOf(req: Request): string {
  let id = ids.get(req);
  if (id === undefined) {
    const incoming = req.headers['x-request-id'];
    id =
      typeof incoming === 'string' && REQUEST_ID.test(incoming)
        ? incoming
        : randomUUID();
    ids.set(req, id);
  }
  return id;
}
