import pino from 'pino';
import type { Logger } from '../logging';

/**
 * The logger `qui start` and `qui dashboard` write their JSON lines with, on stderr by default, at
 * `QUI_LOG_LEVEL` (default `info`). Errors go through pino's `errWithCause` serializer: Qui's
 * error messages already end with their cause's message, and pino's default `err` serializer
 * appends every cause's message (and stack) again, so a failed start logged the same text two or
 * three times over; here the cause is logged nested under `err.cause` instead. Writes are
 * synchronous: the CLI exits with `process.exit` after its last line, and an asynchronous write
 * queued before it (a tree's shutdown lines) would land after that line, or be lost.
 * @example
 * const logger = createCliLogger(); // {"level":30,…,"msg":"tree started"} on stderr
 */
export function createCliLogger(
  destination: pino.DestinationStream = pino.destination({ dest: 2, sync: true }),
  level: string = process.env.QUI_LOG_LEVEL ?? 'info',
): Logger {
  return pino({ level, serializers: { err: pino.stdSerializers.errWithCause } }, destination);
}
