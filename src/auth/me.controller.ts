import { Controller, Get, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Authenticated } from '../access/policy.decorator';
import { isAdmin, type Principal } from '../access/principal';
import { PRIVILEGES, effectivePrivileges } from '../access/privileges';
import { authOf } from '../access/request-auth';
import { SerializedJson } from '../http/json-response';
import { isoInstant } from '../time/instants';
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
  Summary,
} from '../validation/schema';

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

/**
 * What does not change while a principal is cached, serialized once per
 * principal: a key's whole answer, a user's answer but for the two session
 * fields (`open`: its JSON without the closing brace).
 */
interface CallerJson {
  whole: SerializedJson;
  open: string;
}

const views = new WeakMap<Principal, CallerJson>();

function callerJson(principal: Principal): CallerJson {
  let json = views.get(principal);
  if (!json) {
    const admin = isAdmin(principal);
    const view = {
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
    const text = JSON.stringify(view);
    json = { whole: new SerializedJson(text), open: text.slice(0, -1) };
    views.set(principal, json);
  }
  return json;
}

@Controller()
export class MeController {
  /** The caller with its effective rights: `admin` shows every privilege and no restriction. */
  @Get('me')
  @Authenticated()
  @Answers(200, CALLER_SCHEMA)
  @Summary('Get the caller and its effective rights')
  me(@Req() req: Request): SerializedJson {
    const auth = authOf(req)!;
    const json = callerJson(auth.principal);
    if (auth.csrfToken === undefined) return json.whole;
    const expiresAt = isoInstant(auth.sessionExpiresAt!);
    return new SerializedJson(
      `${json.open},"expires_at":${JSON.stringify(expiresAt)},"csrf_token":${JSON.stringify(auth.csrfToken)}}`,
    );
  }

  @Get('privileges')
  @Authenticated()
  @Answers(200, page(PRIVILEGE_SCHEMA))
  privileges() {
    return { items: PRIVILEGES, total: PRIVILEGES.length };
  }
}
