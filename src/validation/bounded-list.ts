import { getMetadataStorage, registerDecorator } from 'class-validator';
import type { FieldError } from '../http/app-error';

/** What a list property holds: how many at most, and which items are valid. */
export interface ListRule {
  /** Most items; checked first, alone, before any item is looked at. */
  readonly max: number;
  /** Fewest items (none by default). */
  readonly min?: number;
  /** Repeated items are fine (a list of candidates, not of grants). */
  readonly duplicates?: 'allowed';
  /** Whether one item is valid; called at most once per item. */
  readonly isItem: (item: unknown) => boolean;
  /** Why the invalid items are invalid, e.g. "unknown privileges: "x", "y"". */
  readonly describeInvalid: (invalid: unknown[]) => string;
  /** `isItem` as JSON Schema, for the API description (common/dto-schema.ts). */
  readonly items?: Record<string, unknown>;
}

const tooMany = (rule: ListRule) =>
  `must contain no more than ${rule.max} elements`;

/**
 * The first thing wrong with `value` as a list under `rule`, or null. Linear
 * whatever the input: the length is checked before anything else (so an
 * oversized list costs O(1)), each item once, duplicates with a Set.
 * class-validator runs every constraint of a property even after one fails,
 * and its @ArrayUnique is an indexOf filter (O(n²)), so a list is one
 * constraint here rather than a stack of them.
 */
export function listProblem(value: unknown, rule: ListRule): string | null {
  if (!Array.isArray(value)) return 'must be an array';
  if (value.length > rule.max) {
    return tooMany(rule);
  }
  if (rule.min !== undefined && value.length < rule.min) {
    return `must contain at least ${rule.min} element${rule.min > 1 ? 's' : ''}`;
  }
  const invalid: unknown[] = [];
  const seen = new Set<unknown>();
  let duplicate = false;
  for (const item of value as unknown[]) {
    if (!rule.isItem(item)) invalid.push(item);
    else if (rule.duplicates === 'allowed') continue;
    else if (seen.has(item)) duplicate = true;
    else seen.add(item);
  }
  if (invalid.length > 0) return rule.describeInvalid(invalid);
  return duplicate ? 'must not contain duplicates' : null;
}

export const BOUNDED_LIST = 'boundedList';

/**
 * A body property that is a list under `rule`, validated by `listProblem` as
 * one constraint. The problem found by `validate` is kept for the message, so
 * a list is walked once.
 */
export function BoundedList(rule: ListRule): PropertyDecorator {
  const problems = new WeakMap<object, string>();
  const problemOf = (value: unknown): string | null => {
    if (!Array.isArray(value)) return listProblem(value, rule);
    const known = problems.get(value);
    if (known !== undefined) return known;
    const problem = listProblem(value, rule);
    if (problem !== null) problems.set(value, problem);
    return problem;
  };
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: BOUNDED_LIST,
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [rule],
      options: {
        message: (args) => `${args.property} ${problemOf(args.value)}`,
      },
      validator: { validate: (value) => problemOf(value) === null },
    });
}

/** The invalid items as JSON, the first few only: the message stays small whatever came in. */
export function quoted(invalid: unknown[], shown = 10): string {
  const named = invalid.slice(0, shown).map((item) => JSON.stringify(item));
  const more = invalid.length - named.length;
  return more > 0 ? `${named.join(', ')} and ${more} more` : named.join(', ');
}

const listsByClass = new WeakMap<object, [string, ListRule][]>();

/** The BoundedList properties of a DTO class, inherited ones (PartialType…) included. */
function listsOf(dto: new () => object): [string, ListRule][] {
  let lists = listsByClass.get(dto);
  if (!lists) {
    lists = getMetadataStorage()
      .getTargetValidationMetadatas(dto, '', true, false)
      .filter((rule) => rule.name === BOUNDED_LIST)
      .map((rule) => [rule.propertyName, rule.constraints[0] as ListRule]);
    listsByClass.set(dto, lists);
  }
  return lists;
}

/**
 * Oversized lists of a plain body, checked before class-transformer copies it
 * (which walks every element) and before any other rule: an oversized list
 * costs O(1), whatever its length.
 */
export function oversizedLists(
  dto: new () => object,
  plain: Record<string, unknown>,
): FieldError[] {
  return listsOf(dto).flatMap(([property, rule]) => {
    const value = plain[property];
    return Array.isArray(value) && value.length > rule.max
      ? [
          {
            field: property,
            message: `${property} must contain no more than ${rule.max} elements`,
          },
        ]
      : [];
  });
}
