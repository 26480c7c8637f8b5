import { OutputCapture } from './helpers/log-capture';
import { TestApp, createTestApp } from './helpers/test-app';

/**
 * The provider sends the browser back to /api/sso/callback with the
 * authorization code in the query string (SPEC §17). Access lines keep the
 * path; the code is a one-time credential, and an auditor reading logs must
 * not find one there (OAuth 2.0 Security BCP: codes leak through logs).
 */
describe('the OpenID callback in the access log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'verbose', LOG_FORMAT: 'json' });
  });
  afterAll(() => t.close());

  it('redacts the authorization code, however its name is spelt', async () => {
    const output = new OutputCapture();
    try {
      await t.http().get('/api/sso/callback?code=SECRETCODE1&state=s1');
      await t.http().get('/api/sso/callback?Code=SECRETCODE2&state=s2');
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      output.restore();
    }
    const text = output.lines().join('\n');
    expect(text).toContain('/api/sso/callback?code=[REDACTED]&state=s1');
    expect(text).not.toMatch(/SECRETCODE/);
  });
});
