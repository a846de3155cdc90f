/**
 * The benchmark harness. `npm run bench` runs every scenario; `npm run bench -- throughput`
 * one (or several); `--quick` uses tiny sizes (smoke test); `--reps N` overrides repetitions;
 * `--out DIR` writes results elsewhere than bench/results.
 *
 * Each scenario runs its contenders alternately (rep 1 of every contender, then rep 2, …),
 * each repetition in a fresh process, and reports min / median / max plus the ratios and
 * targets declared by the scenario. Benchmarks measure; they never fail on a missed target.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { aggregate, repetitionOrder, Results, type RunSpec, type Scenario } from './lib/scenario';
import { BENCH_DIR, buildContenders, runChild, type ChildRuntime } from './lib/spawn';
import {
  formatValue,
  renderReport,
  renderScenario,
  type Machine,
  type Report,
  type ScenarioRecord,
} from './lib/table';
import type { ChildResult } from './lib/child';
import { dashboard } from './scenarios/dashboard';
import { isolation } from './scenarios/isolation';
import { latency } from './scenarios/latency';
import { metricsOverhead } from './scenarios/metrics';
import { poolSize } from './scenarios/pool-size';
import { priority } from './scenarios/priority';
import { queueLength } from './scenarios/queue-length';
import { records } from './scenarios/records';
import { soak } from './scenarios/soak';
import { stores } from './scenarios/stores';
import { supervision } from './scenarios/supervision';
import { throughput } from './scenarios/throughput';
import { wrapping } from './scenarios/wrapping';

const SCENARIOS: readonly Scenario[] = [
  throughput,
  latency,
  priority,
  queueLength,
  poolSize,
  soak,
  supervision,
  wrapping,
  stores,
  isolation,
  metricsOverhead,
  records,
  dashboard,
];

interface Cli {
  readonly quick: boolean;
  readonly runtime: ChildRuntime;
  readonly reps?: number;
  readonly outDir: string;
  readonly names: readonly string[];
}

function parseCli(argv: readonly string[]): Cli {
  let quick = false;
  let runtime: ChildRuntime = 'node';
  let reps: number | undefined;
  let outDir = path.join(BENCH_DIR, 'results');
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--quick') quick = true;
    else if (arg === '--tsx') runtime = 'tsx';
    else if (arg === '--reps') reps = Number(argv[++i]);
    else if (arg === '--out') outDir = path.resolve(argv[++i] ?? '.');
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        `usage: npm run bench -- [--quick] [--tsx] [--reps N] [--out DIR] [${SCENARIOS.map((s) => s.name).join('|')} …]\n`,
      );
      process.exit(0);
    } else names.push(arg);
  }
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}\n`,
    );
    process.exit(2);
  }
  if (reps !== undefined && !(Number.isInteger(reps) && reps > 0)) {
    process.stderr.write('--reps must be a positive integer\n');
    process.exit(2);
  }
  return { quick, runtime, reps, outDir, names };
}

export function describeThisMachine(): Machine {
  let cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  try {
    const line = fs
      .readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpu = line.split(':')[1]?.trim() ?? cpu;
  } catch {
    // Not Linux: keep os.cpus().
  }
  return {
    cpu,
    nproc: os.availableParallelism(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

function summary(outcome: ChildResult, scenario: Scenario): string {
  if (outcome.status !== 'ok') return `${outcome.status}: ${outcome.reason.split('\n')[0] ?? ''}`;
  const shown = scenario.metrics.filter((m) => outcome.metrics[m.key] !== undefined);
  return shown.map((m) => `${m.key}=${formatValue(outcome.metrics[m.key] as number, m.unit)}`).join(' ');
}

async function runScenario(scenario: Scenario, cli: Cli, machine: Machine): Promise<ScenarioRecord> {
  const started = Date.now();
  const loadAtStart = os.loadavg()[0] ?? 0;
  const specs: RunSpec[] = scenario.runs(cli.quick).map((s) => (cli.reps ? { ...s, reps: cli.reps } : s));
  const outcomes = new Map<RunSpec, ChildResult[]>(specs.map((s) => [s, []]));
  const maxReps = Math.max(0, ...specs.map((s) => s.reps));
  process.stdout.write(`\n== ${scenario.name}: ${scenario.workload(cli.quick)}\n`);
  for (let rep = 0; rep < maxReps; rep++) {
    for (const spec of repetitionOrder(specs, rep)) {
      const previous = outcomes.get(spec) as ChildResult[];
      if (rep >= spec.reps) continue;
      // A contender that cannot run here (service down, Qui not built) is not retried.
      if (previous.some((o) => o.status === 'skipped')) continue;
      const outcome = await runChild(spec.file, spec.params, {
        runtime: cli.runtime,
        nodeArgs: spec.nodeArgs,
        timeoutMs: spec.timeoutMs ?? 180_000,
      });
      previous.push(outcome);
      process.stdout.write(
        `  [${rep + 1}/${spec.reps}] ${spec.contender} ${spec.label}: ${summary(outcome, scenario)}\n`,
      );
    }
  }
  const rows = specs.map((s) => aggregate(s, outcomes.get(s) as ChildResult[]));
  const record: ScenarioRecord = {
    name: scenario.name,
    title: scenario.title,
    workload: scenario.workload(cli.quick),
    quick: cli.quick,
    runtime: cli.runtime,
    ranAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    loadAverage: [loadAtStart, os.loadavg()[0] ?? 0],
    machine,
    metrics: scenario.metrics,
    rows,
    checks: scenario.checks(new Results(rows), cli.quick),
  };
  process.stdout.write(`\n${renderScenario(record)}\n`);
  return record;
}

function readPrevious(file: string): readonly ScenarioRecord[] {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as Report).scenarios;
  } catch {
    return [];
  }
}

const DOCS = path.join(BENCH_DIR, '..', 'docs', 'performance.md');
const BEGIN = '<!-- bench:begin -->';
const END = '<!-- bench:end -->';

/** Puts the latest tables into docs/performance.md between the bench markers, if present. */
function updateDocs(markdown: string): boolean {
  let doc: string;
  try {
    doc = fs.readFileSync(DOCS, 'utf8');
  } catch {
    return false;
  }
  const from = doc.indexOf(BEGIN);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) return false;
  fs.writeFileSync(DOCS, `${doc.slice(0, from + BEGIN.length)}\n${markdown}\n${doc.slice(to)}`);
  return true;
}

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2));
  const machine = describeThisMachine();
  const selected = cli.names.length > 0 ? SCENARIOS.filter((s) => cli.names.includes(s.name)) : SCENARIOS;
  const base = cli.quick ? 'quick' : 'latest';
  const jsonFile = path.join(cli.outDir, `${base}.json`);
  const mdFile = path.join(cli.outDir, `${base}.md`);
  const started = Date.now();
  if (cli.runtime === 'node') {
    process.stdout.write('compiling bench/ and src/ with tsc into node_modules/.cache/qui-bench …\n');
    const { warning } = buildContenders();
    if (warning) process.stdout.write(`${warning}\n`);
  }
  const fresh: ScenarioRecord[] = [];
  for (const scenario of selected) fresh.push(await runScenario(scenario, cli, machine));
  // Running a subset refreshes those scenarios and keeps the others from the previous run.
  const previous = readPrevious(jsonFile).filter((p) => !fresh.some((f) => f.name === p.name));
  const order = (r: ScenarioRecord): number => SCENARIOS.findIndex((s) => s.name === r.name);
  const report: Report = {
    generatedAt: new Date().toISOString(),
    scenarios: [...previous, ...fresh].sort((a, b) => order(a) - order(b)),
  };
  fs.mkdirSync(cli.outDir, { recursive: true });
  fs.writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  const markdown = renderReport(report);
  fs.writeFileSync(mdFile, `${markdown}\n`);
  // Only a full-size run into bench/results is the "latest" the docs show.
  if (!cli.quick && cli.outDir === path.join(BENCH_DIR, 'results') && updateDocs(markdown)) {
    process.stdout.write(`updated ${path.relative(process.cwd(), DOCS)}\n`);
  }
  process.stdout.write(
    `\nwrote ${path.relative(process.cwd(), jsonFile)} and ${path.relative(process.cwd(), mdFile)} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );
}

main().catch((error: unknown) => {
  // A harness bug, not a missed target: report it and fail.
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
