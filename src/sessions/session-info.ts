import {
  bool,
  instant,
  integer,
  named,
  orNull,
  strict,
  text,
} from '../validation/schema';
import { isoInstant } from '../time/instants';
import { SIGN_IN_METHODS, type Aal, type SignInMethod } from './session.entity';

/** A session as its user (or an admin) sees it (SPEC §16): never its secret. */
export interface SessionInfo {
  /** The public handle. */
  id: string;
  created_at: string;
  last_active_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
  method: SignInMethod;
  aal: Aal;
  current: boolean;
}

export const SESSION_INFO_SCHEMA = named('SessionInfo', () =>
  strict({
    id: text({ description: 'Public handle; never the session ID' }),
    created_at: instant,
    last_active_at: instant,
    expires_at: instant,
    ip: orNull(text()),
    user_agent: orNull(text({ maxLength: 256 })),
    method: text({ enum: [...SIGN_IN_METHODS] }),
    aal: integer({ enum: [1, 2] }),
    current: bool,
  }),
);

export const REVOKED_SCHEMA = named('RevokedSessions', () =>
  strict({ revoked: integer({ minimum: 0 }) }),
);

/** What a live session's listing needs: its row, and activity known in memory. */
export interface LiveSession {
  handle: string;
  createdAt: Date;
  ip: string | null;
  userAgent: string | null;
  method: SignInMethod;
  aal: Aal;
  lastActive: number;
  expiresAt: number;
  current: boolean;
}

export const sessionInfo = (live: LiveSession): SessionInfo => ({
  id: live.handle,
  created_at: live.createdAt.toISOString(),
  last_active_at: isoInstant(live.lastActive),
  expires_at: isoInstant(live.expiresAt),
  ip: live.ip,
  user_agent: live.userAgent,
  method: live.method,
  aal: live.aal,
  current: live.current,
});
