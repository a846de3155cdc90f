import type { Redis } from 'ioredis';

/** The ids of the Redis connections named `name` (stores name theirs `qui:<queue>`). */
export async function connectionsNamed(admin: Redis, name: string): Promise<string[]> {
  const list = (await admin.client('LIST')) as string;
  return list
    .split('\n')
    .filter((line) => line.includes(` name=${name} `))
    .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined);
}

/** Kills every Redis connection named `name`; returns how many. */
export async function killConnectionsNamed(admin: Redis, name: string): Promise<number> {
  const ids = await connectionsNamed(admin, name);
  for (const id of ids) await admin.client('KILL', 'ID', id);
  return ids.length;
}
