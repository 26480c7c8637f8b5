import { Logger, LogLevel } from '@nestjs/common';

export interface LogEntry {
  level: LogLevel;
  context: string | undefined;
  message: string;
  /** The message and every extra parameter (a stack, a context) as text. */
  text: string;
}

const LEVELS: LogLevel[] = [
  'verbose',
  'debug',
  'log',
  'warn',
  'error',
  'fatal',
];

type Fields = Record<string, unknown>;

const isFields = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !(value instanceof Error);

/** An object message (an access line's fields) as JSON, anything else as a string. */
const asText = (part: unknown): string =>
  isFields(part) ? JSON.stringify(part) : String(part);

/**
 * Records every line the app hands to a Nest `Logger` instance (as every
 * `new Logger(context)` in src/ does), whatever the level filter, and keeps
 * them off the console. Levels still matter to code that asks
 * `Logger.isLevelEnabled()`; set those with `Logger.overrideLogger([...])`.
 */
export class LogCapture {
  readonly entries: LogEntry[] = [];
  private readonly spies: jest.SpyInstance[];

  constructor() {
    const entries = this.entries;
    this.spies = LEVELS.map((level) =>
      jest.spyOn(Logger.prototype, level).mockImplementation(function (
        this: Logger,
        message: unknown,
        ...params: unknown[]
      ) {
        const context = (this as unknown as { context?: string }).context;
        entries.push({
          level,
          context,
          message: asText(
            isFields(message) ? (message.message ?? message) : message,
          ),
          text: [message, ...params].map(asText).join(' '),
        });
      }),
    );
  }

  /** Everything logged so far, one entry per line. */
  text(): string {
    return this.entries.map((entry) => entry.text).join('\n');
  }

  inContext(context: string): LogEntry[] {
    return this.entries.filter((entry) => entry.context === context);
  }

  clear(): void {
    this.entries.length = 0;
  }

  restore(): void {
    for (const spy of this.spies) spy.mockRestore();
  }
}

/**
 * Records what the process actually writes to stdout and stderr (the
 * formatted lines, after level filtering), and keeps it off the console.
 */
export class OutputCapture {
  private chunks: string[] = [];
  private readonly spies: jest.SpyInstance[];

  constructor() {
    this.spies = [process.stdout, process.stderr].map((stream) =>
      jest.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
        this.chunks.push(String(chunk));
        return true;
      }),
    );
  }

  /** Every line written so far. */
  lines(): string[] {
    return this.chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '');
  }

  /** Every line parsed as JSON (throws on a line that is not JSON). */
  json(): Fields[] {
    return this.lines().map((line) => JSON.parse(line) as Fields);
  }

  clear(): void {
    this.chunks = [];
  }

  restore(): void {
    for (const spy of this.spies) spy.mockRestore();
  }
}
