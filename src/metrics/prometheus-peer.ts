import type * as PromClient from 'prom-client';
import { QuiError } from '../errors';

/**
 * Loads prom-client on first use: it is an optional peer dependency.
 * @throws {QuiError} `ERR_MISSING_PEER` naming `caller` when prom-client is not installed.
 * @internal
 */
export function loadPromClient(caller: string): typeof PromClient {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('prom-client') as typeof PromClient;
  } catch (thrown) {
    throw new QuiError('ERR_MISSING_PEER', `${caller} needs prom-client: npm install prom-client@15`, {
      cause: thrown,
    });
  }
}
