import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app/app.module';
import { OpsgateHttpAdapter } from './http/http-adapter';
import { configureApp } from './app/app.setup';
import { AppLogger } from './logging/app-logger';
import { ConfigError, loadConfig, logLevelsFrom } from './config/app-config';
import { loadDotEnv } from './config/dotenv';

async function bootstrap(): Promise<void> {
  let config;
  try {
    loadDotEnv();
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`opsgate: invalid configuration: ${error.message}`);
    process.exit(1);
  }
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule,
    new OpsgateHttpAdapter(),
    {
      bodyParser: false,
      logger: new AppLogger(logLevelsFrom(config.logLevel), config.logFormat),
    },
  );
  configureApp(app);
  // SIGTERM/SIGINT: stop accepting, finish in-flight requests, flush, close the database.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(config.port, config.host);
  const metrics =
    config.metricsPort === undefined
      ? ''
      : `, metrics on http://${config.host}:${config.metricsPort}/metrics`;
  new Logger('Main').log(
    `opsgate listening on http://${config.host}:${config.port}${metrics}`,
  );
}

bootstrap().catch((error: unknown) => {
  new Logger('Main').fatal(
    `opsgate could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
