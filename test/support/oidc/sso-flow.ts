import request from 'supertest';
import type { App } from 'supertest/types';
import { ProviderAgent } from './provider-agent';
import type { TestProvider } from './test-provider';

/** `name=value` of a Set-Cookie line for `name`, or undefined. */
export function cookieFrom(res: request.Response, name: string) {
  const lines = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return lines.find((line) => line.startsWith(`${name}=`));
}

export interface Started {
  /** The provider's authorization URL opsgate redirected to. */
  location: string;
  /** `opsgate_sso=…`, to send back with the callback. */
  cookie: string;
  res: request.Response;
}

/** GET /api/sso/login, as the browser's first step. */
export async function startLogin(server: App, query = ''): Promise<Started> {
  const res = await request(server).get(`/api/sso/login${query}`).expect(302);
  const line = cookieFrom(res, 'opsgate_sso');
  if (!line) throw new Error('no opsgate_sso cookie');
  return { location: res.headers.location, cookie: line.split(';')[0], res };
}

/** The callback's path and query, from the URL the provider redirected the browser to. */
export const callbackPath = (url: URL) => `${url.pathname}${url.search}`;

/** The browser back at opsgate: GET the callback with the state cookie. */
export function finish(server: App, url: URL, cookie: string) {
  return request(server).get(callbackPath(url)).set('Cookie', cookie);
}

/** The whole sign-in as `account`, up to opsgate's callback answer. */
export async function ssoLogin(
  server: App,
  provider: TestProvider,
  account: string,
  query = '',
): Promise<request.Response> {
  const started = await startLogin(server, query);
  const back = await new ProviderAgent(provider.issuer).signIn(
    started.location,
    account,
  );
  return finish(server, back, started.cookie);
}

/** The session cookie (`session_id=…`) of a successful sign-in. */
export function sessionCookie(res: request.Response): string {
  const line = cookieFrom(res, 'session_id');
  if (!line) throw new Error(`no session cookie: ${res.status} ${res.text}`);
  return line.split(';')[0];
}
