import pino from 'pino';
import type { Logger } from '../../src/logging';

/** One parsed pino line. */
export interface LogRecord {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** pino's numeric levels, by name. */
export const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

export interface TestLogger {
  readonly logger: Logger;
  /** Every line written so far, parsed, oldest first. */
  readonly records: LogRecord[];
  /** The records with this message (and, if given, at this level). */
  find(msg: string, level?: keyof typeof LEVELS): LogRecord[];
}

/** A pino logger writing synchronously into memory, so tests can assert on what it printed. */
export function createTestLogger(level: keyof typeof LEVELS = 'debug'): TestLogger {
  const records: LogRecord[] = [];
  const sink = {
    write(line: string): void {
      for (const part of line.split('\n')) if (part) records.push(JSON.parse(part) as LogRecord);
    },
  };
  const logger = pino({ level }, sink);
  return {
    logger,
    records,
    find: (msg, lvl) =>
      records.filter((r) => r.msg === msg && (lvl === undefined || r.level === LEVELS[lvl])),
  };
}
