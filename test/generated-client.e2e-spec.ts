import type { Middleware } from 'openapi-fetch';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Server } from 'node:http';
import { join } from 'node:path';
import ts from 'typescript';
import { OpenApiDocument } from '../src/openapi/openapi-document';
import { freePort } from './helpers/free-port';
import {
  OpenApiValidator,
  type SeenResponse,
} from './helpers/openapi-validator';
import { ADMIN_PASSWORD, createTestApp, TestApp } from './helpers/test-app';

// SPEC §11, issue 25: a client generated from /api/openapi.json works with
// one credential configured and no hand-written request code. The client is
// generated here, from the served document, as a third party would:
// openapi-typescript's types, openapi-fetch's client. The program that uses
// it, generated-client/walkthrough.ts, is the README's walk-through; it is
// type-checked under strict against the fresh types, then run.
const DIR = join(__dirname, 'generated-client');
const WALKTHROUGH = join(DIR, 'walkthrough.ts');

/**
 * openapi-typescript's CLI step, in a Node process of its own: its
 * dependencies are ES modules, which Jest's module loader cannot require.
 */
function generateTypes(document: object, out: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'opsgate-client-'));
  try {
    const input = join(dir, 'openapi.json');
    writeFileSync(input, JSON.stringify(document));
    const script = `
      import { readFileSync, writeFileSync } from 'node:fs';
      import openapiTS, { astToString } from 'openapi-typescript';
      const [input, out] = process.argv.slice(1);
      const ast = await openapiTS(JSON.parse(readFileSync(input, 'utf8')));
      writeFileSync(out, '// Generated from the served document by test/generated-client.e2e-spec.ts. Do not edit.\\n' + astToString(ast));
    `;
    execFileSync(
      process.execPath,
      ['--input-type=module', '-e', script, input, out],
      { cwd: join(__dirname, '..'), stdio: 'pipe' },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Seen {
  request: string;
  credentials: string[];
}

/** Every place of SPEC §2 a request carries a credential in. */
async function credentialsOf(request: Request): Promise<string[]> {
  const url = new URL(request.url);
  const places = [
    request.headers.has('X-API-Key') && 'header X-API-Key',
    request.headers.has('X-Session-ID') && 'header X-Session-ID',
    url.searchParams.has('api_key') && 'query api_key',
    url.searchParams.has('session_id') && 'query session_id',
    /(^|;\s*)session_id=/.test(request.headers.get('Cookie') ?? '') &&
      'cookie session_id',
  ];
  const body = await request.clone().text();
  if (body && 'api_key' in (JSON.parse(body) as object)) {
    places.push('body api_key');
  }
  return places.filter((place): place is string => Boolean(place));
}

async function seenResponse(response: Response): Promise<SeenResponse> {
  const text = await response.clone().text();
  const headers: SeenResponse['headers'] = Object.fromEntries(response.headers);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  const json = /json/.test(response.headers.get('Content-Type') ?? '');
  return {
    status: response.status,
    headers,
    text,
    body: json && text ? (JSON.parse(text) as unknown) : undefined,
  };
}

describe('a client generated from the OpenAPI document', () => {
  let t: TestApp;
  let origin: string;
  let document: { servers: { url: string }[] };

  beforeAll(async () => {
    t = await createTestApp();
    const port = await freePort();
    const server = t.server as Server;
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${port}`;
    document = (await (
      await fetch(`${origin}/api/openapi.json`)
    ).json()) as typeof document;
    generateTypes(document, join(DIR, 'openapi.ts'));
  });
  afterAll(() => t.close());

  it('type-checks the walk-through under strict against the generated types', () => {
    const config = ts.getParsedCommandLineOfConfigFile(
      join(DIR, 'tsconfig.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
    )!;
    expect(config.options.strict).toBe(true);
    const program = ts.createProgram([WALKTHROUGH], config.options);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  });

  it("takes its base URL from the document's servers", () => {
    expect(document.servers[0].url).toBe(origin);
  });

  it('runs the README walk-through, one credential per client, every answer as documented', async () => {
    const validator = new OpenApiValidator(
      t.app.get(OpenApiDocument).document(),
    );
    const seen: Seen[] = [];
    const problems: string[] = [];
    const observer: Middleware = {
      async onRequest({ request }) {
        const path = new URL(request.url).pathname;
        seen.push({
          request: `${request.method} ${path}`,
          credentials: await credentialsOf(request),
        });
      },
      async onResponse({ request, response }) {
        const path = new URL(request.url).pathname;
        problems.push(
          ...validator.check(
            request.method,
            path,
            await seenResponse(response),
          ),
        );
      },
    };
    // Loaded now: its types exist only once beforeAll has generated them.
    const { walkThrough } = (await import(WALKTHROUGH)) as {
      walkThrough: (options: {
        baseUrl: string;
        password: string;
        observer: Middleware;
      }) => Promise<Record<string, any>>;
    };

    const result = await walkThrough({
      baseUrl: document.servers[0].url,
      password: ADMIN_PASSWORD,
      observer,
    });

    expect(seen).toEqual([
      { request: 'POST /api/sessions', credentials: [] },
      { request: 'POST /api/categories', credentials: ['header X-Session-ID'] },
      { request: 'POST /api/keys', credentials: ['header X-Session-ID'] },
      { request: 'POST /api/events', credentials: ['header X-API-Key'] },
      { request: 'GET /api/me', credentials: ['header X-API-Key'] },
      { request: 'GET /api/me', credentials: ['header X-API-Key'] },
    ]);
    expect(problems).toEqual([]);
    expect(result).toEqual({
      user: 'admin',
      category: 'deploys',
      key: { id: expect.any(String), mask: expect.stringMatching(/\*{8}/) },
      event: {
        category: 'deploys',
        createdBy: `key:${result.key.id}`,
        rateLimitPolicy: '"key";q=2;w=1',
        rateLimit: expect.stringMatching(/^"key";r=1;t=\d+$/),
      },
      me: {
        type: 'api_key',
        privileges: ['create_events'],
        categories: ['deploys'],
      },
      limited: {
        status: 429,
        code: 'rate_limited',
        retryAfter: expect.stringMatching(/^[1-9]\d*$/),
      },
    });
  });
});
