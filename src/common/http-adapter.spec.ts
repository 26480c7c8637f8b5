import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpsgateHttpAdapter } from './http-adapter';

type ExpressApp = ((req: IncomingMessage, res: ServerResponse) => void) & {
  request: object;
  response: object;
  get(path: string, handler: (req: unknown, res: ServerResponse) => void): void;
};

describe('OpsgateHttpAdapter', () => {
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
});
