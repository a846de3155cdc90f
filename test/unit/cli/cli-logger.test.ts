import { createCliLogger } from '../../../src/cli/cli-logger';
import { StartFailedError } from '../../../src/supervision/child-lifecycle';

describe('createCliLogger', () => {
  it('logs an error once, its cause nested, not appended to its message again', () => {
    const lines: string[] = [];
    const logger = createCliLogger({ write: (line: string) => void lines.push(line) }, 'info');
    const cause = new Error('sqliteStore could not open /x/q.db');
    logger.fatal({ err: new StartFailedError('queue', 'root/q/queue', cause) }, 'could not start the tree');
    const { err } = JSON.parse(lines[0] as string) as {
      err: { message: string; code: string; cause: { message: string } };
    };
    expect(err.message).toBe(
      'failed to start child "queue" at root/q/queue: sqliteStore could not open /x/q.db',
    );
    expect(err.code).toBe('ERR_START_FAILED');
    expect(err.cause.message).toBe('sqliteStore could not open /x/q.db');
  });

  it('writes at the level it is given', () => {
    const lines: string[] = [];
    const logger = createCliLogger({ write: (line: string) => void lines.push(line) }, 'warn');
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['shown']);
  });
});
