/**
 * Heap per waiting job in the memory store, records off and on (see bench/lib/record-heap.ts; the
 * `records` scenario of `npm run bench` runs the same measure).
 *
 *   node --expose-gc --import tsx bench/record-heap.ts [n]
 */
import { measureRecordHeap } from './lib/record-heap';

const n = Number(process.argv[2] ?? 100_000);
const off = measureRecordHeap(n, false);
const on = measureRecordHeap(n, true);
process.stdout.write(
  `${n} waiting jobs: records off ${off.toFixed(1)} B/job, records on ${on.toFixed(1)} B/job (target <= 400)\n`,
);
