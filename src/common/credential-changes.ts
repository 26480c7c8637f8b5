import { Injectable } from '@nestjs/common';

/** Something that changes what a cached credential may do, or whether it still works. */
export type CredentialChange =
  | {
      kind: 'api_key';
      id: string;
      /** Digests that may no longer be unknown. */ digests: string[];
    }
  | { kind: 'user'; userId: number }
  | { kind: 'session'; id: string }
  | { kind: 'role'; id: string };

export type CredentialChangeListener = (change: CredentialChange) => void;

/**
 * The one way a change reaches the verification caches: services publish,
 * verifiers listen. Listeners run synchronously, so the change shows on the
 * very next request of this instance; sharing it with other instances (Redis)
 * belongs in `publish` as well.
 */
@Injectable()
export class CredentialChanges {
  private readonly listeners: CredentialChangeListener[] = [];

  subscribe(listener: CredentialChangeListener): void {
    this.listeners.push(listener);
  }

  publish(change: CredentialChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
