import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app/app.module';
import { configureApp } from '../../src/app/app.setup';
import { Clock } from '../../src/time/clock';
import { AppLogger } from '../../src/logging/app-logger';
import {
  APP_CONFIG,
  AppConfig,
  loadConfig,
  logLevelsFrom,
} from '../../src/config/app-config';
import { OpenApiDocument } from '../../src/openapi/openapi-document';
import { FakeClock } from './fake-clock';
import { testDatabase } from './test-database';
import { registerApp } from './openapi-hook';
import { OpenApiValidator } from './openapi-validator';
import { OpsgateHttpAdapter } from '../../src/http/http-adapter';

export const ADMIN_PASSWORD = 'admin-password-1';

/** Compiled schemas are reused by every app of a test file that serves the same document. */
const validators = new Map<string, OpenApiValidator>();

function validatorFor(app: NestExpressApplication): OpenApiValidator {
  const document = app.get(OpenApiDocument).document();
  const key = JSON.stringify(document);
  let validator = validators.get(key);
  if (!validator) {
    validator = new OpenApiValidator(document);
    validators.set(key, validator);
  }
  return validator;
}

export interface TestApp {
  app: NestExpressApplication;
  server: App;
  clock: FakeClock;
  config: AppConfig;
  dataSource: DataSource;
  /** A supertest agent on the app (no cookie jar). */
  http: () => ReturnType<typeof request>;
  close: () => Promise<void>;
}

/**
 * The real AppModule, with only the database (fresh, in memory unless
 * DATABASE_PATH is given; on PostgreSQL in the integration tier, see
 * test-database.ts), the clock and the settings swapped.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  clock = new FakeClock(),
): Promise<TestApp> {
  const database = await testDatabase(env.DATABASE_PATH ?? ':memory:');
  const config = loadConfig({
    ADMIN_PASSWORD,
    ...env,
    ...database.env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(APP_CONFIG)
    .useValue(config)
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>(
    new OpsgateHttpAdapter(),
    {
      bodyParser: false,
      // The production logger; quiet unless a test asks for a LOG_LEVEL.
      logger: new AppLogger(
        env.LOG_LEVEL ? logLevelsFrom(config.logLevel) : ['error', 'fatal'],
        config.logFormat,
      ),
    },
  );
  configureApp(app);
  await app.init();
  const server = app.getHttpServer() as App;
  // Every response to this app is checked against its own document (openapi-hook.ts).
  registerApp(server as object, validatorFor(app));
  return {
    app,
    server,
    clock,
    config,
    dataSource: app.get(DataSource),
    http: () => request(server),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
