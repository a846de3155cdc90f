import type { ActorCell, CellHost } from '../actors/actor-cell';
import type { ActorContext } from '../actors/define-actor';
import type { SupervisorState } from './supervisor-behavior';
import type { ActorRef } from '../actors/actor-ref';
import { describeExit, isNormalExit, SHUTDOWN, type ExitReason } from '../actors/exit-reason';
import { assertNever, type InvalidSpecError } from '../errors';
import { checkSpecShape } from './check-spec';
import { isExpectedShutdownExit, shutdownChild, StartFailedError, type SpawnChild } from './child-lifecycle';
import { restartWindow, type RestartWindow } from './restart-intensity';
import { childType, type ChildSpec, type SupervisorSpec } from './spec';
import type {
  ChildCounts,
  ChildInfo,
  StartChildResult,
  SupervisorInfo,
  SupervisorMessage,
} from './supervisor-messages';

interface ChildRecord {
  readonly spec: ChildSpec;
  cell: ActorCell | undefined;
  /** A restart failed and a retry is queued (OTP's `{restarting, Pid}`). */
  restarting: boolean;
}

/** The state and logic of a static supervisor: OTP §1.3–§1.8. @internal */
export class StaticSupervisor implements SupervisorState {
  readonly children: ChildRecord[];
  private readonly window: RestartWindow;
  /** Incarnations being started or shut down: in no record for now, but still to kill if this supervisor is killed. */
  private readonly inTransit = new Set<ActorCell>();

  constructor(
    readonly spec: SupervisorSpec,
    private readonly host: CellHost,
    private readonly ctx: ActorContext<SupervisorMessage>,
    private readonly spawnChild: SpawnChild,
  ) {
    this.children = spec.children.map((child) => ({ spec: child, cell: undefined, restarting: false }));
    this.window = restartWindow(spec.intensity, host.clock);
  }

  childExited(cell: ActorCell, reason: ExitReason): void {
    if (this.ctx.self.alive)
      this.ctx.self.send({ type: 'sup.exit', cell, reason } satisfies SupervisorMessage);
  }

  /** Starts the children in order; on a failure stops the started ones newest first and throws. */
  async start(): Promise<void> {
    for (const rec of this.children) {
      const error = await this.startRecord(rec);
      if (error) {
        this.ctx.log.error({ err: error, child: rec.spec.id }, 'child failed to start');
        await this.terminateAll();
        throw error;
      }
    }
  }

  handle(msg: SupervisorMessage): Promise<void> | undefined {
    switch (msg.type) {
      case 'sup.exit':
        return this.onExit(msg.cell, msg.reason);
      case 'sup.retry':
        return this.onRetry(msg.key as ChildRecord);
      case 'sup.start-child':
        return this.startChild(msg.spec).then((r) => msg.replyTo.send(r));
      case 'sup.terminate-child': {
        const rec = this.find(msg.key);
        if (!rec) return void msg.replyTo.send({ status: 'not-found' });
        return this.terminateRecord(rec).then(() => {
          if (rec.spec.restart === 'temporary') this.remove(rec);
          msg.replyTo.send({ status: 'ok' });
        });
      }
      case 'sup.restart-child': {
        const rec = this.find(msg.key);
        if (!rec) return void msg.replyTo.send({ status: 'not-found' });
        if (rec.restarting) return void msg.replyTo.send({ status: 'restarting' });
        if (rec.cell) return void msg.replyTo.send({ status: 'running' });
        return this.startRecord(rec).then((error) =>
          msg.replyTo.send(error ? { status: 'error', error } : { status: 'ok', ref: refOf(rec) }),
        );
      }
      case 'sup.delete-child': {
        const rec = this.find(msg.key);
        if (!rec) return void msg.replyTo.send({ status: 'not-found' });
        if (rec.restarting) return void msg.replyTo.send({ status: 'restarting' });
        if (rec.cell) return void msg.replyTo.send({ status: 'running' });
        this.remove(rec);
        return void msg.replyTo.send({ status: 'ok' });
      }
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
    for (let i = this.children.length - 1; i >= 0; i--) {
      const rec = this.children[i] as ChildRecord;
      rows.push({
        id: rec.spec.id,
        ref: rec.restarting ? 'restarting' : rec.cell && refOf(rec),
        type: childType(rec.spec),
      });
    }
    return rows;
  }

  inspect(): SupervisorInfo {
    return {
      kind: 'supervisor',
      path: this.ctx.path,
      strategy: this.spec.strategy,
      intensity: this.spec.intensity,
      restartsInWindow: this.window.count(),
      children: this.children.map((rec) => ({
        id: rec.spec.id,
        type: childType(rec.spec),
        state: rec.restarting ? 'restarting' : rec.cell?.alive ? 'running' : 'stopped',
        path: rec.cell?.alive ? rec.cell.path : undefined,
      })),
    };
  }

  count(): ChildCounts {
    let active = 0;
    let supervisors = 0;
    for (const rec of this.children) {
      if (rec.cell?.alive) active++;
      if (rec.spec.kind !== 'actor') supervisors++;
    }
    return { specs: this.children.length, active, supervisors, workers: this.children.length - supervisors };
  }

  /** Stops every child, newest first, one at a time. */
  async terminateAll(): Promise<void> {
    for (let i = this.children.length - 1; i >= 0; i--)
      await this.terminateRecord(this.children[i] as ChildRecord);
  }

  /** Kills every child at once, newest first (this supervisor was killed), and any it was starting or stopping. */
  killAll(): void {
    for (let i = this.children.length - 1; i >= 0; i--) {
      const rec = this.children[i] as ChildRecord;
      const cell = rec.cell;
      rec.cell = undefined;
      cell?.kill();
    }
    for (const cell of [...this.inTransit]) cell.kill();
    this.inTransit.clear();
  }

  private async onExit(cell: ActorCell, reason: ExitReason): Promise<void> {
    const rec = cell.owner as ChildRecord | undefined;
    if (!rec || rec.cell !== cell) return; // already handled through the monitor, or not ours
    rec.cell = undefined;
    if (reason.type === 'error' || reason.type === 'killed') {
      this.ctx.log.error({ child: rec.spec.id, reason: describeExit(reason) }, 'child terminated');
    } else {
      this.ctx.log.info({ child: rec.spec.id, reason: describeExit(reason) }, 'child terminated');
    }
    if (rec.spec.restart === 'temporary') return void this.remove(rec);
    if (rec.spec.restart === 'transient' && isNormalExit(reason)) return;
    await this.restart(rec);
  }

  private async onRetry(rec: ChildRecord): Promise<void> {
    if (!rec.restarting || !this.children.includes(rec)) return; // terminated or deleted meanwhile
    await this.restart(rec);
  }

  /** Every restart and every retry passes the intensity gate first. */
  private async restart(rec: ChildRecord): Promise<void> {
    if (this.window.record() === 'exceeded') return this.giveUp(rec);
    const index = this.children.indexOf(rec);
    switch (this.spec.strategy) {
      case 'one-for-one':
        return this.startFrom(index, index + 1);
      case 'one-for-all':
        await this.terminateRange(0, rec);
        return this.startFrom(0, this.children.length);
      case 'rest-for-one':
        await this.terminateRange(index + 1, rec);
        return this.startFrom(this.children.indexOf(rec), this.children.length);
      default:
        return assertNever(this.spec.strategy);
    }
  }

  /** Terminates the children from `from` on, newest first; temporary ones are removed, never restarted. */
  private async terminateRange(from: number, except: ChildRecord): Promise<void> {
    for (let i = this.children.length - 1; i >= from; i--) {
      const rec = this.children[i] as ChildRecord;
      if (rec === except) continue;
      await this.terminateRecord(rec);
      if (rec.spec.restart === 'temporary') this.remove(rec);
    }
  }

  /** Starts the stopped children in [from, to) in order; a failure queues a retry and stops the loop. */
  private async startFrom(from: number, to: number): Promise<void> {
    for (let i = from; i < to && i < this.children.length; i++) {
      const rec = this.children[i] as ChildRecord;
      if (rec.cell) continue;
      const error = await this.startRecord(rec);
      if (error) {
        this.ctx.log.error({ err: error, child: rec.spec.id }, 'child failed to restart; retrying');
        rec.restarting = true;
        this.ctx.self.send({ type: 'sup.retry', key: rec } satisfies SupervisorMessage);
        return;
      }
      this.ctx.log.info({ child: rec.spec.id }, 'child restarted');
      if (this.host.events.has('actor.restarted')) {
        this.host.events.emit('actor.restarted', {
          supervisor: this.ctx.path,
          id: rec.spec.id,
          path: rec.cell!.path,
        });
      }
    }
  }

  private giveUp(rec: ChildRecord): void {
    this.ctx.log.error({ offender: rec.spec.id }, 'reached max restart intensity; shutting down');
    this.host.events.emit('supervisor.escalated', { path: this.ctx.path, offender: rec.spec.id });
    rec.restarting = false;
    if (rec.spec.restart === 'temporary') this.remove(rec);
    this.ctx.exit(SHUTDOWN);
  }

  /** Starts a new incarnation; resolves with the error when it failed (the record stays stopped). */
  private async startRecord(rec: ChildRecord): Promise<StartFailedError | undefined> {
    const path = `${this.ctx.path}/${rec.spec.id}`;
    // Killed meanwhile (a start loop resumes after its supervisor is gone): start nothing more.
    if (!this.ctx.self.alive)
      return new StartFailedError(rec.spec.id, path, new Error('the supervisor has exited'));
    const cell = this.spawnChild(this.host, rec.spec, path, this);
    cell.owner = rec;
    this.inTransit.add(cell);
    try {
      await cell.start();
    } catch (thrown) {
      return new StartFailedError(rec.spec.id, cell.path, thrown);
    } finally {
      this.inTransit.delete(cell);
    }
    rec.cell = cell;
    rec.restarting = false;
    return undefined;
  }

  private async terminateRecord(rec: ChildRecord): Promise<void> {
    rec.restarting = false;
    const cell = rec.cell;
    if (!cell) return;
    rec.cell = undefined;
    this.inTransit.add(cell);
    const reason = await shutdownChild(cell, rec.spec.shutdown, this.host.clock);
    this.inTransit.delete(cell);
    if (!isExpectedShutdownExit(reason, rec.spec.restart === 'permanent')) {
      this.ctx.log.error({ child: rec.spec.id, reason: describeExit(reason) }, 'shutdown error');
    }
  }

  private async startChild(spec: ChildSpec): Promise<StartChildResult> {
    try {
      checkSpecShape(spec, 'spec');
    } catch (error) {
      return { status: 'error', error: error as InvalidSpecError };
    }
    const existing = this.find(spec.id);
    if (existing?.cell) return { status: 'already-started', ref: refOf(existing) };
    if (existing) return { status: 'already-present' };
    const rec: ChildRecord = { spec, cell: undefined, restarting: false };
    this.children.push(rec);
    const error = await this.startRecord(rec);
    if (error) {
      this.remove(rec);
      return { status: 'error', error };
    }
    return { status: 'ok', ref: refOf(rec) };
  }

  private find(key: unknown): ChildRecord | undefined {
    return typeof key === 'string' ? this.children.find((r) => r.spec.id === key) : undefined;
  }

  private remove(rec: ChildRecord): void {
    const i = this.children.indexOf(rec);
    if (i >= 0) this.children.splice(i, 1);
  }
}

function refOf(rec: ChildRecord): ActorRef<never> {
  return rec.cell as unknown as ActorRef<never>;
}
