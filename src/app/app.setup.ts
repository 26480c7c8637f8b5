import type { NestExpressApplication } from '@nestjs/platform-express';
import { inOrder, jsonBody, responseHeaders } from '../http/http.middleware';
import { refuseNulInUrl } from '../http/nul-guard';
import { accessLog } from '../observability/access-log';
import { MetricsService } from '../observability/metrics.service';
import { KeyUsageObserver } from '../auth/key-usage.observer';
import { API_PREFIX } from '../http/api-prefix';
import { answerClientErrors, requireHost } from '../http/client-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { contentSecurity } from '../web/content-security';
import { OpenApiDocument } from '../openapi/openapi-document';

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
  // The access log first: every response, even a parser's 400, gets its request id.
  const observers = [
    ...app.get(MetricsService).observers(),
    app.get(KeyUsageObserver).observe,
  ];
  app.use(
    inOrder(
      accessLog(observers),
      requireHost,
      responseHeaders(contentSecurity()),
      refuseNulInUrl,
      jsonBody(),
    ),
  );
  app.get(OpenApiDocument).attach(app);
  return app;
}
