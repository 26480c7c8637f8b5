import type { Principal } from '../access/principal';
import { ChangeBus } from '../bus/change-bus';
import { ReferenceCopy, type ReferenceEntry } from './reference-copy';

const caller: Principal = {
  type: 'api_key',
  id: 'k',
  name: 'k',
  privileges: [],
  categories: [],
  groups: [],
  roles: [],
  maxPerSec: 0,
  expiresAt: null,
};
const PAGE = { limit: 10, offset: 0 };
const entry = (id: string): ReferenceEntry => ({
  view: { id },
  scope: { category: id },
});

/** A copy whose loads are answered by the test, one at a time. */
function setup() {
  const changes = new ChangeBus();
  const pending: ((entries: ReferenceEntry[]) => void)[] = [];
  const failures: ((error: Error) => void)[] = [];
  const copy = new ReferenceCopy(
    'categories',
    { category: 'id' },
    changes,
    () =>
      new Promise<ReferenceEntry[]>((resolve, reject) => {
        pending.push(resolve);
        failures.push(reject);
      }),
  );
  return { changes, copy, pending, failures };
}

const idsOf = (page: { items: Record<string, unknown>[] }) =>
  page.items.map((item) => item.id);

describe('ReferenceCopy', () => {
  it('answers from memory, without a promise, once loaded', async () => {
    const { copy, pending } = setup();
    const first = copy.list(caller, PAGE);
    pending[0]([entry('a')]);
    expect(idsOf(await first!)).toEqual(['a']);
    const second = copy.list(caller, PAGE);
    expect(second).not.toBeInstanceOf(Promise);
    expect(second).toEqual({ items: [{ id: 'a' }], total: 1 });
    expect(copy.get('a')).toEqual({ id: 'a' });
    expect(copy.get('b')).toBeNull();
    expect(copy.loads).toBe(1);
  });

  it('keeps no load that raced a change, and loads again', async () => {
    const { changes, copy, pending } = setup();
    const raced = copy.list(caller, PAGE);
    changes.publish({ kind: 'records', resource: 'categories' });
    const after = copy.list(caller, PAGE);
    expect(copy.loads).toBe(2);
    pending[0]([entry('old')]);
    pending[1]([entry('new')]);
    expect(idsOf(await raced!)).toEqual(['old']);
    expect(idsOf(await after!)).toEqual(['new']);
    expect(copy.list(caller, PAGE)).toEqual({
      items: [{ id: 'new' }],
      total: 1,
    });
  });

  it('drops itself on a change to its table or to everything only', async () => {
    const { changes, copy, pending } = setup();
    void copy.list(caller, PAGE);
    pending[0]([entry('a')]);
    await Promise.resolve();
    changes.publish({ kind: 'records', resource: 'groups' });
    changes.publish({ kind: 'role', id: 'r' });
    expect(copy.list(caller, PAGE)).not.toBeInstanceOf(Promise);
    changes.deliver({ kind: 'all' });
    expect(copy.list(caller, PAGE)).toBeInstanceOf(Promise);
  });

  it('keeps no failed load, so the next read tries again', async () => {
    const { copy, failures, pending } = setup();
    const failed = copy.list(caller, PAGE);
    failures[0](new Error('database down'));
    await expect(failed).rejects.toThrow('database down');
    const retried = copy.list(caller, PAGE);
    expect(copy.loads).toBe(2);
    pending[1]([entry('a')]);
    expect(idsOf(await retried!)).toEqual(['a']);
  });

  it('answers nothing while changes may be missed, and reloads after', async () => {
    const { changes, copy, pending } = setup();
    void copy.list(caller, PAGE);
    pending[0]([entry('a')]);
    await Promise.resolve();
    changes.setChannelUp(false);
    expect(copy.list(caller, PAGE)).toBeUndefined();
    expect(copy.get('a')).toBeUndefined();
    changes.setChannelUp(true);
    expect(copy.list(caller, PAGE)).toBeInstanceOf(Promise);
  });

  it('filters by the caller scope and pages what remains', async () => {
    const { copy, pending } = setup();
    const restricted = { ...caller, categories: ['b', 'c', 'd'] };
    const page = copy.list(restricted, { limit: 1, offset: 1 });
    pending[0](['a', 'b', 'c', 'd'].map(entry));
    expect(await page).toEqual({ items: [{ id: 'c' }], total: 3 });
  });
});
