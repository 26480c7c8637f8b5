import { LoggedIn, login } from './helpers/auth';
import { expectProblem } from './helpers/problem';
import { TestApp, createTestApp } from './helpers/test-app';

const SPECIAL = ['__proto__', 'constructor'];

/**
 * An unknown property of a body is a 400 validation_failed naming it (SPEC
 * §8). class-transformer drops the keys `__proto__` and `constructor` (its
 * guard against prototype pollution) before class-validator looks for
 * unknown properties, so those two alone were accepted in silence: a body
 * meant to pollute a prototype, or a client's typo'd field, got a 2xx as
 * if it were clean. They are refused like any other unknown property,
 * on every route with a body, at any depth.
 */
describe('the keys __proto__ and constructor in a body', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let bodyRoutes: [string, string][];

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t.server);
    const document = (await t.http().get('/api/openapi.json').expect(200))
      .body as { paths: Record<string, Record<string, any>> };
    bodyRoutes = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) => op?.requestBody?.content?.['application/json'])
        .map(([method]): [string, string] => [
          method,
          path.replace(/\{[^}]+\}/g, 'x'),
        ]),
    );
  });
  afterAll(() => t.close());

  const send = (method: string, path: string, json: string) =>
    t
      .http()
      [method as 'post'](path)
      .set('X-Session-ID', admin.sessionId)
      .set('Content-Type', 'application/json')
      .send(json);

  const fieldsOf = (body: Record<string, any>) =>
    (body.errors as { field: string }[]).map((error) => error.field);

  it('finds the routes that take a body', () => {
    expect(bodyRoutes.length).toBeGreaterThanOrEqual(20);
  });

  it.each(SPECIAL)(
    'every route with a body answers 400 validation_failed naming %s',
    async (key) => {
      const answers: string[] = [];
      for (const [method, path] of bodyRoutes) {
        const res = await send(method, path, `{"${key}": {"admin": true}}`);
        const named =
          res.status === 400 &&
          res.body.code === 'validation_failed' &&
          fieldsOf(res.body).includes(key);
        if (!named)
          answers.push(`${method} ${path}: ${res.status} ${res.text}`);
      }
      expect(answers).toEqual([]);
    },
  );

  it('a login with a valid body and __proto__ beside it is refused, not signed in', async () => {
    const res = await send(
      'post',
      '/api/sessions',
      '{"username": "admin", "password": "admin-password-1", "__proto__": {"privileges": ["admin"]}}',
    );
    const body = expectProblem(res, 400, 'validation_failed');
    expect(body.errors).toEqual([
      { field: '__proto__', message: expect.stringContaining('__proto__') },
    ]);
  });

  it('refuses them inside a nested object too, naming the path', async () => {
    const res = await send(
      'post',
      '/api/auth/explain',
      '{"method": "GET", "path": "/api/me", "as": {"username": "admin", "constructor": {"prototype": {}}}}',
    );
    const body = expectProblem(res, 400, 'validation_failed');
    expect(fieldsOf(body)).toContain('as.constructor');
  });

  it('refuses them in a query string like any unknown parameter', async () => {
    for (const key of SPECIAL) {
      const res = await t
        .http()
        .get(`/api/users?${key}=1`)
        .set('X-Session-ID', admin.sessionId);
      const body = expectProblem(res, 400, 'validation_failed');
      expect(fieldsOf(body)).toContain(key);
    }
  });

  it('still takes the same words as values', async () => {
    await t
      .http()
      .post('/api/categories')
      .set('X-Session-ID', admin.sessionId)
      .send({ id: 'constructor', title: '__proto__' })
      .expect(201);
  });
});
