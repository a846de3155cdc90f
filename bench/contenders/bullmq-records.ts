/**
 * Queue contender: BullMQ keeping its completed jobs (`removeOnComplete: { count: 1000, age: 3600 }`),
 * the analogue of Qui's default retention (see ../lib/bullmq.ts).
 */
import { bullmqRecordsAdapter } from '../lib/bullmq';
import { runQueueContender } from '../lib/queue-driver';

runQueueContender(bullmqRecordsAdapter);
