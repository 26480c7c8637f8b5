import {
  Body,
  Controller,
  Get,
  Headers,
  Module,
  type PipeTransform,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RouterExecutionContext } from '@nestjs/core/router/router-execution-context';
import type { INestApplication } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { OpsgateHttpAdapter } from './http-adapter';

@Controller()
class ParamsController {
  @Get('plain')
  plain(
    @Req() req: Request,
    @Headers('x-word') word: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    res.setHeader('X-Seen', req.url);
    return { url: req.url, word };
  }

  @Post('piped')
  piped(@Body() body: Record<string, unknown>) {
    return body;
  }
}

@Module({ controllers: [ParamsController] })
class ParamsModule {}

/** A global pipe that leaves its mark: only pipeable parameters get it. */
class MarkPipe implements PipeTransform {
  transform(value: unknown) {
    return typeof value === 'object' && value !== null
      ? { ...value, piped: true }
      : value;
  }
}

describe('readPlainParamsDirectly', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    app = await NestFactory.create(ParamsModule, new OpsgateHttpAdapter(), {
      logger: false,
    });
    app.useGlobalPipes(new MarkPipe());
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(() => app.close());

  it('hands @Req, @Headers and @Res to the handler as Nest would', async () => {
    const reply = await fetch(`${base}/plain?x=1`, {
      headers: { 'X-Word': 'hello' },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-seen')).toBe('/plain?x=1');
    expect(await reply.json()).toEqual({ url: '/plain?x=1', word: 'hello' });
  });

  it("leaves a parameter a pipe may see on Nest's path", async () => {
    const reply = await fetch(`${base}/piped`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ a: 1 }),
    });
    expect(reply.status).toBe(201);
    expect(await reply.json()).toEqual({ a: 1, piped: true });
  });

  it('reads plain parameters synchronously, with no promise', () => {
    type Create = (
      pipes: unknown[],
      params: object[],
    ) => ((...args: unknown[]) => unknown) | null;
    const create = (
      RouterExecutionContext.prototype as unknown as {
        createPipesFn: Create;
      }
    ).createPipesFn;
    const context = Object.create(RouterExecutionContext.prototype) as {
      createPipesFn: Create;
    };
    const req = { url: '/r' };
    const args: unknown[] = [null];
    const fn = create.call(
      context,
      [],
      [{ index: 0, type: 0 /* REQUEST */, extractValue: (r: unknown) => r }],
    );
    expect(fn?.(args, req, {}, () => undefined)).toBeUndefined();
    expect(args[0]).toBe(req);
    expect(create.call(context, [], [])).toBeNull();
  });
});
