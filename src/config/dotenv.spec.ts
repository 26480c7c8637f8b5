import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './app-config';
import { loadDotEnv } from './dotenv';

describe('loadDotEnv', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'opsgate-dotenv-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('adds the settings of ./.env that the environment does not set; the environment wins', () => {
    writeFileSync(
      join(dir, '.env'),
      [
        '# a comment',
        'PORT=4100',
        'LOG_FORMAT=json',
        'ADMIN_USERNAME="from-file"',
        'API_KEY_LENGTH=40',
        'HOST=10.1.1.1',
      ].join('\n'),
    );
    const env: NodeJS.ProcessEnv = { PORT: '5200', HOST: '' };
    loadDotEnv(env, dir);
    // Set but empty is still set: the file does not fill it in.
    expect(env.HOST).toBe('');
    delete env.HOST;
    const config = loadConfig(env);
    expect(config.port).toBe(5200);
    expect(config.logFormat).toBe('json');
    expect(config.adminUsername).toBe('from-file');
    expect(config.apiKeyLength).toBe(40);
  });

  it('does nothing when there is no .env', () => {
    const env: NodeJS.ProcessEnv = { PORT: '1' };
    loadDotEnv(env, dir);
    expect(env).toEqual({ PORT: '1' });
  });
});
