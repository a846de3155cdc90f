import { EventEmitter } from 'node:events';
import { createCliLogger } from '../../../src/cli/cli-logger';
import { loadConfig } from '../../../src/cli/load-config';
import { runTree } from '../../../src/cli/run-tree';
import { createTestLogger } from '../../helpers/test-logger';

describe('loadConfig', () => {
  it('takes a tree exported as default', () => {
    const config = loadConfig('test/fixtures/configs/default-tree.ts');
    expect(config.tree).toMatchObject({ kind: 'supervisor', id: 'root' });
  });

  it('takes named tree and options exports', () => {
    const config = loadConfig('test/fixtures/configs/tree-and-options.ts');
    expect(config.tree).toMatchObject({ kind: 'actor', id: 'solo' });
    expect(config.options).toEqual({ name: 'named-system' });
  });

  it('rejects a module that exports no tree, saying what to export', () => {
    expect(() => loadConfig('test/fixtures/configs/no-tree.ts')).toThrow(/must export a tree/);
  });

  it('rejects a missing module with ERR_INVALID_OPTIONS', () => {
    expect(() => loadConfig('test/fixtures/configs/nope.ts')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
    );
  });
});

describe('runTree', () => {
  it('stops the tree in order on SIGTERM and exits 0; a second signal exits 130 at once', async () => {
    const signals = new EventEmitter();
    const codes: number[] = [];
    let exitedOnce!: () => void;
    const exited = new Promise<void>((resolve) => (exitedOnce = resolve));
    const { logger } = createTestLogger('info');
    const system = await runTree(loadConfig('test/fixtures/configs/default-tree.ts'), {
      logger,
      signals: signals as unknown as NodeJS.Process,
      exit: (code) => {
        codes.push(code);
        exitedOnce();
      },
    });
    expect(system.lookup('echo')).toBeDefined();
    signals.emit('SIGTERM', 'SIGTERM');
    await exited;
    expect(system.stopped).toBe(true);
    expect(codes).toEqual([0]);
    signals.emit('SIGTERM', 'SIGTERM');
    expect(codes).toEqual([0, 130]);
  });

  it('logs "tree started" with one pid key: pino binds it already (a duplicate key fails JSON parsers such as Elasticsearch\'s)', async () => {
    const lines: string[] = [];
    const signals = new EventEmitter();
    let exitedOnce!: () => void;
    const exited = new Promise<void>((resolve) => (exitedOnce = resolve));
    await runTree(loadConfig('test/fixtures/configs/default-tree.ts'), {
      logger: createCliLogger({ write: (line: string) => void lines.push(line) }, 'info'),
      signals: signals as unknown as NodeJS.Process,
      exit: () => exitedOnce(),
    });
    signals.emit('SIGTERM', 'SIGTERM');
    await exited;
    const started = lines.find((line) => line.includes('"tree started"')) as string;
    expect(started.match(/"pid":/g)).toHaveLength(1);
    expect((JSON.parse(started) as { pid: number }).pid).toBe(process.pid);
  });

  it('logs "tree started" with the system\'s processId, the id job records and heartbeats name the process by', async () => {
    const lines: string[] = [];
    const signals = new EventEmitter();
    let exitedOnce!: () => void;
    const exited = new Promise<void>((resolve) => (exitedOnce = resolve));
    const system = await runTree(loadConfig('test/fixtures/configs/default-tree.ts'), {
      logger: createCliLogger({ write: (line: string) => void lines.push(line) }, 'info'),
      signals: signals as unknown as NodeJS.Process,
      exit: () => exitedOnce(),
    });
    signals.emit('SIGTERM', 'SIGTERM');
    await exited;
    const started = lines.find((line) => line.includes('"tree started"')) as string;
    expect((JSON.parse(started) as { processId?: string }).processId).toBe(system.processId);
  });
});
