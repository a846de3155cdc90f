/** Heap per waiting job in the memory store with records off and on (needs --expose-gc). */
import { runContender } from '../lib/child';
import { measureRecordHeap } from '../lib/record-heap';

runContender<{ jobs: number }>(async ({ jobs }) => {
  const off = measureRecordHeap(jobs, false);
  const on = measureRecordHeap(jobs, true);
  return Promise.resolve({ metrics: { recordsOffBytesPerJob: off, recordsOnBytesPerJob: on } });
});
