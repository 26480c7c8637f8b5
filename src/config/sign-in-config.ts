import type { EnvReader } from './env-reader';

/** Argon2id's cost; the lane count is always 1 (OWASP's recommendation). */
export interface PasswordCost {
  /** KiB of memory per hash. */
  memoryCost: number;
  /** Passes over that memory. */
  timeCost: number;
}

/** OWASP's minimum for Argon2id (SPEC §15): 19 MiB, 2 iterations, 1 lane; lower is refused. */
export const MIN_PASSWORD_COST: PasswordCost = {
  memoryCost: 19456,
  timeCost: 2,
};

/** The first administrator, passwords, the login lockout and how long a session lasts. */
export interface SignInConfig {
  adminUsername: string;
  adminPassword: string | undefined;
  sessionIdleTimeout: number;
  sessionMaxAge: number;
  loginMaxFailures: number;
  loginWindow: number;
  /** Failed logins allowed per IP, any username, per LOGIN_WINDOW; 0 = no limit. */
  loginIpMaxFailures: number;
  /** Argon2id cost of new password hashes (at least OWASP's minimum). */
  passwordHash: PasswordCost;
  /** LOCAL_LOGIN=false: password logins for administrators only (SPEC §17). */
  localLogin: boolean;
}

const USERNAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function readSignInConfig(read: EnvReader): SignInConfig {
  const config = {
    adminUsername: read.matching('ADMIN_USERNAME', 'admin', USERNAME),
    adminPassword: read.optionalPassword('ADMIN_PASSWORD'),
    sessionIdleTimeout: read.int('SESSION_IDLE_TIMEOUT', 1800, 1, 31_536_000),
    sessionMaxAge: read.int('SESSION_MAX_AGE', 43200, 1, 31_536_000),
    loginMaxFailures: read.int('LOGIN_MAX_FAILURES', 5, 1, 1_000_000),
    loginWindow: read.int('LOGIN_WINDOW', 60, 1, 86_400),
    loginIpMaxFailures: read.int('LOGIN_IP_MAX_FAILURES', 20, 0, 1_000_000),
    passwordHash: readPasswordCost(read),
    localLogin: read.bool('LOCAL_LOGIN', true),
  };
  read.removed(
    'PASSWORD_HASH_COST',
    'passwords are hashed with Argon2id now: use PASSWORD_HASH_MEMORY (KiB) and PASSWORD_HASH_ITERATIONS',
  );
  return config;
}

function readPasswordCost(read: EnvReader): PasswordCost {
  const { memoryCost, timeCost } = MIN_PASSWORD_COST;
  return {
    memoryCost: read.int(
      'PASSWORD_HASH_MEMORY',
      memoryCost,
      memoryCost,
      4_194_304,
    ),
    timeCost: read.int('PASSWORD_HASH_ITERATIONS', timeCost, timeCost, 100),
  };
}
