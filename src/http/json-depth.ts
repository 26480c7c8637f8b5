/** SPEC §8: a JSON body nested deeper than this is refused as malformed_json. */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether a JSON text nests arrays/objects deeper than `max`, in one pass over
 * its code units and before any parsing: JSON.parse itself would cope, but
 * class-transformer and class-validator recurse per level and overflow the
 * stack at about 1,400 (a 500). Brackets inside strings do not count. Invalid
 * JSON is left for the parser to refuse. In UTF-8 these ASCII bytes never occur
 * inside a multi-byte character, so the raw bytes can be scanned as they are.
 */
export function nestsDeeperThan(
  text: Uint8Array | string,
  max = MAX_JSON_DEPTH,
): boolean {
  const at =
    typeof text === 'string'
      ? (i: number) => text.charCodeAt(i)
      : (i: number) => text[i];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = at(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}
