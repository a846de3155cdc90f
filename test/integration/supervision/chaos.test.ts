/**
 * Chaos: a three-level tree of 54 actors under mixed strategies and restart types takes thousands
 * of random exits (seeded PRNG, ManualClock). After each step the tree is allowed to settle, and
 * the OTP invariants are checked against the runtime's real state and against a model of §1.4–§1.6:
 * every permanent child of a live supervisor runs; each supervisor's restart window holds exactly
 * the attempts the model counted; escalations happen exactly where the model says; no nact actor
 * outlives its cell.
 */
import type { ActorCell } from '../../../src/actors/actor-cell';
import type { ExitReason } from '../../../src/actors/exit-reason';
import type { RestartType } from '../../../src/actors/child-options';
import {
  defineSupervisor,
  type ChildSpec,
  type Strategy,
  type SupervisorSpec,
} from '../../../src/supervision/spec';
import type { StaticSupervisor } from '../../../src/supervision/supervisor-actor';
import { probe } from '../../helpers/probe';
import { engineCounts, liveCells, settle, startTestSystem } from '../../helpers/start-test-system';

const STEPS = 5000;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES: RestartType[] = ['permanent', 'permanent', 'transient', 'temporary'];
const STRATEGIES: Strategy[] = ['one-for-one', 'one-for-all', 'rest-for-one'];

function buildTree(): SupervisorSpec {
  const mids = [0, 1, 2].map((m) => {
    const leaves = [0, 1].map((l) =>
      defineSupervisor({
        id: `l${m}${l}`,
        strategy: STRATEGIES[(m + l) % 3],
        restart: m === 2 && l === 1 ? 'transient' : 'permanent',
        intensity: { maxRestarts: 3, withinMs: 500 },
        children: [0, 1, 2, 3, 4, 5, 6, 7].map((i) =>
          probe({ id: `w${m}${l}${i}`, name: null, restart: TYPES[(i + m + l) % 4] }),
        ),
      }),
    );
    return defineSupervisor({
      id: `m${m}`,
      strategy: STRATEGIES[m],
      intensity: { maxRestarts: 2, withinMs: 1000 },
      children: [
        probe({ id: `a${m}0`, name: null }),
        leaves[0]!,
        probe({ id: `a${m}1`, name: null, restart: 'transient' }),
        leaves[1]!,
      ],
    });
  });
  return defineSupervisor({
    id: 'root',
    intensity: { maxRestarts: 100_000, withinMs: 1000 },
    children: mids,
  });
}

/** The model: each live supervisor incarnation's restart attempts, by path. */
class Model {
  readonly windows = new Map<string, number[]>();
  readonly escalations: string[] = [];
  constructor(private readonly specs: Map<string, ChildSpec>) {}

  /** Drops the windows of a supervisor and everything under it: they are new incarnations now. */
  private reset(path: string): void {
    for (const key of [...this.windows.keys()])
      if (key === path || key.startsWith(`${path}/`)) this.windows.delete(key);
  }

  /** A child of `supPath` exited by itself with `reason`, at `now`. */
  exit(supPath: string, childId: string, reason: ExitReason, now: number): void {
    const sup = this.specs.get(supPath) as SupervisorSpec;
    const child = sup.children.find((c) => c.id === childId) as ChildSpec;
    const normal = reason.type === 'normal' || reason.type === 'shutdown';
    if (child.restart === 'temporary' || (child.restart === 'transient' && normal)) return;
    const times = (this.windows.get(supPath) ?? []).filter((r) => r >= now - sup.intensity.withinMs);
    times.push(now);
    this.windows.set(supPath, times);
    if (times.length > sup.intensity.maxRestarts) {
      this.escalations.push(supPath);
      this.reset(supPath);
      const parent = supPath.slice(0, supPath.lastIndexOf('/'));
      this.exit(parent, sup.id, { type: 'shutdown' }, now);
      return;
    }
    const index = sup.children.indexOf(child);
    const from = sup.strategy === 'one-for-one' ? index : sup.strategy === 'one-for-all' ? 0 : index;
    const to = sup.strategy === 'one-for-one' ? index + 1 : sup.children.length;
    for (const c of sup.children.slice(from, to)) if (c.kind !== 'actor') this.reset(`${supPath}/${c.id}`);
  }

  count(path: string, now: number, withinMs: number): number {
    return (this.windows.get(path) ?? []).filter((r) => r >= now - withinMs).length;
  }
}

function specsByPath(
  spec: ChildSpec,
  path: string,
  out = new Map<string, ChildSpec>(),
): Map<string, ChildSpec> {
  out.set(path, spec);
  if (spec.kind === 'supervisor') for (const c of spec.children) specsByPath(c, `${path}/${c.id}`, out);
  return out;
}

const isSupervisor = (cell: ActorCell) => (cell.spec as ChildSpec).kind === 'supervisor';
const supervisorOf = (cell: ActorCell) => cell.currentState as StaticSupervisor;
const windowCount = (sup: StaticSupervisor) =>
  (sup as unknown as { window: { count(): number } }).window.count();

describe('chaos', () => {
  it('keeps the OTP invariants through thousands of random exits', async () => {
    const tree = buildTree();
    const specs = specsByPath(tree, 'root');
    const model = new Model(specs);
    const t = await startTestSystem(tree, { logLevel: 'warn' });
    const random = mulberry32(0x5eed);
    const seenPaths = new Set<string>();
    let escalationsSeen = 0;

    for (let step = 0; step < STEPS; step++) {
      t.clock.advance(Math.floor(random() * 120));
      const workers = liveCells(t.core).filter((c) => !isSupervisor(c));
      const victim = workers[Math.floor(random() * workers.length)] as ActorCell;
      const roll = random();
      const reason: ExitReason =
        roll < 0.7
          ? { type: 'error', error: new Error('chaos') }
          : roll < 0.85
            ? { type: 'normal' }
            : { type: 'shutdown', detail: step };
      if (reason.type === 'error') victim.send({ type: 'crash', message: 'chaos' });
      else victim.send({ type: 'exit', reason });
      const exited = await victim.exited;
      expect(exited.type).toBe(reason.type);
      const supPath = victim.path.slice(0, victim.path.lastIndexOf('/'));
      model.exit(supPath, victim.id, reason, t.clock.now());
      await settle(t.core);

      // Escalations happened exactly where the model says.
      const escalated = t.events.of('supervisor.escalated').map((e) => e.path);
      expect(escalated).toEqual(model.escalations);
      escalationsSeen = escalated.length;

      const violations: string[] = [];
      for (const cell of liveCells(t.core).filter(isSupervisor)) {
        seenPaths.add(cell.path);
        const sup = supervisorOf(cell);
        // Every permanent child of a live supervisor is running; a temporary one is running or gone.
        for (const rec of sup.children) {
          if (rec.spec.restart !== 'transient' && !rec.cell?.alive)
            violations.push(`${cell.path}/${rec.spec.id} is not running`);
          if (rec.restarting) violations.push(`${cell.path}/${rec.spec.id} is restarting`);
        }
        // The restart window holds exactly the attempts the model counted.
        const expected = model.count(cell.path, t.clock.now(), sup.spec.intensity.withinMs);
        if (windowCount(sup) !== expected)
          violations.push(`${cell.path} window ${windowCount(sup)}, model ${expected}`);
      }
      expect([step, violations]).toEqual([step, []]);
      // No nact actor is left behind by a stopped cell.
      const counts = await engineCounts(t.core);
      expect(counts.nact).toBe(counts.cells);
      expect(t.system.stopped).toBe(false);
    }

    // The windows mattered: leaves and middle supervisors both gave up along the way.
    const escalatedPaths = new Set(t.events.of('supervisor.escalated').map((e) => e.path));
    expect(escalationsSeen).toBeGreaterThan(20);
    expect(escalatedPaths).toEqual(new Set([...seenPaths].filter((p) => p !== 'root')));
    expect(seenPaths.size).toBe(10);
    await t.system.stop();
    expect(t.core.engine.liveCount()).toBe(0);
  }, 60_000);
});
