import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  jsonBody,
  requestLog,
  securityHeaders,
} from './common/http.middleware';
import { API_PREFIX } from './app.constants';
import { answerClientErrors, requireHost } from './common/client-error';
import { APP_CONFIG, AppConfig } from './config/app-config';

/**
 * What the HTTP layer needs beyond AppModule; main.ts and every e2e test call
 * this, so the app under test is the production app. Create the app with
 * `bodyParser: false`: the JSON parser here has the 1 MiB limit and our errors.
 */
export function configureApp(
  app: NestExpressApplication,
): NestExpressApplication {
  const config = app.get<AppConfig>(APP_CONFIG);
  app.disable('x-powered-by');
  app.set('etag', false);
  if (config.trustProxy !== undefined)
    app.set('trust proxy', config.trustProxy);
  app.setGlobalPrefix(API_PREFIX);
  answerClientErrors(app.getHttpServer());
  app.use(requireHost, securityHeaders, requestLog(), jsonBody());
  return app;
}
