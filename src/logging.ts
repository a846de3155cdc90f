import pino from 'pino';

/** The logger Qui accepts: a pino logger (or anything with pino's child/level methods). */
export type Logger = pino.Logger;

/** A silent pino logger: the default, so a library never prints unless asked to. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
