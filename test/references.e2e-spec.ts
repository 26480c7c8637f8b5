import { login, sessionRequests } from './helpers/auth';
import { expectProblem } from './helpers/problem';
import { prng, subset } from './helpers/prng';
import { createTestApp, TestApp } from './helpers/test-app';

/** Records that name server groups in a list (SPEC §9): event targets, monitor and alert groups. */
const LISTS = [
  { path: '/api/events', field: 'targets', extra: { category: 'ex' } },
  { path: '/api/monitors', field: 'groups', extra: {} },
  { path: '/api/alerts', field: 'groups', extra: {} },
] as const;

describe('references (SPEC §9: deleting what is still named is 409)', () => {
  let t: TestApp;
  let sessionId = '';
  const as = sessionRequests(
    () => t.http(),
    () => sessionId,
  );

  beforeAll(async () => {
    t = await createTestApp();
    sessionId = (await login(t.server)).sessionId;
    await as
      .post('/api/categories')
      .send({ id: 'ex', title: 'ex' })
      .expect(201);
  });
  afterAll(() => t.close());

  const createGroups = async (ids: string[]) => {
    for (const id of ids)
      await as.post('/api/groups').send({ id, title: id }).expect(201);
  };

  it.each(LISTS)(
    'refuses to delete a group that only a later $path record names, as its second entry',
    async ({ path, field, extra }) => {
      const [x, y] = [`x${field}${path.length}`, `y${field}${path.length}`];
      await createGroups([x, y]);
      const body = (groups: string[]) => ({
        title: 't',
        ...extra,
        [field]: groups,
      });
      await as
        .post(path)
        .send(body([x]))
        .expect(201);
      const second = await as
        .post(path)
        .send(body([x, y]))
        .expect(201);
      expectProblem(await as.delete(`/api/groups/${y}`), 409, 'conflict');
      await as.delete(`${path}/${second.body.id}`).expect(204);
      await as.delete(`/api/groups/${y}`).expect(204);
    },
  );

  // Random records over random group lists; after each step, deleting any
  // group answers 409 exactly when some record still names it.
  it.each([1, 2, 3, 4])(
    'answers 409 exactly when a record still names the group (seed %i)',
    async (seed) => {
      const random = prng(seed);
      const groups = Array.from({ length: 6 }, (_, i) => `p${seed}-${i}`);
      await createGroups(groups);
      const records: { path: string; id: string; groups: string[] }[] = [];
      for (let i = 0; i < 12; i++) {
        const list = LISTS[Math.floor(random() * LISTS.length)];
        const named = subset(random, groups);
        const res = await as
          .post(list.path)
          .send({ title: `r${i}`, ...list.extra, [list.field]: named })
          .expect(201);
        records.push({ path: list.path, id: res.body.id, groups: named });
      }
      const live = new Set(groups);
      while (live.size > 0) {
        if (records.length > 0 && random() < 0.5) {
          const [gone] = records.splice(
            Math.floor(random() * records.length),
            1,
          );
          await as.delete(`${gone.path}/${gone.id}`).expect(204);
        }
        const pick = [...live][Math.floor(random() * live.size)];
        const named = records.some((r) => r.groups.includes(pick));
        const res = await as.delete(`/api/groups/${pick}`);
        expect({ seed, group: pick, status: res.status }).toEqual({
          seed,
          group: pick,
          status: named ? 409 : 204,
        });
        if (!named) live.delete(pick);
      }
    },
  );
});
