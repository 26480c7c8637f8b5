import { client, ok, type Schemas } from '../api';
import { can, isAdmin, titleOf, type Ctx } from '../context';
import { formatDate, localMidnightIso, timeAgo, toDateInput } from '../format';
import { grantBody, grantFields, grantValues } from '../grants';
import { said } from '../ui/announce';
import { CrudScreen, type CrudSpec, type Helpers } from '../ui/crud-screen';
import type { Values } from '../ui/fields';
import { FormDialog } from '../ui/form-dialog';
import { KeyDetailsDialog } from './key-details';

export type ApiKey = Schemas['ApiKey'];

const DAY = 86_400_000;

/** "Disabled" wins over "Expired" (SPEC §10). */
export function keyStatus(key: ApiKey, now = Date.now()): string {
  if (!key.active) return 'Disabled';
  if (key.expires_at && Date.parse(key.expires_at) <= now) return 'Expired';
  return 'Active';
}

/** A live key that stops working within 7 days (SPEC §21). */
export const expiresSoon = (key: ApiKey, now = Date.now()) =>
  keyStatus(key, now) === 'Active' &&
  key.expires_at !== null &&
  Date.parse(key.expires_at) - now <= 7 * DAY;

export function privilegeSummary(ctx: Ctx, ids: string[]): string {
  if (ids.length === 0) return 'None';
  const titles = ids.map((id) => titleOf(ctx, id));
  return titles.length <= 3
    ? titles.join(', ')
    : `${titles.slice(0, 2).join(', ')} and ${titles.length - 2} more`;
}

const path = (key: ApiKey) => ({ params: { path: { id: key.id } } });

function rotate(key: ApiKey, { show, showSecret }: Helpers) {
  show(
    <FormDialog
      title={`Rotate API Key “${key.title}”`}
      fields={[
        {
          kind: 'number',
          name: 'grace_seconds',
          label: 'Grace Period (seconds)',
          min: 0,
          max: 604800,
          hint: 'How long the old key keeps working; 0 refuses it at once.',
        },
      ]}
      initial={{ grace_seconds: '0' }}
      submitLabel="Rotate Key"
      onClose={() => show(null)}
      onSubmit={async (values) => {
        const result = await ok(
          client.POST('/api/keys/{id}/rotate', {
            ...path(key),
            body: { grace_seconds: Number(values.grace_seconds || 0) },
          }),
        );
        showSecret(result.key, said('API key', key.title, 'rotated'));
      }}
    />,
  );
}

/** Only what the form changed: an untouched date keeps the stored instant. */
function keyBody(ctx: Ctx, values: Values, key?: ApiKey) {
  const date = values.expires_at as string;
  const dateChanged = !key || date !== toDateInput(key.expires_at);
  return {
    title: values.title as string,
    description: values.description as string,
    ...grantBody(ctx, values),
    max_per_sec: Number(values.max_per_sec || 0),
    ...(dateChanged && {
      expires_at: date ? localMidnightIso(date) : null,
    }),
    active: values.active as boolean,
    allowed_ips: (values.allowed_ips as string)
      .split(/[\s,]+/)
      .filter((ip) => ip !== ''),
    ip_policy: values.ip_policy as ApiKey['ip_policy'],
  };
}

function expiresCell(key: ApiKey) {
  if (!key.expires_at) return 'Never';
  return (
    <>
      {formatDate(key.expires_at)}{' '}
      {expiresSoon(key) && <span class="badge expired">Expires soon</span>}
    </>
  );
}

export function ApiKeysScreen({ ctx }: { ctx: Ctx }) {
  const admin = isAdmin(ctx);
  const spec: CrudSpec<ApiKey> = {
    heading: 'API Keys',
    noun: 'API Key',
    spoken: 'API key',
    idOf: (key) => key.id,
    nameOf: (key) => key.title,
    addLabel: 'Add API Key…',
    createLabel: 'Create Key',
    can: { create: admin, edit: admin, delete: admin },
    empty: 'No API keys yet. Add one to let an application call the API.',
    columns: [
      { label: 'Title', cell: (key) => key.title, value: (key) => key.title },
      {
        label: 'Key',
        cell: (key) => <code>{key.mask}</code>,
        value: (key) => key.mask,
      },
      {
        label: 'Status',
        cell: (key) => {
          const status = keyStatus(key);
          return <span class={`badge ${status.toLowerCase()}`}>{status}</span>;
        },
        value: keyStatus,
      },
      {
        label: 'Privileges',
        cell: (key) => privilegeSummary(ctx, key.privileges),
        value: (key) => privilegeSummary(ctx, key.privileges),
      },
      {
        label: 'Rate Limit',
        cell: (key) =>
          key.max_per_sec === 0 ? 'Unlimited' : `${key.max_per_sec}/s`,
        value: (key) => key.max_per_sec || Infinity,
      },
      {
        label: 'Expires',
        cell: expiresCell,
        value: (key) =>
          key.expires_at ? Date.parse(key.expires_at) : Infinity,
      },
      {
        label: 'Last Used',
        cell: (key) => (key.last_used_at ? timeAgo(key.last_used_at) : 'Never'),
        value: (key) => (key.last_used_at ? Date.parse(key.last_used_at) : 0),
      },
    ],
    form: async (key) => ({
      fields: [
        { kind: 'text', name: 'title', label: 'Title', required: true },
        { kind: 'textarea', name: 'description', label: 'Description' },
        ...(await grantFields(ctx)),
        {
          kind: 'date',
          name: 'expires_at',
          label: 'Expiration Date',
          hint: 'Optional. The key stops working at midnight (your time) at the start of this date.',
        },
        {
          kind: 'number',
          name: 'max_per_sec',
          label: 'Rate Limit',
          min: 0,
          max: 100000,
          hint: 'Requests per second; empty or 0 is unlimited.',
        },
        {
          kind: 'textarea',
          name: 'allowed_ips',
          label: 'Allowed IPs',
          hint: 'Addresses or CIDR blocks, one a line (10.0.0.0/8); empty allows any address.',
        },
        {
          kind: 'select',
          name: 'ip_policy',
          label: 'IP Policy',
          options: [
            { value: 'enforce', label: 'Enforce: refuse other addresses' },
            { value: 'report', label: 'Report only: allow and audit them' },
          ],
        },
        { kind: 'checkbox', name: 'active', label: 'Active' },
      ],
      initial: {
        title: key?.title ?? '',
        description: key?.description ?? '',
        ...grantValues(key),
        expires_at: toDateInput(key?.expires_at ?? null),
        max_per_sec: key?.max_per_sec ? String(key.max_per_sec) : '',
        active: key?.active ?? true,
        allowed_ips: (key?.allowed_ips ?? []).join('\n'),
        ip_policy: key?.ip_policy ?? 'enforce',
      },
    }),
    // The API searches titles, descriptions and ids itself (SPEC §19).
    list: (query) => ok(client.GET('/api/keys', { params: { query } })),
    serverSearch: true,
    save: (values, key) =>
      key
        ? ok(
            client.PATCH('/api/keys/{id}', {
              ...path(key),
              body: keyBody(ctx, values, key),
            }),
          )
        : ok(client.POST('/api/keys', { body: keyBody(ctx, values) })),
    remove: (key) => ok(client.DELETE('/api/keys/{id}', path(key))),
    toggle: {
      on: (key) => key.active,
      set: (key, active) =>
        ok(client.PATCH('/api/keys/{id}', { ...path(key), body: { active } })),
      effect: 'Requests with it are refused from the next one on.',
    },
    extraActions: (key, helpers) =>
      can(ctx, 'admin') && (
        <>
          <button
            type="button"
            onClick={() =>
              helpers.show(
                <KeyDetailsDialog
                  ctx={ctx}
                  apiKey={key}
                  onClose={() => (helpers.show(null), helpers.reload())}
                  onChanged={helpers.reload}
                />,
              )
            }
          >
            Details
          </button>
          <button type="button" onClick={() => rotate(key, helpers)}>
            Rotate…
          </button>
        </>
      ),
  };
  return <CrudScreen spec={spec} />;
}
