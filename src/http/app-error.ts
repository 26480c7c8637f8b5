export type ErrorCode =
  | 'validation_failed'
  | 'malformed_json'
  | 'no_credentials'
  | 'invalid_api_key'
  | 'api_key_disabled'
  | 'api_key_expired'
  | 'invalid_session'
  | 'session_expired'
  | 'account_disabled'
  | 'login_failed'
  | 'sso_failed'
  | 'missing_privilege'
  | 'scope_denied'
  | 'ip_not_allowed'
  | 'escalation_denied'
  | 'csrf_failed'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'too_many_login_attempts'
  | 'too_many_failures'
  | 'malformed_request'
  | 'headers_too_large'
  | 'internal_error'
  | 'unavailable'
  | 'reauthentication_failed'
  | 'step_up_required'
  | 'mfa_failed';

export interface FieldError {
  field: string;
  message: string;
}

/** The known credential a refusal was about (for the audit log; never rendered). */
export interface ErrorSubject {
  /** `alice` or `key:<id>`. */
  actor: string;
  targetType: 'api_key' | 'user';
  targetId: string;
}

/** Why single sign-on could not complete: `reason` of `401 sso_failed` (SPEC §17). */
export const SSO_FAILURE_REASONS = [
  'state_mismatch',
  'token_invalid',
  'no_username',
  'provider_error',
  'unavailable',
  'untrusted_proxy',
  'account_conflict',
] as const;
export type SsoFailureReason = (typeof SSO_FAILURE_REASONS)[number];

/** Retry-After's value for a wait of `seconds`: whole seconds, at least one. */
export const retryAfterSeconds = (seconds: number): number =>
  Math.max(1, Math.ceil(seconds));

/** The one error type of opsgate: an HTTP status, a stable code, and extra problem fields. */
export class AppError extends Error {
  /** Set when a 401 refuses a credential that exists (disabled, expired). */
  subject?: ErrorSubject;
  /**
   * The problem body but for its request_id, without the closing brace
   * (problem.filter.ts): kept on the error, so an error answered many times
   * (AuthFailures' 429) is serialized once.
   */
  problemHead?: string;

  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extras: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    // An AppError is an answer, not a fault: nobody reads its stack, and
    // capturing one is the most expensive part of a 401.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(detail);
    Error.stackTraceLimit = limit;
    this.name = 'AppError';
  }

  /** Marks the refusal as one of a known credential, so it is audited. */
  about(subject: ErrorSubject): this {
    this.subject = subject;
    return this;
  }

  static validation(errors: FieldError[]): AppError {
    const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return new AppError(
      400,
      'validation_failed',
      detail || 'Invalid request.',
      {
        errors,
      },
    );
  }

  static invalidField(field: string, message: string): AppError {
    return AppError.validation([{ field, message }]);
  }

  static unauthorized(code: ErrorCode, detail: string): AppError {
    return new AppError(401, code, detail);
  }

  static notFound(detail: string): AppError {
    return new AppError(404, 'not_found', detail);
  }

  static conflict(detail: string): AppError {
    return new AppError(409, 'conflict', detail);
  }

  static tooManyRequests(
    code: 'rate_limited' | 'too_many_login_attempts' | 'too_many_failures',
    detail: string,
    waitSeconds: number,
  ): AppError {
    const retryAfter = String(retryAfterSeconds(waitSeconds));
    return new AppError(429, code, detail, {}, { 'Retry-After': retryAfter });
  }
}
