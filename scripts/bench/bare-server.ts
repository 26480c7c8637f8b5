/**
 * The floor row: a bare node:http server, run as its own process so its CPU
 * is measured like the app's, answering what GET /api/health/live answers:
 * the same body and the same headers (BARE_HEADERS, read from the app's
 * response), a fresh X-Request-Id each time. Any path gets the answer.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const BODY = JSON.stringify({ status: 'ok' });
const fixed = Object.entries(
  JSON.parse(process.env.BARE_HEADERS ?? '{}') as Record<string, string>,
).flat();
fixed.push('Content-Length', String(Buffer.byteLength(BODY)));

const server = createServer((_req, res) => {
  // One writeHead with a flat list: node:http's cheapest way to send headers.
  res.writeHead(200, [...fixed, 'X-Request-Id', randomUUID()]);
  res.end(BODY);
});

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
