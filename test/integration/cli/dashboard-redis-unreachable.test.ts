import { spawnSync } from 'node:child_process';
import { discoverRedisQueues } from '../../../src/cli/watch-redis';

/** `qui dashboard --redis` at a Redis that is not there: one line naming it, as the inspection commands say it. */
const NOWHERE = 'redis://127.0.0.1:1';

it('discoverRedisQueues rejects with ERR_STORE naming the URL and the socket error, and ioredis prints nothing', async () => {
  const printed = jest.spyOn(console, 'error').mockImplementation(() => {});
  await expect(discoverRedisQueues(NOWHERE, 'qui:')).rejects.toMatchObject({
    code: 'ERR_STORE',
    message: `redis at ${NOWHERE}: connect ECONNREFUSED 127.0.0.1:1`,
  });
  expect(printed).not.toHaveBeenCalled();
});

it('qui dashboard --redis at it prints one line on stderr and exits 2', () => {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/qui.ts', 'dashboard', '--redis', NOWHERE, '--port', '0'],
    { encoding: 'utf8', timeout: 30_000 },
  );
  expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
    status: 2,
    stdout: '',
    stderr: `qui: redis at ${NOWHERE}: connect ECONNREFUSED 127.0.0.1:1\n`,
  });
});
