import { randomInt } from 'node:crypto';
import { ADMIN_PASSWORD, ADMIN_USERNAME } from './config';

export interface Reply<T = unknown> {
  status: number;
  body: T;
}

/** One JSON request to the server under test. */
export async function call<T = unknown>(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<Reply<T>> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: {
      ...headers,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text ? JSON.parse(text) : null) as T,
  };
}

export async function expectStatus<T>(
  reply: Promise<Reply<T>>,
  status: number,
  what: string,
): Promise<T> {
  const result = await reply;
  if (result.status !== status) {
    throw new Error(
      `${what}: expected ${status}, got ${result.status} ${JSON.stringify(result.body)}`,
    );
  }
  return result.body;
}

/** What the rows need: credentials, and the ids the seeded events use. */
export interface Fixture {
  /** A session of a non-admin user holding the same privilege as `apiKey`. */
  sessionId: string;
  /** The administrator's session (its /api/me lists every privilege). */
  adminSessionId: string;
  /** Categories in the database (issue 15's row reads them all). */
  categories: number;
  /** Unrestricted, one privilege. */
  apiKey: string;
  /** max_per_sec high enough never to refuse: it measures the limiter's cost. */
  rateLimitedKey: string;
  /** Restricted to category `bench`. */
  categoryKey: string;
  /** Of the right form, unknown to the server. */
  unknownKey: string;
  category: string;
  otherCategory: string;
  group: string;
}

const BENCH_USER = 'bench';
const CATEGORIES = 10;
// Not containing the username: the password rules refuse that.
const BENCH_USER_PASSWORD = 'quartz-lantern-91-orbit';
/** The one privilege of the unrestricted key, the rate-limited key and the bench user. */
const PRIVILEGE = 'create_events';

const KEY_ALPHABET =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A key of the right form (24 of [A-Za-z0-9]): almost surely unknown to the server. */
export function randomKey(length = 24): string {
  return Array.from(
    { length },
    () => KEY_ALPHABET[randomInt(KEY_ALPHABET.length)],
  ).join('');
}

/** Logs in as the administrator and creates the keys, categories and group over HTTP. */
export async function prepare(port: number): Promise<Fixture> {
  const login = await expectStatus(
    call<{ session_id: string }>(
      port,
      'POST',
      '/api/sessions',
      {},
      {
        username: ADMIN_USERNAME,
        password: ADMIN_PASSWORD,
      },
    ),
    201,
    'login',
  );
  const admin = { 'x-session-id': login.session_id };
  const fixture = {
    category: 'bench',
    otherCategory: 'other',
    group: 'bench-servers',
  };
  // Issue 15's categories row reads a list of ten.
  const fillers = Array.from({ length: CATEGORIES - 2 }, (_, i) => `c${i}`);
  for (const id of [fixture.category, fixture.otherCategory, ...fillers]) {
    await expectStatus(
      call(port, 'POST', '/api/categories', admin, {
        id,
        title: `Bench ${id}`,
      }),
      201,
      `create category ${id}`,
    );
  }
  await expectStatus(
    call(port, 'POST', '/api/groups', admin, {
      id: fixture.group,
      title: 'Bench servers',
      hostname_match: '^bench',
    }),
    201,
    'create group',
  );
  const createKey = async (body: Record<string, unknown>) =>
    (
      await expectStatus(
        call<{ key: string }>(port, 'POST', '/api/keys', admin, body),
        201,
        `create key ${String(body.title)}`,
      )
    ).key;
  // Row 3's session belongs to a user with the same single privilege as row 2's
  // key, so the two rows answer bodies of the same size (an admin's /api/me
  // lists all 47 privileges) and differ only in the credential.
  await expectStatus(
    call(port, 'POST', '/api/users', admin, {
      username: BENCH_USER,
      password: BENCH_USER_PASSWORD,
      privileges: [PRIVILEGE],
    }),
    201,
    'create user',
  );
  const userLogin = await expectStatus(
    call<{ session_id: string }>(
      port,
      'POST',
      '/api/sessions',
      {},
      {
        username: BENCH_USER,
        password: BENCH_USER_PASSWORD,
      },
    ),
    201,
    'login as the bench user',
  );
  return {
    ...fixture,
    sessionId: userLogin.session_id,
    adminSessionId: login.session_id,
    categories: CATEGORIES,
    apiKey: await createKey({
      title: 'bench unrestricted',
      privileges: [PRIVILEGE],
    }),
    rateLimitedKey: await createKey({
      title: 'bench rate-limited',
      privileges: [PRIVILEGE],
      max_per_sec: 100_000,
    }),
    categoryKey: await createKey({
      title: 'bench category-restricted',
      categories: [fixture.category],
    }),
    unknownKey: randomKey(),
  };
}

/** Headers node:http sets itself, or that change with every response. */
const PER_RESPONSE = new Set([
  'date',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'x-request-id',
]);

/** The headers of the public route's answer that are the same every time: what the bare row sends. */
export async function publicHeaders(
  port: number,
): Promise<Record<string, string>> {
  const res = await fetch(`http://127.0.0.1:${port}/api/health/live`);
  await res.arrayBuffer();
  const out: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!PER_RESPONSE.has(name)) out[name] = value;
  });
  return out;
}

/**
 * Keys beside the fixture's, until the database holds `total`: issue 26's
 * rows are judged at 10 keys. Through the API, so a baseline build of
 * another commit gets them too.
 */
export async function addKeys(
  port: number,
  fixture: Fixture,
  total: number,
): Promise<void> {
  const admin = { 'x-session-id': fixture.adminSessionId };
  const { total: now } = await expectStatus(
    call<{ total: number }>(port, 'GET', '/api/keys?limit=1', admin),
    200,
    'count keys',
  );
  for (let i = now; i < total; i++) {
    await expectStatus(
      call(port, 'POST', '/api/keys', admin, { title: `bench filler ${i}` }),
      201,
      'create a filler key',
    );
  }
}
