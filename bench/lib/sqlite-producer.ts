/**
 * Producer process for the cross-process SQLite pickup figure (./qui-sqlite.ts): a system holding
 * queue 'bench' on the SQLite file argv[2], without workers. Prints `ready` once started, then
 * enqueues `{ n }` for each line `n` it reads on stdin; stops when stdin ends.
 */
import { createInterface } from 'node:readline';
import { loadQui } from './qui';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: sqlite-producer <file>');
  const qui = await loadQui();
  const spec = qui.defineQueue({ name: 'bench', store: qui.sqliteStore({ path: file }) });
  const system = await qui.startSystem(qui.defineSupervisor({ id: 'root', children: [spec] }));
  const queue = system.queue('bench');
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin }))
    await queue.enqueue({ n: Number(line) });
  await system.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
