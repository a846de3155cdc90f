import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TimerHandle } from '../clock';
import { toError } from '../errors';
import type { DashboardHost } from './dashboard-host';

interface Client {
  readonly res: ServerResponse;
  readonly key: string;
  readonly view: string;
  readonly canWrite: boolean;
  last: string | undefined;
  quietMs: number;
}

/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEP_ALIVE_MS = 15_000;

/**
 * The Server-Sent Events streams of open pages. One tick every `refreshMs` while any stream is
 * open (none otherwise): each view is rendered once per tick, shared by every viewer of it, and
 * sent only to those whose last copy differs, as one `view` event holding the page's main HTML
 * (rendered and escaped on the server). @internal
 */
export class LiveStreams {
  private readonly clients = new Set<Client>();
  private timer: TimerHandle | undefined;
  private ticking = false;
  private again = false;

  constructor(
    private readonly system: DashboardHost,
    private readonly refreshMs: number,
    private readonly render: (view: string, canWrite: boolean) => Promise<string | undefined>,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  open(
    req: IncomingMessage,
    res: ServerResponse,
    view: string,
    canWrite: boolean,
    headers: Readonly<Record<string, string>>,
  ): void {
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    const client: Client = {
      res,
      key: `${canWrite ? 'w' : 'r'}${view}`,
      view,
      canWrite,
      last: undefined,
      quietMs: 0,
    };
    this.clients.add(client);
    req.on('close', () => {
      this.clients.delete(client);
      if (this.clients.size === 0) this.stopTimer();
    });
    this.refreshSoon();
  }

  /** Ticks now (after an action, or for a new stream) instead of at the next interval. */
  refreshSoon(): void {
    if (this.clients.size === 0) return;
    this.stopTimer();
    this.timer = this.system.clock.setTimeout(() => void this.tick(), 0);
  }

  close(): void {
    this.stopTimer();
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.system.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (this.ticking) {
      this.again = true;
      return;
    }
    if (this.system.stopped) return this.close();
    this.ticking = true;
    try {
      const rendered = new Map<string, Promise<string | undefined>>();
      for (const c of this.clients) {
        if (!rendered.has(c.key))
          rendered.set(
            c.key,
            this.render(c.view, c.canWrite).catch(() => undefined),
          );
      }
      for (const c of [...this.clients]) {
        const main = await rendered.get(c.key);
        if (main !== undefined && main !== c.last) {
          c.last = main;
          c.quietMs = 0;
          c.res.write(`event: view\ndata: ${JSON.stringify({ html: main })}\n\n`);
        } else if ((c.quietMs += this.refreshMs) >= KEEP_ALIVE_MS) {
          c.quietMs = 0;
          c.res.write(': keep-alive\n\n');
        }
      }
    } catch (error) {
      this.system.logger.error({ err: toError(error) }, 'dashboard live update failed');
    } finally {
      this.ticking = false;
    }
    if (this.clients.size === 0) return;
    if (this.again) {
      this.again = false;
      return this.refreshSoon();
    }
    this.timer = this.system.clock.setTimeout(() => void this.tick(), this.refreshMs);
  }
}
