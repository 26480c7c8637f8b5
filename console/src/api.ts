/** The JSON API, called with the session cookie; X-CSRF-Token on every write (SPEC §4). */

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: FieldError[];
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

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called on any 401: the session expired or ended, back to sign-in. */
export function onSessionLost(handler: (problem: Problem) => void): void {
  sessionLost = handler;
}

interface Options {
  /** Sign-in and the first GET /api/me handle their own 401. */
  own401?: boolean;
}

export async function api<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  options: Options = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError({
      status: 0,
      code: 'network',
      detail: 'The server could not be reached.',
    });
  }
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => undefined);
  if (res.ok) return data as T;
  const problem = toProblem(res, data);
  if (res.status === 401 && !options.own401) sessionLost(problem);
  throw new ApiError(problem);
}

function toProblem(res: Response, data: unknown): Problem {
  const body = (data ?? {}) as Partial<Problem>;
  return {
    status: res.status,
    code: typeof body.code === 'string' ? body.code : 'unknown',
    detail:
      typeof body.detail === 'string'
        ? body.detail
        : `The server answered ${res.status} ${res.statusText}.`,
    errors: Array.isArray(body.errors) ? body.errors : undefined,
  };
}

export const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
};

/** Every item of a list, up to the API's largest page. */
export async function listAll<T>(path: string): Promise<T[]> {
  return (await api<Page<T>>('GET', `${path}?limit=1000`)).items;
}
