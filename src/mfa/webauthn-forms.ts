import type {
  AuthenticationResponseJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

/**
 * The shape of a browser's WebAuthn answer, checked before anything reads
 * it: a credential id goes into a query (TypeORM drops an `undefined` from a
 * where clause), and SimpleWebAuthn expects strings where it decodes.
 * The library checks the content; this only keeps a malformed body a 4xx.
 */
const CREDENTIAL_ID = /^[A-Za-z0-9_-]{1,1400}$/;
const MAX_FIELD = 64 * 1024;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isText = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_FIELD;

const optionalText = (value: unknown) =>
  value === undefined || value === null || isText(value);

function isCredentialForm(value: unknown, fields: string[]): boolean {
  if (!isRecord(value) || !isRecord(value.response)) return false;
  const id = value.id;
  const inner = value.response;
  return (
    typeof id === 'string' &&
    CREDENTIAL_ID.test(id) &&
    value.rawId === id &&
    value.type === 'public-key' &&
    fields.every((field) => isText(inner[field]))
  );
}

export function isRegistrationForm(
  value: unknown,
): value is RegistrationResponseJSON {
  return isCredentialForm(value, ['clientDataJSON', 'attestationObject']);
}

export function isAssertionForm(
  value: unknown,
): value is AuthenticationResponseJSON {
  return (
    isCredentialForm(value, [
      'clientDataJSON',
      'authenticatorData',
      'signature',
    ]) &&
    optionalText(
      (value as { response: { userHandle?: unknown } }).response.userHandle,
    )
  );
}
