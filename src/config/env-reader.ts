/** A setting that cannot be used; the message names the variable (never a secret's value). */
export class ConfigError extends Error {}

export type Env = Record<string, string | undefined>;

/**
 * Reads one environment variable at a time as a kind of value (an integer
 * in a range, a URL, a list…), throwing a ConfigError that names the
 * variable at the first one that is not of its kind. Settings of one topic
 * only (a header name, a proxy list) are read in that topic's file, with
 * `raw` and `fail`.
 */
export class EnvReader {
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    return this.env[name];
  }

  string(name: string, fallback: string): string {
    const raw = this.env[name];
    if (raw === undefined) return fallback;
    if (raw.trim() === '') this.fail(name, raw, 'must not be empty');
    return raw;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined) return fallback;
    const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      this.fail(name, raw, `must be an integer from ${min} to ${max}`);
    }
    return value;
  }

  optionalInt(name: string, min: number, max: number): number | undefined {
    if (this.env[name] === undefined || this.env[name] === '') return undefined;
    return this.int(name, min, min, max);
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name];
    if (raw === undefined) return fallback;
    const value = raw.trim().toLowerCase();
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    return this.fail(name, raw, 'must be true or false');
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: T[]): T {
    const raw = this.env[name];
    if (raw === undefined) return fallback;
    if (!allowed.includes(raw as T)) {
      this.fail(name, raw, `must be one of ${allowed.join(', ')}`);
    }
    return raw as T;
  }

  matching(name: string, fallback: string, pattern: RegExp): string {
    const value = this.string(name, fallback);
    if (!pattern.test(value)) {
      this.fail(name, value, `must match ${String(pattern)}`);
    }
    return value;
  }

  optionalPassword(name: string): string | undefined {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return undefined;
    if (raw.length < 8 || raw.length > 256) {
      // The value itself is a secret: never echo it.
      throw new ConfigError(`${name} must be 8 to 256 characters long`);
    }
    return raw;
  }

  /** A secret of at least `min` characters, or undefined; never echoed. */
  optionalSecret(name: string, min: number): string | undefined {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return undefined;
    if (raw.length < min) {
      throw new ConfigError(`${name} must be at least ${min} characters long`);
    }
    return raw;
  }

  /** An http(s) origin: scheme, host and optional port, nothing else. */
  origin(name: string, fallback: string): string {
    const raw = this.string(name, fallback).trim();
    let url: URL | undefined;
    try {
      url = new URL(raw);
    } catch {
      // reported below
    }
    const bare =
      url?.pathname === '/' && !url.search && !url.hash && !url.username;
    if (!url || !bare || !['http:', 'https:'].includes(url.protocol)) {
      this.fail(name, raw, 'must be an origin such as https://ops.example.com');
    }
    return url.origin;
  }

  /** An optional URL with one of the given protocols; never echoed, it may hold a password. */
  url(name: string, protocols: string[]): string | undefined {
    const raw = this.env[name]?.trim();
    if (raw === undefined || raw === '') return undefined;
    let protocol = '';
    try {
      protocol = new URL(raw).protocol;
    } catch {
      // reported below
    }
    if (!protocols.includes(protocol)) {
      throw new ConfigError(
        `${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
      );
    }
    return raw;
  }

  /** A setting another one needs; `secret`: never echoed. */
  required(name: string, by: string, secret = false): string {
    const raw = this.env[name];
    if (raw === undefined || raw.trim() === '') {
      throw new ConfigError(`${name} is required when ${by} is set`);
    }
    if (secret) return raw;
    return this.string(name, raw);
  }

  /** Comma-separated, each item trimmed; empty items are refused. */
  list(name: string): string[] {
    const raw = this.env[name];
    if (raw === undefined || raw.trim() === '') return [];
    const items = raw.split(',').map((item) => item.trim());
    if (items.includes('')) this.fail(name, raw, 'must not have empty items');
    return items;
  }

  /** A setting that no longer exists: refused rather than silently ignored. */
  removed(name: string, instead: string): void {
    if (this.env[name] !== undefined) {
      throw new ConfigError(`${name} is no longer used; ${instead}`);
    }
  }

  /** Refuses `raw`, which is echoed: only for values that are not secrets. */
  fail(name: string, raw: string, rule: string): never {
    throw new ConfigError(`${name} ${rule} (got ${JSON.stringify(raw)})`);
  }
}
