import type { RequestHandler } from 'express';
import { type Server, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorCode } from './app-error';
import { REQUEST_ID_HEADER, chooseRequestId, requestIdOf } from './request-id';

/** The headers every opsgate error carries (SPEC §2, §8), plus closing the connection. */
const HEADERS = {
  'Content-Type': 'application/problem+json',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  Connection: 'close',
};

function problem(
  status: number,
  code: ErrorCode,
  detail: string,
  requestId: string,
): string {
  return JSON.stringify({
    type: 'about:blank',
    title: STATUS_CODES[status],
    status,
    code,
    detail,
    request_id: requestId,
  });
}

/** What Node's HTTP parser refused, as SPEC §8 names it. */
function answerFor(error: NodeJS.ErrnoException): [number, ErrorCode, string] {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return [431, 'headers_too_large', 'The request headers are too large.'];
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return [408, 'malformed_request', 'The request did not arrive in time.'];
  }
  return [400, 'malformed_request', 'The HTTP request is malformed.'];
}

type ParserError = NodeJS.ErrnoException & {
  rawPacket?: Buffer;
  bytesParsed?: number;
};

const HEAD_LINE = /^HEAD[ \t]/;

/**
 * Whether the request the parser refused is a HEAD: its request line starts
 * the message that holds the error, i.e. after the last blank line before
 * where parsing stopped (an earlier request on the same connection may share
 * the packet). The application answers HEAD without a body; so must this
 * (SPEC §8): content after a HEAD response is a protocol error to a client.
 */
function isHead(error: ParserError): boolean {
  const raw = error.rawPacket;
  if (!raw) return false;
  const end = Math.min(error.bytesParsed ?? raw.length, raw.length);
  const before = raw.subarray(0, end);
  const blank = before.lastIndexOf('\r\n\r\n');
  const from = blank < 0 ? 0 : blank + 4;
  const line = raw.subarray(from, from + 8);
  return HEAD_LINE.test(line.toString('latin1'));
}

/**
 * Errors raised before the application sees a request (a bad request line,
 * headers over Node's limit, bad framing such as Content-Length with
 * Transfer-Encoding or a bad chunk size) get a problem+json answer instead of
 * Node's bare one, and the connection is closed: after a framing error the
 * rest of the stream cannot be trusted.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: ParserError, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, code, detail] = answerFor(error);
    // No request was parsed, so no incoming id can be trusted: a new one.
    const requestId = chooseRequestId(undefined);
    const body = problem(status, code, detail, requestId);
    const head = Object.entries({
      ...HEADERS,
      [REQUEST_ID_HEADER]: requestId,
      'Content-Length': Buffer.byteLength(body),
    })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    // A HEAD gets the same head, Content-Length included, and no content.
    const content = isHead(error) ? '' : body;
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${content}`,
    );
  });
  // Node answers a missing Host itself, bare; requireHost below does it instead.
  (server as Server & { requireHostHeader: boolean }).requireHostHeader = false;
}

/** HTTP/1.1 requires Host (RFC 9112 §3.2): 400 malformed_request, then close. */
export const requireHost: RequestHandler = (req, res, next) => {
  if (req.headers.host !== undefined || req.httpVersion !== '1.1')
    return next();
  const body = problem(
    400,
    'malformed_request',
    'An HTTP/1.1 request needs a Host header.',
    requestIdOf(res),
  );
  res.writeHead(400, { ...HEADERS, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
};
