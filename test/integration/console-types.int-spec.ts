import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, ROOT } from './helpers/console-harness';

// SPEC §21: the console's request and response types come from the API's own
// document, so a renamed field fails the console's typecheck. This builds the
// console's sources against types generated from the document as it is, then
// from the same document with one record field renamed. The scripts run as
// `npm run` runs them, in Node (openapi-typescript needs Node's ESM loader).
describe("the console's types, generated from the OpenAPI document", () => {
  const dir = join(ARTIFACTS, 'console-typecheck');
  const saved = join(ARTIFACTS, 'openapi-export.json');
  let document: any;

  const node = (...args: string[]) => {
    const run = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', ...args],
      { cwd: ROOT, encoding: 'utf8' },
    );
    return { status: run.status, output: run.stdout + run.stderr };
  };

  beforeAll(() => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const exported = node('scripts/export-openapi.ts', saved);
    expect(exported).toEqual({ status: 0, output: '' });
    document = JSON.parse(readFileSync(saved, 'utf8'));
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** tsc over a copy of console/ whose generated types come from `doc`. */
  function typecheck(doc: unknown) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    cpSync(join(ROOT, 'console', 'src'), join(dir, 'src'), { recursive: true });
    cpSync(join(ROOT, 'console', 'tsconfig.json'), join(dir, 'tsconfig.json'));
    const json = join(dir, 'openapi.json');
    writeFileSync(json, JSON.stringify(doc));
    const types = join(dir, 'src', 'generated', 'openapi.ts');
    expect(node('scripts/console-types.ts', json, types).status).toBe(0);
    return node(require.resolve('typescript/bin/tsc'), '-p', dir, '--noEmit');
  }

  it('compile the console as the server describes itself today', () => {
    expect(typecheck(document)).toEqual({ status: 0, output: '' });
  }, 120_000);

  it('fail the console typecheck when a field the console reads is renamed', () => {
    const renamed = structuredClone(document);
    const key = renamed.components.schemas.ApiKey;
    key.properties.masked = key.properties.mask;
    delete key.properties.mask;
    key.required = key.required.map((name: string) =>
      name === 'mask' ? 'masked' : name,
    );
    const { status, output } = typecheck(renamed);
    expect(status).not.toBe(0);
    expect(output).toMatch(
      /screens\/api-keys\.tsx.*Property 'mask' does not exist/,
    );
  }, 120_000);
});
