import type { QuiEvents, QuiEventType } from '../../src/events';
import type { QuiSystem } from '../../src/runtime/start-system';

/** Resolves with the next `type` event that `match` accepts. */
export function nextEvent<K extends QuiEventType>(
  system: QuiSystem,
  type: K,
  match: (event: QuiEvents[K]) => boolean = () => true,
): Promise<QuiEvents[K]> {
  return new Promise((resolve) => {
    const off = system.events.on(type, (event) => {
      if (!match(event)) return;
      off();
      resolve(event);
    });
  });
}

/** POSTs an action as the page script does: JSON, from the dashboard's own origin. */
export function post(
  url: string,
  body: unknown = {},
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(url).origin, ...headers },
    body: JSON.stringify(body),
  });
}

/** Reads a Server-Sent Events stream one `view` event at a time. */
export class EventStream {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  readonly comments: string[] = [];

  private constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    private readonly controller: AbortController,
    readonly response: Response,
  ) {}

  static async open(url: string): Promise<EventStream> {
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal });
    if (!response.body) throw new Error('no body');
    return new EventStream(response.body.getReader(), controller, response);
  }

  /** The HTML of the next `view` event that `match` accepts. */
  async nextView(match: (html: string) => boolean = () => true): Promise<string> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const frame = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        if (frame.startsWith(':')) this.comments.push(frame);
        const data = /^event: view\ndata: (.*)$/m.exec(frame);
        if (data) {
          const html = (JSON.parse(data[1] as string) as { html: string }).html;
          if (match(html)) return html;
        }
        continue;
      }
      const { value, done } = await this.reader.read();
      if (done) throw new Error('the stream ended');
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  close(): void {
    this.controller.abort();
  }
}
