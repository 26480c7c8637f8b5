import { unescape } from 'node:querystring';

const CREDENTIAL_PARAMS = new Set(['api_key', 'session_id']);

/** A parameter's name as Express's query parser (node:querystring) reads it. */
function nameOf(pair: string): string {
  return unescape(pair.split('=', 1)[0].replace(/\+/g, ' '));
}

/** Rewrites each `name=value` pair of a URL's query string; `null` drops the pair. */
function rewriteQuery(
  url: string,
  rewrite: (pair: string, name: string) => string | null,
): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const pairs = url
    .slice(start + 1)
    .split('&')
    .flatMap((pair) => rewrite(pair, nameOf(pair)) ?? []);
  const query = pairs.join('&');
  return query || start === url.length - 1
    ? `${url.slice(0, start)}?${query}`
    : url.slice(0, start);
}

/** Whether the query string carries `api_key` or `session_id`, as the parser would read it. */
export function hasQueryCredentials(url: string): boolean {
  const start = url.indexOf('?');
  return (
    start >= 0 &&
    url
      .slice(start + 1)
      .split('&')
      .some((pair) => CREDENTIAL_PARAMS.has(nameOf(pair)))
  );
}

/** The URL without its `api_key` and `session_id` parameters. */
export function withoutQueryCredentials(url: string): string {
  return rewriteQuery(url, (pair, name) =>
    CREDENTIAL_PARAMS.has(name) ? null : pair,
  );
}
