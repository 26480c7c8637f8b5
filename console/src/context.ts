import { client, ok, type Schemas } from './api';

export type Me = Schemas['Caller'];
export type PrivilegeInfo = Schemas['Privilege'];

/** What every screen knows: the caller, the privilege catalog, what the API offers. */
export interface Ctx {
  me: Me;
  catalog: PrivilegeInfo[];
  /** Roles (§12) and the audit log (§13) appear once the server has them. */
  has: { roles: boolean; audit: boolean };
}

/** `GET /api/me` lists effective privileges: for an admin, the whole catalog. */
export const can = (ctx: Ctx, privilege: string) =>
  ctx.me.privileges.includes(privilege);

export const isAdmin = (ctx: Ctx) => can(ctx, 'admin');

export const titleOf = (ctx: Ctx, id: string) =>
  ctx.catalog.find((p) => p.id === id)?.title ?? id;

export async function loadContext(me: Me): Promise<Ctx> {
  const [catalog, description] = await Promise.all([
    ok(client.GET('/api/privileges')),
    ok(client.GET('/api')),
  ]);
  const mounted = new Set(description.routes.map((route) => route.path));
  return {
    me,
    catalog: catalog.items,
    has: { roles: mounted.has('/api/roles'), audit: mounted.has('/api/audit') },
  };
}
