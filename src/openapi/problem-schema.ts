import type { SchemaObject } from '@nestjs/swagger';
import type { ResponseObject } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { integer, listOf, strict, text } from '../validation/schema';
import { ERROR_CATALOG, ERROR_CODES } from './error-catalog';
import { SSO_FAILURE_REASONS, type ErrorCode } from '../http/app-error';

/**
 * RFC 9457 problem details as ProblemFilter renders them, with every
 * extension member opsgate sends. Strict like the records: an extension
 * member the server sends but this does not name fails the e2e suite.
 */
export const PROBLEM_SCHEMA: SchemaObject = strict(
  {
    type: text({ const: 'about:blank' } as SchemaObject),
    title: text({ description: 'The HTTP reason phrase of the status' }),
    status: integer({ minimum: 400, maximum: 599 }),
    code: text({ enum: ERROR_CODES }),
    detail: text({
      description: 'A human-readable explanation; never a stack or SQL',
    }),
    errors: {
      ...listOf(strict({ field: text(), message: text() })),
      description: 'validation_failed: each failing field',
    },
    required_privileges: {
      ...listOf(text()),
      description: 'missing_privilege: what the route requires',
    },
    missing_privileges: {
      ...listOf(text()),
      description: 'missing_privilege: what the caller lacks of it',
    },
    category: {
      anyOf: [text(), { type: 'null' }],
      description:
        'scope_denied: the category out of scope (null: records without one)',
    },
    groups: {
      ...listOf(text()),
      description: 'scope_denied: the server groups out of scope',
    },
    categories: {
      ...listOf(text()),
      description:
        'scope_denied (roles): the categories the caller may not grant',
    },
    holders: {
      ...listOf(text()),
      maxItems: 10,
      description:
        'escalation_denied: up to 10 users and keys (`key:<id>`) the change would widen',
    },
    ip: text({
      description:
        'ip_not_allowed: the client IP, outside the key’s allowed_ips',
    }),
    methods: {
      ...listOf(text({ enum: ['totp', 'passkey', 'recovery_code'] })),
      description:
        'step_up_required: the second factors the user can step up with ([]: enrol one first)',
    },
    reason: text({
      enum: [...SSO_FAILURE_REASONS],
      description: 'sso_failed: why single sign-on could not complete',
    }),
    request_id: text({
      description: 'The id of the request, also in the log',
    }),
  },
  [
    'methods',
    'ip',
    'errors',
    'required_privileges',
    'missing_privileges',
    'category',
    'groups',
    'categories',
    'holders',
    'reason',
    'request_id',
  ],
);

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };

/** One response of an operation: the problem schema, narrowed to the codes the route can answer. */
export function problemResponse(
  status: number,
  codes: ErrorCode[],
): ResponseObject {
  return {
    description: `${STATUS_CODES[status]}: ${codes
      .map((code) => `\`${code}\` (${ERROR_CATALOG[code].when})`)
      .join('; ')}`,
    content: {
      'application/problem+json': {
        schema: {
          allOf: [
            PROBLEM_REF,
            {
              properties: {
                status: { const: status },
                code: { enum: codes },
              },
            } as SchemaObject,
          ],
        },
      },
    },
  };
}
