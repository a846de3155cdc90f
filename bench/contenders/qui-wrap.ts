/** Wrapping: N `ActorRef.send` calls into one Qui actor (defineActor), timed until it handled the last. */
import { countdown, nowMs, runContender, withTimeout } from '../lib/child';
import { loadQui } from '../lib/qui';

interface Params {
  readonly messages: number;
}

runContender<Params>(async ({ messages }) => {
  const qui = await loadQui();
  const done = countdown(messages);
  const sink = qui.defineActor({
    id: 'sink',
    name: 'sink',
    init: () => 0,
    handle: (count: number, _msg: { type: 'tick'; n: number }) => {
      done.hit();
      return count + 1;
    },
  });
  const system = await qui.startSystem(qui.defineSupervisor({ id: 'root', children: [sink] }));
  const ref = system.lookup<{ type: 'tick'; n: number }>('sink');
  if (!ref) throw new Error('actor "sink" is not registered');
  const t0 = nowMs();
  for (let n = 0; n < messages; n++) ref.send({ type: 'tick', n });
  const sent = nowMs();
  const t1 = await withTimeout(done.reached, 120_000, `${messages} messages`);
  await system.stop();
  return {
    metrics: { msgPerSec: (messages / (t1 - t0)) * 1000, sendNsPerMsg: ((sent - t0) * 1e6) / messages },
  };
});
