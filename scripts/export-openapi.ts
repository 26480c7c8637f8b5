import type { NestExpressApplication } from '@nestjs/platform-express';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AppModule } from '../src/app/app.module';
import { configureApp } from '../src/app/app.setup';
import { AppLogger } from '../src/logging/app-logger';
import { OpsgateHttpAdapter } from '../src/http/http-adapter';
import { APP_CONFIG, loadConfig } from '../src/config/app-config';
import { OpenApiDocument } from '../src/openapi/openapi-document';

/**
 * The OpenAPI document of this source tree, without a running server: the
 * real AppModule booted on an in-memory SQLite database, never listening.
 * For `npm run lint` (Redocly) and for anything generated from the document
 * (the console's types). The settings are built here, not read from the
 * environment, so a DATABASE_URL, REDIS_URL or METRICS_PORT of the shell
 * cannot make an export touch a real database or open a port; Nest's testing
 * module is the supported way to swap a provider (APP_CONFIG) before boot.
 *
 *   node -r ts-node/register/transpile-only scripts/export-openapi.ts [out.json]
 *
 * Without a file it writes the JSON to stdout.
 */
export async function exportOpenApi(): Promise<OpenAPIObject> {
  const config = loadConfig({
    DATABASE_PATH: ':memory:',
    // Set, so the bootstrap does not print a generated one; nobody logs in.
    ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(APP_CONFIG)
    .useValue(config)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>(
    new OpsgateHttpAdapter(),
    { bodyParser: false, logger: new AppLogger(['error', 'fatal'], 'pretty') },
  );
  configureApp(app);
  await app.init();
  try {
    return structuredClone(app.get(OpenApiDocument).document());
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const [out] = process.argv.slice(2);
  const json = `${JSON.stringify(await exportOpenApi(), null, 2)}\n`;
  if (!out) {
    process.stdout.write(json);
    return;
  }
  const file = resolve(out);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, json);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
