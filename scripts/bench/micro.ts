import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { join } from 'node:path';
import { ADMIN_PASSWORD, ADMIN_USERNAME, ROOT } from './config';
import { median } from './load';

// Types come from src/, code from dist/: Nest looks providers up by class, so
// the classes must be the very ones the built AppModule registered.
type AppModuleFile = typeof import('../../src/app/app.module');
type ApiKeysServiceFile = typeof import('../../src/api-keys/api-keys.service');
type ApiKeyVerifierFile = typeof import('../../src/api-keys/api-key.verifier');
type SessionsServiceFile = typeof import('../../src/sessions/sessions.service');
type SessionVerifierFile = typeof import('../../src/sessions/session.verifier');

interface Built {
  AppModule: AppModuleFile['AppModule'];
  ApiKeysService: ApiKeysServiceFile['ApiKeysService'];
  ApiKeyVerifier: ApiKeyVerifierFile['ApiKeyVerifier'];
  SessionsService: SessionsServiceFile['SessionsService'];
  SessionVerifier: SessionVerifierFile['SessionVerifier'];
}

async function loadBuilt(): Promise<Built> {
  const load = async <T>(file: string) =>
    (await import(join(ROOT, 'dist', file))) as T;
  return {
    AppModule: (await load<AppModuleFile>('app/app.module')).AppModule,
    ApiKeysService: (
      await load<ApiKeysServiceFile>('api-keys/api-keys.service')
    ).ApiKeysService,
    ApiKeyVerifier: (
      await load<ApiKeyVerifierFile>('api-keys/api-key.verifier')
    ).ApiKeyVerifier,
    SessionsService: (
      await load<SessionsServiceFile>('sessions/sessions.service')
    ).SessionsService,
    SessionVerifier: (
      await load<SessionVerifierFile>('sessions/session.verifier')
    ).SessionVerifier,
  };
}

/** The app's configuration is read from process.env while the context is built. */
async function createContext(
  built: Built,
  env: Record<string, string>,
): Promise<INestApplicationContext> {
  const saved = Object.fromEntries(
    Object.keys(env).map((name) => [name, process.env[name]]),
  );
  Object.assign(process.env, env);
  try {
    return await NestFactory.createApplicationContext(built.AppModule, {
      logger: ['error', 'fatal'],
    });
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

export interface Timing {
  /** Median over the batches of the mean wall time per call: robust to a preempted batch. */
  medianUs: number;
  /** Mean wall time per call over every batch. */
  meanUs: number;
  /** This process's CPU time per call (process.cpuUsage: every thread, the sqlite pool too). */
  cpuUs: number;
}

/** `calls` awaited calls in `batches` batches, after `warmup` untimed ones. */
async function timeCalls(
  calls: number,
  warmup: number,
  fn: () => unknown,
  batches = 10,
): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const perBatch = Math.max(1, Math.floor(calls / batches));
  const means: number[] = [];
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let b = 0; b < batches; b++) {
    const batchStart = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) await fn();
    means.push(Number(process.hrtime.bigint() - batchStart) / 1000 / perBatch);
  }
  const total = perBatch * batches;
  const wallUs = Number(process.hrtime.bigint() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    medianUs: median(means),
    meanUs: wallUs / total,
    cpuUs: (cpu.user + cpu.system) / total,
  };
}

export interface MicroLine {
  cached: Timing;
  uncached: Timing;
}

export interface MicroResult {
  calls: { cached: number; uncached: number };
  apiKey: MicroLine;
  session: MicroLine;
}

interface Measured {
  apiKey: Timing;
  session: Timing;
}

/** Who the benchmark's own setup calls are recorded as in the audit log. */
const BENCH_CONTEXT = { actor: 'bench', ip: '127.0.0.1', requestId: null };

async function measureIn(
  built: Built,
  app: INestApplicationContext,
  calls: number,
  warmup: number,
): Promise<Measured> {
  const { key } = await app
    .get(built.ApiKeysService)
    .create({ title: 'm' }, BENCH_CONTEXT);
  const keys = app.get(built.ApiKeyVerifier);
  const login = await app
    .get(built.SessionsService)
    .login(
      { username: ADMIN_USERNAME, password: ADMIN_PASSWORD },
      BENCH_CONTEXT,
    );
  if ('mfa_required' in login)
    throw new Error('the bench admin has no second factor');
  const sessions = app.get(built.SessionVerifier);
  return {
    apiKey: await timeCalls(calls, warmup, () => keys.verify(key)),
    session: await timeCalls(calls, warmup, () =>
      sessions.verify(login.session_id),
    ),
  };
}

/**
 * One verification, in process: cached (the default cache, after a first
 * call) and uncached (AUTH_CACHE_TTL=0: every call reads the database).
 */
export async function microBench(
  tempDir: string,
  cachedCalls: number,
  uncachedCalls: number,
): Promise<MicroResult> {
  const built = await loadBuilt();
  const common = {
    LOG_LEVEL: 'error',
    ADMIN_USERNAME,
    ADMIN_PASSWORD,
  };
  const measureWith = async (
    name: string,
    env: Record<string, string>,
    calls: number,
    warmup: number,
  ) => {
    const app = await createContext(built, {
      ...common,
      ...env,
      DATABASE_PATH: join(tempDir, `micro-${name}.sqlite`),
    });
    try {
      return await measureIn(built, app, calls, warmup);
    } finally {
      await app.close();
    }
  };
  const cached = await measureWith(
    'cached',
    { AUTH_CACHE_TTL: '3600' },
    cachedCalls,
    Math.min(10_000, cachedCalls),
  );
  const uncached = await measureWith(
    'uncached',
    { AUTH_CACHE_TTL: '0' },
    uncachedCalls,
    Math.min(200, uncachedCalls),
  );
  return {
    calls: { cached: cachedCalls, uncached: uncachedCalls },
    apiKey: { cached: cached.apiKey, uncached: uncached.apiKey },
    session: { cached: cached.session, uncached: uncached.session },
  };
}
