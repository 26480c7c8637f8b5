import createClient, { type Middleware } from 'openapi-fetch';
// Generated from the served document by the test that runs this file
// (test/generated-client.e2e-spec.ts); never committed. So this folder is
// left out of the root tsconfig.json: the test type-checks it, with
// ./tsconfig.json, once the types exist.
import type { paths } from './openapi';

/**
 * The README's walk-through, as a program written against a client generated
 * from the OpenAPI document (openapi-typescript's types, openapi-fetch's
 * client): no URL, header, body or response shape is written here that the
 * document does not give. Each client is configured with ONE credential.
 */
export interface WalkThrough {
  baseUrl: string;
  password: string;
  /** Sees every request and response (the test checks them). */
  observer: Middleware;
}

export async function walkThrough({
  baseUrl,
  password,
  observer,
}: WalkThrough) {
  const client = (headers: Record<string, string> = {}) => {
    const made = createClient<paths>({ baseUrl, headers });
    made.use(observer);
    return made;
  };

  // 1. Log in as admin: the session id is the credential of the next steps.
  const login = await client().POST('/api/sessions', {
    body: { username: 'admin', password },
  });
  if (!login.data || !('session_id' in login.data)) {
    throw new Error(`login: ${login.response.status}`);
  }
  const admin = client({ 'X-Session-ID': login.data.session_id });

  // 2. A category.
  const category = await admin.POST('/api/categories', {
    body: { id: 'deploys', title: 'Deploys' },
  });
  if (!category.data) throw new Error(`category: ${category.response.status}`);

  // 3. An API key restricted to it: one privilege, at most 2 requests a second.
  const created = await admin.POST('/api/keys', {
    body: {
      title: 'CI deploy',
      privileges: ['create_events'],
      categories: [category.data.id],
      max_per_sec: 2,
    },
  });
  if (!created.data) throw new Error(`key: ${created.response.status}`);
  const key = client({ 'X-API-Key': created.data.key });

  // 4. An event, with the key; the answer carries the key's rate-limit headers.
  const event = await key.POST('/api/events', {
    body: { title: 'Nightly deploy', category: 'deploys', targets: [] },
  });
  if (!event.data) throw new Error(`event: ${event.response.status}`);

  // 5. /api/me with the key: the key's effective rights.
  const me = await key.GET('/api/me');
  if (!me.data) throw new Error(`me: ${me.response.status}`);

  // 6. A third request within the same second: the rate limit.
  const limited = await key.GET('/api/me');
  if (!limited.error)
    throw new Error(`not limited: ${limited.response.status}`);

  return {
    user: login.data.user.username,
    category: category.data.id,
    key: { id: created.data.id, mask: created.data.mask },
    event: {
      category: event.data.category,
      createdBy: event.data.created_by,
      rateLimitPolicy: event.response.headers.get('RateLimit-Policy'),
      rateLimit: event.response.headers.get('RateLimit'),
    },
    me: {
      type: me.data.type,
      privileges: me.data.privileges,
      categories: me.data.categories,
    },
    limited: {
      status: limited.response.status,
      code: limited.error.code,
      retryAfter: limited.response.headers.get('Retry-After'),
    },
  };
}
