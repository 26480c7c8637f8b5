import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { AppError } from '../http/app-error';
import { authOf } from './request-auth';

/** A person on a session: the caller of the routes of their own account (SPEC §16). */
export interface SignedInUser {
  username: string;
  /** The session's record id (not its public handle). */
  sessionRecordId: string;
}

/**
 * The signed-in person of this request. An API key has no account of its
 * own, so these routes do not exist for it: 404, as SPEC §16 says.
 */
export const SignedIn = createParamDecorator(
  (_data: unknown, context: ExecutionContext): SignedInUser => {
    const auth = authOf(context.switchToHttp().getRequest<object>());
    if (auth?.sessionRecordId === undefined || auth.principal.type !== 'user') {
      throw AppError.notFound(
        'These routes are a signed-in person’s own account; an API key has none.',
      );
    }
    return {
      username: auth.principal.id,
      sessionRecordId: auth.sessionRecordId,
    };
  },
);
