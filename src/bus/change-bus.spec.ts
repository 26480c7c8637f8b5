import { Change, ChangeBus } from './change-bus';

describe('ChangeBus', () => {
  it('delivers a published change to every listener at once, then to the transport', () => {
    const changes = new ChangeBus();
    const seen: string[] = [];
    changes.subscribe((c) => seen.push(`a:${c.kind}`));
    changes.subscribe((c) => seen.push(`b:${c.kind}`));
    changes.connect((c) => seen.push(`sent:${c.kind}`));
    changes.publish({ kind: 'session', id: 's1' });
    expect(seen).toEqual(['a:session', 'b:session', 'sent:session']);
  });

  it('does not send a delivered change (from another instance) back out', () => {
    const changes = new ChangeBus();
    const sent: Change[] = [];
    const seen: Change[] = [];
    changes.subscribe((c) => seen.push(c));
    changes.connect((c) => sent.push(c));
    changes.deliver({ kind: 'user', userId: 3 });
    expect(seen).toEqual([{ kind: 'user', userId: 3 }]);
    expect(sent).toEqual([]);
  });

  it('is untrusted while the channel is down and drops every cached copy on each transition', () => {
    const changes = new ChangeBus();
    const seen: Change[] = [];
    changes.subscribe((c) => seen.push(c));
    expect(changes.trusted).toBe(true);
    changes.setChannelUp(false);
    changes.setChannelUp(false);
    expect(changes.trusted).toBe(false);
    changes.setChannelUp(true);
    expect(changes.trusted).toBe(true);
    expect(seen).toEqual([{ kind: 'all' }, { kind: 'all' }]);
  });
});
