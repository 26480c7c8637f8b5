import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpsgateHttpAdapter } from './http-adapter';
import { SerializedJson } from './json-response';

type ExpressResponse = ServerResponse & {
  status(code: number): { json(body: unknown): void };
};
type ExpressApp = ((req: IncomingMessage, res: ServerResponse) => void) & {
  request: object;
  response: object;
  get(path: string, handler: (req: unknown, res: ServerResponse) => void): void;
  set(name: string, value: unknown): void;
};

describe('OpsgateHttpAdapter', () => {
  it('leaves no middleware of its own in the app, and refuses hooks', () => {
    const adapter = new OpsgateHttpAdapter();
    const app = adapter.getInstance<{ router: { stack: unknown[] } }>();
    expect(app.router.stack).toEqual([]);
    expect(() => adapter.setOnRequestHook()).toThrow();
    expect(() => adapter.setOnResponseHook()).toThrow();
  });

  it("creates requests and responses with Express's prototypes already in place", async () => {
    const adapter = new OpsgateHttpAdapter();
    adapter.initHttpServer({});
    const app = adapter.getInstance<ExpressApp>();
    const server = adapter.getHttpServer() as Server;
    const born: object[] = [];
    // Before Express's own listener: what node:http built, untouched.
    server.prependListener('request', (req, res) => {
      born.push(Object.getPrototypeOf(req) as object);
      born.push(Object.getPrototypeOf(res) as object);
    });
    app.get('/x', (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    try {
      const { port } = server.address() as AddressInfo;
      const reply = await fetch(`http://127.0.0.1:${port}/x`);
      expect(await reply.text()).toBe('ok');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(born).toEqual([app.request, app.response]);
    expect(born[0]).toBe(app.request);
    expect(born[1]).toBe(app.response);
  });

  it("answers an object with res.json's status, headers and body", async () => {
    const adapter = new OpsgateHttpAdapter();
    adapter.initHttpServer({});
    const app = adapter.getInstance<ExpressApp>();
    app.set('etag', false);
    const body = { name: 'Zoë', items: [1, 2], nested: { ok: true } };
    app.get('/adapter', (_req, res) => {
      adapter.reply(res as never, body, 201);
    });
    app.get('/serialized', (_req, res) => {
      adapter.reply(
        res as never,
        new SerializedJson(JSON.stringify(body)),
        201,
      );
    });
    app.get('/express', (_req, res) => {
      (res as unknown as ExpressResponse).status(201).json(body);
    });
    const server = adapter.getHttpServer() as Server;
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    try {
      const { port } = server.address() as AddressInfo;
      const get = async (
        path: string,
        headers: Record<string, string> = {},
      ) => {
        const reply = await fetch(`http://127.0.0.1:${port}${path}`, {
          headers,
        });
        return {
          status: reply.status,
          type: reply.headers.get('content-type'),
          length: reply.headers.get('content-length'),
          text: await reply.text(),
        };
      };
      const expected = await get('/express');
      expect(expected.status).toBe(201);
      expect(await get('/adapter')).toEqual(expected);
      expect(await get('/serialized')).toEqual(expected);
      // A conditional request is Express's to answer, as before.
      const conditional = { 'if-none-match': '*' };
      const viaExpress = await get('/express', conditional);
      expect(await get('/adapter', conditional)).toEqual(viaExpress);
      expect(await get('/serialized', conditional)).toEqual(viaExpress);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
