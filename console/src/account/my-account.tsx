import { useState } from 'preact/hooks';
import { titleOf, type Ctx } from '../context';
import { formatDateTime } from '../format';
import { ChangePassword } from './change-password';
import { MySessions } from './my-sessions';
import { SecurityLog } from './security-log';
import { TwoFactor } from './two-factor';

const scope = (ids: string[]) => (ids.length ? ids.join(', ') : 'All');

/**
 * The caller as GET /api/me describes it (effective rights and scope); for a
 * person, also their password, sessions, second factors and security log
 * (SPEC §16, §18). A change in one reloads the lists it affects.
 */
export function MyAccountScreen({ ctx }: { ctx: Ctx }) {
  const { me } = ctx;
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);
  return (
    <section class="screen">
      <header class="screen-head">
        <h1>My Account</h1>
      </header>
      <dl class="facts">
        <dt>Type</dt>
        <dd>{me.type === 'user' ? 'User' : 'API Key'}</dd>
        <dt>Name</dt>
        <dd>{me.name || me.id}</dd>
        <dt>{me.type === 'user' ? 'Username' : 'Key ID'}</dt>
        <dd>{me.id}</dd>
        <dt>Privileges</dt>
        <dd>
          {me.privileges.length === 0 ? (
            'None'
          ) : (
            <ul class="chips">
              {me.privileges.map((id) => (
                <li key={id}>{titleOf(ctx, id)}</li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Categories</dt>
        <dd>{scope(me.categories)}</dd>
        <dt>Server Groups</dt>
        <dd>{scope(me.groups)}</dd>
        {me.roles && (
          <>
            <dt>Roles</dt>
            <dd>{me.roles.length ? me.roles.join(', ') : 'None'}</dd>
          </>
        )}
        <dt>Session Expires</dt>
        <dd>{me.expires_at ? formatDateTime(me.expires_at) : 'Never'}</dd>
      </dl>
      {me.type === 'user' && (
        <>
          <ChangePassword onChanged={changed} />
          <MySessions version={version} />
          <TwoFactor onChanged={changed} />
          <SecurityLog version={version} />
        </>
      )}
    </section>
  );
}
