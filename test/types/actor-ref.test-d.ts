/**
 * Compile-time checks, built by `tsc -p test/types` (run from test/unit/actors/types.test.ts).
 * Each `@ts-expect-error` line must fail to compile; if it ever compiles, tsc reports the unused directive.
 */
import { defineActor, defineSupervisor, type ActorRef, type ActorSpec } from '../../src/index';

type Ping = { readonly type: 'ping'; readonly replyTo: ActorRef<string> };
type Add = { readonly type: 'add'; readonly by: number };

declare const pingRef: ActorRef<Ping>;
declare const addRef: ActorRef<Add>;
declare const replyTo: ActorRef<string>;

pingRef.send({ type: 'ping', replyTo });
// @ts-expect-error a message of another actor's type
pingRef.send({ type: 'add', by: 1 });
// @ts-expect-error a missing field
pingRef.send({ type: 'ping' });
// @ts-expect-error not a message at all
addRef.send('add');

// @ts-expect-error ActorRef<A> is not an ActorRef<B>
const wrong: ActorRef<Ping> = addRef;
void wrong;

// A ref taking a union accepts any member, so it may stand in for a ref of one member.
declare const either: ActorRef<Ping | Add>;
const narrower: ActorRef<Add> = either;
void narrower;
// @ts-expect-error but a ref of one member cannot stand in for the union
const wider: ActorRef<Ping | Add> = addRef;
void wider;

// handle receives the declared message type; a typed actor goes into a supervisor's children.
const adder: ActorSpec<Add> = defineActor({
  id: 'adder',
  init: () => 0,
  handle: (n: number, msg: Add) => n + msg.by,
});
defineSupervisor({ id: 'root', children: [adder] });

defineActor({
  id: 'bad',
  init: () => 0,
  // @ts-expect-error handle must return the state type
  handle: (n: number, _msg: Add) => String(n),
});
