import type { Response } from 'supertest';

/**
 * Asserts an RFC 9457 problem with this status and code (compared together so
 * a failure shows both) and, on a 401, the WWW-Authenticate header of SPEC §8.
 * Returns the body for further checks.
 */
export function expectAuthProblem(
  res: Response,
  status: number,
  code: string,
): Record<string, any> {
  expect({ status: res.status, code: res.body?.code }).toEqual({
    status,
    code,
  });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.status).toBe(status);
  if (status === 401) {
    expect(res.headers['www-authenticate']).toBe('ApiKey header="X-API-Key"');
  }
  return res.body;
}

/** The field names of a 400 validation_failed body. */
export function fieldsOf(res: Response): string[] {
  return ((res.body?.errors ?? []) as { field: string }[]).map((e) => e.field);
}
