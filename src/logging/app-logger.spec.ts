import { AppLogger, flushLogLines } from './app-logger';

/** What the logger writes to stdout while `work` runs. */
function written(work: () => void): string[] {
  const lines: string[] = [];
  const spy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
  try {
    work();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

describe('AppLogger, JSON', () => {
  beforeEach(() =>
    jest.useFakeTimers({ now: new Date('2026-01-02T03:04:05.678Z') }),
  );
  afterEach(() => jest.useRealTimers());

  const logger = () => new AppLogger(['log', 'warn', 'error'], 'json');
  const access = {
    message: 'GET /api/me?x="1" 200',
    method: 'GET',
    path: '/api/me?x="1"',
    status: 200,
    duration_ms: 0.123,
    caller: null,
    request_id: 'abc',
    aborted: true,
  };

  it('writes a flat message (an access line) as the general path does, key for key', () => {
    const log = logger();
    const fast = written(() => {
      log.log(access, 'HTTP');
      flushLogLines();
    });
    const general = written(() =>
      (
        log as unknown as {
          printAsJson(
            m: unknown,
            o: { context: string; logLevel: string },
          ): void;
        }
      ).printAsJson(access, { context: 'HTTP', logLevel: 'log' }),
    );
    expect(fast).toHaveLength(1);
    expect(fast).toEqual(general);
    expect(Object.keys(JSON.parse(fast[0]) as object)).toEqual([
      'time',
      'level',
      'pid',
      'context',
      ...Object.keys(access),
    ]);
  });

  it('leaves nested values to the general path', () => {
    const line = JSON.parse(
      written(() =>
        logger().log({ message: 'm', big: 10n, headers: { a: 'b' } }, 'HTTP'),
      )[0],
    ) as Record<string, unknown>;
    expect(line).toMatchObject({
      big: '10',
      headers: { a: 'b' },
      context: 'HTTP',
    });
  });

  it('writes nothing below its level', () => {
    const quiet = new AppLogger(['warn', 'error'], 'json');
    expect(
      written(() => {
        quiet.log(access, 'HTTP');
        flushLogLines();
      }),
    ).toEqual([]);
  });

  it('writes the flat lines of one turn at once, before any other line', () => {
    const log = logger();
    const out = written(() => {
      log.log({ ...access, request_id: 'a' }, 'HTTP');
      log.log({ ...access, request_id: 'b' }, 'HTTP');
      log.warn('then a warning', 'Other');
    });
    expect(out).toHaveLength(2);
    const lines = out.join('').trimEnd().split('\n');
    expect(
      lines.map(
        (l) =>
          (JSON.parse(l) as { request_id?: string; message: string })
            .request_id ?? 'warn',
      ),
    ).toEqual(['a', 'b', 'warn']);
  });

  it('writes pending flat lines at the next turn of the event loop', async () => {
    jest.useRealTimers();
    const log = logger();
    const chunks: string[] = [];
    const spy = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array) => {
        chunks.push(String(chunk));
        return true;
      });
    try {
      log.log(access, 'HTTP');
      expect(chunks).toEqual([]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(chunks).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });
});
