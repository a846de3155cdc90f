import { defineQueue } from '../../src/queue/define-queue';
import { ok } from '../../src/jobs/job-result';
import type { Processor } from '../../src/tasks/run-attempt';

// A processor typed for its jobs' task fits a queue.
const resize: Processor<{ image: string }> = (job) => ok(job.task.image.length);
defineQueue({ name: 'images', workers: { count: 2, processor: resize } });

// The task type flows from the processor into the queue's options.
defineQueue<{ image: string }>({
  name: 'images-2',
  workers: {
    count: 1,
    processor: (job) => {
      // @ts-expect-error: the task has no `width`
      return ok(job.task.width);
    },
  },
});
