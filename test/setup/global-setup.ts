/**
 * Jest's global setup: probes the services once (see test/helpers/services.ts). A missing service
 * is reported here in one line; the files that need it then fail at once, the others run.
 */
import { recordRedisStatus, redisUnreachable, REDIS_URL } from '../helpers/services';

export default async function globalSetup(): Promise<void> {
  const problem = await recordRedisStatus();
  if (problem !== undefined) process.stderr.write(`\n${redisUnreachable(REDIS_URL, problem)}\n`);
}
