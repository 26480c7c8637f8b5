import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json } from 'express';
import { AppError } from './app-error';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';

export const BODY_LIMIT = '1mb';
const SECRET_HEADERS = ['x-api-key', 'x-session-id', 'cookie', 'x-csrf-token'];

/** Referrer-Policy on every response so a credential in a URL never leaks through Referer. */
export function securityHeaders(
  _req: Request,
  res: Response,
  next: NextFunction,
): void {
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}

/** JSON bodies up to 1 MiB; parser failures become problem+json errors with their own codes. */
export function jsonBody(): RequestHandler {
  // Not strict: a bare JSON string or number is valid JSON, refused later as
  // "must be a JSON object" (validation_failed), not as malformed_json.
  const parse = json({ limit: BODY_LIMIT, strict: false, verify: checkDepth });
  return (req, res, next) =>
    parse(req, res, (err?: unknown) =>
      next(err ? toBodyError(err) : undefined),
    );
}

/**
 * Runs on the raw body before JSON.parse (body-parser's verify hook). Other
 * charsets than UTF-8 (JSON allows UTF-16/32) are decoded first; one the
 * platform cannot decode is refused rather than left unchecked.
 */
function checkDepth(
  _req: unknown,
  _res: unknown,
  body: Buffer,
  encoding: string,
): void {
  let text: Uint8Array | string = body;
  if (!/^utf-?8$/i.test(encoding)) {
    try {
      text = new TextDecoder(encoding).decode(body);
    } catch {
      throw bodyError('entity.charset.undecodable');
    }
  }
  if (nestsDeeperThan(text)) throw bodyError('entity.too.deep');
}

const bodyError = (type: string) => Object.assign(new Error(type), { type });

function toBodyError(err: unknown): AppError {
  const type = (err as { type?: string }).type;
  if (type === 'entity.too.deep') {
    return new AppError(
      400,
      'malformed_json',
      `The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`,
    );
  }
  if (type === 'entity.too.large') {
    return new AppError(
      413,
      'payload_too_large',
      `The request body is larger than ${BODY_LIMIT}.`,
    );
  }
  if (type === 'entity.parse.failed') {
    return new AppError(
      400,
      'malformed_json',
      'The request body is not valid JSON.',
    );
  }
  return new AppError(
    400,
    'malformed_json',
    'The request body could not be read.',
  );
}

export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[] | undefined> {
  const copy = { ...headers };
  for (const name of SECRET_HEADERS) {
    if (copy[name] !== undefined) copy[name] = '[REDACTED]';
  }
  return copy;
}
