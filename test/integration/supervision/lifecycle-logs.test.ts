import { defineActor } from '../../../src/actors/define-actor';
import { defineSupervisor } from '../../../src/supervision/spec';
import { startTestSystem } from '../../helpers/start-test-system';

const echo = defineActor({ id: 'echo', init: () => null, handle: (s) => s });

describe('lifecycle logs', () => {
  it('logs supervisors starting and stopping at info, other actors at debug only', async () => {
    const t = await startTestSystem(defineSupervisor({ id: 'root', children: [echo] }), { logLevel: 'info' });
    expect(t.log.find('started', 'info').map((r) => r.actor)).toEqual(['root']);
    await t.system.stop();
    expect(t.log.find('stopped', 'info')).toEqual([
      expect.objectContaining({ actor: 'root', reason: 'shutdown' }),
    ]);
  });

  it('logs every actor at debug', async () => {
    const t = await startTestSystem(defineSupervisor({ id: 'root', children: [echo] }), {
      logLevel: 'debug',
    });
    expect(t.log.find('started', 'debug').map((r) => r.actor)).toEqual(['root/echo']);
  });
});
