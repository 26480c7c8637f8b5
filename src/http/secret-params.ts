import { unescape } from 'node:querystring';

/**
 * Parameter names whose values are secrets (SPEC §20), by base name: what a
 * name is after percent-decoding, dropping any `[...]` suffix and lowering
 * its case. Redaction asks this one question wherever a name and a value
 * could be written down (the access log's path, audit details), so no
 * spelling (`api_key[]`, `Api%5FKey[x]`, a repeated parameter) slips past a
 * list of exact strings.
 */
const SECRET_NAMES = new Set([
  'api_key',
  'session_id',
  'csrf_token',
  'password',
  'current_password',
  'new_password',
  'mfa_token',
]);

/**
 * `code` is a secret only where one is submitted: a second factor, or the
 * OpenID provider's one-time authorization code at the callback.
 */
const CODE_PATHS =
  /^\/api\/(?:sessions\/(?:mfa|current\/step-up)|sso\/callback)(?:[/?]|$)/i;

/** Decoding stops here: a name encoded more times than this is redacted too. */
const MAX_DECODES = 3;

/** The base name of a parameter as written on the wire: `Api%5Fkey%5B%5D` → `api_key`. */
export function baseName(name: string): string {
  let decoded = name.replace(/\+/g, ' ');
  for (let i = 0; i < MAX_DECODES && decoded.includes('%'); i++) {
    const next = unescape(decoded);
    if (next === decoded) break;
    decoded = next;
  }
  const bracket = decoded.indexOf('[');
  return (bracket >= 0 ? decoded.slice(0, bracket) : decoded)
    .trim()
    .toLowerCase();
}

/** Whether a query or body parameter named `name` carries a secret on `path`. */
export function isSecretParam(name: string, path = ''): boolean {
  const base = baseName(name);
  return SECRET_NAMES.has(base) || (base === 'code' && CODE_PATHS.test(path));
}

/** A URL for a log line: every secret parameter's value replaced, however its name is spelled. */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const path = url.slice(0, start);
  let changed = false;
  const pairs = url
    .slice(start + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      if (!isSecretParam(name, path)) return pair;
      changed = true;
      return `${name}=[REDACTED]`;
    });
  return changed ? `${path}?${pairs.join('&')}` : url;
}

/**
 * A copy of a JSON value for the record: the value of every secret property,
 * at any depth, replaced by `replacement`.
 */
export function redactObject<T>(
  value: T,
  replacement = '[REDACTED]',
  path = '',
  depth = 0,
): T {
  if (typeof value !== 'object' || value === null || depth > 64) return value;
  if (Array.isArray(value)) {
    return value.map((item: unknown) =>
      redactObject(item, replacement, path, depth + 1),
    ) as T;
  }
  const copy: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    copy[name] = isSecretParam(name, path)
      ? replacement
      : redactObject(item, replacement, path, depth + 1);
  }
  return copy as T;
}
