import type { RouteInfo } from '../auth/route-table';
import { API_PREFIX } from '../http/api-prefix';

/** Path words whose plain form would misname the record (SPEC's own names). */
const NOUNS: Record<string, [string, string]> = {
  keys: ['API key', 'API keys'],
  groups: ['server group', 'server groups'],
};

const isParam = (segment: string) => segment.startsWith(':');

/** `revokeLeaked` → `Revoke leaked`; `ip-report` → `Ip report`. */
export const sentence = (name: string) => {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_.]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function noun(segment: string): { one: string; many: string } | undefined {
  const known = NOUNS[segment];
  if (known) return { one: known[0], many: known[1] };
  // Only a plural names a collection: `health` or `audit` is no list of records.
  if (!/^[a-z-]+s$/.test(segment)) return undefined;
  const many = segment.replace(/-/g, ' ');
  const one = many.endsWith('ies')
    ? `${many.slice(0, -3)}y`
    : many.slice(0, -1);
  return { one, many };
}

const withArticle = (word: string) =>
  `${/^[aeio]/i.test(word) ? 'an' : 'a'} ${word}`;

/**
 * A summary for an operation that declares none (`@ApiOperation`): the
 * usual REST shapes read as a sentence (`POST /api/keys` → "Create an API
 * key", `POST /api/keys/:id/rotate` → "Rotate an API key"); anything else
 * is the handler's name in words. Declare one where that reads badly.
 */
export function summaryOf(route: RouteInfo): string {
  const segments = route.path
    .slice(`/${API_PREFIX}`.length)
    .split('/')
    .filter(Boolean);
  const [collection, , action, ...rest] = segments;
  const record = collection ? noun(collection) : undefined;
  const one = record && withArticle(record.one);
  const shape = `${route.method} ${segments.map((s) => (isParam(s) ? '{}' : 'x')).join('/')}`;
  if (record && rest.length === 0) {
    switch (shape) {
      case 'GET x':
        return `List ${record.many}`;
      case 'POST x':
        return `Create ${one}`;
      case 'GET x/{}':
        return `Get ${one}`;
      case 'PATCH x/{}':
        return `Update ${one}`;
      case 'PUT x/{}':
        return `Replace ${one}`;
      case 'DELETE x/{}':
        return `Delete ${one}`;
      case 'POST x/{}/x':
        return `${sentence(action)} ${one}`;
      case 'GET x/{}/x':
        return `Get the ${sentence(action).toLowerCase()} of ${one}`;
    }
  }
  return sentence(route.handler.name);
}
