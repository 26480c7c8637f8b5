import type { RequestHandler } from 'express';
import { unescape } from 'node:querystring';
import { AppError } from './app-error';

/**
 * The NUL character is refused wherever a request can carry it (path, query,
 * JSON strings): PostgreSQL cannot store it in text and answers an error that
 * would surface as a 500, and no record of opsgate has one. A path with it
 * names nothing (404); a query parameter or a body field with it is invalid
 * (400 validation_failed naming where). Browsers and Node reject it in headers.
 */
export const refuseNulInUrl: RequestHandler = (req, _res, next) => {
  const url = req.url;
  const at = url.indexOf('%00');
  if (at < 0) return next();
  const query = url.indexOf('?');
  if (query < 0 || at < query) {
    return next(
      AppError.notFound('No resource has a NUL character in its name.'),
    );
  }
  const name = url
    .slice(query + 1)
    .split('&')
    .find((pair) => pair.includes('%00'))!
    .split('=', 1)[0];
  next(AppError.invalidField(unescape(name), NUL_MESSAGE));
};

const NUL_MESSAGE = 'must not contain the NUL character';

/**
 * Where a parsed JSON value holds a NUL in a string or a property name, as a
 * field path (`tags[2]`, `details.note`), or null. Called only when the raw
 * text has a `\u0000` escape, the one way JSON can spell it.
 */
export function nulFieldOf(value: unknown, path = ''): string | null {
  if (typeof value === 'string')
    return value.includes('\0') ? path || 'body' : null;
  if (typeof value !== 'object' || value === null) return null;
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item, i) => [`${path}[${i}]`, item])
    : Object.entries(value).map(([key, item]) => [
        path ? `${path}.${key}` : key,
        item,
      ]);
  for (const [field, item] of entries) {
    if (field.includes('\0')) return field.replace(/\0/g, '\\u0000');
    const found = nulFieldOf(item, field);
    if (found) return found;
  }
  return null;
}

/** The error for a JSON body with a NUL at `field`. */
export const nulInBody = (field: string) =>
  AppError.invalidField(field, NUL_MESSAGE);
