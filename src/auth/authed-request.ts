import type { Request } from 'express';
import type { Principal } from './principal';

export interface AuthedRequest extends Request {
  principal?: Principal;
  /** The session record id when the caller came with a session. */
  sessionRecordId?: string;
  /** When the session ends if idle from now on, in epoch ms (sessions only). */
  sessionExpiresAt?: number;
}
