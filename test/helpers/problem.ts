import { STATUS_CODES } from 'node:http';
import type { Response } from 'supertest';

/** What must never appear in an error body: stack frames, source paths, SQL, driver errors. */
export const LEAK_PATTERNS: RegExp[] = [
  /\n\s*at\s/,
  /\bat\s+[\w$.<>]+\s+\(/,
  /\.(ts|js):\d+/,
  /node_modules/,
  /"stack"/i,
  /\bSELECT\b[\s\S]*\bFROM\b/i,
  /\bINSERT\s+INTO\b/i,
  /\bUPDATE\s+"?\w+"?\s+SET\b/i,
  /SQLITE_/,
  /QueryFailedError/,
];

/** Fails when the text holds anything from LEAK_PATTERNS. */
export function expectNoLeak(text: string): void {
  for (const pattern of LEAK_PATTERNS) expect(text).not.toMatch(pattern);
}

/**
 * Asserts an RFC 9457 problem (SPEC §8): status, Content-Type, the common
 * fields, `code`, WWW-Authenticate on a 401, and that nothing internal leaks.
 * Returns the body.
 */
export function expectProblem(
  res: Response,
  status: number,
  code: string,
): Record<string, any> {
  expect({ status: res.status, code: res.body?.code }).toEqual({
    status,
    code,
  });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json\b/);
  expect(res.body).toMatchObject({
    type: 'about:blank',
    title: STATUS_CODES[status],
    status,
    code,
  });
  expect(typeof res.body.detail).toBe('string');
  if (status === 401) {
    expect(res.headers['www-authenticate']).toBe('ApiKey header="X-API-Key"');
  }
  expectNoLeak(res.text);
  return res.body;
}

/** The field names of a 400 validation_failed body. */
export function fieldsOf(res: Response): string[] {
  return ((res.body?.errors ?? []) as { field: string }[]).map((e) => e.field);
}
