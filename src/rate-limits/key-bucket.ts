/** The name of the per-key throttler (SPEC §7's max_per_sec). */
export const KEY_THROTTLER = 'key';

/** The per-key state's name in the store; also used to drop it when a key goes. */
export const keyBucket = (keyId: string) => `${KEY_THROTTLER}:${keyId}`;
