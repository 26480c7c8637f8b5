import createClient from 'openapi-fetch';
import type { components, paths } from './generated/openapi';

/**
 * The JSON API, called with the session cookie and X-CSRF-Token on every
 * write (SPEC §4). Paths, bodies and answers are typed by the server's own
 * OpenAPI document (scripts/console-types.ts), so a renamed field fails
 * `tsc -p console/tsconfig.json`.
 */
export type Schemas = components['schemas'];

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: FieldError[];
  /** Seconds, from a 429's Retry-After. */
  retryAfter?: number;
  /** What a step_up_required answer accepts (§18). */
  methods?: string[];
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

export interface Page<T> {
  items: T[];
  total: number;
}

// In memory only: never localStorage or sessionStorage. After a reload,
// GET /api/me gives it back while the cookie session lives.
let csrfToken: string | undefined;
let sessionLost: (problem: Problem) => void = () => undefined;
let stepUp: ((methods: string[]) => Promise<boolean>) | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called on any 401: the session expired or ended, back to sign-in. */
export function onSessionLost(handler: (problem: Problem) => void): void {
  sessionLost = handler;
}

/** Asks for a second factor; true when the session stepped up (§18). */
export function onStepUp(handler: (methods: string[]) => Promise<boolean>) {
  stepUp = handler;
}

/**
 * A refusal for want of a recent second factor asks for one and then sends
 * the very same request again, so the person does not redo the act (§18).
 */
async function send(request: Request): Promise<Response> {
  const again = request.clone();
  const response = await fetch(request);
  if (response.status !== 403 || !stepUp) return response;
  const body = (await response
    .clone()
    .json()
    .catch(() => undefined)) as Partial<Problem> | undefined;
  if (body?.code !== 'step_up_required') return response;
  const methods = Array.isArray(body.methods) ? body.methods : [];
  return (await stepUp(methods)) ? fetch(again) : response;
}

export const client = createClient<paths>({
  credentials: 'same-origin',
  headers: { Accept: 'application/json' },
  fetch: send,
});

client.use({
  onRequest({ request }) {
    if (request.method !== 'GET' && csrfToken) {
      request.headers.set('X-CSRF-Token', csrfToken);
    }
    return request;
  },
});

interface Options {
  /** Sign-in and the first GET /api/me handle their own 401. */
  own401?: boolean;
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's body, or an ApiError carrying its problem+json. */
export async function ok<T>(
  pending: Promise<Answer<T>>,
  options: Options = {},
): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await pending;
  } catch {
    throw new ApiError({
      status: 0,
      code: 'network',
      detail: 'The server could not be reached.',
    });
  }
  const { data, error, response } = answer;
  if (response.ok) return data as T;
  const problem = toProblem(response, error);
  if (response.status === 401 && !options.own401) sessionLost(problem);
  throw new ApiError(problem);
}

function toProblem(res: Response, data: unknown): Problem {
  const body = (typeof data === 'object' && data ? data : {}) as Partial<
    Problem & { errors: unknown; methods: unknown }
  >;
  const retryAfter = Number(res.headers.get('Retry-After'));
  return {
    status: res.status,
    code: typeof body.code === 'string' ? body.code : 'unknown',
    detail:
      typeof body.detail === 'string'
        ? body.detail
        : `The server answered ${res.status} ${res.statusText}.`,
    errors: Array.isArray(body.errors) ? body.errors : undefined,
    retryAfter: retryAfter > 0 ? retryAfter : undefined,
    methods: Array.isArray(body.methods) ? body.methods : undefined,
  };
}

/** Every item of a list, up to the API's largest page. */
export async function listAll<T>(
  pending: (query: { limit: number }) => Promise<Answer<Page<T>>>,
): Promise<T[]> {
  return (await ok(pending({ limit: 1000 }))).items;
}
