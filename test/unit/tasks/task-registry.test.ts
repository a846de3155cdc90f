import { InvalidSpecError } from '../../../src/errors';
import { ok } from '../../../src/jobs/job-result';
import { defineTask, type TaskDefinition } from '../../../src/tasks/define-task';
import { createTaskRegistry } from '../../../src/tasks/task-registry';

const email = defineTask({
  name: 'email',
  perform: (_p: { to: string }) => ok(),
  defaults: { maxRetries: 9 },
});
const resize = defineTask({ name: 'resize', perform: (_p: { w: number }) => ok() });

describe('createTaskRegistry', () => {
  it('looks tasks up by name and lists the names in order', () => {
    const registry = createTaskRegistry([email, resize]);
    expect(registry.get('email')).toBe(email);
    expect(registry.get('resize')).toBe(resize);
    expect(registry.get('nope')).toBeUndefined();
    expect(registry.names).toEqual(['email', 'resize']);
  });

  it('gives the defaults of a task value, and undefined for anything else', () => {
    const { defaultsFor } = createTaskRegistry([email, resize]);
    expect(defaultsFor(email.create({ to: 'a' }))).toEqual({ maxRetries: 9 });
    expect(defaultsFor(resize.create({ w: 1 }))).toEqual({});
    expect(defaultsFor({ task: 'unknown', params: 1 })).toBeUndefined();
    expect(defaultsFor('email')).toBeUndefined();
    expect(defaultsFor(undefined)).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    ['not an array', email, 'tasks: must be an array, got an object'],
    [
      'a hand-made definition',
      [email, { name: 'x', defaults: {}, perform: () => ok() }],
      'tasks[1]: must be a task made by defineTask, got an object',
    ],
    [
      'a duplicate name',
      [email, resize, defineTask({ name: 'email', perform: () => ok() })],
      'tasks[2].name: "email" is already registered (tasks[0])',
    ],
  ])('rejects %s, naming the path', (_name, tasks, message) => {
    const call = (): unknown => createTaskRegistry(tasks as TaskDefinition[]);
    expect(call).toThrow(InvalidSpecError);
    expect(call).toThrow(message);
  });
});
