import { ConsoleLogger, Logger, LogLevel } from '@nestjs/common';
import type { LogFormat } from '../config/app-config';
import { isoString } from '../time/iso-string';

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

/** Keys jsonLine() writes itself: a message carrying one takes the general path. */
const OWN_KEYS = ['time', 'level', 'pid', 'context', 'stack'];

/**
 * A message whose values are all strings, numbers, booleans or null (an
 * access line): JSON.stringify writes it exactly as Nest's replacer would,
 * which only changes bigints, symbols, Maps, Sets, Errors and objects with
 * toJSON, and truncates past a million characters.
 */
function isFlat(fields: Fields): boolean {
  for (const key in fields) {
    const value = fields[key];
    const type = typeof value;
    if (
      value !== null &&
      type !== 'string' &&
      type !== 'number' &&
      type !== 'boolean'
    ) {
      return false;
    }
  }
  for (const key of OWN_KEYS) if (key in fields) return false;
  return true;
}

const FLAT_LIMIT = 100_000;

/**
 * Flat lines (access lines) waiting for the end of this turn of the event
 * loop: one write for every response a turn closed, where a write each cost
 * a system call per request (stdout to a file or pipe is synchronous).
 * Written before any other line, at the next turn, past 64 KiB, and at exit.
 */
let pending = '';
let flushScheduled = false;
let exitHooked = false;
const PENDING_LIMIT = 64 * 1024;

export function flushLogLines(): void {
  flushScheduled = false;
  if (pending === '') return;
  const out = pending;
  pending = '';
  process.stdout.write(out);
}

function queueLine(line: string): void {
  pending += line;
  if (pending.length > PENDING_LIMIT) return flushLogLines();
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushLogLines);
  }
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', flushLogLines);
  }
}

let lastMs = NaN;
let lastTime = '';

/**
 * Now in ISO-8601, remembering the last millisecond's: V8 formats a date
 * through snprintf (some 5k instructions), and under load many access lines
 * share a millisecond. (instants.ts's isoInstant has its own slot, which the
 * session expiries of the same requests would otherwise take turns with.)
 */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastTime = isoString(ms);
    lastMs = ms;
  }
  return lastTime;
}

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
    if (
      this.options.json &&
      params.length === 1 &&
      typeof context === 'string' &&
      isFields(message) &&
      isFlat(message) &&
      this.isLevelEnabled('log')
    ) {
      this.writeFlat(message, context);
      return;
    }
    super.log(message, ...params);
  }

  /**
   * The line printAsJson writes for a flat message, without ConsoleLogger's
   * per-call argument arrays, replacer closures and holder map: an access
   * line is written for every request, and that path cost about a tenth of
   * a public request's CPU. Same keys, same order, same text.
   */
  private writeFlat(fields: Fields, context: string): void {
    const body = JSON.stringify(fields);
    if (body.length > FLAT_LIMIT) {
      super.log(fields, context);
      return;
    }
    const head = `{"time":"${isoNow()}","level":"log","pid":${process.pid}`;
    const ctx = context ? `,"context":${JSON.stringify(context)}` : '';
    const rest = body === '{}' ? '}' : `,${body.slice(1)}`;
    queueLine(`${head}${ctx}${rest}\n`);
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
    flushLogLines();
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
