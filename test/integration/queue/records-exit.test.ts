import { spawn } from 'node:child_process';

describe('records upkeep', () => {
  it('never keeps a process up on its own: a script that forgets stop() still exits', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/records-script.ts'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect({ code, out }).toEqual({ code: 0, out: 'done\n' });
  }, 30_000);
});
