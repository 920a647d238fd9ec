// Status notifications and broadcasts on their way out: retries with backoff, permanent
// failures that officers can see, broadcast pacing and opt-out, WhatsApp's "wrote first" rule,
// and exactly-once delivery when the sender process is killed mid-batch and restarted.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { applicationsFeature } from '../src/applications/feature.js';
import { webChatFeature } from '../src/channels/web/feature.js';
import { DeliveryError, type ChannelSender, type OutboundMessage } from '../src/core/dispatcher.js';
import type { ChannelName } from '../src/core/types.js';
import { FakeClock, makeTestApp, textOf, type TestApp } from './helpers.js';

const TOKEN = 'test-admin-token-0123456789';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function start(env: Record<string, string> = {}, clock = new FakeClock()): Promise<TestApp> {
  t = await makeTestApp({ env: { ADMIN_TOKEN: TOKEN, ...env }, clock, features: [applicationsFeature, webChatFeature] });
  return t;
}

async function api(app: TestApp, method: string, p: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await app.ctx.http.request(`/api/admin${p}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

let seq = 0;
/** A message from a resident on a push channel, through the real engine. */
function write(app: TestApp, channel: ChannelName, address: string, text: string) {
  return app.ctx.engine.handleNow({ id: `m${++seq}`, channel, address, input: { type: 'text', text } });
}

/** Records what a channel accepted; `fail` decides per message whether to throw. */
function fakeSender(fail: (m: OutboundMessage) => Error | undefined = () => undefined) {
  const sent: OutboundMessage[] = [];
  const tries: OutboundMessage[] = [];
  const sender: ChannelSender = {
    async send(m) {
      tries.push(m);
      const err = fail(m);
      if (err) throw err;
      sent.push(m);
      return { externalId: `x${sent.length}` };
    },
  };
  return { sender, sent, tries };
}

async function drain(app: TestApp): Promise<void> {
  while ((await app.ctx.dispatcher.runOnce()) > 0);
}

async function newApplication(app: TestApp, trackingNo: string, contact?: { channel: ChannelName; address: string }) {
  const res = await api(app, 'POST', '/applications', { trackingNo, service: 'kk_baru_perkawinan', applicantName: 'Rina Wati', nik: '1803020101900001', officer: 'budi', contact });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

describe('delivery of status notifications', () => {
  test('a failed send is retried with growing waits and delivered once; retry_after is respected', async () => {
    const clock = new FakeClock();
    const app = await start({}, clock);
    write(app, 'telegram', '5001', 'halo');
    const failures = [new Error('ETIMEDOUT'), new Error('502 Bad Gateway')];
    const tg = fakeSender((m) => (m.kind === 'notification' ? failures.shift() : undefined));
    app.ctx.dispatcher.register('telegram', tg.sender);
    await drain(app);

    await newApplication(app, 'LU-R-0001', { channel: 'telegram', address: '5001' });
    expect((await api(app, 'POST', '/applications/LU-R-0001/status', { status: 'diverifikasi', officer: 'budi' })).body.notifications.queued).toBe(1);

    const notifications = () => tg.tries.filter((m) => m.kind === 'notification');
    await app.ctx.dispatcher.runOnce(); // fails (timeout)
    expect(notifications()).toHaveLength(1);
    await app.ctx.dispatcher.runOnce();
    expect(notifications(), 'not again before the backoff').toHaveLength(1);
    clock.advance(2_500); // first wait: 2 s ± 20 %
    await app.ctx.dispatcher.runOnce(); // fails (502)
    expect(notifications()).toHaveLength(2);
    clock.advance(2_500);
    await app.ctx.dispatcher.runOnce();
    expect(notifications(), 'the second wait is longer (4 s ± 20 %)').toHaveLength(2);
    clock.advance(2_500);
    await app.ctx.dispatcher.runOnce(); // succeeds
    expect(notifications()).toHaveLength(3);
    expect(tg.sent.filter((m) => m.kind === 'notification')).toHaveLength(1);
    expect(tg.sent.find((m) => m.kind === 'notification')!.reply.text).toContain('Status sekarang: Diverifikasi');
    expect(tg.sent.find((m) => m.kind === 'notification')!.idempotencyKey).toMatch(/^app:\d+:status:\d+:res:\d+$/);

    // Telegram's 429: wait exactly as long as it says.
    const limited = fakeSender((m) => (m.kind === 'notification' && limited.tries.length === 1 ? new DeliveryError('429 Too Many Requests', { retryAfterMs: 30_000 }) : undefined));
    app.ctx.dispatcher.register('telegram', limited.sender);
    await api(app, 'POST', '/applications/LU-R-0001/status', { status: 'diproses', officer: 'budi' });
    await app.ctx.dispatcher.runOnce();
    clock.advance(29_000);
    await app.ctx.dispatcher.runOnce();
    expect(limited.sent).toHaveLength(0);
    clock.advance(1_000);
    await app.ctx.dispatcher.runOnce();
    expect(limited.sent).toHaveLength(1);
  });

  test('permanent failures stop at once and show up for officers; an unreachable chat gets no broadcast', async () => {
    const app = await start();
    write(app, 'telegram', '6001', 'halo'); // will block the bot
    write(app, 'whatsapp', '6281200000002@s.whatsapp.net', 'halo'); // number gone
    write(app, 'telegram', '6003', 'halo'); // fine
    const blocked = fakeSender((m) => (m.kind !== 'reply' && m.address === '6001' ? new DeliveryError('403 Forbidden: bot was blocked by the user', { unreachable: true }) : undefined));
    const wa = fakeSender((m) => (m.kind !== 'reply' ? new DeliveryError('not on WhatsApp', { permanent: true }) : undefined));
    app.ctx.dispatcher.register('telegram', blocked.sender);
    app.ctx.dispatcher.register('whatsapp', wa.sender);
    await drain(app);

    await newApplication(app, 'LU-P-0001', { channel: 'telegram', address: '6001' });
    await newApplication(app, 'LU-P-0002', { channel: 'whatsapp', address: '6281200000002@s.whatsapp.net' });
    await newApplication(app, 'LU-P-0003', { channel: 'telegram', address: '6003' });
    for (const no of ['LU-P-0001', 'LU-P-0002', 'LU-P-0003']) await api(app, 'POST', `/applications/${no}/status`, { status: 'diverifikasi', officer: 'budi' });
    await drain(app);

    expect(blocked.tries.filter((m) => m.kind === 'notification' && m.address === '6001')).toHaveLength(1);
    expect(wa.tries.filter((m) => m.kind === 'notification')).toHaveLength(1);
    expect(blocked.sent.filter((m) => m.kind === 'notification').map((m) => m.address)).toEqual(['6003']);

    const failed = await api(app, 'GET', '/notifications/failed');
    expect(failed.status).toBe(200);
    expect(failed.body.items).toHaveLength(2);
    const errors = failed.body.items.map((i: { error: string }) => i.error).sort();
    expect(errors).toEqual(['403 Forbidden: bot was blocked by the user', 'not on WhatsApp']);
    const summaries = failed.body.items.map((i: { summary: string }) => i.summary).sort();
    expect(summaries[0]).toContain('Kabar permohonan LU-P-0001');
    expect(summaries[1]).toContain('Kabar permohonan LU-P-0002');
    expect(JSON.stringify(failed.body)).not.toContain('6281200000002');

    const bc = await api(app, 'POST', '/broadcasts', { text: 'Layanan tatap muka ditutup sementara.', officer: 'budi', urgent: true });
    expect(bc.status).toBe(202);
    // 6001 blocked the bot: skipped. 6003 and the WhatsApp number (permanent failure is per message) are queued.
    expect(bc.body).toMatchObject({ queued: 2, skipped: 1 });
  });
});

describe('the contact an officer entered', () => {
  test('gets the notifications and can stop them like any follower', async () => {
    const app = await start();
    write(app, 'telegram', '5501', 'halo');
    await newApplication(app, 'LU-C-0001', { channel: 'telegram', address: '5501' });
    const first = await api(app, 'POST', '/applications/LU-C-0001/status', { status: 'diverifikasi', officer: 'budi' });
    expect(first.body.notifications.queued).toBe(1);

    const list = write(app, 'telegram', '5501', 'berhenti ikuti');
    expect(textOf(list.replies)).toContain('LU-C-0001');
    const stop = list.replies.flatMap((r) => r.choices ?? []).find((c) => c.id.startsWith('st:unf:'))!;
    const done = app.ctx.engine.handleNow({ id: `m${++seq}`, channel: 'telegram', address: '5501', input: { type: 'choice', id: stop.id } });
    expect(textOf(done.replies)).toContain('tidak lagi mengikuti permohonan LU-C-0001');

    const second = await api(app, 'POST', '/applications/LU-C-0001/status', { status: 'diproses', officer: 'budi' });
    expect(second.body.notifications.queued).toBe(0);
  });
});

describe('broadcasts', () => {
  test('paced at BROADCAST_RATE per channel, opted-out and web visitors skipped, progress visible, retry-safe', async () => {
    const clock = new FakeClock(); // 09:00 WIB
    const app = await start({ BROADCAST_RATE: '2' }, clock);
    for (let i = 1; i <= 6; i++) write(app, 'telegram', `700${i}`, 'halo');
    write(app, 'telegram', '7009', 'halo');
    const optOut = write(app, 'telegram', '7009', 'berhenti info');
    expect(textOf(optOut.replies)).toContain('tidak akan menerima pengumuman');
    write(app, 'whatsapp', '6281300000001@s.whatsapp.net', 'halo');
    await app.say('web-visitor-1', 'halo');
    const tg = fakeSender();
    const wa = fakeSender();
    app.ctx.dispatcher.register('telegram', tg.sender);
    app.ctx.dispatcher.register('whatsapp', wa.sender);
    await drain(app);
    tg.sent.length = 0;
    wa.sent.length = 0;

    const res = await api(app, 'POST', '/broadcasts', { text: { id: 'Layanan tatap muka ditutup sementara.', en: 'Face-to-face service is closed for now.' }, officer: 'budi' }, { 'idempotency-key': 'bc-1' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ queued: 7, sent: 0, skipped: 2, done: false });
    const again = await api(app, 'POST', '/broadcasts', { text: 'x', officer: 'budi' }, { 'idempotency-key': 'bc-1' });
    expect(again.body).toMatchObject({ id: res.body.id, replayed: true });
    expect((await api(app, 'GET', '/broadcasts')).body.items).toHaveLength(1);

    // Spaced evenly: 2 per second means one every 500 ms, never more in any second.
    const sentAt: number[] = [];
    const start0 = clock.now().getTime();
    for (let step = 0; step < 20; step++) {
      const before = tg.sent.length;
      await drain(app);
      for (let i = before; i < tg.sent.length; i++) sentAt.push(clock.now().getTime() - start0);
      clock.advance(250);
    }
    expect(sentAt).toEqual([0, 500, 1000, 1500, 2000, 2500]);
    expect(wa.sent).toHaveLength(1);
    expect(tg.sent.map((m) => m.address)).not.toContain('7009');
    expect(tg.sent[0]!.reply.text).toContain('Layanan tatap muka ditutup sementara.');
    expect(tg.sent[0]!.reply.text).toContain('berhenti info');

    const progress = await api(app, 'GET', `/broadcasts/${res.body.id}`);
    expect(progress.body).toMatchObject({ queued: 7, sent: 7, failed: 0, waiting: 0, skipped: 2, done: true });

    // "mulai info" opts back in.
    expect(textOf(write(app, 'telegram', '7009', 'mulai info').replies)).toContain('menerima pengumuman lagi');
    expect((await api(app, 'POST', '/broadcasts', { text: 'Info kedua', officer: 'budi' })).body).toMatchObject({ queued: 8, skipped: 1 });
  });

  test('a non-urgent broadcast written at night starts at 06:00 WIB', async () => {
    const clock = new FakeClock('2026-11-30T15:00:00Z'); // 22:00 WIB
    const app = await start({}, clock);
    write(app, 'telegram', '8001', 'halo');
    const tg = fakeSender();
    app.ctx.dispatcher.register('telegram', tg.sender);
    await drain(app);
    tg.sent.length = 0;
    await api(app, 'POST', '/broadcasts', { text: 'Besok kantor buka jam 08.00', officer: 'budi' });
    await drain(app);
    expect(tg.sent).toHaveLength(0);
    clock.set('2026-11-30T23:00:00Z'); // 06:00 WIB
    await drain(app);
    expect(tg.sent).toHaveLength(1);
  });

  test('WhatsApp: nothing is queued to a number that never wrote to the office', async () => {
    const app = await start();
    // Officers type the phone number as they know it; the chat is matched by its JID.
    await newApplication(app, 'LU-W-0001', { channel: 'whatsapp', address: '0814-0000-0001' });
    const change = await api(app, 'POST', '/applications/LU-W-0001/status', { status: 'diverifikasi', officer: 'budi' });
    expect(change.body.notifications).toMatchObject({ queued: 0 });
    // Once they write, the next change reaches them.
    write(app, 'whatsapp', '6281400000001@s.whatsapp.net', 'halo');
    const next = await api(app, 'POST', '/applications/LU-W-0001/status', { status: 'diproses', officer: 'budi' });
    expect(next.body.notifications).toMatchObject({ queued: 1 });
  });
});

describe('exactly once across a killed sender process', () => {
  test('SIGKILL mid-batch, restart: every notification delivered, none twice to the resident', async () => {
    // 1. The database: 20 chats, each following 2 applications; 40 status changes. Written at a
    // past office-hours time, because the sender process runs on the real clock.
    const app = await start({}, new FakeClock('2026-01-05T02:00:00Z'));
    const chats = Array.from({ length: 20 }, (_, i) => String(900_000 + i));
    for (const chat of chats) write(app, 'telegram', chat, 'halo');
    for (let i = 0; i < 40; i++) await newApplication(app, `LU-K-${String(i).padStart(4, '0')}`, { channel: 'telegram', address: chats[i % 20]! });
    for (let i = 0; i < 40; i++) {
      const res = await api(app, 'POST', `/applications/LU-K-${String(i).padStart(4, '0')}/status`, { status: 'diverifikasi', officer: 'budi' });
      expect(res.body.notifications.queued).toBe(1);
    }
    const dbFile = path.join(app.dir, 'adminduk.db');
    const expectedKeys = new Set<string>();
    {
      const db = new Database(dbFile, { readonly: true });
      for (const row of db.prepare("SELECT id, idempotency_key AS key FROM outbox WHERE channel = 'telegram'").all() as { id: number; key: string | null }[]) {
        expectedKeys.add(row.key ?? `outbox:${row.id}`);
      }
      db.close();
    }
    // The greetings' replies are in the same outbox; they must come through exactly once too.
    expect([...expectedKeys].filter((k) => k.startsWith('app:'))).toHaveLength(40);
    await app.close();
    t = undefined;

    // 2. The fake channel: dedupes by idempotency key, as a channel that can dedupe would.
    const attempts = new Map<string, number>();
    const delivered: string[] = [];
    let hold = false;
    let firstRun = true;
    let onHold: () => void = () => {};
    const held = new Promise<void>((resolve) => (onHold = resolve));
    const KILL_AFTER = 55; // past the 40 greeting replies: in the middle of the notifications
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const { key } = JSON.parse(body) as { key: string };
        attempts.set(key, (attempts.get(key) ?? 0) + 1);
        if (attempts.get(key) === 1) delivered.push(key);
        // From the 55th message on, the channel accepts but never answers: the sender is killed
        // between the channel accepting and the outbox row being marked sent.
        if (hold || (firstRun && delivered.length >= KILL_AFTER)) {
          hold = true;
          onHold();
          return;
        }
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ id: `tg-${key}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;

    const spawnSender = (): ChildProcess =>
      spawn(process.execPath, ['--import', 'tsx', path.resolve('test/fixtures/notification-sender.ts')], {
        env: { ...process.env, DB_FILE: dbFile, CHANNEL_URL: url, LEASE_MS: '500' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
    const exited = (child: ChildProcess) => new Promise<void>((resolve) => child.once('exit', () => resolve()));

    try {
      // 3. First sender: killed while a batch is in flight.
      const first = spawnSender();
      await held;
      first.kill('SIGKILL');
      await exited(first);
      server.closeAllConnections();
      hold = false;
      firstRun = false;
      // Accepted by the channel but not marked sent: the window a crash leaves open.
      const sentBeforeRestart = countSent(dbFile);
      const acceptedNotMarked = delivered.length - sentBeforeRestart;
      expect(sentBeforeRestart).toBeLessThan(expectedKeys.size);
      expect(acceptedNotMarked).toBeGreaterThan(0);

      // 4. Restart: it picks up what was pending and, after the lease, what was in flight.
      const second = spawnSender();
      // Waits for the sender by polling the database (at most 300 looks), never by measuring time.
      for (let look = 0; look < 300 && countSent(dbFile) < expectedKeys.size; look++) await new Promise((r) => setTimeout(r, 100));
      second.kill('SIGTERM');
      await exited(second);

      // Every outbox row reached the channel and is marked sent.
      expect(countSent(dbFile)).toBe(expectedKeys.size);
      expect(new Set(delivered)).toEqual(expectedKeys);
      // None twice to the resident: each key was delivered once…
      expect(delivered.length).toBe(expectedKeys.size);
      // …and the only repeated attempts are the rows in flight at the kill, re-sent with the
      // same key after the restart (which is why a channel that can dedupe must be given the key).
      const repeated = [...attempts.entries()].filter(([, n]) => n > 1);
      expect(repeated).toHaveLength(acceptedNotMarked);
      expect(repeated.every(([, n]) => n === 2)).toBe(true);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }, 60_000);
});

function countSent(dbFile: string): number {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare("SELECT COUNT(*) FROM outbox WHERE channel = 'telegram' AND status = 'sent'").pluck().get() as number;
  } finally {
    db.close();
  }
}
