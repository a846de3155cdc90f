import type { ActorCell, CellHost } from '../actors/actor-cell';
import type { ActorContext } from '../actors/define-actor';
import type { SupervisorState } from './supervisor-behavior';
import type { ActorRef } from '../actors/actor-ref';
import { describeExit, isNormalExit, SHUTDOWN, type ExitReason } from '../actors/exit-reason';
import type { TimerHandle } from '../clock';
import { assertNever, type InvalidSpecError } from '../errors';
import { checkSpecShape } from './check-spec';
import { isExpectedShutdownExit, StartFailedError, type SpawnChild } from './child-lifecycle';
import { restartWindow, type RestartWindow } from './restart-intensity';
import { childType, type ChildSpec, type DynamicSupervisorSpec } from './spec';
import type {
  ChildCounts,
  ChildInfo,
  InspectedChild,
  StartChildResult,
  SupervisorInfo,
  SupervisorMessage,
} from './supervisor-messages';

interface DynamicChild {
  readonly spec: ChildSpec;
  /** The running incarnation, or the last one while a restart is being retried. */
  cell: ActorCell;
  restarting: boolean;
}

/**
 * Elixir's DynamicSupervisor: children started at run time, keyed by their ref (a child being
 * restarted keeps its old ref as key until the restart succeeds), restarted one for one, and shut
 * down all at once. @internal
 */
export class DynamicSupervisor implements SupervisorState {
  /** Keyed by the child's current (or, while restarting, last) incarnation; insertion order = start order. */
  readonly children = new Map<ActorCell, DynamicChild>();
  private readonly window: RestartWindow;
  private seq = 0;
  /** Incarnations being started or shut down: in no entry for now, but still to kill if this supervisor is killed. */
  private readonly inTransit = new Set<ActorCell>();

  constructor(
    readonly spec: DynamicSupervisorSpec,
    private readonly host: CellHost,
    private readonly ctx: ActorContext<SupervisorMessage>,
    private readonly spawnChild: SpawnChild,
  ) {
    this.window = restartWindow(spec.intensity, host.clock);
  }

  childExited(cell: ActorCell, reason: ExitReason): void {
    if (this.ctx.self.alive)
      this.ctx.self.send({ type: 'sup.exit', cell, reason } satisfies SupervisorMessage);
  }

  handle(msg: SupervisorMessage): Promise<void> | undefined {
    switch (msg.type) {
      case 'sup.exit':
        return this.onExit(msg.cell, msg.reason);
      case 'sup.retry':
        return this.onRetry(msg.key as DynamicChild);
      case 'sup.start-child':
        return this.startChild(msg.spec).then((r) => msg.replyTo.send(r));
      case 'sup.terminate-child': {
        const child = this.children.get(msg.key as unknown as ActorCell);
        if (!child) return void msg.replyTo.send({ status: 'not-found' });
        this.children.delete(child.cell);
        return this.terminateMany([child]).then(() => msg.replyTo.send({ status: 'ok' }));
      }
      case 'sup.restart-child':
      case 'sup.delete-child':
        return void msg.replyTo.send({ status: 'not-supported' });
      case 'sup.which-children':
        return void msg.replyTo.send(this.which());
      case 'sup.count-children':
        return void msg.replyTo.send(this.count());
      case 'sup.inspect':
        return void msg.replyTo.send(this.inspect());
      default:
        return assertNever(msg);
    }
  }

  which(): ChildInfo[] {
    const rows: ChildInfo[] = [];
    for (const c of this.children.values()) {
      rows.push({ id: c.spec.id, ref: c.restarting ? 'restarting' : c.cell, type: childType(c.spec) });
    }
    return rows.reverse();
  }

  inspect(): SupervisorInfo {
    const children: InspectedChild[] = [];
    for (const c of this.children.values()) {
      const running = !c.restarting && c.cell.alive;
      children.push({
        id: c.spec.id,
        type: childType(c.spec),
        state: c.restarting ? 'restarting' : running ? 'running' : 'stopped',
        path: running ? c.cell.path : undefined,
      });
    }
    return {
      kind: 'dynamic-supervisor',
      path: this.ctx.path,
      strategy: 'one-for-one',
      intensity: this.spec.intensity,
      restartsInWindow: this.window.count(),
      children,
    };
  }

  count(): ChildCounts {
    let active = 0;
    let supervisors = 0;
    for (const c of this.children.values()) {
      if (!c.restarting && c.cell.alive) active++;
      if (c.spec.kind !== 'actor') supervisors++;
    }
    return { specs: this.children.size, active, supervisors, workers: this.children.size - supervisors };
  }

  /** Signals every child at once; one timer per distinct shutdown value kills the slow ones. */
  terminateAll(): Promise<void> {
    const all = [...this.children.values()];
    this.children.clear();
    return this.terminateMany(all);
  }

  killAll(): void {
    for (const c of this.children.values()) c.cell.kill();
    this.children.clear();
    for (const cell of [...this.inTransit]) cell.kill();
    this.inTransit.clear();
  }

  private async terminateMany(children: readonly DynamicChild[]): Promise<void> {
    const timers = new Map<number, { cells: ActorCell[]; timer?: TimerHandle }>();
    const waits: Promise<void>[] = [];
    for (const c of children) {
      const { cell, spec } = c;
      c.restarting = false;
      if (!cell.alive) continue;
      this.inTransit.add(cell);
      if (spec.shutdown === 'brutal-kill') cell.kill();
      else {
        void cell.shutdown(SHUTDOWN);
        if (spec.shutdown !== 'infinity') {
          let group = timers.get(spec.shutdown);
          if (!group) timers.set(spec.shutdown, (group = { cells: [] }));
          group.cells.push(cell);
        }
      }
      waits.push(
        cell.exited.then((reason) => {
          this.inTransit.delete(cell);
          if (!isExpectedShutdownExit(reason, spec.restart === 'permanent')) {
            this.ctx.log.error({ child: cell.path, reason: describeExit(reason) }, 'shutdown error');
          }
        }),
      );
    }
    for (const [ms, group] of timers)
      group.timer = this.host.clock.setTimeout(() => group.cells.forEach((c) => c.kill()), ms);
    await Promise.all(waits);
    for (const group of timers.values())
      if (group.timer !== undefined) this.host.clock.clearTimeout(group.timer);
  }

  private async onExit(cell: ActorCell, reason: ExitReason): Promise<void> {
    const child = this.children.get(cell);
    if (!child || child.cell !== cell || child.restarting) return;
    const level = reason.type === 'error' || reason.type === 'killed' ? 'error' : 'info';
    this.ctx.log[level]({ child: cell.path, reason: describeExit(reason) }, 'child terminated');
    if (child.spec.restart === 'temporary' || (child.spec.restart === 'transient' && isNormalExit(reason))) {
      this.children.delete(cell);
      return;
    }
    await this.restart(child);
  }

  private async onRetry(child: DynamicChild): Promise<void> {
    if (!child.restarting || this.children.get(child.cell) !== child) return;
    await this.restart(child);
  }

  private async restart(child: DynamicChild): Promise<void> {
    if (this.window.record() === 'exceeded') {
      this.ctx.log.error({ offender: child.cell.path }, 'reached max restart intensity; shutting down');
      this.host.events.emit('supervisor.escalated', { path: this.ctx.path, offender: child.spec.id });
      this.children.delete(child.cell);
      this.ctx.exit(SHUTDOWN);
      return;
    }
    const old = child.cell;
    const started = await this.startCell(child.spec);
    if (started instanceof StartFailedError) {
      this.ctx.log.error({ err: started, child: old.path }, 'child failed to restart; retrying');
      child.restarting = true;
      this.ctx.self.send({ type: 'sup.retry', key: child } satisfies SupervisorMessage);
      return;
    }
    this.children.delete(old);
    child.cell = started;
    child.restarting = false;
    started.owner = child;
    this.children.set(started, child);
    this.ctx.log.info({ child: started.path }, 'child restarted');
    if (this.host.events.has('actor.restarted')) {
      this.host.events.emit('actor.restarted', {
        supervisor: this.ctx.path,
        id: child.spec.id,
        path: started.path,
      });
    }
  }

  /**
   * Starts the spec's initial children (worker pools use this), one at a time in order; on a
   * failure stops those started, all at once, and throws.
   */
  async start(): Promise<void> {
    for (const child of this.spec.children ?? []) {
      const result = await this.startChild(child);
      if (result.status === 'error' || result.status === 'max-children') {
        await this.terminateAll();
        throw result.status === 'error'
          ? result.error
          : new StartFailedError(child.id, this.ctx.path, 'max children reached');
      }
    }
  }

  private async startChild(spec: ChildSpec): Promise<StartChildResult> {
    try {
      checkSpecShape(spec, 'spec');
    } catch (error) {
      return { status: 'error', error: error as InvalidSpecError };
    }
    if (this.children.size >= this.spec.maxChildren) return { status: 'max-children' };
    const started = await this.startCell(spec);
    if (started instanceof StartFailedError) return { status: 'error', error: started };
    const child: DynamicChild = { spec, cell: started, restarting: false };
    started.owner = child;
    this.children.set(started, child);
    return { status: 'ok', ref: started as unknown as ActorRef<never> };
  }

  private async startCell(spec: ChildSpec): Promise<ActorCell | StartFailedError> {
    const path = `${this.ctx.path}/${spec.id}#${++this.seq}`;
    if (!this.ctx.self.alive)
      return new StartFailedError(spec.id, path, new Error('the supervisor has exited'));
    const cell = this.spawnChild(this.host, spec, path, this);
    this.inTransit.add(cell);
    try {
      await cell.start();
    } catch (thrown) {
      return new StartFailedError(spec.id, cell.path, thrown);
    } finally {
      this.inTransit.delete(cell);
    }
    return cell;
  }
}
