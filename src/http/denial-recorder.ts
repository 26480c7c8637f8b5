import type { Request } from 'express';
import type { AppError } from './app-error';

/**
 * Told of every refusal the problem filter renders; the audit log decides
 * which to record (SPEC §13). A token, so common/ does not import a feature.
 */
export const DENIAL_RECORDER = Symbol('DENIAL_RECORDER');

export interface DenialRecorder {
  /** Resolves once recorded (or known not to need it); never rejects. */
  refused(req: Request, error: AppError): Promise<void>;
}
