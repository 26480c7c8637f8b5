import { Controller, Get, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Authenticated } from './policy.decorator';
import { isAdmin, type Principal } from './principal';
import { PRIVILEGES, effectivePrivileges } from './privileges';
import { csrfTokenFor } from '../common/secrets';
import { authOf } from './request-auth';

type CallerView = Record<string, unknown>;

/** What does not change while a principal is cached, built once per principal. */
const views = new WeakMap<Principal, CallerView>();

function staticView(principal: Principal): CallerView {
  let view = views.get(principal);
  if (!view) {
    const admin = isAdmin(principal);
    view = {
      type: principal.type,
      id: principal.id,
      name: principal.name,
      privileges: effectivePrivileges(principal.privileges),
      categories: admin ? [] : principal.categories,
      groups: admin ? [] : principal.groups,
      roles: principal.roles,
      ...(principal.type === 'api_key' && {
        expires_at: principal.expiresAt?.toISOString() ?? null,
        max_per_sec: principal.maxPerSec,
      }),
    };
    views.set(principal, view);
  }
  return view;
}

@Controller()
export class MeController {
  /** The caller with its effective rights: `admin` shows every privilege and no restriction. */
  @Get('me')
  @Authenticated()
  me(@Req() req: Request): CallerView {
    const auth = authOf(req)!;
    const view = staticView(auth.principal);
    if (auth.sessionToken === undefined) return view;
    return {
      ...view,
      expires_at: new Date(auth.sessionExpiresAt!).toISOString(),
      csrf_token: csrfTokenFor(auth.sessionToken),
    };
  }

  @Get('privileges')
  @Authenticated()
  privileges() {
    return { items: PRIVILEGES, total: PRIVILEGES.length };
  }
}
