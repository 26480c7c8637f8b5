import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { can, isAdmin, type Ctx } from './context';
import { Announcer } from './ui/announce';

export interface Route {
  path: string;
  label: string;
  allowed: (ctx: Ctx) => boolean;
}

/** Navigation, each link shown only to a caller who may use it (SPEC §10). */
export const ROUTES: Route[] = [
  { path: 'keys', label: 'API Keys', allowed: isAdmin },
  { path: 'users', label: 'Users', allowed: isAdmin },
  {
    path: 'roles',
    label: 'Roles',
    allowed: (ctx) =>
      ctx.has.roles &&
      (isAdmin(ctx) || ctx.me.privileges.some((p) => p.endsWith('_roles'))),
  },
  {
    path: 'audit',
    label: 'Audit Log',
    allowed: (ctx) => ctx.has.audit && isAdmin(ctx),
  },
  { path: 'categories', label: 'Categories', allowed: () => true },
  { path: 'groups', label: 'Server Groups', allowed: () => true },
  { path: 'account', label: 'My Account', allowed: () => true },
];

interface Props {
  ctx: Ctx;
  current: string;
  onSignOut: () => void;
  children: ComponentChildren;
}

export function Frame({ ctx, current, onSignOut, children }: Props) {
  const [open, setOpen] = useState(false);
  const links = ROUTES.filter((route) => route.allowed(ctx));
  return (
    <div class="frame">
      <header class="top">
        <button
          type="button"
          class="menu-button"
          aria-expanded={open}
          aria-controls="main-nav"
          onClick={() => setOpen(!open)}
        >
          Menu
        </button>
        <span class="brand">
          <span class="logo" aria-hidden="true" /> opsgate
        </span>
        <span class="who">
          {ctx.me.name || ctx.me.id}
          {can(ctx, 'admin') && <span class="badge active">admin</span>}
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <nav id="main-nav" class={open ? 'nav open' : 'nav'} aria-label="Main">
        <ul>
          {links.map((route) => (
            <li key={route.path}>
              <a
                href={`#/${route.path}`}
                aria-current={route.path === current ? 'page' : undefined}
                onClick={() => setOpen(false)}
              >
                {route.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main class="content">
        <Announcer />
        {children}
      </main>
    </div>
  );
}
