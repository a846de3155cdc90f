import type { ActorRef } from '../../../src/actors/actor-ref';
import { defineActor } from '../../../src/actors/define-actor';
import { QuiError } from '../../../src/errors';
import { defineDynamicSupervisor, defineSupervisor } from '../../../src/supervision/spec';
import { flush } from '../../helpers/events';
import { settle, startTestSystem } from '../../helpers/start-test-system';

type CounterMessage =
  | { readonly type: 'add'; readonly by: number }
  | { readonly type: 'get'; readonly replyTo: ActorRef<number> }
  | { readonly type: 'ignore'; readonly replyTo: ActorRef<number> }
  | { readonly type: 'crash' };

const counter = (id = 'counter', name: string | undefined = id) =>
  defineActor<number, CounterMessage>({
    id,
    ...(name ? { name } : {}),
    init: () => 0,
    handle: (n, msg, ctx) => {
      switch (msg.type) {
        case 'add':
          return n + msg.by;
        case 'get':
          ctx.reply(msg.replyTo, n);
          return n;
        case 'ignore':
          return n;
        case 'crash':
          throw new Error('crash');
      }
    },
  });

const get = (replyTo: ActorRef<number>): CounterMessage => ({ type: 'get', replyTo });
const tree = () => startTestSystem(defineSupervisor({ id: 'root', children: [counter()] }));

describe('named actors', () => {
  it('are found by name, reached by send and answered through ask', async () => {
    const t = await tree();
    const ref = t.system.lookup<CounterMessage>('counter');
    expect(ref?.path).toBe('root/counter');
    ref?.send({ type: 'add', by: 2 });
    t.system.send<CounterMessage>('counter', { type: 'add', by: 3 });
    expect(await t.system.ask<number, CounterMessage>('counter', get, 1000)).toBe(5);
    expect(await t.system.ask<number, CounterMessage>(ref!, get, 1000)).toBe(5);
  });

  it('rejects an ask to a name nobody holds with ERR_NO_SUCH_ACTOR', async () => {
    const t = await tree();
    const error = await t.system.ask('nobody', () => ({ type: 'x' }), 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuiError);
    expect(error).toMatchObject({ code: 'ERR_NO_SUCH_ACTOR', message: 'no actor holds "nobody"' });
  });

  it('rejects an ask with ERR_ASK_TIMEOUT when no reply comes in time, and a late reply is a dead letter', async () => {
    const t = await tree();
    let replyTo: ActorRef<number> | undefined;
    const asked = t.system.ask<number, CounterMessage>(
      'counter',
      (r) => ((replyTo = r), { type: 'ignore', replyTo: r }),
      500,
    );
    const outcome = asked.catch((e: unknown) => e);
    await flush();
    t.clock.advance(499);
    await flush();
    t.clock.advance(1);
    expect(await outcome).toMatchObject({
      code: 'ERR_ASK_TIMEOUT',
      message: 'no reply from counter within 500 ms',
    });
    replyTo?.send(7);
    expect(t.events.of('dead-letter')).toEqual([{ to: 'ask:counter', message: 7 }]);
  });

  it('rejects a pending ask when the actor exits before replying', async () => {
    const t = await tree();
    const asked = t.system.ask<number, CounterMessage>(
      'counter',
      (r) => ({ type: 'ignore', replyTo: r }),
      10_000,
    );
    t.system.send<CounterMessage>('counter', { type: 'crash' });
    await expect(asked).rejects.toMatchObject({ code: 'ERR_NO_SUCH_ACTOR' });
  });

  it('reports a send to a name nobody holds as a dead letter, with a debug log', async () => {
    const t = await tree();
    t.system.send('nobody', { type: 'hello' });
    expect(t.events.of('dead-letter')).toEqual([{ to: 'nobody', message: { type: 'hello' } }]);
    expect(t.log.find('dead letter', 'debug')).toMatchObject([{ to: 'nobody', type: 'hello' }]);
  });

  it('never delivers a message sent to a dead incarnation to its replacement', async () => {
    const t = await tree();
    const old = t.system.lookup<CounterMessage>('counter')!;
    old.send({ type: 'crash' });
    await t.events.restartOf('counter');
    await settle(t.core);
    expect(old.alive).toBe(false);
    old.send({ type: 'add', by: 100 });
    expect(t.events.of('dead-letter')).toEqual([{ to: 'root/counter', message: { type: 'add', by: 100 } }]);
    const fresh = t.system.lookup<CounterMessage>('counter')!;
    expect(fresh).not.toBe(old);
    expect(await t.system.ask<number, CounterMessage>(fresh, get, 1000)).toBe(0);
    await expect(t.system.ask<number, CounterMessage>(old, get, 1000)).rejects.toMatchObject({
      code: 'ERR_NO_SUCH_ACTOR',
    });
  });

  it('drops a message that was queued for an incarnation when it died, never handing it to the next', async () => {
    const t = await tree();
    const old = t.system.lookup<CounterMessage>('counter')!;
    old.send({ type: 'crash' });
    old.send({ type: 'add', by: 100 }); // queued behind the crash in the same mailbox
    await t.events.restartOf('counter');
    await settle(t.core);
    expect(await t.system.ask<number, CounterMessage>('counter', get, 1000)).toBe(0);
  });

  it('fails a start when the name is already held', async () => {
    const t = await startTestSystem(
      defineSupervisor({ id: 'root', children: [defineDynamicSupervisor({ id: 'dyn' })] }),
    );
    expect(await t.sup('dyn').startChild(counter('c1', 'shared'))).toMatchObject({ status: 'ok' });
    const second = await t.sup('dyn').startChild(counter('c2', 'shared'));
    expect(second).toMatchObject({ status: 'error', error: { code: 'ERR_START_FAILED', childId: 'c2' } });
    expect(second.status === 'error' && (second.error.cause as QuiError).code).toBe('ERR_NAME_TAKEN');
    expect(t.core.engine.liveCount()).toBe(3);
  });

  it('frees a name when its holder exits for good', async () => {
    const t = await startTestSystem(defineSupervisor({ id: 'root', children: [counter('c', 'c')] }));
    await t.sup('root').terminateChild('c');
    expect(t.system.lookup('c')).toBeUndefined();
    await t.sup('root').restartChild('c');
    expect(t.system.lookup('c')?.alive).toBe(true);
  });
});
