// A real OpenID provider for the tests: panva's certified oidc-provider (ESM,
// hence its own process), on 127.0.0.1. Its settings arrive as JSON in argv[2]
// (see test-provider.ts); a test changes accounts and token settings at run
// time through /__test/… on the same port. Nothing of the protocol is faked:
// tokens are signed with this process's own key, PKCE is required, and the
// nonce is echoed in the ID token for the client to check.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const settings = JSON.parse(process.argv[2] ?? '{}');
/** What tests may change while the provider runs. */
const state = {
  accounts: { ...(settings.accounts ?? {}) },
  idTokenTtl: settings.idTokenTtl ?? 3600,
  idTokenAudience: null,
};

const escape = (text) =>
  String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/** The sign-in page a browser sees: one textbox, one button, no consent screen. */
function loginPage(uid, error = '') {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test provider sign-in</title></head>
<body><main><h1>Test provider</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Account</label> <input id="login" name="login" autofocus>
<button type="submit">Continue</button></form></main></body></html>`;
}

function configuration(jwk) {
  return {
    clients: settings.clients,
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: {
      openid: ['sub'],
      // Groups ride on the profile scope, as a Keycloak or Authentik mapper
      // attached to the client's default scopes would release them.
      profile: ['preferred_username', 'name', 'groups'],
      email: ['email', 'email_verified'],
    },
    // true (the library's default): in the code flow, profile claims are
    // only in UserInfo; false: in the ID token too.
    conformIdTokenClaims: settings.conformIdTokenClaims ?? true,
    pkce: { methods: ['S256'], required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    ttl: { IdToken: () => state.idTokenTtl },
    async findAccount(_ctx, sub) {
      const account = state.accounts[sub];
      if (!account) return undefined;
      return {
        accountId: sub,
        // Read at each call, so a change made by a test shows at the next login.
        claims: () => ({ sub, ...state.accounts[sub] }),
      };
    },
    // A first-party client: the grant is given without a consent screen.
    async loadExistingGrant(ctx) {
      const grantId =
        ctx.oidc.result?.consent?.grantId ||
        ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid profile email');
      await grant.save();
      return grant;
    },
  };
}

/** An ID token meant for another client: the same claims, signed with this provider's own key. */
function readdressed(idToken, audience, privateKey, kid) {
  const [header, payload] = idToken
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  return new CompactSign(
    Buffer.from(JSON.stringify({ ...payload, aud: audience })),
  )
    .setProtectedHeader({ ...header, kid })
    .sign(privateKey);
}

async function admin(req, res, path) {
  const body =
    req.method === 'GET' ? {} : JSON.parse((await readBody(req)) || '{}');
  const account = /^\/__test\/accounts\/([^/]+)$/.exec(path);
  if (account && req.method === 'PUT') {
    state.accounts[decodeURIComponent(account[1])] = body;
    return send(res, 204, 'text/plain', '');
  }
  if (path === '/__test/settings' && req.method === 'PUT') {
    if ('idTokenTtl' in body) state.idTokenTtl = body.idTokenTtl;
    if ('idTokenAudience' in body) state.idTokenAudience = body.idTokenAudience;
    return send(res, 204, 'text/plain', '');
  }
  return send(res, 404, 'text/plain', 'unknown test endpoint');
}

async function interaction(provider, req, res, uid, action) {
  if (req.method === 'GET' && !action) {
    await provider.interactionDetails(req, res);
    return send(res, 200, 'text/html; charset=utf-8', loginPage(uid));
  }
  if (req.method === 'POST' && action === 'login') {
    const login = new URLSearchParams(await readBody(req)).get('login') ?? '';
    if (!state.accounts[login]) {
      return send(
        res,
        200,
        'text/html; charset=utf-8',
        loginPage(uid, `No account "${login}".`),
      );
    }
    return provider.interactionFinished(
      req,
      res,
      { login: { accountId: login } },
      { mergeWithLastSubmission: false },
    );
  }
  return send(res, 404, 'text/plain', 'unknown interaction');
}

async function main() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(8).toString('hex');
  const jwk = {
    ...(await exportJWK(privateKey)),
    kid,
    alg: 'RS256',
    use: 'sig',
  };
  const server = createServer();
  server.listen(settings.port ?? 0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, configuration(jwk));
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/token' && state.idTokenAudience && ctx.body?.id_token) {
      ctx.body = {
        ...ctx.body,
        id_token: await readdressed(
          ctx.body.id_token,
          state.idTokenAudience,
          privateKey,
          kid,
        ),
      };
    }
  });
  const callback = provider.callback();
  server.on('request', (req, res) => {
    const path = new URL(req.url, issuer).pathname;
    const route = /^\/interaction\/([^/]+)(?:\/(\w+))?$/.exec(path);
    const handled = path.startsWith('/__test/')
      ? admin(req, res, path)
      : route
        ? interaction(provider, req, res, route[1], route[2])
        : callback(req, res);
    Promise.resolve(handled).catch((error) => {
      process.stderr.write(`test provider: ${error.stack ?? error}\n`);
      if (!res.headersSent) send(res, 500, 'text/plain', String(error.message));
      else res.end();
    });
  });
  process.stdout.write(`${JSON.stringify({ ready: true, issuer })}\n`);
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`test provider failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
