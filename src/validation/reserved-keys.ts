import type { FieldError } from '../http/app-error';

/**
 * Keys class-transformer drops in silence when it makes a DTO of plain
 * JSON (its guard against prototype pollution), before class-validator
 * looks for unknown properties: without this check they were the only
 * unknown properties a body could carry without a 400.
 */
const RESERVED = new Set(['__proto__', 'constructor']);

/**
 * Each own `__proto__` or `constructor` key of a parsed body or query, at
 * any depth, as the error an unknown property gets (class-validator's
 * message, its dotted path). JSON.parse and node:querystring make both
 * own properties, so Object.keys finds them.
 */
export function reservedKeyErrors(value: unknown, path = ''): FieldError[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.keys(value).flatMap((key) => {
    const field = path ? `${path}.${key}` : key;
    const own: FieldError[] = RESERVED.has(key)
      ? [{ field, message: `property ${key} should not exist` }]
      : [];
    const inner = (value as Record<string, unknown>)[key];
    return [...own, ...reservedKeyErrors(inner, field)];
  });
}
