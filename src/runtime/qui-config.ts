import type { ChildSpec } from '../supervision/spec';
import type { SystemOptions } from './start-system';

/**
 * What a config module for `qui start` exports: `export default tree`, `export default { tree, options }`,
 * or named exports `tree` and `options`.
 * @example
 * // qui.config.ts
 * import { defineQueue, defineSupervisor, type QuiConfig } from 'qui-actors';
 * const config: QuiConfig = {
 *   tree: defineSupervisor({ id: 'root', children: [defineQueue({ name: 'emails', tasks: [sendEmail], workers: { count: 4 } })] }),
 * };
 * export default config;
 */
export interface QuiConfig {
  /** The supervision tree to run. */
  readonly tree: ChildSpec;
  /** Options for `startSystem` (a logger, a name…). @defaultValue `{}` (`qui start` logs JSON to stderr) */
  readonly options?: SystemOptions;
}
