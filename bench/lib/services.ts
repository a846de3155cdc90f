/**
 * Local services for the Redis- and Postgres-backed baselines: where they are, a quick
 * reachability probe (a down service skips the contender), unique names per run, and cleanup.
 */
import * as net from 'node:net';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import pg from 'pg';
import { SkipError } from './child';

export const REDIS = {
  host: process.env['BENCH_REDIS_HOST'] ?? '127.0.0.1',
  port: Number(process.env['BENCH_REDIS_PORT'] ?? 6379),
};

/** trust auth on the local server; override with BENCH_PG_URL. */
export const PG_URL = process.env['BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A name unique to this process and run, usable as a Redis prefix or a Postgres schema. */
export function uniqueName(kind: string): string {
  return `qbench_${kind}_${process.pid}_${randomBytes(3).toString('hex')}`;
}

function probe(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Throws SkipError when Redis does not accept connections. */
export async function requireRedis(): Promise<void> {
  if (!(await probe(REDIS.host, REDIS.port)))
    throw new SkipError(`Redis not reachable at ${REDIS.host}:${REDIS.port}; contender skipped`);
}

/** Throws SkipError when PostgreSQL does not accept connections. */
export async function requirePostgres(): Promise<void> {
  const url = new URL(PG_URL);
  if (!(await probe(url.hostname, Number(url.port || 5432))))
    throw new SkipError(`PostgreSQL not reachable at ${url.host}; contender skipped`);
}

/** Deletes every Redis key starting with `prefix`. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis({ ...REDIS, lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Drops a Postgres schema (and everything in it). */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
