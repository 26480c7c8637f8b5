import type { Schemas } from '../api';
import { formatDateTime, timeAgo } from '../format';
import { ListView, type ListQuery } from '../ui/list-view';
import type { Page } from '../api';

export type SessionInfo = Schemas['SessionInfo'];

const METHODS: Record<SessionInfo['method'], string> = {
  password: 'Password',
  oidc: 'Single sign-on',
  header: 'Proxy sign-on',
  passkey: 'Passkey',
};

/** "Chrome 131 on Linux" from a User-Agent: enough to tell sessions apart. */
export function browserOf(agent: string | null): string {
  if (!agent) return 'Unknown';
  const browser =
    /(Edg|OPR|Firefox|Chrome|Chromium|Safari)\/(\d+)/.exec(agent) ??
    /^([\w.-]+)\/([\d.]+)/.exec(agent);
  const names: Record<string, string> = { Edg: 'Edge', OPR: 'Opera' };
  const system = /Windows|Mac OS X|Android|iPhone|iPad|Linux|CrOS/.exec(agent);
  const name = browser
    ? `${names[browser[1]] ?? browser[1]} ${browser[2]}`
    : agent.slice(0, 40);
  const on = system ? ` on ${system[0].replace('Mac OS X', 'macOS')}` : '';
  return name + on;
}

const method = (s: SessionInfo) =>
  METHODS[s.method] + (s.aal === 2 ? ' + second factor' : '');

interface Props {
  /** The table's name: "Sessions". */
  label: string;
  load: (query: ListQuery) => Promise<Page<SessionInfo>>;
  onSignOut: (session: SessionInfo) => void;
  version: unknown;
}

/**
 * Live sessions (SPEC §16): Signed In, Last Active, IP Address, Browser,
 * Method; the caller's own marked "This session", every other with Sign Out.
 */
export function SessionsTable({ label, load, onSignOut, version }: Props) {
  return (
    <ListView
      spec={{
        label,
        search: false,
        keyOf: (s) => s.id,
        load,
        version,
        empty: 'No live sessions.',
        columns: [
          {
            label: 'Signed In',
            cell: (s) => formatDateTime(s.created_at),
            value: (s) => s.created_at,
          },
          {
            label: 'Last Active',
            cell: (s) => timeAgo(s.last_active_at),
            value: (s) => s.last_active_at,
          },
          {
            label: 'IP Address',
            cell: (s) => s.ip ?? '—',
            value: (s) => s.ip ?? '',
          },
          {
            label: 'Browser',
            cell: (s) => (
              <span title={s.user_agent ?? ''}>{browserOf(s.user_agent)}</span>
            ),
            value: (s) => browserOf(s.user_agent),
          },
          { label: 'Method', cell: method, value: method },
        ],
        actions: (s) =>
          s.current ? (
            <span class="badge active">This session</span>
          ) : (
            <button type="button" onClick={() => onSignOut(s)}>
              Sign Out
            </button>
          ),
      }}
    />
  );
}
