import { join, relative } from 'node:path';
import { InvalidSpecError } from '../../../../src/errors';
import { ok } from '../../../../src/jobs/job-result';
import { resolveQueue } from '../../../../src/queue/resolve-queue';
import { reviveError, sendError } from '../../../../src/queue/isolation/protocol';
import { QuiError, UnrecoverableError } from '../../../../src/errors';

const TASKS = join(__dirname, '../../../fixtures/isolation/tasks.js');
const processor = () => ok();

describe('workers.isolation options', () => {
  it('are left out by default: the workers run in process, unchanged', () => {
    expect(resolveQueue({ name: 'q', workers: { count: 1, processor } }).workers?.isolation).toBeUndefined();
  });

  it('resolve the module to an absolute path (relative to the working directory) and default the grace', () => {
    const resolved = resolveQueue({
      name: 'q',
      workers: { count: 2, isolation: 'thread', module: relative(process.cwd(), TASKS) },
    });
    expect(resolved.workers?.isolation).toEqual({
      mode: 'thread',
      module: TASKS,
      resourceLimits: undefined,
      killGraceMs: 50,
      standby: true,
    });
    expect(Object.isFrozen(resolved.workers?.isolation)).toBe(true);
  });

  it('take resource limits and a grace', () => {
    const resolved = resolveQueue({
      name: 'q',
      workers: {
        count: 1,
        isolation: 'process',
        module: TASKS,
        resourceLimits: { maxOldGenerationSizeMb: 64 },
        killGraceMs: 0,
      },
    });
    expect(resolved.workers?.isolation).toMatchObject({
      resourceLimits: { maxOldGenerationSizeMb: 64 },
      killGraceMs: 0,
      standby: false, // the default with 'process'
    });
  });

  const w = (extra: Record<string, unknown>) => ({ name: 'q', workers: { count: 1, ...extra } });
  it.each([
    [
      w({ isolation: 'fiber', module: TASKS }),
      'workers.isolation',
      /must be one of 'thread', 'process', got "fiber"/,
    ],
    [w({ isolation: 'thread' }), 'workers.module', /is required with workers.isolation/],
    [w({ isolation: 'thread', module: '' }), 'workers.module', /must be a non-empty string/],
    [
      w({ isolation: 'thread', module: '/no/such/tasks.js' }),
      'workers.module',
      /no module at "\/no\/such\/tasks.js"/,
    ],
    [w({ isolation: 'thread', module: TASKS, processor }), 'workers.processor', /cannot run in isolation/],
    [w({ processor, module: TASKS }), 'workers.module', /is only used with workers.isolation/],
    [w({ processor, killGraceMs: 5 }), 'workers.killGraceMs', /is only used with workers.isolation/],
    [w({ isolation: 'thread', module: TASKS, killGraceMs: -1 }), 'workers.killGraceMs', /integer >= 0/],
    [
      w({ isolation: 'thread', module: TASKS, standby: 'yes' }),
      'workers.standby',
      /must be true or false, got "yes"/,
    ],
    [w({ processor, standby: true }), 'workers.standby', /is only used with workers.isolation/],
    [
      w({ isolation: 'thread', module: TASKS, resourceLimits: 64 }),
      'workers.resourceLimits',
      /must be an object/,
    ],
    [
      w({ isolation: 'thread', module: TASKS, resourceLimits: { heapMb: 64 } }),
      'workers.resourceLimits.heapMb',
      /is not a known option/,
    ],
    [
      w({ isolation: 'thread', module: TASKS, resourceLimits: { maxOldGenerationSizeMb: 0 } }),
      'workers.resourceLimits.maxOldGenerationSizeMb',
      /must be a number >= 1/,
    ],
    [
      w({ isolation: 'process', module: TASKS, resourceLimits: { stackSizeMb: 8 } }),
      'workers.resourceLimits.stackSizeMb',
      /applies to isolation: 'thread' only/,
    ],
  ])('reject %j at %s', (options, path, problem) => {
    let thrown: unknown;
    try {
      resolveQueue(options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidSpecError);
    expect((thrown as InvalidSpecError).path).toBe(path);
    expect((thrown as InvalidSpecError).problem).toMatch(problem);
  });
});

describe('errors crossing to and from an isolated worker', () => {
  it('keep name, message, stack and a string code; Qui codes come back as QuiErrors', () => {
    const custom = Object.assign(new TypeError('bad input'), { code: 'E_INPUT' });
    const back = reviveError(sendError(custom));
    expect(back).toMatchObject({
      name: 'TypeError',
      message: 'bad input',
      code: 'E_INPUT',
      stack: custom.stack,
    });
    expect(reviveError(sendError(new QuiError('ERR_TASK_TIMEOUT', 'late')))).toBeInstanceOf(QuiError);
    expect(reviveError(sendError(new UnrecoverableError('give up')))).toBeInstanceOf(UnrecoverableError);
    expect(
      (reviveError(sendError(Object.assign(new Error('x'), { code: 42 }))) as { code?: unknown }).code,
    ).toBeUndefined();
  });
});
