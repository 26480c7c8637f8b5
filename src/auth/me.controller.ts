import { Controller, Get, Req } from '@nestjs/common';
import type { AuthedRequest } from './authed-request';
import { Authenticated } from './policy.decorator';
import { PRIVILEGES, effectivePrivileges } from './privileges';
import { isAdmin } from './principal';

@Controller()
export class MeController {
  /** The caller with its effective rights: `admin` shows every privilege and no restriction. */
  @Get('me')
  @Authenticated()
  me(@Req() req: AuthedRequest) {
    const principal = req.principal!;
    const admin = isAdmin(principal);
    return {
      type: principal.type,
      id: principal.id,
      name: principal.name,
      privileges: effectivePrivileges(principal.privileges),
      categories: admin ? [] : principal.categories,
      groups: admin ? [] : principal.groups,
      ...(principal.type === 'user'
        ? { expires_at: req.sessionExpiresAt!.toISOString() }
        : {
            expires_at: principal.expiresAt?.toISOString() ?? null,
            max_per_sec: principal.maxPerSec,
          }),
    };
  }

  @Get('privileges')
  @Authenticated()
  privileges() {
    return { items: PRIVILEGES, total: PRIVILEGES.length };
  }
}
