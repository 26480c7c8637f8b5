import type { EnvReader } from './env-reader';

/** API keys, where credentials may be sent, and how verified ones are cached and refused ones counted. */
export interface CredentialConfig {
  apiKeyLength: number;
  allowQueryCredentials: boolean;
  /** Seconds a verified credential is trusted from the in-process cache. */
  authCacheTtl: number;
  /** Seconds an unknown credential digest is remembered as unknown. */
  authNegativeCacheTtl: number;
  /** Most credentials kept in each in-process cache. */
  authCacheSize: number;
  /** Refused credentials allowed per IP per 60 s; 0 = no limit. */
  authFailureLimit: number;
  /** Most days a new key may live (SPEC §19); undefined: no limit. */
  maxKeyLifetimeDays: number | undefined;
}

export function readCredentialConfig(read: EnvReader): CredentialConfig {
  return {
    apiKeyLength: read.int('API_KEY_LENGTH', 24, 20, 128),
    allowQueryCredentials: read.bool('ALLOW_QUERY_CREDENTIALS', true),
    authCacheTtl: read.int('AUTH_CACHE_TTL', 10, 0, 3600),
    authNegativeCacheTtl: read.int('AUTH_NEGATIVE_CACHE_TTL', 5, 0, 3600),
    authCacheSize: read.int('AUTH_CACHE_SIZE', 10_000, 1, 10_000_000),
    authFailureLimit: read.int('AUTH_FAILURE_LIMIT', 50, 0, 1_000_000),
    maxKeyLifetimeDays: read.optionalInt('MAX_KEY_LIFETIME_DAYS', 1, 36_500),
  };
}

/** The settings of each verified-credential cache (API keys, sessions). */
export function cacheOptions(config: CredentialConfig) {
  return {
    maxSize: config.authCacheSize,
    ttlMs: config.authCacheTtl * 1000,
    negativeTtlMs: config.authNegativeCacheTtl * 1000,
  };
}
