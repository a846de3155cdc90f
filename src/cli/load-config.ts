import { isAbsolute, resolve } from 'node:path';
import { QuiError, toError } from '../errors';
import type { SystemOptions } from '../runtime/start-system';
import { isChildSpec, type ChildSpec } from '../supervision/spec';

/** What a config module exports (as `default`, or as named `tree` and `options`). */
export interface QuiConfig {
  /** The supervision tree to run. */
  readonly tree: ChildSpec;
  /** Options for `startSystem` (a logger, a name…). */
  readonly options?: SystemOptions;
}

/**
 * Loads a config module: `export default tree`, `export default { tree, options }`, or named
 * exports `tree` and `options`. A TypeScript module is loaded through tsx when it is installed.
 * @throws {QuiError} `ERR_MISSING_PEER` for a .ts config without tsx; `ERR_INVALID_OPTIONS` when the
 * module exports no tree.
 */
export function loadConfig(path: string, cwd = process.cwd()): QuiConfig {
  const file = isAbsolute(path) ? path : resolve(cwd, path);
  if (/\.[mc]?ts$/.test(file) && !(require.extensions as Record<string, unknown>)['.ts'])
    registerTypeScript();
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(file) as Record<string, unknown>;
  } catch (error) {
    throw new QuiError('ERR_INVALID_OPTIONS', `cannot load config ${file}: ${toError(error).message}`, {
      cause: error,
    });
  }
  const root = (mod.default ?? mod) as Record<string, unknown>;
  const tree = isChildSpec(root) ? root : (root.tree ?? mod.tree);
  if (!isChildSpec(tree)) {
    throw new QuiError(
      'ERR_INVALID_OPTIONS',
      `config ${file} must export a tree: \`export default defineSupervisor(…)\` or \`export default { tree, options }\``,
    );
  }
  const options = (isChildSpec(root) ? mod.options : (root.options ?? mod.options)) as
    SystemOptions | undefined;
  return { tree, options };
}

function registerTypeScript(): void {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('tsx/cjs/api') as { register(): unknown }).register();
  } catch (error) {
    throw new QuiError(
      'ERR_MISSING_PEER',
      'a TypeScript config needs tsx: npm install tsx (or compile the config to JavaScript)',
      {
        cause: error,
      },
    );
  }
}
