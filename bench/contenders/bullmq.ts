/** Queue contender: BullMQ on the local Redis (the adapter is in ../lib/bullmq.ts). */
import { bullmqAdapter } from '../lib/bullmq';
import { runQueueContender } from '../lib/queue-driver';

runQueueContender(bullmqAdapter);
