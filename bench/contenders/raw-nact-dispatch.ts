/** Wrapping baseline: N raw nact `dispatch` calls into one actor, timed until it handled the last. */
import { dispatch, spawn, start, stop } from 'nact';
import { countdown, nowMs, runContender, withTimeout } from '../lib/child';

interface Params {
  readonly messages: number;
}

runContender<Params>(async ({ messages }) => {
  const done = countdown(messages);
  const system = start();
  const sink = spawn(
    system,
    (count: number, _msg: { type: 'tick'; n: number }) => {
      done.hit();
      return count + 1;
    },
    'sink',
    { initialState: 0 },
  );
  const t0 = nowMs();
  for (let n = 0; n < messages; n++) dispatch(sink, { type: 'tick', n });
  const sent = nowMs();
  const t1 = await withTimeout(done.reached, 120_000, `${messages} messages`);
  stop(system);
  return {
    metrics: { msgPerSec: (messages / (t1 - t0)) * 1000, sendNsPerMsg: ((sent - t0) * 1e6) / messages },
  };
});
