import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Claims of an account at the provider (its id is the `sub`). */
export interface ProviderAccount {
  preferred_username?: string;
  name?: string;
  email?: string;
  groups?: string[];
  [claim: string]: unknown;
}

export interface ProviderClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
}

export interface ProviderOptions {
  /** Defaults to a port the system picks. */
  port?: number;
  clients: ProviderClient[];
  accounts?: Record<string, ProviderAccount>;
  /** false: profile claims (username, name, groups) in the ID token too, not only in UserInfo. */
  conformIdTokenClaims?: boolean;
  /** Seconds an ID token lives (default 3600). */
  idTokenTtl?: number;
}

export interface ProviderSettings {
  /** Seconds an ID token lives; negative: already expired that long when issued. */
  idTokenTtl?: number;
  /** Token responses carry an ID token addressed to this audience (re-signed with the provider's key); null: the client's. */
  idTokenAudience?: string | null;
}

const SCRIPT = join(__dirname, 'provider.mjs');
const READY_MS = 20_000;

/** oidc-provider in its own node process (it is ESM; opsgate is CommonJS). */
export class TestProvider {
  private constructor(
    private readonly child: ChildProcess,
    readonly issuer: string,
    private readonly output: () => string,
  ) {}

  static async start(options: ProviderOptions): Promise<TestProvider> {
    let output = '';
    const child = spawn(process.execPath, [SCRIPT, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const issuer = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`test provider not ready: ${output}`)),
        READY_MS,
      );
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`test provider exited (${code}): ${output}`));
      });
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on(
        'line',
        (line) => {
          output += `${line}\n`;
          // Other lines are the library's own warnings (development defaults).
          const ready = /^\{"ready":true,"issuer":"([^"]+)"\}$/.exec(line);
          if (ready) {
            clearTimeout(timer);
            resolve(ready[1]);
          }
        },
      );
    });
    return new TestProvider(child, issuer, () => output);
  }

  get port(): number {
    return Number(new URL(this.issuer).port);
  }

  /** Adds or replaces an account; its claims apply from the next sign-in. */
  setAccount(id: string, claims: ProviderAccount): Promise<void> {
    return this.admin(`/__test/accounts/${encodeURIComponent(id)}`, claims);
  }

  settings(settings: ProviderSettings): Promise<void> {
    return this.admin('/__test/settings', settings);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await exited;
  }

  private async admin(path: string, body: unknown): Promise<void> {
    const res = await fetch(`${this.issuer}${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 204) {
      throw new Error(
        `test provider ${path}: ${res.status} ${await res.text()} ${this.output()}`,
      );
    }
  }
}
