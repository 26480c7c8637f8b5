import { join } from 'node:path';
import type {
  Browser,
  BrowserContext,
  CDPSession,
  Page,
} from 'playwright-core';
import {
  ADMIN_PASSWORD,
  ROOT,
  type Server,
  launchChromium,
  startServer,
  watchErrors,
} from './helpers/console-harness';

/**
 * Passkeys end to end (SPEC §18): Chromium's own WebAuthn implementation
 * against the DevTools virtual authenticator (CTAP2, resident keys, user
 * verification), driven by @simplewebauthn/browser in the page, verified by
 * the built server. Nothing is stubbed between navigator.credentials and
 * @simplewebauthn/server. The page is on http://localhost:PORT: WebAuthn
 * refuses IP addresses, and the server's relying party is then `localhost`.
 */
const BROWSER_BUNDLE = join(
  ROOT,
  'node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js',
);

interface Answer {
  status: number;
  body: any;
}

describe('passkeys in Chromium with a virtual authenticator', () => {
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  let errors: string[];
  let origin: string;

  beforeAll(async () => {
    server = await startServer();
    origin = server.url.replace('127.0.0.1', 'localhost');
    browser = await launchChromium();
    // The console's CSP allows only its own scripts; the test adds the
    // SimpleWebAuthn browser bundle to the page itself.
    context = await browser.newContext({ bypassCSP: true });
    page = await context.newPage();
    errors = watchErrors(page);
    await page.goto(`${origin}/`);
    await page.addScriptTag({ path: BROWSER_BUNDLE });
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const added = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });
    authenticatorId = added.authenticatorId;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A JSON call from the page: its cookie, and the CSRF token when given. */
  function api(method: string, path: string, body?: unknown, csrf?: string) {
    return page.evaluate(
      async ({ method, path, body, csrf }) => {
        const res = await fetch(path, {
          method,
          credentials: 'same-origin',
          headers: {
            'content-type': 'application/json',
            ...(csrf ? { 'x-csrf-token': csrf } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : null };
      },
      { method, path, body, csrf },
    ) as Promise<Answer>;
  }

  /** navigator.credentials.create() through SimpleWebAuthn's startRegistration. */
  const create = (optionsJSON: unknown) =>
    page.evaluate(
      (optionsJSON) =>
        (globalThis as any).SimpleWebAuthnBrowser.startRegistration({
          optionsJSON,
        }),
      optionsJSON,
    );
  /** navigator.credentials.get() through SimpleWebAuthn's startAuthentication. */
  const get = (optionsJSON: unknown) =>
    page.evaluate(
      (optionsJSON) =>
        (globalThis as any).SimpleWebAuthnBrowser.startAuthentication({
          optionsJSON,
        }),
      optionsJSON,
    );

  let csrf = '';
  let credentialResponse: any;

  it('registers a passkey: options, the browser ceremony, verification', async () => {
    const login = await api('POST', '/api/sessions', {
      username: 'admin',
      password: ADMIN_PASSWORD,
    });
    expect(login.status).toBe(201);
    csrf = login.body.csrf_token;
    const options = await api(
      'POST',
      '/api/me/passkeys/options',
      undefined,
      csrf,
    );
    expect(options.status).toBe(200);
    expect(options.body).toMatchObject({
      rp: { id: 'localhost' },
      authenticatorSelection: {
        residentKey: 'required',
        userVerification: 'required',
      },
    });
    const response = await create(options.body);
    const created = await api(
      'POST',
      '/api/me/passkeys',
      { name: 'Laptop', response },
      csrf,
    );
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Laptop',
      created_at: expect.any(String),
      last_used_at: null,
    });
    const { credentials } = await cdp.send('WebAuthn.getCredentials', {
      authenticatorId,
    });
    expect(credentials).toHaveLength(1);
    expect(credentials[0].isResidentCredential).toBe(true);
    const status = await api('GET', '/api/me/mfa');
    expect(status.body).toEqual({
      totp: false,
      passkeys: 1,
      recovery_codes_left: 0,
    });
  });

  it('refuses a registration answer replayed (its challenge is spent)', async () => {
    const options = await api(
      'POST',
      '/api/me/passkeys/options',
      undefined,
      csrf,
    );
    // A second passkey on the same authenticator is excluded by the options.
    expect(options.body.excludeCredentials).toHaveLength(1);
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    const other = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'usb',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });
    const response = await create(options.body);
    const first = await api(
      'POST',
      '/api/me/passkeys',
      { name: 'Key', response },
      csrf,
    );
    expect(first.status).toBe(201);
    const again = await api(
      'POST',
      '/api/me/passkeys',
      { name: 'Key', response },
      csrf,
    );
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('validation_failed');
    // The first authenticator is gone with its credential: the rest use this one.
    authenticatorId = other.authenticatorId;
  });

  it('asks a password sign-in for the passkey, then signs in with aal 2', async () => {
    await api('DELETE', '/api/sessions/current', undefined, csrf);
    const first = await api('POST', '/api/sessions', {
      username: 'admin',
      password: ADMIN_PASSWORD,
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      mfa_required: true,
      methods: ['passkey'],
    });
    const options = await api('POST', '/api/sessions/mfa/options', {
      mfa_token: first.body.mfa_token,
    });
    expect(options.status).toBe(200);
    expect(options.body.allowCredentials).toHaveLength(2);
    const passkey = await get(options.body);
    const signed = await api('POST', '/api/sessions/mfa', {
      mfa_token: first.body.mfa_token,
      passkey,
    });
    expect(signed.status).toBe(201);
    expect(signed.body.aal).toBe(2);
    csrf = signed.body.csrf_token;
    const me = await api('GET', '/api/me');
    expect(me.body).toMatchObject({ type: 'user', id: 'admin' });
  });

  it('steps up a session with the passkey', async () => {
    const options = await api(
      'POST',
      '/api/sessions/current/step-up/options',
      undefined,
      csrf,
    );
    const passkey = await get(options.body);
    const res = await api(
      'POST',
      '/api/sessions/current/step-up',
      { passkey },
      csrf,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ aal: 2, until: expect.any(String) });
  });

  it('signs in with the passkey alone (a discoverable credential), once per challenge', async () => {
    await api('DELETE', '/api/sessions/current', undefined, csrf);
    const options = await api('POST', '/api/sessions/passkey/options');
    expect(options.status).toBe(200);
    expect(options.body).toMatchObject({
      rpId: 'localhost',
      userVerification: 'required',
    });
    expect(options.body.allowCredentials ?? []).toEqual([]);
    credentialResponse = await get(options.body);
    const signed = await api('POST', '/api/sessions/passkey', {
      response: credentialResponse,
    });
    expect(signed.status).toBe(201);
    expect(signed.body).toMatchObject({ aal: 2, user: { username: 'admin' } });
    const replay = await api('POST', '/api/sessions/passkey', {
      response: credentialResponse,
    });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('login_failed');
  });

  it('records each use: last_used_at and the signature counter', async () => {
    const list = await api('GET', '/api/me/passkeys');
    expect(list.body.total).toBe(2);
    const used = list.body.items.filter(
      (item: any) => item.last_used_at !== null,
    );
    expect(used).toHaveLength(1);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', {
      authenticatorId,
    });
    expect(credentials[0].signCount).toBeGreaterThanOrEqual(3);
  });

  it('logged no page error', () => {
    expect(errors).toEqual([]);
  });
});
