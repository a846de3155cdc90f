import type { QuiError } from '../../../src/errors';
import { EARLY_CANCELS, RunningAttempts } from '../../../src/queue/running-attempts';
import type { RunningAttempt } from '../../../src/tasks/run-attempt';

function attempt(): RunningAttempt & { reasons: Error[] } {
  const reasons: Error[] = [];
  return {
    reasons,
    outcome: new Promise(() => undefined),
    result: undefined,
    endedAtMs: undefined,
    abort: (reason: Error) => void reasons.push(reason),
  };
}

describe('RunningAttempts', () => {
  it('aborts a running attempt with ERR_JOB_CANCELLED and tells its worker why as it settles', () => {
    const running = new RunningAttempts();
    const a = attempt();
    running.add('j1', a);
    running.abort('j1', 'not needed');
    expect(a.reasons.map((r) => (r as QuiError).code)).toEqual(['ERR_JOB_CANCELLED']);
    expect(running.settled('j1')).toEqual({ reason: 'not needed' });
    expect(running.size).toBe(0);
  });

  it('an attempt that settles without a cancel is not cancelled', () => {
    const running = new RunningAttempts();
    running.add('j1', attempt());
    expect(running.settled('j1')).toBeUndefined();
  });

  it('remembers a cancel that came before the job started here, and aborts it as it starts', () => {
    const running = new RunningAttempts();
    running.abort('j1', 'early');
    const a = attempt();
    running.add('j1', a);
    expect(a.reasons).toHaveLength(1);
    expect(running.settled('j1')).toEqual({ reason: 'early' });
    // Used once: the same id starting again later (a retry elsewhere) is not aborted.
    const b = attempt();
    running.add('j1', b);
    expect(b.reasons).toHaveLength(0);
  });

  it(`keeps only the last ${EARLY_CANCELS} early cancels (jobs running in other processes)`, () => {
    const running = new RunningAttempts();
    for (let i = 0; i <= EARLY_CANCELS; i++) running.abort(`j${i}`, undefined);
    const first = attempt();
    running.add('j0', first);
    expect(first.reasons).toHaveLength(0);
    const last = attempt();
    running.add(`j${EARLY_CANCELS}`, last);
    expect(last.reasons).toHaveLength(1);
  });
});
