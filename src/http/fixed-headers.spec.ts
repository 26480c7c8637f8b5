import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { FIXED_HEADERS_FAST, fixedHeaders, type Header } from './fixed-headers';

const FIXED: Header[] = [
  ['Content-Security-Policy', "default-src 'self';frame-ancestors 'none'"],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
  ['Cache-Control', 'no-store'],
  ['X-Content-Type-Options', 'nosniff'],
];

const response = () => new ServerResponse(new IncomingMessage(new Socket()));
const bySetHeader = (res: ServerResponse) => {
  for (const [name, value] of FIXED) res.setHeader(name, value);
};
const head = (res: ServerResponse) => {
  res.writeHead(200);
  return (res as unknown as { _header: string })._header;
};

/** What code before and after the fixed headers does to a response. */
const SCENES: [
  string,
  (res: ServerResponse) => void,
  (res: ServerResponse) => void,
][] = [
  ['nothing else', () => undefined, () => undefined],
  [
    'a request id before',
    (res) => res.setHeader('X-Request-Id', 'abc'),
    () => undefined,
  ],
  [
    'a fixed name set before, in other case',
    (res) => res.setHeader('cache-control', 'public'),
    () => undefined,
  ],
  [
    'changes after: override, remove, append, a new header',
    () => undefined,
    (res) => {
      res.setHeader('Cache-Control', 'private');
      res.removeHeader('x-frame-options');
      res.appendHeader('Referrer-Policy', 'origin');
      res.setHeader('Content-Type', 'application/json');
    },
  ],
];

describe('fixedHeaders', () => {
  it("writes into node:http's header table on this Node", () => {
    // If a Node upgrade changes the table, headers fall back to setHeader
    // (slower, same answer): this pins that it is noticed.
    expect(FIXED_HEADERS_FAST).toBe(true);
  });

  it.each(SCENES)(
    'sends what setHeader would, headers and order: %s',
    (_scene, before, after) => {
      const set = fixedHeaders(FIXED);
      const fast = response();
      const slow = response();
      for (const [res, apply] of [
        [fast, set],
        [slow, bySetHeader],
      ] as const) {
        before(res);
        apply(res);
        after(res);
      }
      expect(fast.getHeaders()).toEqual(slow.getHeaders());
      expect(fast.getHeaderNames()).toEqual(slow.getHeaderNames());
      expect(fast.hasHeader('x-content-type-options')).toBe(true);
      expect(head(fast)).toBe(head(slow));
    },
  );

  it("keeps each response's entries its own", () => {
    const set = fixedHeaders(FIXED);
    const first = response();
    set(first);
    first.appendHeader('Cache-Control', 'no-transform');
    const second = response();
    set(second);
    expect(first.getHeader('cache-control')).toEqual([
      'no-store',
      'no-transform',
    ]);
    expect(second.getHeader('cache-control')).toBe('no-store');
  });

  it('refuses a response whose head is sent, as setHeader does', () => {
    const res = response();
    head(res);
    expect(() => fixedHeaders(FIXED)(res)).toThrow(
      expect.objectContaining({ code: 'ERR_HTTP_HEADERS_SENT' }),
    );
  });

  it('checks names and values once, at the start', () => {
    expect(() => fixedHeaders([['X-Bad', 'a\nb']])).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_CHAR' }),
    );
    expect(() => fixedHeaders([['Bad Name', 'x']])).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_HTTP_TOKEN' }),
    );
  });
});
