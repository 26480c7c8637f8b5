import { type NestApplicationOptions, StreamableFile } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Response } from 'express';
import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { readPlainParamsDirectly } from './plain-params';
import {
  JSON_TYPE,
  SerializedJson,
  isConditional,
  writeJson,
} from './json-response';

type RequestClass = typeof IncomingMessage;
type ResponseClass = typeof ServerResponse;

/**
 * A class whose instances are born with Express's request prototype. Express
 * swaps the prototype of every request and response (app.handle's
 * Object.setPrototypeOf); on a plain IncomingMessage that gives each one a
 * new hidden class, and every property access on it afterwards misses V8's
 * inline caches: under callgrind, about a third of a public request's
 * instructions were these lookups. When the prototype already is Express's,
 * the swap is a no-op and the shapes stay monomorphic. Hand-written because
 * neither Express nor Nest offers it; node:http's IncomingMessage and
 * ServerResponse options are the documented hook.
 */
function requestClass(prototype: object): RequestClass {
  function ExpressRequest(this: IncomingMessage, socket: Socket): void {
    (IncomingMessage as unknown as (this: unknown, s: Socket) => void).call(
      this,
      socket,
    );
  }
  ExpressRequest.prototype = prototype;
  return ExpressRequest as unknown as RequestClass;
}

function responseClass(prototype: object): ResponseClass {
  function ExpressResponse(
    this: ServerResponse,
    req: IncomingMessage,
    options?: object,
  ): void {
    (
      ServerResponse as unknown as (
        this: unknown,
        r: IncomingMessage,
        o?: object,
      ) => void
    ).call(this, req, options);
  }
  ExpressResponse.prototype = prototype;
  return ExpressResponse as unknown as ResponseClass;
}

/**
 * Nest's Express adapter on an HTTP server whose requests are Express's from
 * birth, answering a handler's JSON object without res.json's detours.
 */
export class OpsgateHttpAdapter extends ExpressAdapter {
  /**
   * ExpressAdapter's constructor puts a middleware first in the app, which
   * calls request and response hooks that only setOnRequestHook and
   * setOnResponseHook install (neither is used here: they refuse below).
   * Each router layer costs every request a turn of Express's dispatch
   * loop, so that one is taken out again.
   */
  constructor() {
    super();
    readPlainParamsDirectly();
    const { stack } = this.getInstance<{ router: { stack: unknown[] } }>()
      .router;
    if (stack.length !== 1) {
      throw new Error('ExpressAdapter no longer adds exactly one middleware');
    }
    stack.length = 0;
  }

  override setOnRequestHook(): void {
    throw new Error('OpsgateHttpAdapter serves no request hooks');
  }

  override setOnResponseHook(): void {
    throw new Error('OpsgateHttpAdapter serves no response hooks');
  }

  override initHttpServer(options: NestApplicationOptions): void {
    if (options?.httpsOptions || options?.forceCloseConnections) {
      super.initHttpServer(options);
      return;
    }
    // express() exposes the prototypes it gives requests and responses.
    const app = this.getInstance<
      ((req: IncomingMessage, res: ServerResponse) => void) & {
        request: object;
        response: object;
      }
    >();
    this.httpServer = createServer(
      {
        IncomingMessage: requestClass(app.request),
        ServerResponse: responseClass(app.response),
      },
      app,
    );
  }

  /**
   * A handler's object or array goes out through writeJson, as res.json would
   * send it; anything else (no body, a stream, a string, a Content-Type the
   * handler chose, ETag on, a conditional request) takes Nest's own path.
   */
  override reply(
    response: Response,
    body: unknown,
    statusCode?: number,
  ): unknown {
    if (
      typeof body !== 'object' ||
      body === null ||
      body instanceof StreamableFile ||
      body instanceof Error ||
      response.getHeader('Content-Type') !== undefined ||
      isConditional(response.req.headers) ||
      response.app.get('etag fn')
    ) {
      return super.reply(response, body, statusCode);
    }
    writeJson(
      response,
      statusCode ?? response.statusCode,
      JSON_TYPE,
      body instanceof SerializedJson ? body.text : JSON.stringify(body),
    );
  }
}
