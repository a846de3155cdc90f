import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { QuiError, toError } from '../errors';
import type { QuiConfig } from '../runtime/qui-config';
import type { SystemOptions } from '../runtime/start-system';
import { isChildSpec } from '../supervision/spec';

export type { QuiConfig } from '../runtime/qui-config';

/**
 * Loads a config module: `export default tree`, `export default { tree, options }`, or named
 * exports `tree` and `options`. A TypeScript module is loaded through tsx when it is installed.
 * @throws {QuiError} `ERR_MISSING_PEER` for a .ts config without tsx; `ERR_INVALID_OPTIONS` when the
 * file is missing, fails to load, or exports no tree (messages are one line: the CLI prints them as they are).
 */
export function loadConfig(path: string, cwd = process.cwd()): QuiConfig {
  const file = isAbsolute(path) ? path : resolve(cwd, path);
  if (!existsSync(file)) throw new QuiError('ERR_INVALID_OPTIONS', `cannot find config ${file}`);
  if (/\.[mc]?ts$/.test(file) && !(require.extensions as Record<string, unknown>)['.ts'])
    registerTypeScript();
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(file) as Record<string, unknown>;
  } catch (error) {
    // The first line only: Node appends the require stack to module errors, one line per module.
    const reason = toError(error).message.split('\n', 1)[0] as string;
    throw new QuiError('ERR_INVALID_OPTIONS', `cannot load config ${file}: ${reason}`, { cause: error });
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
