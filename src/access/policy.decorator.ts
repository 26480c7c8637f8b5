import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isPrivilege, type PrivilegeId } from './privileges';
import { principalOf } from './request-auth';

/**
 * Every route declares exactly one policy. A route with none is treated as
 * admin-only at run time (fail closed), and a test fails on it.
 */
export type Policy =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'privileges'; privileges: PrivilegeId[] };

export const RoutePolicy = Reflector.createDecorator<Policy>();

/** No credential needed (health, login). */
export const Public = () => RoutePolicy({ kind: 'public' });

/** Any valid credential. */
export const Authenticated = () => RoutePolicy({ kind: 'authenticated' });

/** A valid credential holding all of these privileges (`admin` implies all). */
export function RequirePrivileges(...privileges: PrivilegeId[]) {
  const unknown = privileges.filter((privilege) => !isPrivilege(privilege));
  if (privileges.length === 0 || unknown.length > 0) {
    throw new Error(
      `RequirePrivileges needs catalog ids, got [${privileges.join(', ')}]`,
    );
  }
  return RoutePolicy({ kind: 'privileges', privileges });
}

const ADMIN_ONLY: Policy = { kind: 'privileges', privileges: ['admin'] };

/** The route's policy; a route that declares none fails closed to admin-only. */
export function policyOf(
  reflector: Reflector,
  context: ExecutionContext,
): Policy {
  return (
    reflector.getAllAndOverride(RoutePolicy, [
      context.getHandler(),
      context.getClass(),
    ]) ?? ADMIN_ONLY
  );
}

/** The authenticated caller of this request. */
export const Caller = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => principalOf(context),
);
