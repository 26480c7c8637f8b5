import { AppLogger } from './app-logger';

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
    const fast = written(() => log.log(access, 'HTTP'));
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
    expect(written(() => quiet.log(access, 'HTTP'))).toEqual([]);
  });
});
