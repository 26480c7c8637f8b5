import { api, type Page } from './api';

export interface Me {
  type: 'user' | 'api_key';
  id: string;
  name: string;
  privileges: string[];
  categories: string[];
  groups: string[];
  roles?: string[];
  expires_at: string | null;
  csrf_token?: string;
}

export interface PrivilegeInfo {
  id: string;
  title: string;
  description: string;
}

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

interface RouteInfo {
  path: string;
}

export async function loadContext(me: Me): Promise<Ctx> {
  const [catalog, description] = await Promise.all([
    api<Page<PrivilegeInfo>>('GET', '/api/privileges'),
    api<{ routes: RouteInfo[] }>('GET', '/api'),
  ]);
  const mounted = new Set(description.routes.map((route) => route.path));
  return {
    me,
    catalog: catalog.items,
    has: { roles: mounted.has('/api/roles'), audit: mounted.has('/api/audit') },
  };
}
