import type { SchemaObject } from '@nestjs/swagger';
import {
  bool,
  instant,
  integer,
  listOf,
  named,
  orNull,
  page,
  strict,
  text,
  type Schema,
} from '../validation/schema';
import { sessionFields } from '../sessions/sign-in.views';

export const TOTP_ENROLMENT_SCHEMA = named('TotpEnrolment', () =>
  strict({
    secret: text({ pattern: '^[A-Z2-7]+=*$' }),
    otpauth_url: text({ pattern: '^otpauth://totp/' }),
  }),
);

export const RECOVERY_CODES_SCHEMA = named('RecoveryCodes', () =>
  strict({ recovery_codes: listOf(text()) }),
);

export const MFA_STATUS_SCHEMA = named('MfaStatus', () =>
  strict({
    totp: bool,
    passkeys: integer({ minimum: 0 }),
    recovery_codes_left: integer({ minimum: 0 }),
  }),
);

const PASSKEY_SCHEMA = named('Passkey', () =>
  strict({
    id: text(),
    name: text(),
    created_at: instant,
    last_used_at: orNull(instant),
  }),
);
export const PASSKEY_VIEW_SCHEMA = PASSKEY_SCHEMA;
export const PASSKEY_PAGE_SCHEMA = page(PASSKEY_SCHEMA);

/** WebAuthn options exactly as SimpleWebAuthn produces them (their own specification, not restated). */
const webauthnOptions = (name: string, required: string[]): Schema =>
  named(name, () => ({
    type: 'object',
    required,
    // Every required member named (any value), so the schema defines what it requires.
    properties: {
      ...Object.fromEntries(
        required.map((field) => [
          field,
          { description: 'As SimpleWebAuthn produces it' },
        ]),
      ),
      challenge: text({ pattern: '^[A-Za-z0-9_-]+$' }),
    },
    additionalProperties: true,
  }));

export const REGISTRATION_OPTIONS_SCHEMA = webauthnOptions(
  'PasskeyRegistrationOptions',
  ['challenge', 'rp', 'user', 'pubKeyCredParams'],
);
export const ASSERTION_OPTIONS_SCHEMA = webauthnOptions(
  'PasskeyAssertionOptions',
  ['challenge'],
);

export const STEP_UP_SCHEMA = named('StepUp', () =>
  strict({ aal: integer({ const: 2 } as SchemaObject), until: instant }),
);

/** A session begun with a second factor: exactly the login's answer, and `aal`. */
export const SIGNED_IN_SCHEMA = named('SessionWithSecondFactor', () =>
  strict({ ...sessionFields(), aal: integer({ const: 2 } as SchemaObject) }),
);
