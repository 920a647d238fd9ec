// No resident message left unanswered, no reply lost in silence: messages sent while the bot
// was offline ("append"), LID ↔ phone number, the server's ack of each send (463/479, none),
// reconnect alerts, ignored JIDs, libsignal's console, housekeeping. Through Baileys' own event
// emitter and the real engine, store, outbox and dispatcher; time is a fake clock.
import path from 'node:path';
import makeWASocket, { initAuthCreds, proto } from '@whiskeysockets/baileys';
import libsignal from 'libsignal';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { applicationsFeature } from '../src/applications/feature.js';
import { stableMessageId } from '../src/channels/whatsapp/adapter.js';
import { MapCache } from '../src/channels/whatsapp/cache.js';
import { routeLibsignalConsole } from '../src/channels/whatsapp/console.js';
import { createWhatsAppFeature, shouldSyncHistoryMessage, socketConfig, type WhatsAppFeature } from '../src/channels/whatsapp/feature.js';
import { ignoreJid } from '../src/channels/whatsapp/inbound.js';
import { createLogger } from '../src/log.js';
import { WhatsAppStore } from '../src/store/whatsapp-store.js';
import { createApp } from '../src/app.js';
import { loadCoreConfig } from '../src/config.js';
import { FakeClock, makeTestApp, tempDir, type TestApp } from './helpers.js';
import { FakeSocket, text } from './whatsapp-fakes.js';

const PN = '6281234567890@s.whatsapp.net';
const LID = '123456789012345@lid';
const TOKEN = 'officer-token-123456';
const NIK = '1803015501900002';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function whatsappApp(env: Record<string, string> = {}) {
  const clock = new FakeClock();
  const sockets: FakeSocket[] = [];
  const ackTimeouts: Array<{ fn: () => void; live: boolean }> = [];
  t = await makeTestApp({
    clock,
    env: { WHATSAPP: 'on', ADMIN_TOKEN: TOKEN, ...env },
    features: [
      applicationsFeature,
      createWhatsAppFeature({
        makeSocket: (o) => (sockets.push(new FakeSocket(o)), sockets[sockets.length - 1]!),
        sleep: async (ms) => clock.advance(ms),
        random: () => 0.5,
        print: () => {},
        // Ack timeouts fire only when the test says so.
        ackTimer: (_ms, fn) => {
          const timer = { fn, live: true };
          ackTimeouts.push(timer);
          return () => void (timer.live = false);
        },
      }),
    ],
  });
  const app = t;
  const wa = app.app.features.find((f) => f.name === 'whatsapp') as WhatsAppFeature;
  await wa.start!();
  const socket = () => sockets[sockets.length - 1]!;
  socket().open();
  const deliver = async () => {
    while (await app.ctx.dispatcher.runOnce());
  };
  const chat = async (from: string, body: string, key = {}) => {
    const before = socket().sent.length;
    await socket().receive(text(from, body, key));
    await deliver();
    return socket().sent.slice(before).map((s) => s.text);
  };
  const fireAckTimeouts = () => {
    for (const timer of ackTimeouts.splice(0)) if (timer.live) timer.fn();
  };
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await app.ctx.http.request(`/api/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const outbox = () => app.ctx.db.prepare(`SELECT id, status, attempts, last_error, address FROM outbox ORDER BY id`).all() as Array<{ id: number; status: string; attempts: number; last_error: string | null; address: string }>;
  return { app, clock, sockets, socket, deliver, chat, fireAckTimeouts, api, outbox, service: wa.service! };
}

/** Waits (event loop turns, at most ~5 s) until check() holds; fails the test otherwise. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
}

/** A message as it sits on WhatsApp's server while the bot is offline: sent `hoursAgo` before now. */
function sentBefore(clock: FakeClock, hoursAgo: number, body: string, from = PN) {
  const m = text(from, body);
  m.messageTimestamp = Math.floor((clock.now().getTime() - hoursAgo * 3_600_000) / 1000);
  return m;
}

describe('messages sent while the bot was offline ("append")', () => {
  test('a recent one is answered, once, and marked read; WhatsApp delivering it again changes nothing', async () => {
    const { socket, clock, deliver } = await whatsappApp();
    const m = sentBefore(clock, 2, 'halo');
    await socket().receive(m, 'append');
    await deliver();
    expect(socket().sent.map((s) => s.text).join('\n')).toContain('asisten digital');
    expect(socket().read.map((k) => k.id)).toEqual([m.key.id]);
    const sent = socket().sent.length;
    socket().ev.emit('messages.upsert', { type: 'append', messages: [m] });
    await socket().receive(text(PN, 'menu'));
    await deliver();
    // Only "menu" was answered after that (one menu reply).
    expect(socket().sent.slice(sent)).toHaveLength(1);
  });

  test('an old one is kept for officers, not answered; the resident is told once, in one line, when they write next', async () => {
    const { socket, clock, deliver, service, api } = await whatsappApp();
    const old = sentBefore(clock, 30, 'syarat kk hilang');
    socket().ev.emit('messages.upsert', { type: 'append', messages: [old] });
    await new Promise((resolve) => setImmediate(resolve));
    await deliver();
    expect(socket().sent).toEqual([]);
    expect(socket().read).toEqual([]);
    expect(service.unanswered()).toMatchObject([{ id: old.key.id, jid: PN, kind: 'text', text: 'syarat kk hilang', noticedAt: null }]);
    expect(service.status().unanswered).toBe(1);
    const listed = await api('GET', '/whatsapp/unanswered');
    expect(listed.body.messages[0]).toMatchObject({ text: 'syarat kk hilang', jid: expect.not.stringContaining('1234567') });

    await socket().receive(text(PN, 'halo'));
    await deliver();
    const texts = socket().sent.map((s) => s.text);
    expect(texts[0]).toBe('Maaf, pesan Anda sebelumnya masuk saat layanan kami tidak aktif sehingga belum terjawab; petugas tetap dapat membacanya.');
    expect(texts[1]).toContain('asisten digital');
    expect(service.unanswered()[0]!.noticedAt).not.toBeNull();

    const before = socket().sent.length;
    await socket().receive(text(PN, 'menu'));
    await deliver();
    expect(socket().sent.slice(before).map((s) => s.text).join('\n')).not.toContain('belum terjawab');
  });

  test('the window is configurable: with WHATSAPP_ANSWER_OFFLINE_HOURS=1 a message from 2 hours ago is not answered', async () => {
    const { socket, clock, deliver, service } = await whatsappApp({ WHATSAPP_ANSWER_OFFLINE_HOURS: '1' });
    socket().ev.emit('messages.upsert', { type: 'append', messages: [sentBefore(clock, 2, 'halo')] });
    await new Promise((resolve) => setImmediate(resolve));
    await deliver();
    expect(socket().sent).toEqual([]);
    expect(service.unanswered()).toHaveLength(1);
  });

  test('our own messages from the office phone ("append", fromMe) are never answered nor kept', async () => {
    const { socket, deliver, service } = await whatsappApp();
    socket().ev.emit('messages.upsert', { type: 'append', messages: [text(PN, 'Baik pak', { fromMe: true })] });
    await new Promise((resolve) => setImmediate(resolve));
    await deliver();
    expect(socket().sent).toEqual([]);
    expect(service.unanswered()).toEqual([]);
  });
});

describe('one person, one resident, whichever JID arrives', () => {
  test("a LID-only resident is matched to an officer's phone contact after a mapping event, and the notification goes to the LID", async () => {
    const { chat, socket, deliver, api, app } = await whatsappApp();
    await chat(LID, 'halo');
    // The officer knows only the phone number the applicant gave.
    const created = await api('POST', '/applications', {
      trackingNo: 'LU-261130-AAAAA', service: 'ktp_el_hilang_rusak', applicantName: 'Siti Aminah', nik: NIK, officer: 'budi', contact: { channel: 'whatsapp', address: '0812-3456-7890' },
    });
    expect(created.status).toBe(201);
    // WhatsApp tells Baileys who the LID is.
    socket().ev.emit('lid-mapping.update', { lid: LID, pn: PN });
    const changed = await api('POST', '/applications/LU-261130-AAAAA/status', { status: 'diverifikasi', officer: 'budi' });
    expect(changed.body.notifications).toMatchObject({ queued: 1 });
    const before = socket().sent.length;
    await deliver();
    const sent = socket().sent.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ jid: LID, text: expect.stringContaining('LU-261130-AAAAA') });
    expect(app.ctx.db.prepare(`SELECT address, alt_address FROM residents`).all()).toEqual([{ address: LID, alt_address: PN }]);
  });

  test("contacts.upsert with both JIDs links them too; Baileys' own LID store links a resident who writes later", async () => {
    const { chat, socket, app } = await whatsappApp();
    await chat(LID, 'halo');
    socket().ev.emit('contacts.upsert', [{ id: LID, phoneNumber: PN, notify: 'Siti' }]);
    expect(app.ctx.db.prepare(`SELECT alt_address FROM residents WHERE address = ?`).pluck().get(LID)).toBe(PN);
    // Baileys stored a mapping (lid-mapping keys, through our auth state) for someone new.
    const store = new WhatsAppStore(app.ctx.db);
    store.setKeys({ 'lid-mapping': { '6285555555555': '999888777666555', '999888777666555_reverse': '6285555555555' } } as never);
    await chat('999888777666555@lid', 'halo');
    expect(app.ctx.db.prepare(`SELECT alt_address FROM residents WHERE address = ?`).pluck().get('999888777666555@lid')).toBe('6285555555555@s.whatsapp.net');
    // A mapping Baileys stores for a resident already known (the history sync stores them without any event).
    await chat('111222333444555@lid', 'halo');
    store.setKeys({ 'lid-mapping': { '6286666666666': '111222333444555', '111222333444555_reverse': '6286666666666' } } as never);
    expect(app.ctx.db.prepare(`SELECT alt_address FROM residents WHERE address = ?`).pluck().get('111222333444555@lid')).toBe('6286666666666@s.whatsapp.net');
  });
});

test('mappings stored before this version are applied to residents at start-up', async () => {
  const dir = tempDir();
  const before = await makeTestApp({ dir, features: [] });
  before.ctx.store.upsertResident('whatsapp', LID, undefined, 'id', before.clock.now());
  before.ctx.store.upsertResident('whatsapp', '6285555555555@s.whatsapp.net', undefined, 'id', before.clock.now());
  const put = before.ctx.db.prepare(`INSERT INTO whatsapp_keys (type, id, value) VALUES ('lid-mapping', ?, ?)`);
  for (const [id, value] of [['6281234567890', '123456789012345'], ['123456789012345_reverse', '6281234567890'], ['6285555555555', '999888777666555']]) put.run(id, JSON.stringify(value));
  await before.close();
  t = await makeTestApp({ dir, env: { WHATSAPP: 'on' }, features: [createWhatsAppFeature({ makeSocket: (o) => new FakeSocket(o), print: () => {} })] });
  await t.app.features.find((f) => f.name === 'whatsapp')!.start!();
  expect(t.ctx.db.prepare(`SELECT address, alt_address FROM residents ORDER BY id`).all()).toEqual([
    { address: LID, alt_address: PN },
    { address: '6285555555555@s.whatsapp.net', alt_address: '999888777666555@lid' },
  ]);
});

describe('a send counts only when the server acknowledges it', () => {
  test('ack error 463 on the phone JID: sent again to the LID under the same message id, then delivered', async () => {
    const { chat, socket, deliver, outbox, app } = await whatsappApp();
    await chat(PN, 'halo');
    socket().lidForPn.set(PN, LID);
    socket().serverAnswers.push('463');
    app.ctx.engine.handleNow({ id: 'm2', channel: 'whatsapp', address: PN, input: { type: 'text', text: 'menu' } });
    const before = socket().sent.length;
    await deliver();
    const attempts = socket().sent.slice(before);
    expect(attempts.map((s) => s.jid)).toEqual([PN, LID]);
    expect(attempts[0]!.id).toBe(attempts[1]!.id);
    expect(outbox().at(-1)).toMatchObject({ status: 'sent', attempts: 1 });
    // From now on replies go to the LID straight away.
    const next = socket().sent.length;
    await chat(PN, '0');
    expect(socket().sent.slice(next).map((s) => s.jid)).toEqual([LID]);
  });

  test('a refusal with no other address fails the row for good, with the reason, shown to officers and counted', async () => {
    const { chat, socket, deliver, outbox, api, service } = await whatsappApp();
    await chat(PN, 'halo');
    await api('POST', '/applications', {
      trackingNo: 'LU-261130-BBBBB', service: 'ktp_el_hilang_rusak', applicantName: 'Siti Aminah', nik: NIK, officer: 'budi', contact: { channel: 'whatsapp', address: PN },
    });
    socket().serverAnswers.push('463');
    await api('POST', '/applications/LU-261130-BBBBB/status', { status: 'diverifikasi', officer: 'budi' });
    const before = socket().sent.length;
    await deliver();
    // Sent once, refused, not retried (retrying counts as another reach-out).
    expect(socket().sent.slice(before)).toHaveLength(1);
    expect(outbox().at(-1)).toMatchObject({ status: 'failed', attempts: 1, last_error: expect.stringMatching(/^WhatsApp 463: refused by the server/) });
    const failed = await api('GET', '/notifications/failed');
    expect(JSON.stringify(failed.body)).toContain('WhatsApp 463');
    expect(service.status().sendFailures).toEqual({ failed: { rejected_463: 1 }, attemptsSinceStart: { rejected_463: 1 } });
    expect((await api('GET', '/whatsapp')).body.sendFailures.failed).toEqual({ rejected_463: 1 });
  });

  test('no ack in time: the row is not marked sent; it goes out again later under the same id', async () => {
    const { socket, deliver, outbox, app, fireAckTimeouts, clock } = await whatsappApp();
    await socket().receive(text(PN, 'halo'));
    socket().serverAnswers.push('none');
    const round = app.ctx.dispatcher.runOnce();
    await new Promise((resolve) => setImmediate(resolve));
    fireAckTimeouts();
    await round;
    expect(outbox()[0]).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('WhatsApp timeout') });
    clock.advance(60_000);
    await deliver();
    expect(outbox().every((r) => r.status === 'sent')).toBe(true);
    const first = socket().sent.filter((s) => s.text.includes('asisten digital'));
    expect(first.map((s) => s.id)).toEqual([first[0]!.id, first[0]!.id]);
  });

  test('the socket restarts mid-batch: every reply is acknowledged exactly once, none lost', async () => {
    const { sockets, socket, deliver, outbox, app, service } = await whatsappApp();
    const residents = ['6281111111111', '6282222222222', '6283333333333'].map((n) => `${n}@s.whatsapp.net`);
    for (const r of residents) await socket().receive(text(r, 'halo'));
    const rows = outbox().length;
    // The first socket sends one reply, then the next ones get no ack before it drops.
    socket().serverAnswers.push('ok', 'none', 'none');
    const first = socket();
    const round = app.ctx.dispatcher.runOnce();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    first.close(428);
    await round;
    service.reconnect();
    expect(sockets).toHaveLength(2);
    socket().open();
    await deliver();
    expect(outbox().every((r) => r.status === 'sent')).toBe(true);
    // Each row acked once: the ids the server acknowledged are exactly the rows' ids.
    const acked = new Map<string, number>();
    for (const s of sockets) for (const sent of s.sent) acked.set(sent.id, (acked.get(sent.id) ?? 0) + 1);
    const ids = (app.ctx.db.prepare('SELECT id, created_at FROM outbox ORDER BY id').all() as Array<{ id: number; created_at: string }>).map((r) => stableMessageId({ outboxId: r.id, createdAt: r.created_at }));
    expect(new Set(acked.keys())).toEqual(new Set(ids));
    expect(ids).toHaveLength(rows);
    // Re-sent (same id) only the two the first socket never got acknowledged; the acknowledged one not again.
    expect(first.sent).toHaveLength(3);
    expect(sockets[1]!.sent).toHaveLength(rows - 1);
    expect(sockets[1]!.sent.map((x) => x.id)).not.toContain(first.sent[0]!.id);
    expect(sockets[1]!.sent.map((x) => x.id)).toEqual(expect.arrayContaining([first.sent[1]!.id, first.sent[2]!.id]));
    // Each resident got greeting then menu, in order.
    for (const r of residents) {
      const got = sockets.flatMap((x) => x.sent).filter((x) => x.jid === r).map((x) => x.text);
      expect(got.at(-2)).toContain('asisten digital');
      expect(got.at(-1)).toContain('1. Syarat dokumen');
    }
  });

  test("while WhatsApp restricts the number, a notification to someone who has not written for a day is refused at once; recent chats still work", async () => {
    const { chat, socket, clock, app, outbox, deliver } = await whatsappApp();
    await chat('6287777777777@s.whatsapp.net', 'halo');
    clock.advance(2 * 24 * 3_600_000);
    await chat(PN, 'halo');
    socket().ev.emit('connection.update', { reachoutTimeLock: { isActive: true, timeEnforcementEnds: new Date(clock.now().getTime() + 3_600_000), enforcementType: 'DEFAULT' as never } });
    const quiet = app.ctx.store.findResident('whatsapp', '6287777777777@s.whatsapp.net')!;
    const id = app.ctx.store.enqueue({ residentId: quiet.id, channel: 'whatsapp', address: quiet.address, reply: { text: 'Permohonan Anda selesai' }, kind: 'notification' }, clock.now())!;
    const before = socket().sent.length;
    await deliver();
    expect(socket().sent.slice(before)).toEqual([]);
    expect(outbox().find((r) => r.id === id)).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/^WhatsApp restricted/) });
    expect(app.ctx.db.prepare(`SELECT action FROM audit_log WHERE action = 'whatsapp.restricted'`).pluck().all()).toHaveLength(1);
    expect((await chat(PN, 'menu')).join('\n')).toContain('1. Syarat dokumen');
  });

  test('the cap on messages to new chats (message-capping.update CAPPED) is respected the same way and shown to officers', async () => {
    const { chat, socket, clock, app, outbox, deliver, service } = await whatsappApp();
    await chat('6287777777777@s.whatsapp.net', 'halo');
    clock.advance(3 * 24 * 3_600_000);
    socket().ev.emit('message-capping.update', { capping_status: 'CAPPED' as never, used_quota: 250, total_quota: 250, cycle_end_timestamp: String(Math.floor(clock.now().getTime() / 1000) + 86_400) });
    expect(service.status().newChatLimit).toMatchObject({ status: 'CAPPED', capped: true, used: 250, total: 250 });
    const quiet = app.ctx.store.findResident('whatsapp', '6287777777777@s.whatsapp.net')!;
    const id = app.ctx.store.enqueue({ residentId: quiet.id, channel: 'whatsapp', address: quiet.address, reply: { text: 'Balasan petugas' } }, clock.now())!;
    await deliver();
    expect(outbox().find((r) => r.id === id)).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/^WhatsApp restricted/) });
    expect(service.status().sendFailures.failed).toEqual({ restricted: 1 });
  });
});

describe('the link, for officers', () => {
  test('after 5 failed reconnects of any code: an alert (log, audit, status); cleared when the link is back', async () => {
    const lines: string[] = [];
    const clock = new FakeClock();
    const sockets: FakeSocket[] = [];
    const env = { DATA_DIR: tempDir(), CONTENT_DIR: path.resolve('flows'), WHATSAPP: 'on' };
    const app = createApp(loadCoreConfig(env), {
      clock,
      env,
      log: createLogger('info', { write: (l: string) => void lines.push(l) }),
      features: [createWhatsAppFeature({ makeSocket: (o) => (sockets.push(new FakeSocket(o)), sockets[sockets.length - 1]!), print: () => {} })],
    });
    t = { app, ctx: app.ctx, close: () => app.close() } as TestApp;
    const wa = app.features.find((f) => f.name === 'whatsapp') as WhatsAppFeature;
    await wa.start!();
    for (const code of [403, 411, 500, 503]) {
      sockets.at(-1)!.close(code);
      wa.service!.reconnect();
    }
    expect(wa.service!.status()).toMatchObject({ failedReconnects: 4 });
    expect(wa.service!.status().alert).toBeUndefined();
    sockets.at(-1)!.close(500);
    const status = wa.service!.status();
    expect(status.failedReconnects).toBe(5);
    expect(status.alert?.message).toContain('keeps disconnecting (5 times in a row');
    expect(lines.filter((l) => l.includes('"alert":true') && l.includes('keeps disconnecting'))).toHaveLength(1);
    expect(app.ctx.db.prepare(`SELECT action FROM audit_log ORDER BY id`).pluck().all()).toEqual(['whatsapp.reconnect_failing']);
    wa.service!.reconnect();
    sockets.at(-1)!.open();
    expect(wa.service!.status()).toMatchObject({ state: 'open', failedReconnects: 0 });
    expect(wa.service!.status().alert).toBeUndefined();
    expect(app.ctx.db.prepare(`SELECT action FROM audit_log ORDER BY id`).pluck().all()).toEqual(['whatsapp.reconnect_failing', 'whatsapp.reconnected']);
  });
});

describe('what Baileys is told', () => {
  test.each([
    ['120363025246125888@g.us', true],
    ['status@broadcast', true],
    ['1234567890@broadcast', true],
    ['120363040000000000@newsletter', true],
    [PN, false],
    [LID, false],
  ])('shouldIgnoreJid(%s) = %s: groups, status, broadcast lists and newsletters are dropped before decryption', (jid, ignored) => {
    expect(ignoreJid(jid)).toBe(ignored);
  });

  test('the socket gets shouldIgnoreJid, and syncs the history that carries LID mappings but not the full history', () => {
    const config = socketConfig({ shouldIgnoreJid: ignoreJid } as never);
    expect(config.shouldIgnoreJid).toBe(ignoreJid);
    expect(config.syncFullHistory).toBe(false);
    const T = proto.Message.HistorySyncType;
    expect(shouldSyncHistoryMessage({ syncType: T.INITIAL_BOOTSTRAP })).toBe(true);
    expect(shouldSyncHistoryMessage({ syncType: T.RECENT })).toBe(true);
    expect(shouldSyncHistoryMessage({ syncType: T.PUSH_NAME })).toBe(true);
    expect(shouldSyncHistoryMessage({ syncType: T.FULL })).toBe(false);
    expect(shouldSyncHistoryMessage({ syncType: T.ON_DEMAND })).toBe(false);
  });

  test("through Baileys' own socket: group, status and newsletter messages are refused unread (no decryption, no processing); a resident's message is processed", async () => {
    const lines: string[] = [];
    const logger = createLogger('trace', { write: (l: string) => void lines.push(l) });
    const creds = initAuthCreds();
    creds.me = { id: '6289999999999:1@s.whatsapp.net', lid: '99999999999999:1@lid' };
    const keys: Record<string, Record<string, unknown>> = {};
    const sock = makeWASocket({
      ...socketConfig({
        auth: { creds, keys: { get: async (type: string, ids: string[]) => Object.fromEntries(ids.flatMap((i) => (keys[type]?.[i] ? [[i, keys[type]![i]]] : []))), set: async () => undefined } as never },
        logger,
        getMessage: async () => undefined,
        msgRetryCounterCache: new MapCache(),
        shouldIgnoreJid: ignoreJid,
      }),
      // Nothing listens there: the socket never reaches WhatsApp; frames it sends are only logged.
      waWebSocketUrl: 'ws://127.0.0.1:9',
    } as never);
    (sock.ws as unknown as { socket: unknown }).socket = { readyState: 1, send: (_d: unknown, cb?: () => void) => cb?.(), close() {}, removeAllListeners() {}, terminate() {} };
    let decrypts = 0;
    const repo = sock.signalRepository as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const m of ['decryptMessage', 'decryptGroupMessage']) {
      const original = repo[m]!.bind(repo);
      repo[m] = (...a: unknown[]) => (decrypts++, original(...a));
    }
    const node = (from: string, participant?: string) => ({
      tag: 'message',
      attrs: { from, id: `3A${Math.random().toString(16).slice(2, 14).toUpperCase()}`, type: 'text', t: '1800000000', ...(participant ? { participant } : {}) },
      content: [{ tag: 'enc', attrs: { v: '2', type: participant ? 'skmsg' : 'msg' }, content: Buffer.alloc(40, 1) }],
    });
    const xmlSent = () => lines.map((l) => JSON.parse(l) as { msg?: string; xml?: string }).filter((l) => l.msg === 'xml send').map((l) => l.xml!);
    try {
      for (const from of ['120363025246125888@g.us', 'status@broadcast', '120363040000000000@newsletter']) sock.ws.emit('CB:message', node(from, PN));
      await until(() => xmlSent().length >= 3);
      // Each one answered at once with a refusal ack, and nothing else happened.
      expect(xmlSent()).toHaveLength(3);
      for (const xml of xmlSent()) expect(xml).toMatch(/^<ack [^>]*class='message'[^>]*error='500'/);
      expect(decrypts).toBe(0);
      // A resident's message, by contrast, goes into processing (here: Baileys first asks WhatsApp for the sender's LID).
      sock.ws.emit('CB:message', node(PN));
      await until(() => xmlSent().some((x) => x.includes("xmlns='usync'")));
      expect(xmlSent().slice(0, 3).every((x) => x.startsWith('<ack'))).toBe(true);
    } finally {
      sock.end(undefined);
    }
  });

  test("libsignal's console output (session objects, key buffers) goes through the masking logger, not stdout", () => {
    const lines: string[] = [];
    const log = createLogger('debug', { write: (l: string) => void lines.push(l) });
    const spy = vi.spyOn(process.stdout, 'write');
    const restore = routeLibsignalConsole(log);
    try {
      const record = new libsignal.SessionRecord() as unknown as { closeSession(s: unknown): void };
      const session = { indexInfo: { closed: 1, baseKey: Buffer.from('secret-key-bytes') }, currentRatchet: { rootKey: Buffer.alloc(32, 7) } };
      record.closeSession(session);
      console.info('our own line');
    } finally {
      restore();
      spy.mockRestore();
    }
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ module: 'libsignal', msg: 'Session already closed [object]' });
    expect(lines[0]).not.toContain('secret');
    expect(spy.mock.calls.map((c) => String(c[0])).join('')).not.toContain('Session already closed');
  });

  test('housekeeping prunes the sent-message cache, old file references and old unanswered messages', async () => {
    const { app, clock, service } = await whatsappApp();
    const store = new WhatsAppStore(app.ctx.db);
    const msg = { key: { id: 'X', remoteJid: PN, fromMe: true }, message: { conversation: 'x' } };
    store.saveMessage({ id: 'OUT-OLD', jid: PN, direction: 'out', kind: 'text', message: msg }, new Date(clock.now().getTime() - 8 * 86_400_000));
    store.saveMessage({ id: 'OUT-NEW', jid: PN, direction: 'out', kind: 'text', message: msg }, clock.now());
    store.saveMessage({ id: 'IN-OLD', jid: PN, direction: 'in', kind: 'photo', message: msg }, new Date(clock.now().getTime() - 91 * 86_400_000));
    store.saveMessage({ id: 'IN-NEW', jid: PN, direction: 'in', kind: 'photo', message: msg }, new Date(clock.now().getTime() - 10 * 86_400_000));
    const at = (days: number) => new Date(clock.now().getTime() - days * 86_400_000).toISOString();
    store.saveUnanswered({ id: 'U-OLD', jid: PN, altJid: null, kind: 'text', text: 'lama', sentAt: at(32), receivedAt: at(31), message: msg });
    store.saveUnanswered({ id: 'U-NEW', jid: PN, altJid: null, kind: 'text', text: 'baru', sentAt: at(3), receivedAt: at(2), message: msg });
    (app.app.features.find((f) => f.name === 'whatsapp') as WhatsAppFeature).housekeeping!(clock.now());
    expect(store.getStoredMessage('OUT-OLD')).toBeUndefined();
    expect(store.getStoredMessage('OUT-NEW')).toBeDefined();
    expect(store.getStoredMessage('IN-OLD')).toBeUndefined();
    expect(store.getStoredMessage('IN-NEW')).toBeDefined();
    expect(service.unanswered().map((m) => m.id)).toEqual(['U-NEW']);
  });
});

