import { randomUUID } from 'node:crypto';

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A job's id: a UUID v4, unique across processes. */
export type JobId = Brand<string, 'JobId'>;
/** A task's name, as registered with `defineTask`. */
export type TaskName = Brand<string, 'TaskName'>;

/** @internal */
export function newJobId(): JobId {
  return randomUUID() as JobId;
}
/** @internal */
export function asJobId(id: string): JobId {
  return id as JobId;
}
/** @internal */
export function asTaskName(name: string): TaskName {
  return name as TaskName;
}
