import type { Request } from 'express';
import { AppError } from '../http/app-error';
import { cookieValues } from '../http/cookies';
import {
  hasQueryCredentials,
  withoutQueryCredentials,
} from '../http/query-params';
import { TOKEN_PATTERN } from '../secrets/secrets';

export type CredentialKind = 'api_key' | 'session';
export type Transport = 'header' | 'query' | 'body' | 'cookie';

export interface Credential {
  kind: CredentialKind;
  transport: Transport;
  /** A string of the right form: checked before any lookup. */
  secret: string;
}

export const API_KEY_PATTERN = /^[A-Za-z0-9]{20,128}$/;

type Query = Record<string, unknown>;
type Source = [
  CredentialKind,
  Transport,
  (req: Request, query: Query) => unknown,
];

const has = (holder: unknown, name: string): boolean =>
  typeof holder === 'object' &&
  holder !== null &&
  !Array.isArray(holder) &&
  Object.prototype.hasOwnProperty.call(holder, name);

const field = (holder: unknown, name: string): unknown =>
  has(holder, name) ? (holder as Record<string, unknown>)[name] : undefined;

/** SPEC §2, in order: the first credential present is the one used. */
const SOURCES: Source[] = [
  ['api_key', 'header', (req) => req.headers['x-api-key']],
  ['session', 'header', (req) => req.headers['x-session-id']],
  ['api_key', 'query', (_req, query) => field(query, 'api_key')],
  ['session', 'query', (_req, query) => field(query, 'session_id')],
  ['api_key', 'body', (req) => field(req.body, 'api_key')],
  [
    'session',
    'cookie',
    (req) => cookieValues(req.headers.cookie, 'session_id'),
  ],
];

const NO_QUERY: Query = {};

/**
 * Finds the credential of a request. A present but malformed one (empty, an
 * array from a repeated parameter, an object) is a 401 here, before any lookup,
 * and never falls back to the next place.
 */
export function findCredential(
  req: Request,
  allowQuery: boolean,
): Credential | null {
  // Express 5 parses req.query anew on every read: once here, and not at all without a query string.
  const query = req.url.includes('?') ? (req.query as Query) : NO_QUERY;
  if (!allowQuery) refuseQueryCredentials(query);
  for (const [kind, transport, read] of SOURCES) {
    const value = read(req, query);
    if (value === undefined) continue;
    return { kind, transport, secret: checkForm(kind, value) };
  }
  return null;
}

/** With ALLOW_QUERY_CREDENTIALS=false a credential in the URL is refused, whatever else came along. */
function refuseQueryCredentials(query: Query): void {
  for (const name of ['api_key', 'session_id']) {
    if (has(query, name)) {
      throw AppError.invalidField(
        name,
        'credentials are not accepted in the query string on this server',
      );
    }
  }
}

/**
 * Removes credentials so they never reach validation, a handler, or a record:
 * from the URL itself (Express derives req.query from it on every read) and
 * from the JSON body.
 */
export function stripCredentials(req: Request): void {
  if (hasQueryCredentials(req.url)) req.url = withoutQueryCredentials(req.url);
  if (has(req.body, 'api_key')) {
    delete (req.body as Record<string, unknown>).api_key;
  }
}

function checkForm(kind: CredentialKind, value: unknown): string {
  if (kind === 'api_key') {
    if (typeof value === 'string' && API_KEY_PATTERN.test(value)) return value;
    throw AppError.unauthorized('invalid_api_key', 'The API key is not valid.');
  }
  if (typeof value === 'string' && TOKEN_PATTERN.test(value)) return value;
  throw AppError.unauthorized('invalid_session', 'The session is not valid.');
}
