import { LoggedIn, login } from './helpers/auth';
import { expectProblem } from './helpers/problem';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * A NUL character is bad input, never a 500 (PostgreSQL cannot store it in
 * text; this suite also runs on PostgreSQL in the integration tier).
 */
describe('the NUL character in a request', () => {
  let t: TestApp;
  let admin: LoggedIn;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t.server);
  });
  afterAll(() => t.close());

  const as = () => ({ 'X-Session-ID': admin.sessionId });

  it.each([
    ['a key id', '/api/keys/ab%00cd'],
    ['an event id', '/api/events/ab%00'],
    ['a category id', '/api/categories/%00'],
    ['a role id', '/api/roles/x%00y'],
    ['a username', '/api/users/adm%00in'],
  ])(
    'answers 404 not_found to %s with a NUL, for GET and DELETE',
    async (_, path) => {
      expectProblem(await t.http().get(path).set(as()), 404, 'not_found');
      expectProblem(await t.http().delete(path).set(as()), 404, 'not_found');
    },
  );

  it('answers 400 validation_failed naming the query parameter', async () => {
    const res = await t.http().get('/api/audit?limit=5&actor=a%00b').set(as());
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors).toEqual([
      { field: 'actor', message: expect.stringContaining('NUL') },
    ]);
  });

  it.each([
    ['a field', { id: 'nul1', title: 'a\u0000b' }, 'title'],
    ['an unknown field', { id: 'nul2', title: 't', 'x\u0000': 1 }, 'x\\u0000'],
  ])(
    'answers 400 validation_failed to a NUL in %s of a body',
    async (_, body, field) => {
      const res = await t.http().post('/api/categories').set(as()).send(body);
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors).toEqual([
        { field, message: expect.stringContaining('NUL') },
      ]);
      const list = await t.http().get('/api/categories').set(as());
      expect(list.body.items).toEqual([]);
    },
  );

  it('names a NUL nested in a list', async () => {
    const res = await t
      .http()
      .post('/api/keys')
      .set(as())
      .send({ title: 'k', categories: ['ok', 'b\u0000'] });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors[0].field).toBe('categories[1]');
  });

  it('accepts the text \\u0000 when it is not a NUL', async () => {
    const res = await t
      .http()
      .post('/api/categories')
      .set(as())
      .send({ id: 'literal', title: 'a\\u0000b' });
    expect(res.status).toBe(201);
    expect(res.body.title).toBe('a\\u0000b');
  });
});
