import {
  AppConfig,
  ConfigError,
  loadConfig,
  logLevelsFrom,
} from './app-config';

/** The ConfigError that `env` raises; fails the test when it raises none or another error. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('uses the defaults of SPEC §1 (and the README) when nothing is set', () => {
    const expected: AppConfig = {
      port: 3000,
      host: '127.0.0.1',
      databasePath: 'data/opsgate.sqlite',
      databaseUrl: undefined,
      redisUrl: undefined,
      adminUsername: 'admin',
      adminPassword: undefined,
      sessionIdleTimeout: 1800,
      sessionMaxAge: 43200,
      apiKeyLength: 24,
      loginMaxFailures: 5,
      loginWindow: 60,
      trustProxy: undefined,
      allowQueryCredentials: true,
      logLevel: 'log',
      logFormat: 'pretty',
      metricsPort: undefined,
      activityFlushInterval: 5,
      authCacheTtl: 10,
      authNegativeCacheTtl: 5,
      authCacheSize: 10_000,
      passwordHash: { memoryCost: 19456, timeCost: 2 },
      loginIpMaxFailures: 20,
      authFailureLimit: 50,
      auditRetentionDays: 90,
      maxKeyLifetimeDays: undefined,
      mfaTokenTtl: 300,
      stepUpWindow: 600,
      mfaRequired: 'off',
      // HOST is an IP address, which WebAuthn refuses (SPEC §18).
      webauthnRpId: 'localhost',
      webauthnOrigin: 'http://localhost:3000',
      mfaSecretKey: undefined,
      localLogin: true,
      sso: {
        oidc: undefined,
        header: undefined,
        groupRoles: {},
        adminGroups: [],
        replaceRoles: true,
      },
    };
    expect(loadConfig({})).toEqual(expected);
  });

  it('reads every setting from the environment it is given', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_PATH: ':memory:',
      DATABASE_URL: 'postgres://ops:pw@db.internal:5432/opsgate',
      REDIS_URL: 'redis://cache.internal:6379',
      ADMIN_USERNAME: 'root.ops-1',
      ADMIN_PASSWORD: 'a-secret-password',
      SESSION_IDLE_TIMEOUT: '600',
      SESSION_MAX_AGE: '3600',
      API_KEY_LENGTH: '32',
      LOGIN_MAX_FAILURES: '3',
      LOGIN_WINDOW: '120',
      TRUST_PROXY: 'loopback, 10.0.0.0/8',
      ALLOW_QUERY_CREDENTIALS: 'false',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      METRICS_PORT: '9464',
      ACTIVITY_FLUSH_INTERVAL: '60',
      AUTH_CACHE_TTL: '0',
      AUTH_NEGATIVE_CACHE_TTL: '0',
      AUTH_CACHE_SIZE: '1',
      PASSWORD_HASH_MEMORY: '65536',
      PASSWORD_HASH_ITERATIONS: '3',
      LOGIN_IP_MAX_FAILURES: '0',
      AUTH_FAILURE_LIMIT: '7',
      AUDIT_RETENTION_DAYS: '30',
      MAX_KEY_LIFETIME_DAYS: '90',
      MFA_TOKEN_TTL: '120',
      STEP_UP_WINDOW: '900',
      MFA_REQUIRED: 'admins',
      WEBAUTHN_RP_ID: 'ops.example.com',
      WEBAUTHN_ORIGIN: 'https://ops.example.com',
      MFA_SECRET_KEY: 'k'.repeat(40),
      LOCAL_LOGIN: 'false',
      OIDC_ISSUER: 'https://sso.example.com/realms/ops',
      OIDC_CLIENT_ID: 'opsgate',
      OIDC_CLIENT_SECRET: 'client-secret',
      OIDC_REDIRECT_URI: 'https://ops.example.com/api/sso/callback',
      OIDC_SCOPES: 'openid profile groups',
      OIDC_USERNAME_CLAIM: 'email',
      OIDC_GROUPS_CLAIM: 'roles',
      SSO_GROUP_ROLES: 'ops=operator;sre=operator,deployer',
      SSO_ADMIN_GROUPS: 'admins, platform',
      SSO_REPLACE_ROLES: 'false',
      SSO_HEADER_USERNAME: 'X-Forwarded-User',
      SSO_HEADER_GROUPS: 'X-Forwarded-Groups',
      SSO_HEADER_NAME: 'X-Forwarded-Preferred-Username',
      SSO_TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1, ::1',
    });
    expect(config).toEqual({
      port: 8080,
      host: '0.0.0.0',
      databasePath: ':memory:',
      databaseUrl: 'postgres://ops:pw@db.internal:5432/opsgate',
      redisUrl: 'redis://cache.internal:6379',
      adminUsername: 'root.ops-1',
      adminPassword: 'a-secret-password',
      sessionIdleTimeout: 600,
      sessionMaxAge: 3600,
      apiKeyLength: 32,
      loginMaxFailures: 3,
      loginWindow: 120,
      trustProxy: 'loopback, 10.0.0.0/8',
      allowQueryCredentials: false,
      logLevel: 'debug',
      logFormat: 'json',
      metricsPort: 9464,
      activityFlushInterval: 60,
      authCacheTtl: 0,
      authNegativeCacheTtl: 0,
      authCacheSize: 1,
      passwordHash: { memoryCost: 65536, timeCost: 3 },
      loginIpMaxFailures: 0,
      authFailureLimit: 7,
      auditRetentionDays: 30,
      maxKeyLifetimeDays: 90,
      mfaTokenTtl: 120,
      stepUpWindow: 900,
      mfaRequired: 'admins',
      webauthnRpId: 'ops.example.com',
      webauthnOrigin: 'https://ops.example.com',
      mfaSecretKey: 'k'.repeat(40),
      localLogin: false,
      sso: {
        oidc: {
          issuer: 'https://sso.example.com/realms/ops',
          clientId: 'opsgate',
          clientSecret: 'client-secret',
          redirectUri: 'https://ops.example.com/api/sso/callback',
          scopes: 'openid profile groups',
          usernameClaim: 'email',
          groupsClaim: 'roles',
        },
        header: {
          username: 'x-forwarded-user',
          groups: 'x-forwarded-groups',
          name: 'x-forwarded-preferred-username',
          trustedProxies: ['10.0.0.0/8', '127.0.0.1', '::1'],
        },
        groupRoles: { ops: ['operator'], sre: ['operator', 'deployer'] },
        adminGroups: ['admins', 'platform'],
        replaceRoles: false,
      },
    });
  });

  it('defaults LOG_FORMAT to json when NODE_ENV=production, and lets LOG_FORMAT win', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).logFormat).toBe('json');
    expect(loadConfig({ NODE_ENV: 'development' }).logFormat).toBe('pretty');
    expect(
      loadConfig({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }).logFormat,
    ).toBe('pretty');
  });

  it('reads process.env when no environment is passed', () => {
    const saved = process.env.API_KEY_LENGTH;
    process.env.API_KEY_LENGTH = '40';
    try {
      expect(loadConfig().apiKeyLength).toBe(40);
    } finally {
      if (saved === undefined) delete process.env.API_KEY_LENGTH;
      else process.env.API_KEY_LENGTH = saved;
    }
  });

  describe('invalid values', () => {
    const invalid: [string, string][] = [
      ['PORT', 'abc'],
      ['PORT', ''],
      ['PORT', '-1'],
      ['PORT', '65536'],
      ['PORT', '80.5'],
      ['PORT', '1e3'],
      ['PORT', '0x50'],
      ['HOST', ''],
      ['HOST', '   '],
      ['DATABASE_PATH', ''],
      ['DATABASE_URL', 'mysql://db/opsgate'],
      ['DATABASE_URL', 'not a url'],
      ['REDIS_URL', 'http://cache:6379'],
      ['ADMIN_USERNAME', ''],
      ['ADMIN_USERNAME', 'has space'],
      ['ADMIN_USERNAME', 'a'.repeat(65)],
      ['ADMIN_USERNAME', 'ad<min>'],
      ['SESSION_IDLE_TIMEOUT', '-5'],
      ['SESSION_IDLE_TIMEOUT', '0'],
      ['SESSION_IDLE_TIMEOUT', 'ten'],
      ['SESSION_MAX_AGE', '0'],
      ['SESSION_MAX_AGE', '1.5'],
      ['API_KEY_LENGTH', '10'],
      ['API_KEY_LENGTH', '19'],
      ['API_KEY_LENGTH', '129'],
      ['API_KEY_LENGTH', 'twenty'],
      ['LOGIN_MAX_FAILURES', '0'],
      ['LOGIN_MAX_FAILURES', '-1'],
      ['LOGIN_WINDOW', '0'],
      ['LOGIN_WINDOW', 'soon'],
      ['TRUST_PROXY', 'a;b'],
      ['TRUST_PROXY', '$(reboot)'],
      ['ALLOW_QUERY_CREDENTIALS', 'yes'],
      ['ALLOW_QUERY_CREDENTIALS', ''],
      ['LOG_LEVEL', 'loud'],
      ['LOG_LEVEL', 'LOG'],
      ['LOG_LEVEL', ''],
      ['LOG_FORMAT', 'text'],
      ['LOG_FORMAT', 'JSON'],
      ['METRICS_PORT', 'abc'],
      ['METRICS_PORT', '65536'],
      ['ACTIVITY_FLUSH_INTERVAL', '0'],
      ['ACTIVITY_FLUSH_INTERVAL', '61'],
      ['AUTH_CACHE_TTL', '-1'],
      ['AUTH_CACHE_TTL', '3601'],
      ['AUTH_NEGATIVE_CACHE_TTL', '-1'],
      ['AUTH_CACHE_SIZE', '0'],
      // Below OWASP's minimum for Argon2id (SPEC §15).
      ['PASSWORD_HASH_MEMORY', '19455'],
      ['PASSWORD_HASH_ITERATIONS', '1'],
      // The scrypt setting is gone: refused, not silently ignored.
      ['PASSWORD_HASH_COST', '15'],
      ['LOGIN_IP_MAX_FAILURES', '-1'],
      ['AUTH_FAILURE_LIMIT', 'many'],
      ['AUDIT_RETENTION_DAYS', '0'],
      ['AUDIT_RETENTION_DAYS', '36501'],
      ['AUDIT_RETENTION_DAYS', 'forever'],
      ['MAX_KEY_LIFETIME_DAYS', '0'],
      ['MAX_KEY_LIFETIME_DAYS', '36501'],
      ['MAX_KEY_LIFETIME_DAYS', '30d'],
      ['MFA_TOKEN_TTL', '0'],
      ['STEP_UP_WINDOW', 'long'],
      ['MFA_REQUIRED', 'yes'],
      ['WEBAUTHN_RP_ID', 'http://ops.example.com'],
      ['WEBAUTHN_RP_ID', 'ops example'],
      ['WEBAUTHN_ORIGIN', 'ops.example.com'],
      ['WEBAUTHN_ORIGIN', 'https://ops.example.com/console'],
      ['WEBAUTHN_ORIGIN', 'ftp://ops.example.com'],
      ['LOCAL_LOGIN', 'no'],
      ['SSO_REPLACE_ROLES', 'maybe'],
      ['SSO_ADMIN_GROUPS', 'admins,,ops'],
      ['SSO_GROUP_ROLES', 'ops'],
      ['SSO_GROUP_ROLES', 'ops=Operator'],
      ['SSO_GROUP_ROLES', '=operator'],
      ['SSO_GROUP_ROLES', 'ops=operator=x'],
      ['SSO_GROUP_ROLES', 'ops=operator,'],
      ['SSO_HEADER_USERNAME', 'X Forwarded User'],
      ['SSO_TRUSTED_PROXIES', '10.0.0.0/33'],
      ['SSO_TRUSTED_PROXIES', 'proxy.internal'],
      ['SSO_TRUSTED_PROXIES', '127.1'],
      ['OIDC_ISSUER', 'ftp://sso.example.com'],
      ['OIDC_ISSUER', 'not a url'],
    ];

    it.each(invalid)('throws a ConfigError naming %s for %j', (name, value) => {
      const error = configError({ [name]: value });
      expect(error.message).toMatch(new RegExp(`^${name}\\b`));
    });

    it('names the bad variable, not a good one set beside it', () => {
      const error = configError({ PORT: '8080', LOG_LEVEL: 'loud' });
      expect(error.message).toContain('LOG_LEVEL');
      expect(error.message).not.toContain('PORT');
    });

    it.each([['foo'], ['TRUE'], ['10.0.0.1, proxy']])(
      'throws a ConfigError naming TRUST_PROXY for %j, which Express cannot use',
      (value) => {
        expect(configError({ TRUST_PROXY: value }).message).toContain(
          'TRUST_PROXY',
        );
      },
    );
  });

  describe('WebAuthn relying party', () => {
    it('is HOST when HOST is a name, with the origin on PORT', () => {
      const config = loadConfig({ HOST: 'ops.internal', PORT: '8443' });
      expect(config.webauthnRpId).toBe('ops.internal');
      expect(config.webauthnOrigin).toBe('http://ops.internal:8443');
    });

    it.each(['0.0.0.0', '::1', '10.1.2.3'])(
      'is localhost when HOST is the IP address %s',
      (host) => {
        expect(loadConfig({ HOST: host }).webauthnRpId).toBe('localhost');
      },
    );
  });

  it('refuses a short MFA_SECRET_KEY without echoing it', () => {
    const error = configError({ MFA_SECRET_KEY: 'short-secret-value' });
    expect(error.message).toMatch(/^MFA_SECRET_KEY\b/);
    expect(error.message).not.toContain('short-secret');
  });

  describe('ADMIN_PASSWORD', () => {
    it.each([
      ['7 characters', 'sEcr3t!'],
      ['257 characters', `Xy9${'q'.repeat(254)}`],
    ])('refuses %s without echoing the value', (_length, value) => {
      const error = configError({ ADMIN_PASSWORD: value });
      expect(error.message).toContain('ADMIN_PASSWORD');
      expect(error.message).not.toContain(value);
      expect(error.message).not.toContain(value.slice(0, 5));
    });

    it.each([
      ['8', 8],
      ['256', 256],
    ])('accepts %s characters', (_name, length) => {
      const value = 'p'.repeat(length);
      expect(loadConfig({ ADMIN_PASSWORD: value }).adminPassword).toBe(value);
    });

    it('treats an empty value as unset, so a password is generated', () => {
      expect(loadConfig({ ADMIN_PASSWORD: '' }).adminPassword).toBeUndefined();
    });
  });

  describe('boundaries', () => {
    it.each([20, 24, 128])('accepts API_KEY_LENGTH=%i', (length) => {
      expect(loadConfig({ API_KEY_LENGTH: String(length) }).apiKeyLength).toBe(
        length,
      );
    });

    it.each([19, 129])('refuses API_KEY_LENGTH=%i', (length) => {
      expect(configError({ API_KEY_LENGTH: String(length) }).message).toContain(
        'API_KEY_LENGTH',
      );
    });

    it.each([1, 80, 65535])('accepts PORT=%i', (port) => {
      expect(loadConfig({ PORT: String(port) }).port).toBe(port);
    });

    it.each(['65536', '70000', '-1'])('refuses PORT=%s', (port) => {
      expect(configError({ PORT: port }).message).toContain('PORT');
    });

    it.each([
      ['SESSION_IDLE_TIMEOUT', '1', 'sessionIdleTimeout', 1],
      ['LOGIN_MAX_FAILURES', '1', 'loginMaxFailures', 1],
      ['ACTIVITY_FLUSH_INTERVAL', '1', 'activityFlushInterval', 1],
      ['AUTH_CACHE_TTL', '3600', 'authCacheTtl', 3600],
      ['LOGIN_IP_MAX_FAILURES', '0', 'loginIpMaxFailures', 0],
      ['AUTH_FAILURE_LIMIT', '0', 'authFailureLimit', 0],
      ['AUDIT_RETENTION_DAYS', '1', 'auditRetentionDays', 1],
      ['AUDIT_RETENTION_DAYS', '36500', 'auditRetentionDays', 36500],
      ['MAX_KEY_LIFETIME_DAYS', '1', 'maxKeyLifetimeDays', 1],
      ['MAX_KEY_LIFETIME_DAYS', '36500', 'maxKeyLifetimeDays', 36500],
    ] as [string, string, keyof AppConfig, number][])(
      'accepts %s=%s at the edge of its range',
      (name, value, field, expected) => {
        expect(loadConfig({ [name]: value })[field]).toBe(expected);
      },
    );
  });

  describe('parsing', () => {
    it.each([
      ['true', true],
      ['TRUE', true],
      ['1', true],
      ['false', false],
      ['False', false],
      ['0', false],
    ])('reads ALLOW_QUERY_CREDENTIALS=%s as %s', (value, expected) => {
      expect(
        loadConfig({ ALLOW_QUERY_CREDENTIALS: value }).allowQueryCredentials,
      ).toBe(expected);
    });

    it.each([
      ['true', true],
      ['false', false],
      ['2', 2],
      ['loopback', 'loopback'],
      ['', undefined],
    ])('reads TRUST_PROXY=%j as %j', (value, expected) => {
      expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toBe(expected);
    });

    it.each(['verbose', 'debug', 'log', 'warn', 'error', 'fatal'])(
      'accepts LOG_LEVEL=%s',
      (level) => {
        expect(loadConfig({ LOG_LEVEL: level }).logLevel).toBe(level);
      },
    );

    it('allows DATABASE_PATH=:memory:', () => {
      expect(loadConfig({ DATABASE_PATH: ':memory:' }).databasePath).toBe(
        ':memory:',
      );
    });
  });
});

describe('logLevelsFrom', () => {
  it('prints the given level and every more severe one', () => {
    expect(logLevelsFrom('warn')).toEqual(['warn', 'error', 'fatal']);
    expect(logLevelsFrom('log')).toEqual(['log', 'warn', 'error', 'fatal']);
    expect(logLevelsFrom('verbose')).toHaveLength(6);
    expect(logLevelsFrom('fatal')).toEqual(['fatal']);
  });
});
