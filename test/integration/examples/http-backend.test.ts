import { startServer, type RunningServer } from '../../../examples/http-backend/server';
import type { QuiEvents } from '../../../src/index';

type Outcome = { readonly type: 'completed' | 'dead'; readonly id: string };

/** Records every final outcome from the moment it is created; `waitFor` counts those already seen. */
function outcomes(server: RunningServer): { waitFor(id: string): Promise<Outcome>; close(): void } {
  const seen = new Map<string, Outcome>();
  const waiting = new Map<string, (o: Outcome) => void>();
  const push = (o: Outcome): void => {
    seen.set(o.id, o);
    waiting.get(o.id)?.(o);
  };
  const off = [
    server.system.events.on('job.completed', (e: QuiEvents['job.completed']) =>
      push({ type: 'completed', id: e.job.id }),
    ),
    server.system.events.on('job.dead', (e: QuiEvents['job.dead']) => push({ type: 'dead', id: e.job.id })),
  ];
  return {
    waitFor: (id) => {
      const known = seen.get(id);
      return known ? Promise.resolve(known) : new Promise((resolve) => waiting.set(id, resolve));
    },
    close: () => off.forEach((f) => f()),
  };
}

describe('the HTTP backend example', () => {
  let server: RunningServer;
  let events: ReturnType<typeof outcomes>;

  beforeEach(async () => {
    server = await startServer({ port: 0 });
    events = outcomes(server);
  });
  afterEach(async () => {
    events.close();
    await server.close();
  });

  const post = (path: string, body: unknown): Promise<Response> =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = (path: string): Promise<Response> => fetch(`${server.url}${path}`);

  it('listens on a loopback port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('enqueues a task with 202 and reports it completed once the completion event has arrived', async () => {
    const res = await post('/jobs/emails', {
      task: 'send-email',
      params: { to: 'ada@example.com', subject: 'Hi' },
    });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { id: string; href: string; status: string };
    expect(accepted).toMatchObject({ queue: 'emails', status: 'enqueued', href: `/jobs/${accepted.id}` });

    await expect(events.waitFor(accepted.id)).resolves.toEqual({ type: 'completed', id: accepted.id });
    const status = await get(accepted.href);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({
      id: accepted.id,
      queue: 'emails',
      task: 'send-email',
      status: 'completed',
      attempt: 1,
      value: { messageId: expect.any(String) as unknown },
    });
  });

  it('applies enqueue options and reports a job that failed for good as dead', async () => {
    const res = await post('/jobs/emails', {
      task: 'send-email',
      params: { to: 'nobody@bounce.test', subject: 'Hi' },
      options: { priority: 'high' },
    });
    const { id } = (await res.json()) as { id: string };
    await expect(events.waitFor(id)).resolves.toEqual({ type: 'dead', id });
    expect(await (await get(`/jobs/${id}`)).json()).toMatchObject({
      status: 'dead',
      priority: 'high',
      attempt: 1,
      error: 'mailbox nobody@bounce.test does not exist',
    });
  });

  it('reports a queue’s stats', async () => {
    const res = await post('/jobs/thumbnails', {
      task: 'make-thumbnail',
      params: { image: 'cat.png', width: 64 },
    });
    const { id } = (await res.json()) as { id: string };
    await events.waitFor(id);
    const stats = await get('/stats/thumbnails');
    expect(stats.status).toBe(200);
    expect(await stats.json()).toMatchObject({ name: 'thumbnails', totals: { enqueued: 1 } });
  });

  it.each([
    ['a body that is not JSON', '{nope', 'body'],
    ['an unknown body field', { task: 'send-email', params: {}, priority: 'high' }, 'body.priority'],
    ['an unknown task', { task: 'send-sms', params: {} }, 'task'],
    ['a missing param', { task: 'send-email', params: { to: 'ada@example.com' } }, 'params.subject'],
    ['a bad param', { task: 'send-email', params: { to: 'ada', subject: 'Hi' } }, 'params.to'],
    [
      'a misspelt option',
      { task: 'send-email', params: { to: 'a@b.c', subject: 'Hi' }, options: { prioirity: 'high' } },
      'options.prioirity',
    ],
    [
      'an unknown priority',
      { task: 'send-email', params: { to: 'a@b.c', subject: 'Hi' }, options: { priority: 'urgent' } },
      'options.priority',
    ],
    [
      'a negative timeout',
      { task: 'send-email', params: { to: 'a@b.c', subject: 'Hi' }, options: { timeoutMs: -1 } },
      'options.timeoutMs',
    ],
  ])('refuses %s with 400 ERR_INVALID_OPTIONS naming the field', async (_case, body, field) => {
    const res = await post('/jobs/emails', body);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('ERR_INVALID_OPTIONS');
    expect(error.message.startsWith(`${field}: `)).toBe(true);
  });

  it('enqueues nothing when it refuses a request', async () => {
    await post('/jobs/emails', {
      task: 'send-email',
      params: { to: 'a@b.c', subject: 'Hi' },
      options: { prioirity: 'high' },
    });
    const stats = (await (await get('/stats/emails')).json()) as { totals: { enqueued: number } };
    expect(stats.totals.enqueued).toBe(0);
  });

  it.each([
    [
      'POST to an unknown queue',
      () => post('/jobs/sms', { task: 'send-sms', params: {} }),
      'ERR_QUEUE_NOT_FOUND',
    ],
    ['stats of an unknown queue', () => get('/stats/sms'), 'ERR_QUEUE_NOT_FOUND'],
    ['an unknown job id', () => get('/jobs/00000000-0000-4000-8000-000000000000'), 'ERR_JOB_NOT_FOUND'],
    ['an unknown route', () => get('/nowhere'), 'ERR_NOT_FOUND'],
  ])('answers %s with 404', async (_case, request, code) => {
    const res = await request();
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });
});
