import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Inject,
  Logger,
  Optional,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { QueryFailedError } from 'typeorm';
import { AppError, ErrorCode } from './app-error';
import { DENIAL_RECORDER, type DenialRecorder } from './denial-recorder';
import { PROBLEM_TYPE, writeJson } from './json-response';
import { requestIdOf } from './request-id';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'no_credentials',
  404: 'not_found',
  405: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  429: 'rate_limited',
  503: 'unavailable',
};

export const WWW_AUTHENTICATE = 'ApiKey header="X-API-Key"';

/** Renders every error as application/problem+json (RFC 9457); nothing internal leaks. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(
    @Optional()
    @Inject(DENIAL_RECORDER)
    private readonly denials?: DenialRecorder,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    const requestId = requestIdOf(res);
    const error = this.toAppError(exception, requestId);
    noteError(res, error);
    if (res.headersSent) {
      res.end();
      return;
    }
    // Refusals are recorded before the answer leaves, so whoever reads the
    // audit log after the answer finds the entry.
    if (this.denials && (error.status === 401 || error.status === 403)) {
      void this.denials
        .refused(req, error)
        .then(() => this.send(res, error, requestId));
      return;
    }
    this.send(res, error, requestId);
  }

  private send(res: Response, error: AppError, requestId: string): void {
    for (const name in error.headers) res.setHeader(name, error.headers[name]);
    if (error.status === 401)
      res.setHeader('WWW-Authenticate', WWW_AUTHENTICATE);
    res.setHeader('Cache-Control', 'no-store');
    writeJson(res, error.status, PROBLEM_TYPE, problemBody(error, requestId));
  }

  private toAppError(exception: unknown, requestId: string): AppError {
    if (exception instanceof AppError) return exception;
    if (exception instanceof HttpException) return this.fromHttp(exception);
    if (isConstraintViolation(exception)) {
      return AppError.conflict('The change conflicts with existing data.');
    }
    this.logger.error(
      { message: 'Unhandled error', request_id: requestId },
      exception instanceof Error ? exception.stack : String(exception),
    );
    return new AppError(500, 'internal_error', 'An unexpected error occurred.');
  }

  private fromHttp(exception: HttpException): AppError {
    const status = exception.getStatus();
    if (status === 404) {
      return AppError.notFound('No such route.');
    }
    const code = CODE_BY_STATUS[status] ?? 'internal_error';
    // Framework messages are generic ("Not Found"); keep them, never a stack.
    return new AppError(status, code, exception.message);
  }
}

/** RFC 9457's members, the error's extras, then the request id. */
function problemBody(error: AppError, requestId: string): string {
  error.problemHead ??= JSON.stringify({
    type: 'about:blank',
    title: STATUS_CODES[error.status] ?? 'Error',
    status: error.status,
    code: error.code,
    detail: error.detail,
    ...error.extras,
  }).slice(0, -1);
  return `${error.problemHead},"request_id":${JSON.stringify(requestId)}}`;
}

const errors = new WeakMap<object, AppError>();

function noteError(res: Response, error: AppError): void {
  errors.set(res, error);
}

/** The problem a response was answered with, if any (metrics, usage per key). */
export function errorOf(res: object): AppError | undefined {
  return errors.get(res);
}

/** The problem code a response was answered with, if any (for metrics). */
export function errorCodeOf(res: object): ErrorCode | undefined {
  return errors.get(res)?.code;
}

/** A UNIQUE or FOREIGN KEY failure that a race slipped past the service's own check. */
function isConstraintViolation(exception: unknown): boolean {
  if (!(exception instanceof QueryFailedError)) return false;
  const code = (exception.driverError as { code?: string } | undefined)?.code;
  return code === 'SQLITE_CONSTRAINT';
}
