import { dictionary } from '@zxcvbn-ts/language-common';
import { registerDecorator, type ValidationArguments } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { AppError } from '../http/app-error';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
/** Usernames this short are inside too many passwords by chance to refuse them. */
const USERNAME_CHECK_MIN = 3;

let common: ReadonlySet<string> | undefined;

/**
 * zxcvbn-ts's list of common passwords (some 49,000, most used first: well
 * over SPEC §16's 10,000), lower-cased. Read at first use, not at start-up:
 * decompressing it takes some 50 ms that most processes never need.
 */
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    dictionary['passwords-common'].map((word) => word.toLowerCase()),
  );
  return common;
}

/** SPEC §16 (NIST SP 800-63B): passwords are compared and hashed in NFKC. */
export const normalizePassword = (password: string): string =>
  password.normalize('NFKC');

/**
 * Why `password` may not be used, as the end of a sentence that starts with
 * the field's name; null when it may. No composition rules (NIST): length,
 * the common-password list and the username only.
 */
export function passwordProblem(
  password: string,
  username?: string,
): string | null {
  const normalized = normalizePassword(password);
  const length = [...normalized].length;
  if (length < PASSWORD_MIN) {
    return `must be at least ${PASSWORD_MIN} characters long`;
  }
  if (length > PASSWORD_MAX) {
    return `must be at most ${PASSWORD_MAX} characters long`;
  }
  const lower = normalized.toLowerCase();
  if (commonPasswords().has(lower)) {
    return 'is one of the most common passwords, which attackers try first; choose a longer or less predictable one';
  }
  if (
    username !== undefined &&
    username.length >= USERNAME_CHECK_MIN &&
    lower.includes(username.toLowerCase())
  ) {
    return 'must not contain the username';
  }
  return null;
}

/** 400 validation_failed on `field` when the policy refuses `password`. */
export function assertAllowedPassword(
  password: string,
  username: string,
  field: string,
): void {
  const problem = passwordProblem(password, username);
  if (problem !== null)
    throw AppError.invalidField(field, `${field} ${problem}`);
}

/**
 * A string password that SPEC §16's policy accepts (its only rule: no
 * @IsString beside it, so one mistake gives one message); checked against the object's
 * `username` when it has one (creation). Where the username is elsewhere
 * (the URL, the session), the service checks it with passwordProblem.
 */
export function AllowedPassword(): PropertyDecorator {
  // The document's schema: the length counts after NFKC, so it has no raw bounds.
  const schema = JSONSchema({
    type: 'string',
    minLength: 1,
    description: `${PASSWORD_MIN}-${PASSWORD_MAX} characters after Unicode NFKC normalisation; not one of the most common passwords; not containing the username`,
  });
  return (target: object, propertyName: string | symbol) => {
    schema(target, propertyName as string);
    registerDecorator({
      name: 'allowedPassword',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown, args: ValidationArguments) =>
          typeof value === 'string' &&
          passwordProblem(value, usernameOf(args.object)) === null,
        defaultMessage: (args: ValidationArguments) => {
          const value: unknown = args.value;
          const problem =
            typeof value === 'string'
              ? passwordProblem(value, usernameOf(args.object))
              : 'must be a string';
          return `$property ${problem}`;
        },
      },
    });
  };
}

/**
 * A password as typed to sign in or confirm (its only rule): a string of 1 to PASSWORD_MAX
 * characters counted as the policy counts them (after NFKC), so every
 * password the policy accepted fits.
 */
export function TypedPassword(): PropertyDecorator {
  const schema = JSONSchema({
    type: 'string',
    minLength: 1,
    description: `1-${PASSWORD_MAX} characters after Unicode NFKC normalisation`,
  });
  return (target: object, propertyName: string | symbol) => {
    schema(target, propertyName as string);
    registerDecorator({
      name: 'typedPassword',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `$property must be a string of 1-${PASSWORD_MAX} characters`,
      },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const length = [...normalizePassword(value)].length;
          return length >= 1 && length <= PASSWORD_MAX;
        },
      },
    });
  };
}

function usernameOf(object: object): string | undefined {
  const username = (object as { username?: unknown }).username;
  return typeof username === 'string' ? username : undefined;
}
