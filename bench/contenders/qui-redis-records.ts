/** Queue contender: Qui on `redisStore` keeping job records, default retention (see ../lib/qui-redis.ts). */
import { runQueueContender } from '../lib/queue-driver';
import { quiRedisRecordsAdapter } from '../lib/qui-redis';

runQueueContender(quiRedisRecordsAdapter);
