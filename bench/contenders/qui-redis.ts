/** Queue contender: Qui on `redisStore`, producer and workers on two systems (see ../lib/qui-redis.ts). */
import { runQueueContender } from '../lib/queue-driver';
import { quiRedisAdapter } from '../lib/qui-redis';

runQueueContender(quiRedisAdapter);
