import { ConsoleLogger, Logger, LogLevel } from '@nestjs/common';
import type { LogFormat } from '../config/app-config';

/** Nest's start-up chatter (a line per module and per route): debug, not log. */
const FRAMEWORK_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

type Fields = Record<string, unknown>;

const isFields = (message: unknown): message is Fields =>
  typeof message === 'object' &&
  message !== null &&
  !Array.isArray(message) &&
  !(message instanceof Error);

const show = (value: unknown): string =>
  typeof value === 'string' ? value : JSON.stringify(value);

/**
 * Nest's own ConsoleLogger, in its JSON mode for LOG_FORMAT=json. A message
 * may be an object of fields (an access line: method, path, status…): in JSON
 * its fields sit at the top level of the line beside level, time and context;
 * in text they follow the message as key=value. Whatever is logged here has
 * already been stripped of credentials by its author (see access-log.ts).
 */
export class AppLogger extends ConsoleLogger {
  constructor(levels: LogLevel[], format: LogFormat) {
    super({ logLevels: levels, json: format === 'json' });
    // Logger.isLevelEnabled(), which code asks before building a costly line,
    // reads the static levels; Nest sets them only from an array of levels.
    Logger.overrideLogger(levels);
  }

  override log(message: unknown, ...params: unknown[]): void {
    const context = params[params.length - 1];
    if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) {
      super.debug(message, ...params);
      return;
    }
    super.log(message, ...params);
  }

  protected override printAsJson(
    message: unknown,
    options: {
      context: string;
      logLevel: LogLevel;
      writeStreamType?: 'stdout' | 'stderr';
      errorStack?: unknown;
    },
  ): void {
    const line = this.stringifyJsonLogObject(this.jsonLine(message, options));
    process[options.writeStreamType ?? 'stdout'].write(`${line}\n`);
  }

  private jsonLine(
    message: unknown,
    options: { context: string; logLevel: LogLevel; errorStack?: unknown },
  ): Fields {
    const fields = isFields(message) ? message : { message };
    return {
      time: new Date().toISOString(),
      level: options.logLevel,
      pid: process.pid,
      ...(options.context ? { context: options.context } : {}),
      ...fields,
      ...(options.errorStack ? { stack: options.errorStack } : {}),
    };
  }

  protected override stringifyMessage(
    message: unknown,
    logLevel: LogLevel,
  ): string {
    if (!isFields(message)) {
      return super.stringifyMessage(message, logLevel) as string;
    }
    const { message: text, ...rest } = message;
    const pairs = Object.entries(rest).map(
      ([key, value]) => `${key}=${show(value)}`,
    );
    const head = text === undefined ? [] : [show(text)];
    return this.colorize([...head, ...pairs].join(' '), logLevel);
  }
}
