import type { Change } from '../bus/change-bus';
import { fingerprint } from '../cache/digest-index';
import type { ApiKey } from './api-key.entity';

type Secrets = Pick<
  ApiKey,
  'active' | 'expiresAt' | 'keyHash' | 'previousKeyHash' | 'previousExpiresAt'
>;

/** The fingerprints of the secrets that open `key` at `now` (none: disabled, expired, gone). */
export function liveFingerprints(key: Secrets | null, now: number): number[] {
  if (!key?.active) return [];
  if (key.expiresAt && key.expiresAt.getTime() <= now) return [];
  const prints = [fingerprint(key.keyHash)];
  if (key.previousKeyHash && key.previousExpiresAt!.getTime() > now) {
    prints.push(fingerprint(key.previousKeyHash));
  }
  return prints;
}

/**
 * What a write made live or not, for every instance's gate of SPEC §7
 * (auth/live-credentials.ts), or null when nothing changed. A key that
 * expires, or whose old secret's grace ends, with time is dropped at the
 * gate's next rebuild: until then it costs a lookup when presented, never a
 * lockout.
 */
export function liveChange(was: number[], is: number[]): Change | null {
  const added = without(is, was);
  const removed = without(was, is);
  if (added.length === 0 && removed.length === 0) return null;
  return { kind: 'live', added, removed };
}

/** `from` less one occurrence of each item of `less` (fingerprints may repeat). */
function without(from: number[], less: number[]): number[] {
  const rest = [...less];
  return from.filter((print) => {
    const at = rest.indexOf(print);
    if (at === -1) return true;
    rest.splice(at, 1);
    return false;
  });
}
