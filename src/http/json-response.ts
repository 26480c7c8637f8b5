import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

export const JSON_TYPE = 'application/json; charset=utf-8';
export const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

/**
 * Writes a serialized JSON body with exactly the headers Express's
 * res.json / res.send would add (Content-Type with its charset,
 * Content-Length), without their per-request work: res.send parses and
 * re-formats the Content-Type, looks up four app settings and evaluates
 * request freshness, several microseconds per request for nothing here (ETag
 * is off, so only a conditional request could change the answer, and those
 * take Express's own path: see `isConditional`). Node drops the body of a
 * HEAD response itself.
 */
export function writeJson(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/**
 * A JSON body serialized ahead of time (a cached caller's GET /api/me), sent
 * as it is. Anything that serializes it instead (res.json on Express's own
 * path) gets the same text back through toJSON.
 */
export class SerializedJson {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/** A request Express could answer 304 (fresh): it is left to res.send. */
export function isConditional(headers: IncomingHttpHeaders): boolean {
  return (
    headers['if-none-match'] !== undefined ||
    headers['if-modified-since'] !== undefined
  );
}
