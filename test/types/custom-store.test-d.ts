import type { FinishBroadcast, JobRecords, StoreBroadcast } from '../../src/index';

// A custom store's finishAndBroadcast can be written from the package entry's types alone.
type FinishAndBroadcast = NonNullable<JobRecords['finishAndBroadcast']>;
const event: Parameters<FinishAndBroadcast>[3] = {} as FinishBroadcast;
const broadcast: StoreBroadcast = event;
void broadcast;
