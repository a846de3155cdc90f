import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as PromClient from 'prom-client';
import { QuiError, toError } from '../errors';
import type { Logger } from '../logging';

/** The prom-client classes Qui uses. @internal */
export interface PromClasses {
  readonly Registry: typeof PromClient.Registry;
  readonly Counter: typeof PromClient.Counter;
  readonly Gauge: typeof PromClient.Gauge;
}

/**
 * Loads prom-client on first use: it is an optional peer dependency. Only the three modules Qui
 * uses are loaded when they can be (prom-client has no `exports` map, and its entry requires the
 * same files, so a registry made from the entry is the same class): the entry also loads the
 * histogram, summary, push gateway, cluster and default-metrics modules, about 0.9 MB more heap,
 * which every full garbage collection then marks: about 1,100 instructions per no-op job in the
 * steady state, by callgrind (6 % of such a job), against none for the three modules. Falls back
 * to the entry should those files move. `load`: how a module is required (tests lay the files out
 * otherwise through it).
 * @throws {QuiError} `ERR_MISSING_PEER` naming `caller` when prom-client is not installed.
 * @internal
 */
export function loadPromClient(caller: string, load: (id: string) => unknown = require): PromClasses {
  try {
    return {
      Registry: load('prom-client/lib/registry') as PromClasses['Registry'],
      Counter: load('prom-client/lib/counter') as PromClasses['Counter'],
      Gauge: load('prom-client/lib/gauge') as PromClasses['Gauge'],
    };
  } catch {
    // not installed, or laid out otherwise: the entry says which
  }
  try {
    return load('prom-client') as typeof PromClient;
  } catch (thrown) {
    throw new QuiError('ERR_MISSING_PEER', `${caller} needs prom-client: npm install prom-client@15`, {
      cause: thrown,
    });
  }
}

/** What a scraped gauge's `read` fills: one value per label set. @internal */
export interface GaugeSink {
  set(labels: Record<string, string>, value: number): void;
}

/**
 * Registers a gauge on `registry` whose values are read afresh at each scrape: `read` fills it
 * after a reset, so label sets that are gone (a queue closed) drop out.
 * @internal
 */
export function scrapedGauge(
  prom: PromClasses,
  registry: { registerMetric(metric: unknown): void },
  spec: { name: string; help: string; labelNames: string[] },
  read: (gauge: GaugeSink) => void | Promise<void>,
): void {
  new prom.Gauge({
    ...spec,
    registers: [registry as PromClient.Registry],
    async collect() {
      this.reset();
      await read(this);
    },
  });
}

/**
 * A `node:http` listener that answers any request with `render()`'s text (200, `contentType`), or
 * a 500 with one line when the scrape fails, logged on `logger`.
 * @internal
 */
export function scrapeListener(
  render: () => Promise<string>,
  contentType: string,
  logger: Logger,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (_request, response) => {
    render().then(
      (text) => {
        response.writeHead(200, { 'content-type': contentType });
        response.end(text);
      },
      (error: unknown) => {
        logger.error({ err: toError(error) }, 'metrics scrape failed');
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end('metrics scrape failed\n');
      },
    );
  };
}
