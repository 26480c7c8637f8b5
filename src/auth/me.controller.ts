import { Controller, Get, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Authenticated } from './policy.decorator';
import { isAdmin, type Principal } from './principal';
import { PRIVILEGES, effectivePrivileges } from './privileges';
import { authOf } from './request-auth';
import {
  Answers,
  integer,
  listOf,
  named,
  orNull,
  page,
  strict,
  text,
  instant,
} from '../common/schema';

const ids = listOf(text());
const callerFields = () => ({
  id: text(),
  name: text(),
  privileges: ids,
  categories: ids,
  groups: ids,
  roles: ids,
});

/** GET /api/me: a user on a session, or an API key (SPEC §4). */
const CALLER_SCHEMA = named('Caller', () => ({
  oneOf: [
    strict(
      {
        type: text({ enum: ['user'] }),
        ...callerFields(),
        expires_at: instant,
        csrf_token: text(),
      },
      ['csrf_token'],
    ),
    strict({
      type: text({ enum: ['api_key'] }),
      ...callerFields(),
      expires_at: orNull(instant),
      max_per_sec: integer({ minimum: 0 }),
    }),
  ],
}));

const PRIVILEGE_SCHEMA = named('Privilege', () =>
  strict({ id: text(), title: text(), description: text() }),
);

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
  @Answers(200, CALLER_SCHEMA)
  me(@Req() req: Request): CallerView {
    const auth = authOf(req)!;
    const view = staticView(auth.principal);
    if (auth.csrfToken === undefined) return view;
    return {
      ...view,
      expires_at: new Date(auth.sessionExpiresAt!).toISOString(),
      csrf_token: auth.csrfToken,
    };
  }

  @Get('privileges')
  @Authenticated()
  @Answers(200, page(PRIVILEGE_SCHEMA))
  privileges() {
    return { items: PRIVILEGES, total: PRIVILEGES.length };
  }
}
