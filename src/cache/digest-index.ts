/**
 * 30 bits of a SHA-256 hex digest, as an integer below 2^30: V8 keeps such
 * numbers unboxed (Smi), so a Map of them holds no heap number per entry.
 * Read from the hex string directly, so asking allocates nothing.
 */
export function fingerprint(hexDigest: string): number {
  let value = 0;
  for (let i = 0; i < 7; i++) value = value * 16 + hexValue(hexDigest, i);
  return value * 4 + (hexValue(hexDigest, 7) >> 2);
}

function hexValue(text: string, index: number): number {
  const code = text.charCodeAt(index);
  // 0-9, a-f (digests are lower-case hex).
  return code <= 57 ? code - 48 : code - 87;
}

/**
 * A set of fingerprints (30 bits of a digest each), with a count per
 * fingerprint, so two digests that share one are added and removed apart.
 * A probabilistic filter: `has` answers true for every digest added, and
 * for a random other digest with probability size / 2^30 (under 1 % up to
 * ten million entries). Some 30-37 bytes an entry in V8 (a Map of two
 * small integers, with its growth slack) where a Set of the hex digests
 * takes some 110.
 * Hand-written: no filter on npm both deletes exactly and stays this small
 * in V8 (bloom filters do not delete; cuckoo filters in JS box their buckets).
 */
export class DigestIndex {
  private readonly counts = new Map<number, number>();

  has(hexDigest: string): boolean {
    return this.counts.has(fingerprint(hexDigest));
  }

  add(print: number): void {
    this.counts.set(print, (this.counts.get(print) ?? 0) + 1);
  }

  remove(print: number): void {
    const count = this.counts.get(print);
    if (count === undefined) return;
    if (count <= 1) this.counts.delete(print);
    else this.counts.set(print, count - 1);
  }

  get size(): number {
    return this.counts.size;
  }
}
