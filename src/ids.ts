import { randomFillSync } from 'node:crypto';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A job's id: a UUID v4, unique across processes. */
export type JobId = Brand<string, 'JobId'>;
/** A task's name, as registered with `defineTask`. */
export type TaskName = Brand<string, 'TaskName'>;

const IDS_PER_FILL = 512;
const random = Buffer.alloc(16 * IDS_PER_FILL);
let next = IDS_PER_FILL;
const text = Buffer.alloc(36);
const HEX = Buffer.from('0123456789abcdef', 'latin1');

/**
 * A fresh UUID v4. Written byte by byte into a buffer and read out once, so the id is one flat
 * string of 36 bytes: Node 20's `crypto.randomUUID()` concatenates its id from about fourteen
 * pieces, and a waiting job would keep that whole chain (~480 bytes) alive.
 * @internal
 */
export function newJobId(): JobId {
  if (next === IDS_PER_FILL) {
    randomFillSync(random);
    next = 0;
  }
  const at = next++ * 16;
  random[at + 6] = ((random[at + 6] as number) & 0x0f) | 0x40; // version 4
  random[at + 8] = ((random[at + 8] as number) & 0x3f) | 0x80; // RFC 4122 variant
  let j = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text[j++] = 0x2d; // '-'
    const byte = random[at + i] as number;
    text[j++] = HEX[byte >> 4] as number;
    text[j++] = HEX[byte & 15] as number;
  }
  return text.toString('latin1', 0, 36) as JobId;
}
/** @internal */
export function asJobId(id: string): JobId {
  return id as JobId;
}
/** @internal */
export function asTaskName(name: string): TaskName {
  return name as TaskName;
}
