import { validate } from '@readme/openapi-parser';
import Ajv2020 from 'ajv/dist/2020';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportOpenApi } from '../scripts/export-openapi';
import { RouteTable } from '../src/auth/route-table';
import { templateOf } from '../src/openapi/openapi-document';
import { createKey, login } from './helpers/auth';
import { checkedResponses, registerApp } from './helpers/openapi-hook';
import { OpenApiValidator } from './helpers/openapi-validator';
import { mountedRoutes } from './helpers/routes';
import { TestApp, createTestApp } from './helpers/test-app';

const METHODS = [
  'get',
  'put',
  'post',
  'delete',
  'options',
  'head',
  'patch',
  'trace',
];

describe('the OpenAPI document', () => {
  let t: TestApp;
  let document: Record<string, any>;

  beforeAll(async () => {
    t = await createTestApp();
    const res = await t.http().get('/api/openapi.json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    document = res.body;
  });
  afterAll(() => t.close());

  it('validates as OpenAPI 3.1', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it('is exported the same without a running server (scripts/export-openapi.ts)', async () => {
    const exported = await exportOpenApi();
    expect(exported.servers).toEqual([
      { url: '/', description: expect.any(String) },
    ]);
    expect({ ...exported, servers: document.servers }).toEqual(document);
  });

  it('gives generated clients a base URL: the origin they reached', async () => {
    const served = async (app: TestApp, headers: Record<string, string>) =>
      (await app.http().get('/api/openapi.json').set(headers).expect(200)).body
        .servers;
    expect(await served(t, { Host: 'ops.example.test:8443' })).toEqual([
      { url: 'http://ops.example.test:8443', description: expect.any(String) },
    ]);
    const forwarded = {
      Host: '10.0.0.5:3000',
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'ops.example.test',
    };
    // Forwarded headers count only from a proxy TRUST_PROXY names.
    expect((await served(t, forwarded))[0].url).toBe('http://10.0.0.5:3000');
    const proxied = await createTestApp({ TRUST_PROXY: 'loopback' });
    try {
      expect((await served(proxied, forwarded))[0].url).toBe(
        'https://ops.example.test',
      );
    } finally {
      await proxied.close();
    }
  });

  it("passes Redocly's recommended rules (redocly.yaml, as npm run lint does)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsgate-redocly-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(document));
      const run = spawnSync(
        process.execPath,
        [
          require.resolve('@redocly/cli/bin/cli.js'),
          'lint',
          file,
          '--config',
          join(__dirname, '..', 'redocly.yaml'),
          '--format',
          'summary',
        ],
        {
          encoding: 'utf8',
          env: { ...process.env, REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        },
      );
      const report = `${run.stdout}${run.stderr}`;
      expect([run.status, report]).toEqual([0, expect.any(String)]);
      // Warnings too: redocly.yaml turns off, with a reason, any rule judged wrong.
      expect(report).toMatch(/Your API description is valid/);
      expect(report).not.toMatch(/^(error|warning) /m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists exactly the routes Express mounts, itself and /api/docs included', () => {
    const documented = Object.entries(document.paths as Record<string, object>)
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((key) => METHODS.includes(key))
          .map((method) => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    const mounted = mountedRoutes(t.app)
      .map((route) => templateOf(route))
      .sort();
    expect(documented).toEqual(mounted);
    expect(documented).toEqual(
      expect.arrayContaining([
        'GET /api/openapi.json',
        'GET /api/docs',
        'GET /api',
      ]),
    );
  });

  it('gives every operation a summary of its own', () => {
    const summaries = Object.values(document.paths as Record<string, any>)
      .flatMap((item) => Object.values(item))
      .map((operation: any) => operation.summary as string);
    expect(summaries.filter((s) => !s)).toEqual([]);
    // Two alike (say two handlers named "list" off the REST shapes): declare one with @Summary.
    expect(summaries.filter((s, i) => summaries.indexOf(s) !== i)).toEqual([]);
  });

  it('carries the privileges and scope the guards read, from the same declarations', () => {
    const wrong: string[] = [];
    for (const route of t.app.get(RouteTable).routes()) {
      const operation =
        document.paths[templateOf(route.path)][route.method.toLowerCase()];
      const { policy, scope } = route;
      const expected =
        policy?.kind === 'public'
          ? undefined
          : policy?.kind === 'privileges'
            ? policy.privileges
            : [];
      const security = policy?.kind === 'public' ? [] : document.security;
      if (
        JSON.stringify(operation['x-required-privileges']) !==
          JSON.stringify(expected) ||
        JSON.stringify(operation.security) !== JSON.stringify(security) ||
        JSON.stringify(operation['x-scope']?.from) !==
          JSON.stringify(scope?.from)
      ) {
        wrong.push(`${route.method} ${route.path}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lists the credential places as alternatives, so a client sends one', () => {
    // [{A: []}, {B: []}] is "A or B"; [{A: [], B: []}] would be "A and B".
    expect(document.security).toEqual(
      Object.keys(document.components.securitySchemes).map((name) => ({
        [name]: [],
      })),
    );
  });

  it('describes the credential places of SPEC §2 and the body api_key in words', () => {
    const schemes = Object.values(document.components.securitySchemes).map(
      (s: any) => `${s.in} ${s.name}`,
    );
    expect(schemes).toEqual([
      'header X-API-Key',
      'header X-Session-ID',
      'query api_key',
      'query session_id',
      'cookie session_id',
    ]);
    expect(JSON.stringify(document.components.securitySchemes)).toContain(
      'JSON body property `api_key`',
    );
  });

  it('takes api_key in every JSON body, as a credential, and no other unknown property', () => {
    const bodies = Object.values(document.paths as Record<string, any>)
      .flatMap((item) => Object.values(item))
      .map((op: any) => op.requestBody?.content['application/json'].schema)
      .filter(Boolean)
      .map((ref: { $ref: string }) => ref.$ref.split('/').pop()!);
    expect(bodies.length).toBeGreaterThanOrEqual(20);
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema(document, 'openapi');
    for (const name of new Set(bodies)) {
      const schema = document.components.schemas[name];
      expect([name, schema.additionalProperties]).toEqual([name, false]);
      expect(schema.required ?? []).not.toContain('api_key');
      expect(schema.properties.api_key.description).toMatch(/credential/);
    }
    const category = ajv.compile({
      $ref: 'openapi#/components/schemas/CreateCategoryDto',
    });
    const body = { id: 'deploys', title: 'Deploys' };
    expect(category({ ...body, api_key: 'A'.repeat(24) })).toBe(true);
    expect(category({ ...body, owner: 'someone' })).toBe(false);
  });

  it('gives request bodies the constraints the server enforces', () => {
    const key = document.components.schemas.CreateApiKeyDto;
    expect(key).toMatchObject({
      required: ['title'],
      additionalProperties: false,
      properties: {
        title: {
          type: 'string',
          minLength: 1,
          maxLength: 100,
          pattern: '^[^<>]*$',
        },
        max_per_sec: { type: 'integer', minimum: 0, maximum: 100000 },
        categories: {
          maxItems: 1000,
          uniqueItems: true,
          items: { pattern: '^[a-z0-9_-]{1,64}$' },
        },
      },
    });
    expect(key.properties.privileges.items.enum).toContain('admin');
    expect(key.properties.expires_at.anyOf).toContainEqual({ type: 'null' });
    const user = document.components.schemas.CreateUserDto;
    // SPEC §16: 8-256 characters counted after NFKC, which can lengthen or
    // shorten what was typed, so the raw string's only bound is non-empty.
    expect(user.properties.password).toMatchObject({
      type: 'string',
      minLength: 1,
      description: expect.stringContaining(
        '8-256 characters after Unicode NFKC',
      ),
    });
    expect(
      document.components.schemas.CreateTicketDto.properties.status.enum,
    ).toEqual(['open', 'closed']);
    const list = document.paths['/api/keys'].get.parameters;
    expect(list).toContainEqual({
      name: 'limit',
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    });
  });

  it('writes dates so a validator without format support accepts them', () => {
    // Such a validator passes every string to both `format` branches, so a
    // oneOf of date and date-time would refuse every date.
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema(document, 'openapi');
    const key = ajv.compile({
      $ref: 'openapi#/components/schemas/CreateApiKeyDto',
    });
    expect(key({ title: 'CI', expires_at: '2031-01-02T03:04:05Z' })).toBe(true);
    const audit = document.paths['/api/audit'].get.parameters.find(
      (p: { name: string }) => p.name === 'since',
    ).schema;
    expect(ajv.validate(audit, '2031-01-02')).toBe(true);
    expect(JSON.stringify(document)).not.toMatch(/"oneOf":\[\{"format"/);
  });

  it('documents the response headers from each route policy and status', () => {
    const headers = (path: string, method: string, status: number) =>
      Object.keys(document.paths[path][method].responses[status].headers);
    const credential = ['RateLimit', 'RateLimit-Policy', 'X-API-Key-Expires'];
    expect(headers('/api/health', 'get', 200)).toEqual(['X-Request-Id']);
    expect(headers('/api/me', 'get', 200)).toEqual([
      'X-Request-Id',
      ...credential,
    ]);
    expect(headers('/api/me', 'get', 401)).toEqual([
      'X-Request-Id',
      'WWW-Authenticate',
    ]);
    expect(headers('/api/me', 'get', 429)).toEqual([
      'X-Request-Id',
      ...credential,
      'Retry-After',
    ]);
    const create = document.paths['/api/events'].post.responses;
    for (const status of Object.keys(create)) {
      expect(create[status].headers['X-Accepted-Privileges'].schema).toEqual({
        type: 'string',
        enum: ['create_events'],
        example: 'create_events',
      });
    }
    expect(
      document.paths['/api/me'].get.responses[200].headers,
    ).not.toHaveProperty('X-Accepted-Privileges');
    const login = document.paths['/api/sessions'].post.responses;
    expect(login[201].headers['Set-Cookie'].schema.pattern).toBe(
      '^(session_id)=',
    );
    expect(login[401].headers).not.toHaveProperty('Set-Cookie');
    expect(document.components.headers['X-Request-Id'].required).toBe(true);
  });

  it('names the error codes each route can answer', () => {
    const codes = (path: string, method: string, status: number) =>
      document.paths[path][method].responses[status].content[
        'application/problem+json'
      ].schema.allOf[1].properties.code.enum;
    expect(codes('/api/sessions', 'post', 401)).toEqual([
      'account_disabled',
      'login_failed',
    ]);
    expect(codes('/api/sessions', 'post', 429)).toEqual([
      'too_many_login_attempts',
    ]);
    expect(codes('/api/events/{id}', 'patch', 403)).toEqual(
      expect.arrayContaining([
        'missing_privilege',
        'scope_denied',
        'csrf_failed',
      ]),
    );
    expect(codes('/api/categories/{id}', 'delete', 409)).toEqual(['conflict']);
    expect(document.paths['/api/health'].get.security).toEqual([]);
    expect(document.paths['/api/health'].get.responses[401]).toBeUndefined();
  });

  it('serves /api/docs, an interactive reference with every asset local', async () => {
    const page = await t.http().get('/api/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain(
      "script-src 'self'",
    );
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(assets.length).toBeGreaterThan(3);
    expect(page.text).not.toMatch(/<script>|<script [^>]*>[^<]/);
    for (const asset of assets) {
      expect(asset).toMatch(/^\/api\/docs\//);
      await t.http().get(asset).expect(200);
    }
    const init = await t.http().get('/api/docs/init.js').expect(200);
    expect(init.text).toContain("url: '/api/openapi.json'");
    expect(init.text).toContain('validatorUrl: null');
    await t.http().get('/api/docs/nosuch.js').expect(404);
  });
});

describe('the response hook', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('checks the responses of every supertest request', async () => {
    const before = checkedResponses();
    const admin = await login(t.server);
    await createKey(t.server, admin, { title: 'counted' });
    await t
      .http()
      .get('/api/me')
      .set('X-Session-ID', admin.sessionId)
      .expect(200);
    expect(checkedResponses() - before).toBe(3);
  });

  describe('on a document that differs from the server by one field', () => {
    let validator: OpenApiValidator;
    let sessionId: string;
    beforeAll(async () => {
      const document = structuredClone(
        (await t.http().get('/api/openapi.json')).body,
      );
      const user = document.components.schemas.User;
      delete user.properties.full_name;
      user.required = user.required.filter((f: string) => f !== 'full_name');
      user.properties.nickname = { type: 'string' };
      user.required.push('nickname');
      validator = new OpenApiValidator(document);
      sessionId = (await login(t.server)).sessionId;
    });

    it('fails on a field the server sends but the document does not describe, and on a documented one missing', async () => {
      const res = await t
        .http()
        .get('/api/users/admin')
        .set('X-Session-ID', sessionId)
        .expect(200);
      const problems = validator
        .check('GET', '/api/users/admin', res)
        .join('\n');
      expect(problems).toContain(
        'must NOT have additional properties (full_name)',
      );
      expect(problems).toContain("must have required property 'nickname'");
    });

    it('turns a supertest request red, wherever it is sent from', async () => {
      const real = new OpenApiValidator(
        (await t.http().get('/api/openapi.json')).body,
      );
      registerApp(t.server as object, validator);
      try {
        await expect(
          t
            .http()
            .get('/api/users/admin')
            .set('X-Session-ID', sessionId)
            .expect(200),
        ).rejects.toThrow(
          /does not match the OpenAPI document[\s\S]*full_name/,
        );
      } finally {
        registerApp(t.server as object, real);
      }
      await t
        .http()
        .get('/api/users/admin')
        .set('X-Session-ID', sessionId)
        .expect(200);
    });

    it('fails on an undocumented status, content type or path', () => {
      const seen = {
        headers: { 'content-type': 'application/json', 'x-request-id': 'r-1' },
        body: {},
      };
      expect(
        validator.check('GET', '/api/users/admin', { ...seen, status: 418 }),
      ).toEqual(['/api/users/{username} get 418: status not documented']);
      expect(
        validator.check('GET', '/api/me', {
          ...seen,
          status: 200,
          headers: { 'content-type': 'text/plain', 'x-request-id': 'r-1' },
        }),
      ).toEqual(['/api/me get 200: content type text/plain not documented']);
      expect(
        validator.check('GET', '/api/nosuch', { ...seen, status: 200 }),
      ).toHaveLength(1);
    });

    it('fails on a documented header sent where it is not documented, off its schema, or missing where required', () => {
      const seen = (status: number, headers: Record<string, string>) => ({
        status,
        headers: { 'content-type': 'application/problem+json', ...headers },
        body: {
          type: 'about:blank',
          title: 'Too Many Requests',
          status,
          code: 'rate_limited',
          detail: 'Slow down.',
        },
      });
      expect(
        validator.check(
          'GET',
          '/api/health',
          seen(429, { 'x-request-id': 'r-1', 'retry-after': '1' }),
        ),
      ).toEqual(['/api/health get 429: status not documented']);
      expect(
        validator.check(
          'GET',
          '/api/me',
          seen(429, {
            'x-request-id': 'r-1',
            'retry-after': '0',
            'set-cookie': 'session_id=abc',
          }),
        ),
      ).toEqual([
        '/api/me get 429: header retry-after: "0" off its schema',
        '/api/me get 429: header set-cookie sent but not documented here',
      ]);
      expect(
        validator.check('GET', '/api/me', seen(429, { 'retry-after': '2' })),
      ).toEqual(['/api/me get 429: header x-request-id missing']);
    });
  });
});
