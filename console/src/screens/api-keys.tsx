import { api } from '../api';
import { can, isAdmin, titleOf, type Ctx } from '../context';
import { formatDate, localMidnightIso, timeAgo, toDateInput } from '../format';
import { grantBody, grantFields, grantValues, type Grants } from '../grants';
import { CrudScreen, type CrudSpec, type Helpers } from '../ui/crud-screen';
import type { Values } from '../ui/fields';
import { FormDialog } from '../ui/form-dialog';

export interface ApiKey extends Grants {
  id: string;
  title: string;
  description: string;
  mask: string;
  active: boolean;
  max_per_sec: number;
  expires_at: string | null;
  last_used_at: string | null;
}

/** "Disabled" wins over "Expired" (SPEC §10). */
export function keyStatus(key: ApiKey, now = Date.now()): string {
  if (!key.active) return 'Disabled';
  if (key.expires_at && Date.parse(key.expires_at) <= now) return 'Expired';
  return 'Active';
}

export function privilegeSummary(ctx: Ctx, ids: string[]): string {
  if (ids.length === 0) return 'None';
  const titles = ids.map((id) => titleOf(ctx, id));
  return titles.length <= 3
    ? titles.join(', ')
    : `${titles.slice(0, 2).join(', ')} and ${titles.length - 2} more`;
}

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
        const result = await api<{ key: string }>(
          'POST',
          `/api/keys/${encodeURIComponent(key.id)}/rotate`,
          { grace_seconds: Number(values.grace_seconds || 0) },
        );
        showSecret(result.key);
      }}
    />,
  );
}

/** Only what the form changed: an untouched date keeps the stored instant. */
function keyBody(ctx: Ctx, values: Values, key?: ApiKey) {
  const date = values.expires_at as string;
  const dateChanged = !key || date !== toDateInput(key.expires_at);
  return {
    title: values.title,
    description: values.description,
    ...grantBody(ctx, values),
    max_per_sec: Number(values.max_per_sec || 0),
    ...(dateChanged && {
      expires_at: date ? localMidnightIso(date) : null,
    }),
    active: values.active,
  };
}

export function ApiKeysScreen({ ctx }: { ctx: Ctx }) {
  const admin = isAdmin(ctx);
  const spec: CrudSpec<ApiKey> = {
    heading: 'API Keys',
    noun: 'API Key',
    path: '/api/keys',
    idOf: (key) => key.id,
    nameOf: (key) => key.title,
    addLabel: 'Add API Key…',
    createLabel: 'Create Key',
    can: { create: admin, edit: admin, delete: admin },
    toggle: 'active',
    empty: 'No API keys yet. Add one to let an application call the API.',
    columns: [
      { label: 'Title', cell: (key) => key.title },
      { label: 'Key', cell: (key) => <code>{key.mask}</code> },
      {
        label: 'Status',
        cell: (key) => {
          const status = keyStatus(key);
          return <span class={`badge ${status.toLowerCase()}`}>{status}</span>;
        },
      },
      {
        label: 'Privileges',
        cell: (key) => privilegeSummary(ctx, key.privileges),
      },
      {
        label: 'Rate Limit',
        cell: (key) =>
          key.max_per_sec === 0 ? 'Unlimited' : `${key.max_per_sec}/s`,
      },
      {
        label: 'Expires',
        cell: (key) => (key.expires_at ? formatDate(key.expires_at) : 'Never'),
      },
      {
        label: 'Last Used',
        cell: (key) => (key.last_used_at ? timeAgo(key.last_used_at) : 'Never'),
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
        { kind: 'checkbox', name: 'active', label: 'Active' },
      ],
      initial: {
        title: key?.title ?? '',
        description: key?.description ?? '',
        ...grantValues(key),
        expires_at: toDateInput(key?.expires_at ?? null),
        max_per_sec: key?.max_per_sec ? String(key.max_per_sec) : '',
        active: key?.active ?? true,
      },
    }),
    body: (values, key) => keyBody(ctx, values, key),
    extraActions: (key, helpers) =>
      can(ctx, 'admin') && (
        <button type="button" onClick={() => rotate(key, helpers)}>
          Rotate…
        </button>
      ),
  };
  return <CrudScreen spec={spec} />;
}
