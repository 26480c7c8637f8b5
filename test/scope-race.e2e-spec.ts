import type { Response } from 'supertest';
import { WriteLock } from '../src/database/write-lock';
import { Event } from '../src/events/event.entity';
import { createKey, login, LoggedIn, seedScope } from './helpers/auth';
import { expectProblem } from './helpers/problem';
import { createTestApp, TestApp } from './helpers/test-app';

/**
 * SPEC §20, scope inside the transaction: the scope check of the decision
 * function (src/auth/checks/scope.check.ts) reads the stored record before
 * validation, outside the write's transaction. Here an admin
 * moves an event out of a restricted key's scope between that read and the
 * key's write, every time: the writes are held at the write lock until both
 * requests wait there, the move first. The key's write must then be refused
 * and change nothing.
 */
describe('scope is checked inside the write’s transaction (SPEC §20)', () => {
  let t: TestApp;
  let admin: LoggedIn;
  let key: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t.server);
    await seedScope(t.server, admin, ['prod', 'dev'], ['web']);
    key = (
      await createKey(t.server, admin, {
        privileges: ['edit_events', 'delete_events', 'run_jobs'],
        categories: ['prod'],
      })
    ).key;
  });
  afterAll(() => t.close());

  const asAdmin = (method: 'get' | 'post' | 'patch', path: string) =>
    t.http()[method](path).set('X-Session-ID', admin.sessionId);
  const asKey = (method: 'post' | 'patch' | 'delete', path: string) =>
    t.http()[method](path).set('X-API-Key', key);

  /**
   * Holds every write at the lock until `arrivals` more transactions wait
   * there, in the order the requests were sent, then lets them run.
   */
  async function heldAtTheLock<T>(
    arrivals: number,
    send: (arrived: (n: number) => Promise<void>) => Promise<T>,
  ): Promise<T> {
    const lock = t.app.get(WriteLock);
    const spy = jest.spyOn(lock, 'transaction');
    const start = spy.mock.calls.length;
    let release!: () => void;
    void lock.exclusive(() => new Promise<void>((r) => (release = r)));
    const arrived = async (n: number) => {
      for (let spins = 0; spy.mock.calls.length < start + n; spins++) {
        if (spins > 10_000) throw new Error(`no ${n} writes at the lock`);
        await new Promise((r) => setImmediate(r));
      }
    };
    try {
      const sending = send(arrived);
      await arrived(arrivals);
      release();
      return await sending;
    } finally {
      release();
      spy.mockRestore();
    }
  }

  /** An event in the key's scope, moved to `dev` while `act` is on its way. */
  async function raceAgainstMove(
    act: (id: string) => PromiseLike<Response>,
  ): Promise<{ id: string; res: Response }> {
    const event = await asAdmin('post', '/api/events')
      .send({ title: 'before', category: 'prod', targets: ['web'] })
      .expect(201);
    const id = event.body.id as string;
    const res = await heldAtTheLock(2, async (arrived) => {
      const move = asAdmin('patch', `/api/events/${id}`)
        .send({ category: 'dev' })
        .then((r) => r);
      // The move waits at the lock first; the key's request then passes the
      // guard (the event still reads prod) and waits behind it.
      await arrived(1);
      const acting = act(id).then((r) => r);
      const [moved, answer] = await Promise.all([move, acting]);
      expect(moved.status).toBe(200);
      return answer;
    });
    return { id, res };
  }

  const ROUNDS = 3;

  it('refuses an edit of a record moved out of scope meanwhile', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { id, res } = await raceAgainstMove((id) =>
        asKey('patch', `/api/events/${id}`).send({ title: 'edited' }),
      );
      expect(expectProblem(res, 403, 'scope_denied').category).toBe('dev');
      const stored = await asAdmin('get', `/api/events/${id}`).expect(200);
      expect(stored.body).toMatchObject({ title: 'before', category: 'dev' });
    }
  });

  it('refuses deleting a record moved out of scope meanwhile', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { id, res } = await raceAgainstMove((id) =>
        asKey('delete', `/api/events/${id}`),
      );
      expectProblem(res, 403, 'scope_denied');
      await asAdmin('get', `/api/events/${id}`).expect(200);
    }
  });

  it('refuses running an event moved out of scope meanwhile', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { id, res } = await raceAgainstMove((id) =>
        asKey('post', `/api/events/${id}/run`),
      );
      expectProblem(res, 403, 'scope_denied');
      const jobs = await asAdmin('get', '/api/jobs?limit=1000').expect(200);
      expect(
        (jobs.body.items as { event_id: string }[]).filter(
          (job) => job.event_id === id,
        ),
      ).toEqual([]);
    }
  });

  it('refuses reading a record moved out of scope after the scope check read it', async () => {
    // Reads take no lock: the move is made the moment the scope check's own
    // read of the event returns, before the handler reads it.
    const repo = t.dataSource.getRepository(Event);
    for (let round = 0; round < ROUNDS; round++) {
      const event = await asAdmin('post', '/api/events')
        .send({ title: 'before', category: 'prod' })
        .expect(201);
      const id = event.body.id as string;
      const original = repo.findOneBy.bind(repo);
      const spy = jest
        .spyOn(repo, 'findOneBy')
        .mockImplementationOnce(async (where) => {
          const found = await original(where);
          await repo.update({ id }, { category: 'dev' });
          return found;
        });
      try {
        const res = await t
          .http()
          .get(`/api/events/${id}`)
          .set('X-API-Key', key);
        expect(spy).toHaveBeenCalled();
        expect(expectProblem(res, 403, 'scope_denied').category).toBe('dev');
      } finally {
        spy.mockRestore();
      }
    }
  });
});
