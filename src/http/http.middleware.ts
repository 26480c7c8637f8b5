import type { Request, RequestHandler, Response } from 'express';
import { json } from 'express';
import { AppError } from './app-error';
import { fixedHeaders } from './fixed-headers';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';
import { nulFieldOf, nulInBody } from './nul-guard';

export const BODY_LIMIT = '1mb';
const SECRET_HEADERS = ['x-api-key', 'x-session-id', 'cookie', 'x-csrf-token'];

/**
 * SPEC §2: Referrer-Policy on every response, so a credential in a URL never
 * leaks through Referer; Cache-Control: no-store; nosniff.
 */
const CONTRACT_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Referrer-Policy', 'no-referrer'],
  ['Cache-Control', 'no-store'],
  ['X-Content-Type-Options', 'nosniff'],
];

/**
 * The contract's headers and those `fixed` (helmet) sets, worked out once at
 * start-up and set by one middleware. helmet calls a chain of a dozen
 * middlewares per request through a fresh closure, for headers that never
 * change; only middleware whose headers do not depend on the request may be
 * passed here (no CSP nonces). The contract's values win over helmet's.
 * They go out through fixedHeaders, without setHeader's per-call checks.
 */
export function responseHeaders(...fixed: RequestHandler[]): RequestHandler {
  const byName = new Map<string, readonly [string, string]>();
  for (const header of [...fixed.flatMap(headersSetBy), ...CONTRACT_HEADERS]) {
    byName.set(header[0].toLowerCase(), header);
  }
  const set = fixedHeaders([...byName.values()]);
  return (_req, res, next) => {
    set(res);
    next();
  };
}

/** The headers a request-independent middleware sets, by running it once on a recorder. */
function headersSetBy(middleware: RequestHandler): [string, string][] {
  const set: [string, string][] = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      set.push([name, String(value)]);
      return recorder;
    },
    removeHeader: () => undefined,
  };
  let passed = false;
  void middleware({} as Request, recorder as unknown as Response, (error) => {
    if (error) throw error instanceof Error ? error : new Error(String(error));
    passed = true;
  });
  if (!passed) throw new Error('a fixed-header middleware did not call next()');
  return set;
}

/**
 * Middlewares that every request passes, run one after the other as a
 * single router layer: Express's dispatch loop costs each request a turn
 * per layer (path match, prefix trim, try/catch, promise check), more than
 * the small closure per step here. An error skips the rest, as Express
 * would; `next('route')` is not meant for these.
 */
export function inOrder(...handlers: RequestHandler[]): RequestHandler {
  return handlers.reduceRight<RequestHandler>(
    (rest, handler) => (req, res, next) =>
      handler(req, res, (err?: unknown) =>
        err ? next(err) : rest(req, res, next),
      ),
    (_req, _res, next) => next(),
  );
}

/** What body-parser's hasBody checks: without either header there is no body to read. */
const mayHaveBody = (req: Request) =>
  req.headers['transfer-encoding'] !== undefined ||
  req.headers['content-length'] !== undefined;

/** JSON bodies up to 1 MiB; parser failures become problem+json errors with their own codes. */
export function jsonBody(): RequestHandler {
  // Not strict: a bare JSON string or number is valid JSON, refused later as
  // "must be a JSON object" (validation_failed), not as malformed_json.
  const parse = json({ limit: BODY_LIMIT, strict: false, verify: checkDepth });
  return (req, res, next) => {
    // Most requests (every GET) have no body: no parser, no closure.
    if (!mayHaveBody(req)) return next();
    parse(req, res, (err?: unknown) =>
      next(err ? toBodyError(err) : undefined),
    );
  };
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
  const raw = typeof text === 'string' ? text : body.toString('utf8');
  // JSON spells NUL only as an escape: parse again only when one is there.
  if (/\\u0000/i.test(raw)) {
    let field: string | null = null;
    try {
      field = nulFieldOf(JSON.parse(raw));
    } catch {
      return; // not JSON: body-parser's own parse says so
    }
    if (field !== null)
      throw Object.assign(nulInBody(field), { type: 'entity.nul' });
  }
}

const bodyError = (type: string) => Object.assign(new Error(type), { type });

function toBodyError(err: unknown): AppError {
  if (err instanceof AppError) return err;
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
