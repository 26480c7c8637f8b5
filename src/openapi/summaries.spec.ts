import type { RouteInfo } from '../auth/route-table';
import { summaryOf } from './summaries';

const route = (method: string, path: string, handler = 'handle') =>
  ({
    method,
    path,
    handler: { [handler]: () => undefined }[handler],
  }) as unknown as RouteInfo;

describe('summaryOf', () => {
  it.each([
    ['GET', '/api/keys', 'List API keys'],
    ['POST', '/api/keys', 'Create an API key'],
    ['GET', '/api/categories/:id', 'Get a category'],
    ['PATCH', '/api/groups/:id', 'Update a server group'],
    ['DELETE', '/api/users/:username', 'Delete a user'],
    ['POST', '/api/keys/:id/rotate', 'Rotate an API key'],
    ['GET', '/api/keys/:id/usage', 'Get the usage of an API key'],
    ['POST', '/api/events/:id/run', 'Run an event'],
  ])('reads %s %s as "%s"', (method, path, summary) => {
    expect(summaryOf(route(method, path))).toBe(summary);
  });

  it("falls back to the handler's name in words off the usual shapes", () => {
    expect(
      summaryOf(route('POST', '/api/keys/revoke-leaked', 'revokeLeaked')),
    ).toBe('Revoke leaked');
    // Not a plural: no list of records.
    expect(summaryOf(route('GET', '/api/health', 'health'))).toBe('Health');
    expect(summaryOf(route('GET', '/api', 'describe'))).toBe('Describe');
  });
});
