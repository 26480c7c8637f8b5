const MAX_STEPS = 10;

/**
 * A browser without a window, at the provider only: follows the provider's
 * redirects with its cookies, signs in at the interaction page by submitting
 * its form, and stops at the first redirect that leaves the provider (the
 * client's redirect URI, with `code` and `state`, or an error).
 */
export class ProviderAgent {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly issuer: string) {}

  /** From the authorization URL opsgate redirected to, to the redirect back to opsgate. */
  async signIn(authorizationUrl: string, account: string): Promise<URL> {
    let url = new URL(authorizationUrl);
    let method = 'GET';
    let body: string | undefined;
    for (let step = 0; step < MAX_STEPS; step += 1) {
      if (url.origin !== new URL(this.issuer).origin) return url;
      const res = await fetch(url, {
        method,
        body,
        redirect: 'manual',
        headers: {
          cookie: this.cookieHeader(),
          ...(body && { 'content-type': 'application/x-www-form-urlencoded' }),
        },
      });
      this.keep(res.headers.getSetCookie());
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        url = new URL(location, url);
        [method, body] = ['GET', undefined];
        continue;
      }
      const page = await res.text();
      const form = /<form method="post" action="([^"]+)"/.exec(page);
      if (res.status !== 200 || !form || body !== undefined) {
        throw new Error(
          `provider answered ${res.status} at ${url.pathname}: ${page.slice(0, 500)}`,
        );
      }
      url = new URL(form[1], url);
      [method, body] = [
        'POST',
        new URLSearchParams({ login: account }).toString(),
      ];
    }
    throw new Error(`more than ${MAX_STEPS} steps at the provider`);
  }

  private cookieHeader(): string {
    return [...this.cookies]
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
  }

  private keep(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line))
        this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}
