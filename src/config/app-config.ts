import {
  type CredentialConfig,
  readCredentialConfig,
} from './credential-config';
import { type Env, EnvReader } from './env-reader';
import { type MfaConfig, readMfaConfig } from './mfa-config';
import { readServerConfig, type ServerConfig } from './server-config';
import { readSignInConfig, type SignInConfig } from './sign-in-config';
import { readSsoConfig, type SsoConfig } from './sso-config';
import { readStorageConfig, type StorageConfig } from './storage-config';

// What the rest of src/ imports from here: one entry point, whichever topic
// file a setting is read in.
export { ConfigError } from './env-reader';
export { cacheOptions } from './credential-config';
export type { MfaRequired } from './mfa-config';
export { logLevelsFrom, type LogFormat } from './server-config';
export { MIN_PASSWORD_COST, type PasswordCost } from './sign-in-config';
export type { HeaderSsoConfig, OidcConfig, SsoConfig } from './sso-config';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Every setting of SPEC §1, one flat object; each topic's are read in its own file. */
export interface AppConfig
  extends
    ServerConfig,
    StorageConfig,
    SignInConfig,
    CredentialConfig,
    MfaConfig {
  /** Single sign-on (SPEC §17). */
  sso: SsoConfig;
}

/** Reads and validates every setting of SPEC §1; the first bad one throws, naming the variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const read = new EnvReader(env);
  const server = readServerConfig(read);
  return {
    ...server,
    ...readStorageConfig(read),
    ...readSignInConfig(read),
    ...readCredentialConfig(read),
    ...readMfaConfig(read, server),
    sso: readSsoConfig(read, server),
  };
}
