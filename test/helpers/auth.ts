import request from 'supertest';
import type { App } from 'supertest/types';
import { ADMIN_PASSWORD } from './test-app';

/** The password createUser gives a user unless the body names another. */
export const USER_PASSWORD = 'user-password-1';

export interface LoggedIn {
  sessionId: string;
  csrfToken: string;
  cookie: string;
  body: Record<string, any>;
}

export async function login(
  server: App,
  username = 'admin',
  password = ADMIN_PASSWORD,
): Promise<LoggedIn> {
  const res = await request(server)
    .post('/api/sessions')
    .send({ username, password })
    .expect(201);
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return {
    sessionId: res.body.session_id,
    csrfToken: res.body.csrf_token,
    cookie: setCookie[0]?.split(';')[0] ?? '',
    body: res.body,
  };
}

export interface CreatedKey {
  id: string;
  key: string;
  body: Record<string, any>;
}

/** Creates an API key as the admin session and returns its secret. */
export async function createKey(
  server: App,
  admin: LoggedIn,
  body: Record<string, unknown> = {},
): Promise<CreatedKey> {
  const res = await request(server)
    .post('/api/keys')
    .set('X-Session-ID', admin.sessionId)
    .send({ title: 'test key', ...body })
    .expect(201);
  return { id: res.body.id, key: res.body.key, body: res.body };
}

export async function createUser(
  server: App,
  admin: LoggedIn,
  body: Record<string, unknown>,
): Promise<Record<string, any>> {
  const res = await request(server)
    .post('/api/users')
    .set('X-Session-ID', admin.sessionId)
    .send({ password: USER_PASSWORD, ...body })
    .expect(201);
  return res.body;
}

type Method = 'get' | 'post' | 'patch' | 'delete';

/** Requests sent with `header` set to what `value()` says when each is built. */
function requestsWith(
  header: string,
  http: () => ReturnType<typeof request>,
  value: () => string,
): Record<Method, (path: string) => request.Test> {
  const send = (method: Method) => (path: string) =>
    http()[method](path).set(header, value());
  return {
    get: send('get'),
    post: send('post'),
    patch: send('patch'),
    delete: send('delete'),
  };
}

/**
 * Requests sent with a session's X-Session-ID. Both arguments are read when a
 * request is built, so this can be declared before `beforeAll` logs in.
 */
export function sessionRequests(
  http: () => ReturnType<typeof request>,
  sessionId: () => string,
): Record<Method, (path: string) => request.Test> {
  return requestsWith('X-Session-ID', http, sessionId);
}

/** Requests sent with an API key's X-API-Key. */
export function keyRequests(
  http: () => ReturnType<typeof request>,
  key: string,
): Record<Method, (path: string) => request.Test> {
  return requestsWith('X-API-Key', http, () => key);
}

/**
 * Creates categories and groups (as the admin session), so that keys, users
 * and roles may name them: a restriction must name things that exist (SPEC §15).
 */
export async function seedScope(
  server: App,
  admin: LoggedIn,
  categories: string[],
  groups: string[] = [],
): Promise<void> {
  for (const [kind, ids] of [
    ['categories', categories],
    ['groups', groups],
  ] as const) {
    for (const id of ids) {
      await request(server)
        .post(`/api/${kind}`)
        .set('X-Session-ID', admin.sessionId)
        .send({ id, title: id })
        .expect(201);
    }
  }
}
