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
          message: String(message),
          text: [message, ...params].map((part) => String(part)).join(' '),
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
