/** Wrapping: what Qui's ActorRef costs over raw nact dispatch, one actor, N messages. */
import { ratioCheck, type Scenario } from '../lib/scenario';

function messages(quick: boolean): number {
  return quick ? 20_000 : 1_000_000;
}

export const wrapping: Scenario = {
  name: 'wrapping',
  title: 'ActorRef.send vs raw nact dispatch',
  workload(quick) {
    return `${messages(quick).toLocaleString('en-US')} messages sent in a loop into one actor that counts them; timed from the first send until the actor handled the last. sendNsPerMsg = the loop alone.`;
  },
  metrics: [
    { key: 'msgPerSec', unit: 'msg/s' },
    { key: 'sendNsPerMsg', unit: 'ns' },
  ],
  runs(quick) {
    const params = { messages: messages(quick) };
    const reps = quick ? 1 : 3;
    return [
      { contender: 'qui', label: 'ActorRef.send', file: 'contenders/qui-wrap.ts', params, reps },
      { contender: 'raw-nact', label: 'dispatch', file: 'contenders/raw-nact-dispatch.ts', params, reps },
    ];
  },
  checks(results) {
    return [
      ratioCheck(
        results,
        'qui / raw nact, msg/s',
        ['qui', 'ActorRef.send', 'msgPerSec'],
        ['raw-nact', 'dispatch', 'msgPerSec'],
        '>=',
        0.9,
      ),
    ];
  },
};
