import { Logger } from '@nestjs/common';
import type { Request, RequestHandler, Response } from 'express';
import { actorOf } from '../access/principal';
import { authOf } from '../access/request-auth';
import { redactHeaders } from '../http/http.middleware';
import { redactUrl } from '../http/secret-params';
import { REQUEST_ID_HEADER, chooseRequestId } from '../http/request-id';

/** Called once per request when its response is done (metrics). */
export type RequestObserver = (
  req: Request,
  res: Response,
  seconds: number,
) => void;

/**
 * First in the chain, so every response gets its X-Request-Id and every
 * request one access line at `log`, whatever answered it (a route, a 404,
 * a body parser error). One 'close' listener does the logging and the
 * observers: the per-request cost is one header, one timer and one line,
 * and only the header when nobody reads the rest.
 * Hand-written rather than pino-http, which adds seven properties to the
 * request and response objects and two child loggers per request.
 */
export function accessLog(
  observers: RequestObserver[] = [],
  logger = new Logger('HTTP'),
): RequestHandler {
  return (req, res, next) => {
    const id = chooseRequestId(req.headers['x-request-id']);
    res.setHeader(REQUEST_ID_HEADER, id);
    // Nobody to tell (no metrics, access lines off): no timer, no listener.
    if (observers.length === 0 && !Logger.isLevelEnabled('log')) return next();
    // A double, not hrtime.bigint(): two BigInts a request for the same microseconds.
    const started = performance.now();
    res.on('close', () => {
      const seconds = (performance.now() - started) / 1000;
      for (const observe of observers) observe(req, res, seconds);
      if (Logger.isLevelEnabled('log')) {
        logger.log(accessLine(req, res, id, seconds));
      }
    });
    next();
  };
}

/** SPEC §15's fields. The path comes from the URL as sent, with credential values redacted. */
function accessLine(
  req: Request,
  res: Response,
  id: string,
  seconds: number,
): Record<string, unknown> {
  const principal = authOf(req)?.principal;
  const path = redactUrl(req.originalUrl ?? req.url);
  const line: Record<string, unknown> = {
    message: `${req.method} ${path} ${res.statusCode}`,
    method: req.method,
    path,
    status: res.statusCode,
    duration_ms: Math.round(seconds * 1e6) / 1e3,
    caller: principal ? actorOf(principal) : null,
    request_id: id,
  };
  if (!res.writableFinished) line.aborted = true;
  if (Logger.isLevelEnabled('verbose')) {
    line.ip = req.ip;
    line.headers = redactHeaders(req.headers);
  }
  return line;
}
