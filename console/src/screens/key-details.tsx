import { useEffect, useState } from 'preact/hooks';
import { client, ok } from '../api';
import { titleOf, type Ctx } from '../context';
import { formatDate, formatDateTime, timeAgo } from '../format';
import type { PrivilegeId } from '../grants';
import { Alert, Loading, messageOf } from '../ui/alert';
import { announce, said } from '../ui/announce';
import { Dialog } from '../ui/dialog';
import { UsageChart } from '../ui/usage-chart';
import { expiresSoon, keyStatus, type ApiKey } from './api-keys';

import type { paths } from '../generated/openapi';

type Usage =
  paths['/api/keys/{id}/usage']['get']['responses'][200]['content']['application/json'];

const path = (key: ApiKey) => ({ params: { path: { id: key.id } } });

/**
 * "Key Details" (SPEC §19, §21): what the key may do and from where, when it
 * expires, and what it did in the last 14 days, with the privileges it never
 * needed and a button to drop them (least privilege).
 */
export function KeyDetailsDialog(props: {
  ctx: Ctx;
  apiKey: ApiKey;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { ctx } = props;
  const [key, setKey] = useState(props.apiKey);
  const [usage, setUsage] = useState<Usage>();
  const [alert, setAlert] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const query = { days: 14 };
    ok(
      client.GET('/api/keys/{id}/usage', {
        params: { ...path(key).params, query },
      }),
    ).then(setUsage, (error) => setAlert(messageOf(error)));
  }, [key]);

  const unused = usage?.unused_privileges ?? [];
  const removeUnused = async () => {
    setBusy(true);
    setAlert(undefined);
    try {
      const privileges = key.privileges.filter(
        (id) => !unused.includes(id),
      ) as PrivilegeId[];
      const body = { privileges };
      setKey(await ok(client.PATCH('/api/keys/{id}', { ...path(key), body })));
      props.onChanged();
      announce(said('API key', key.title, 'updated'));
    } catch (error) {
      setAlert(messageOf(error));
    }
    setBusy(false);
  };

  return (
    <Dialog
      title="Key Details"
      onClose={props.onClose}
      onBackdrop={props.onClose}
      wide
    >
      <p class="subtitle">
        <strong>{key.title}</strong> <code>{key.mask}</code>
      </p>
      <Alert message={alert} />
      <dl class="facts">
        <dt>Status</dt>
        <dd>{keyStatus(key)}</dd>
        <dt>Expires</dt>
        <dd>
          {key.expires_at ? formatDate(key.expires_at) : 'Never'}
          {expiresSoon(key) && (
            <>
              {' '}
              <span class="badge expired">Expires soon</span>
            </>
          )}
        </dd>
        <dt>Allowed IPs</dt>
        <dd>
          {key.allowed_ips.length === 0 ? (
            'Any address'
          ) : (
            <ul class="chips">
              {key.allowed_ips.map((ip) => (
                <li key={ip}>{ip}</li>
              ))}
            </ul>
          )}
        </dd>
        <dt>IP Policy</dt>
        <dd>
          {key.ip_policy === 'report'
            ? 'Report only: requests from elsewhere pass and are audited'
            : 'Enforce: requests from elsewhere are refused'}
        </dd>
        <dt>Last Used</dt>
        <dd>
          {key.last_used_at
            ? `${timeAgo(key.last_used_at)} (${formatDateTime(key.last_used_at)})` +
              (key.last_used_ip ? ` from ${key.last_used_ip}` : '')
            : 'Never'}
        </dd>
      </dl>
      {!usage ? (
        !alert && <Loading />
      ) : (
        <>
          <h3>Usage, last 14 days</h3>
          <UsageChart days={usage.days} />
          <h3>Routes</h3>
          {usage.routes.length === 0 ? (
            <p class="hint">No successful request in these 14 days.</p>
          ) : (
            <table class="plain" aria-label="Routes">
              <thead>
                <tr>
                  <th scope="col">Route</th>
                  <th scope="col">Requests</th>
                </tr>
              </thead>
              <tbody>
                {usage.routes.map((route) => (
                  <tr key={route.route}>
                    <td>
                      <code>{route.route}</code>
                    </td>
                    <td>{route.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Unused privileges</h3>
          {unused.length === 0 ? (
            <p class="hint">Every privilege of this key was needed.</p>
          ) : (
            <>
              <ul class="chips" aria-label="Unused privileges">
                {unused.map((id) => (
                  <li key={id}>{titleOf(ctx, id)}</li>
                ))}
              </ul>
              <div class="actions">
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => void removeUnused()}
                >
                  Remove Unused Privileges
                </button>
              </div>
            </>
          )}
        </>
      )}
      <div class="actions">
        <button type="button" class="primary" onClick={props.onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
