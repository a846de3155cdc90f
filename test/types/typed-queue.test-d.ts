/**
 * Typed enqueue: a client from `system.queue(spec)` takes only the queue's own task values and
 * priority names; `system.queue('name')` takes anything. Built by `tsc -p test/types`.
 */
import {
  defineQueue,
  defineTask,
  err,
  isJobOf,
  isTaskValue,
  ok,
  type Job,
  type QueueClient,
  type QuiSystem,
  type TaskResultOf,
  type TaskValue,
  type TaskValueOf,
} from '../../src/index';

declare const system: QuiSystem;

const sendEmail = defineTask({
  name: 'send-email',
  perform: (params: { to: string; subject: string }) => ok(params.to.length),
});
const resize = defineTask({
  name: 'resize',
  async perform(params: { image: string }) {
    if (params.image === '') return err(new Error('no image'));
    return ok({ width: 10, height: 20 });
  },
});
const ping = defineTask({ name: 'ping', perform: () => ok() });

// The name is a literal type; create() builds a value typed with it.
const nameIsLiteral: 'send-email' = sendEmail.name;
void nameIsLiteral;
const emailValue: TaskValue<{ to: string; subject: string }, 'send-email'> = sendEmail.create({
  to: 'ada@example.com',
  subject: 'Hi',
});
void emailValue;
// @ts-expect-error create() checks the params: `to` is misspelt
sendEmail.create({ too: 'ada@example.com', subject: 'Hi' });

const emails = defineQueue({
  name: 'emails',
  priorities: ['urgent', 'normal', 'bulk'],
  tasks: [sendEmail, ping],
  workers: { count: 2 },
  defaults: { priority: 'normal' },
});
const images = defineQueue({ name: 'images', tasks: [resize], workers: { count: 1 } });

async function typedClients(): Promise<void> {
  const mail = system.queue(emails);
  // The queue's own tasks' values go in, with its own priorities.
  const job = await mail.enqueue(sendEmail.create({ to: 'a@b.c', subject: 's' }), { priority: 'urgent' });
  await mail.enqueue(ping.create());
  await mail.enqueueMany([{ task: ping.create(), options: { priority: 'bulk' } }]);
  // job.task carries the union of the queue's task values: narrowing on the name gives the params.
  if (job.task.task === 'send-email') {
    const to: string = job.task.params.to;
    void to;
  }
  const dequeued: Job<TaskValueOf<typeof sendEmail | typeof ping>> | undefined = await mail.dequeue();
  void dequeued;

  // @ts-expect-error another queue's task value
  await mail.enqueue(resize.create({ image: 'a.png' }));
  // @ts-expect-error a typo'd params object (written out, not built by create)
  await mail.enqueue({ task: 'send-email', params: { to: 'a@b.c', subjet: 's' } });
  // @ts-expect-error a task name the queue does not have
  await mail.enqueue({ task: 'send-sms', params: { to: 'a@b.c', subject: 's' } });
  // @ts-expect-error a priority the queue did not declare
  await mail.enqueue(ping.create(), { priority: 'high' });
  // @ts-expect-error the same in enqueueMany
  await mail.enqueueMany([{ task: ping.create(), options: { priority: 'low' } }]);

  // A queue declared without priorities has the defaults, 'high' and 'low'.
  const img = system.queue(images);
  await img.enqueue(resize.create({ image: 'a.png' }), { priority: 'high' });
  // @ts-expect-error 'urgent' is the emails queue's, not this one's
  await img.enqueue(resize.create({ image: 'a.png' }), { priority: 'urgent' });

  // By name, nothing is known: anything goes, tasks are unknown.
  const byName: QueueClient<unknown> = system.queue('emails');
  await byName.enqueue({ anything: true }, { priority: 'whatever' });
  const unknownJob = await byName.dequeue();
  // @ts-expect-error job.task is unknown through an untyped client
  void unknownJob?.task.task;
  // isTaskValue narrows an unknown task to a task value.
  if (unknownJob && isTaskValue(unknownJob.task)) {
    const name: string = unknownJob.task.task;
    void name;
  }
}
void typedClients;

// What a task's jobs complete with: ok(value)'s type, for one task or a union.
const emailResult: TaskResultOf<typeof sendEmail> = 3;
void emailResult;
const size: TaskResultOf<typeof resize> = { width: 1, height: 2 };
void size;
// @ts-expect-error send-email completes with a number
const notString: TaskResultOf<typeof sendEmail> = 'three';
void notString;

// The queue's priorities type its defaults too.
defineQueue({
  name: 'bad-defaults',
  priorities: ['a', 'b'],
  // @ts-expect-error 'c' is not one of the queue's priorities
  defaults: { priority: 'c' },
});

// A custom processor's task type wins: the client takes what the processor reads.
const custom = defineQueue({
  name: 'custom',
  workers: { count: 1, processor: (job: Job<{ n: number }>) => ok(job.task.n) },
});
async function customClient(): Promise<void> {
  await system.queue(custom).enqueue({ n: 1 });
  // @ts-expect-error the processor reads n, a number
  await system.queue(custom).enqueue({ n: '1' });
}
void customClient;

// Events are system-wide; isJobOf(spec, event) narrows one to the queue's task and result types.
system.events.on('job.completed', (e) => {
  // @ts-expect-error before narrowing, the task is unknown
  void e.job.task.task;
  if (!isJobOf(emails, e)) return;
  const task: TaskValueOf<typeof sendEmail | typeof ping> = e.job.task;
  const value: number | undefined = e.value;
  // @ts-expect-error send-email and ping complete with a number or nothing, not a string
  const text: string | undefined = e.value;
  void [task, value, text];
});
system.events.on('job.lost', (e) => {
  if (isJobOf(images, e)) {
    const image: string = e.job.task.params.image;
    void image;
  }
});
