import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { expectNoLeak } from './helpers/problem';
import { createTestApp, TestApp } from './helpers/test-app';

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes `raw` on a new connection and reads until the server closes it (the test times out if it never does). */
function exchange(port: number, raw: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => {
          const colon = line.indexOf(':');
          return [
            line.slice(0, colon).toLowerCase(),
            line.slice(colon + 1).trim(),
          ];
        }),
      );
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: rest.join('\r\n\r\n'),
      });
    });
    socket.write(raw);
  });
}

describe("errors of Node's HTTP parser are problem+json (SPEC §8)", () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  const expectProblemReply = (
    reply: RawReply,
    status: number,
    code: string,
  ) => {
    expect({
      status: reply.status,
      code: (JSON.parse(reply.body) as { code: string }).code,
    }).toEqual({ status, code });
    expect(reply.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      connection: 'close',
      'content-length': String(Buffer.byteLength(reply.body)),
    });
    expect(JSON.parse(reply.body)).toMatchObject({
      type: 'about:blank',
      status,
      code,
      detail: expect.any(String),
      request_id: expect.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
    });
    // SPEC §15: the same request id in the header and the body.
    expect(reply.headers['x-request-id']).toBe(
      (JSON.parse(reply.body) as { request_id: string }).request_id,
    );
    expectNoLeak(reply.body);
  };

  it('answers 431 headers_too_large to a 20 KB header', async () => {
    const reply = await exchange(
      port,
      `GET /api/health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expectProblemReply(reply, 431, 'headers_too_large');
    expect(JSON.parse(reply.body).title).toBe(
      'Request Header Fields Too Large',
    );
  });

  it.each([
    [
      'Content-Length with Transfer-Encoding',
      'POST /api/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    [
      'a bad chunk size',
      'POST /api/sessions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    ],
    ['a malformed request line', 'GARBAGE\r\n\r\n'],
    ['HTTP/1.1 without Host', 'GET /api/health/live HTTP/1.1\r\n\r\n'],
  ])(
    'answers 400 malformed_request to %s and closes the connection',
    async (_name, raw) => {
      expectProblemReply(await exchange(port, raw), 400, 'malformed_request');
    },
  );

  it('still serves HTTP/1.0 without Host, and a well-formed request', async () => {
    const old = await exchange(port, 'GET /api/health/live HTTP/1.0\r\n\r\n');
    expect(old.status).toBe(200);
    const fine = await exchange(
      port,
      'GET /api/health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect({ status: fine.status, body: fine.body }).toEqual({
      status: 200,
      body: '{"status":"ok"}',
    });
  });

  describe('a HEAD the parser refuses (SPEC §8: no body, ever)', () => {
    /** Everything the server wrote, as bytes: a body after the head would show here. */
    const rawExchange = (raw: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        const chunks: Buffer[] = [];
        socket.on('data', (chunk) => chunks.push(chunk));
        socket.on('error', reject);
        socket.on('close', () =>
          resolve(Buffer.concat(chunks).toString('latin1')),
        );
        socket.write(raw);
      });

    it.each([
      [
        'a bad Content-Length',
        'HEAD /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
        400,
      ],
      [
        'Content-Length with Transfer-Encoding',
        'HEAD /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n',
        400,
      ],
      [
        'headers over the limit',
        `HEAD /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        431,
      ],
      [
        'a refused request after a good one on the same connection',
        'GET /api/health/live HTTP/1.1\r\nHost: x\r\n\r\nHEAD /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
        400,
      ],
    ])('answers %s with a head and no content', async (_name, raw, status) => {
      const text = await rawExchange(raw);
      const last = text.lastIndexOf('HTTP/1.1 ');
      const reply = text.slice(last);
      expect(reply.startsWith(`HTTP/1.1 ${status} `)).toBe(true);
      expect(reply).toMatch(/\r\nconnection: close\r\n/i);
      expect(reply).toMatch(/\r\ncontent-type: application\/problem\+json/i);
      // The head ends the reply: nothing after its blank line.
      expect(reply.endsWith('\r\n\r\n')).toBe(true);
    });

    it('still sends the problem body to the same refusal of a GET', async () => {
      const text = await rawExchange(
        'GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      );
      expect(text).toContain('"code":"malformed_request"');
    });
  });
});
