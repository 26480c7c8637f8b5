import type { SchemaObject } from '@nestjs/swagger';
import {
  instant,
  listOf,
  named,
  strict,
  text,
  type Schema,
} from '../validation/schema';
import { USER_SCHEMA } from '../users/user.view';
import { MFA_METHODS } from './second-step';

/** A login's 201 body (LoginResult); other sign-ins answer it with more. */
export const sessionFields = (): Record<string, Schema> => ({
  session_id: text(),
  csrf_token: text(),
  expires_at: instant,
  user: USER_SCHEMA,
});

export const SESSION_SCHEMA = named('Session', () => strict(sessionFields()));

export const MFA_REQUIRED_SCHEMA = named('MfaRequired', () =>
  strict({
    mfa_required: { const: true } as SchemaObject,
    mfa_token: text(),
    methods: listOf(text({ enum: [...MFA_METHODS] })),
  }),
);
