import type { ActorRef } from '../../../src/actors/actor-ref';
import { defineActor, type ActorContext } from '../../../src/actors/define-actor';
import type { ExitReason } from '../../../src/actors/exit-reason';
import { describeExit, isNormalExit } from '../../../src/actors/exit-reason';
import { defineSupervisor } from '../../../src/supervision/spec';
import { deferred, flush } from '../../helpers/events';
import { startTestSystem } from '../../helpers/start-test-system';

type Msg =
  | { readonly type: 'push'; readonly value: string }
  | { readonly type: 'push-later'; readonly value: string }
  | { readonly type: 'get'; readonly replyTo: ActorRef<readonly string[]> }
  | { readonly type: 'stop' }
  | { readonly type: 'exit'; readonly reason: ExitReason }
  | { readonly type: 'throw' }
  | { readonly type: 'hang' };

function recorder(
  hooks: { terminated?: ExitReason[]; contexts?: ActorContext<Msg>[]; init?: () => Promise<void> } = {},
) {
  return defineActor<readonly string[], Msg>({
    id: 'rec',
    name: 'rec',
    restart: 'transient',
    shutdown: 100,
    init: async (ctx) => {
      hooks.contexts?.push(ctx);
      await hooks.init?.();
      return [];
    },
    handle: (list, msg, ctx) => {
      switch (msg.type) {
        case 'push':
          return [...list, msg.value];
        case 'push-later':
          return Promise.resolve([...list, msg.value]);
        case 'get':
          ctx.reply(msg.replyTo, list);
          return list;
        case 'stop':
          ctx.stop();
          return [...list, 'after-stop'];
        case 'exit':
          ctx.exit(msg.reason);
          return list;
        case 'throw':
          throw new Error('handler threw');
        case 'hang':
          return new Promise(() => undefined);
      }
    },
    terminate: (_list, reason) => {
      hooks.terminated?.push(reason);
    },
  });
}

const get = (replyTo: ActorRef<readonly string[]>): Msg => ({ type: 'get', replyTo });
const start = (hooks?: Parameters<typeof recorder>[0]) =>
  startTestSystem(defineSupervisor({ id: 'root', children: [recorder(hooks)] }));

describe('an actor', () => {
  it('threads the state returned by handle, sync or async, in mailbox order', async () => {
    const t = await start();
    t.system.send<Msg>('rec', { type: 'push-later', value: 'a' });
    t.system.send<Msg>('rec', { type: 'push', value: 'b' });
    t.system.send<Msg>('rec', { type: 'push-later', value: 'c' });
    expect(await t.system.ask('rec', get, 1000)).toEqual(['a', 'b', 'c']);
  });

  it('holds messages sent while init runs until it completes', async () => {
    const gate = deferred();
    const contexts: ActorContext<Msg>[] = [];
    const t = await startTestSystem(defineSupervisor({ id: 'root', children: [] }));
    const started = t.sup('root').startChild(recorder({ contexts, init: () => gate.promise }));
    while (contexts.length === 0) await new Promise<void>((r) => setImmediate(r));
    contexts[0]?.self.send({ type: 'push', value: 'early' });
    gate.resolve();
    await started;
    expect(await t.system.ask('rec', get, 1000)).toEqual(['early']);
  });

  it('gives ctx its path, id, a logger bound to the path, the clock and a signal', async () => {
    const contexts: ActorContext<Msg>[] = [];
    const t = await start({ contexts });
    const ctx = contexts[0]!;
    expect([ctx.path, ctx.id, ctx.clock, ctx.signal.aborted]).toEqual(['root/rec', 'rec', t.clock, false]);
    ctx.log.info({ n: 1 }, 'hello');
    expect(t.log.find('hello')).toMatchObject([{ actor: 'root/rec', n: 1 }]);
    expect(ctx.self).toBe(t.system.lookup('rec'));
    expect(ctx.system.lookup('rec')).toBe(ctx.self);
  });

  it('ends with normal through ctx.stop() after finishing the current message, running terminate', async () => {
    const terminated: ExitReason[] = [];
    const t = await start({ terminated });
    t.system.send<Msg>('rec', { type: 'stop' });
    expect((await t.events.exitOf('rec')).reason).toEqual({ type: 'normal' });
    expect(terminated).toEqual([{ type: 'normal' }]);
  });

  it('ends with the given reason through ctx.exit(reason)', async () => {
    const terminated: ExitReason[] = [];
    const t = await start({ terminated });
    const reason: ExitReason = { type: 'shutdown', detail: 'drained' };
    t.system.send<Msg>('rec', { type: 'exit', reason });
    expect((await t.events.exitOf('rec')).reason).toEqual(reason);
    expect(terminated).toEqual([reason]);
  });

  it('turns a throw in handle into an exit with error that its supervisor handles as a message', async () => {
    const terminated: ExitReason[] = [];
    const t = await start({ terminated });
    t.system.send<Msg>('rec', { type: 'throw' });
    const exit = await t.events.exitOf('rec');
    expect(exit.reason).toMatchObject({ type: 'error', error: { message: 'handler threw' } });
    expect(terminated).toEqual([]); // a crash does not run terminate
    await t.events.restartOf('rec');
    expect(t.log.find('actor crashed', 'error')).toMatchObject([
      { actor: 'root/rec', err: { message: 'handler threw' } },
    ]);
    expect(t.log.find('child terminated', 'error')).toMatchObject([{ actor: 'root', child: 'rec' }]);
  });

  it('aborts its signal when it exits, whatever the reason', async () => {
    const contexts: ActorContext<Msg>[] = [];
    const t = await start({ contexts });
    t.system.send<Msg>('rec', { type: 'throw' });
    await t.events.restartOf('rec');
    expect(contexts[0]?.signal.aborted).toBe(true);
    expect(contexts[0]?.signal.reason).toMatchObject({ code: 'ERR_STOPPED' });
    expect(contexts[1]?.signal.aborted).toBe(false);
  });

  it('is killed with its signal aborted when a handler never settles and its shutdown time passes', async () => {
    const contexts: ActorContext<Msg>[] = [];
    const t = await start({ contexts });
    t.system.send<Msg>('rec', { type: 'hang' });
    const result = t.sup('root').terminateChild('rec');
    await flush();
    t.clock.advance(100);
    expect(await result).toEqual({ status: 'ok' });
    expect((await t.events.exitOf('rec')).reason).toEqual({ type: 'killed' });
    expect(contexts[0]?.signal.aborted).toBe(true);
  });
});

describe('exit reasons', () => {
  it.each<[ExitReason, boolean, string]>([
    [{ type: 'normal' }, true, 'normal'],
    [{ type: 'shutdown' }, true, 'shutdown'],
    [{ type: 'shutdown', detail: 'x' }, true, 'shutdown'],
    [{ type: 'killed' }, false, 'killed'],
    [{ type: 'error', error: new Error('boom') }, false, 'error: boom'],
  ])('classifies %j as normal-ish %s and describes it as %s', (reason, normal, text) => {
    expect(isNormalExit(reason)).toBe(normal);
    expect(describeExit(reason)).toBe(text);
  });
});
