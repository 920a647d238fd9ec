// Residents chatting over WhatsApp, through the real engine, store and outbox, with a
// socket that records instead of sending. Pacing runs on a fake clock.
import { afterEach, describe, expect, test } from 'vitest';
import { AckTracker } from '../src/channels/whatsapp/acks.js';
import { stableMessageId, WhatsAppSender } from '../src/channels/whatsapp/adapter.js';
import { createWhatsAppFeature } from '../src/channels/whatsapp/feature.js';
import { RecipientQueues } from '../src/channels/whatsapp/pacing.js';
import type { OutboundMessage } from '../src/core/dispatcher.js';
import { WhatsAppStore } from '../src/store/whatsapp-store.js';
import { bookingFeature } from '../src/booking/feature.js';
import { bookingOf, FakeClock, makeTestApp, type TestApp } from './helpers.js';
import { openWhatsAppApp } from './whatsapp-app.js';
import { FakeSocket, incoming, silentLog, text } from './whatsapp-fakes.js';

const PN = '6281234567890@s.whatsapp.net';
const LID = '123456789012345@lid';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function whatsappApp(env: Record<string, string> = {}) {
  const clock = new FakeClock();
  const sockets: FakeSocket[] = [];
  const pauses: number[] = [];
  let r = 0;
  const randoms = [0, 0.5, 1, 0.25, 0.75];
  t = await makeTestApp({
    clock,
    env: { WHATSAPP: 'on', ...env },
    features: [
      createWhatsAppFeature({
        makeSocket: (o) => (sockets.push(new FakeSocket(o)), sockets[sockets.length - 1]!),
        // The pause is spent on the fake clock: no real waiting in tests.
        sleep: async (ms) => {
          pauses.push(ms);
          clock.advance(ms);
        },
        random: () => randoms[r++ % randoms.length]!,
        print: () => {},
      }),
    ],
  });
  const app = t;
  // Only our feature: the dispatcher is driven by hand, round by round.
  await app.app.features.find((f) => f.name === 'whatsapp')!.start!();
  const socket = sockets[0]!;
  socket.open();
  const deliver = async () => {
    while (await app.ctx.dispatcher.runOnce());
  };
  /** A resident writes; resolves with what the bot sent back (to whichever of their JIDs). */
  const chat = async (from: string, body: string, key = {}) => {
    const before = socket.sent.length;
    await socket.receive(text(from, body, key));
    await deliver();
    return socket.sent.slice(before).map((s) => s.text);
  };
  return { app, clock, socket, sockets, pauses, deliver, chat };
}

describe('a requirements conversation over WhatsApp', () => {
  test('choices come as numbered lists and numbers answer them, start to finish', async () => {
    const { chat, socket, pauses } = await whatsappApp();

    const hello = await chat(PN, 'halo');
    expect(hello[0]).toContain('asisten digital');
    expect(hello[1]).toContain('1. Syarat dokumen');
    expect(hello[1]).toContain('Balas dengan angka 1–6. 0 = menu');

    const categories = (await chat(PN, '1')).join('\n');
    expect(categories).toContain('Dokumen apa yang ingin Anda urus?');
    expect(categories).toMatch(/1\. KTP-el\n2\. Kartu Keluarga/);

    expect((await chat(PN, '1')).join('\n')).toMatch(/1\. KTP-el baru\n2\. KTP-el hilang\/rusak/);
    const service = (await chat(PN, '1')).join('\n');
    expect(service).toContain('Dokumen yang dibawa');
    expect(service).toContain('1. Cek kelengkapan');

    expect((await chat(PN, '1')).join('\n')).toContain('(1/2) Apakah Anda sudah punya');
    expect((await chat(PN, '2')).join('\n')).toContain('(2/2)');
    const summary = (await chat(PN, '1')).join('\n');
    expect(summary).toContain('Fotokopi Kartu Keluarga'); // the one they said they lack
    expect(summary).not.toContain('Lengkap!');
    // KTP-el baru's result offers the urgent recording too.
    expect(summary).toContain('3. Booking rekam (darurat)');

    // Out of range, then 0 for the menu.
    expect((await chat(PN, '9')).join('\n')).toContain('angka 1 sampai 5');
    expect((await chat(PN, '0')).join('\n')).toContain('1. Syarat dokumen');

    // Every message read, "typing…" before every reply, each after a 1–3 s pause.
    expect(socket.read).toHaveLength(9);
    const sends = socket.calls.filter((c) => c.startsWith('send:')).length;
    expect(socket.presence.filter((p) => p.type === 'composing')).toHaveLength(sends);
    expect(pauses).toHaveLength(sends);
    for (const ms of pauses) expect(ms >= 1000 && ms <= 3000).toBe(true);
    for (let i = 0; i < socket.calls.length; i++) {
      if (socket.calls[i]!.startsWith('send:')) expect(socket.calls[i - 1]).toBe(`presence:composing:${PN}`);
    }
  });

  test('every sent message can be served to getMessage (no "Waiting for this message")', async () => {
    const { chat, socket } = await whatsappApp();
    await chat(PN, 'halo');
    const last = socket.sent[socket.sent.length - 1]!;
    const content = await socket.options!.getMessage({ id: last.id, remoteJid: PN, fromMe: true });
    expect(content?.conversation).toBe(last.text);
  });

  test('an English-speaking resident gets the hint in English', async () => {
    const { chat } = await whatsappApp();
    await chat(PN, 'halo');
    const english = (await chat(PN, 'english')).join('\n');
    expect(english).toContain('Reply with a number 1–');
  });
});

describe('who is who', () => {
  test('a resident known by phone JID who now writes from a LID stays the same resident', async () => {
    const { chat, app, socket } = await whatsappApp();
    await chat(PN, 'halo');
    await chat(PN, '1');
    // WhatsApp moves the chat to a LID and tells us the phone JID it belongs to.
    const reply = await chat(LID, '2', { remoteJidAlt: PN });
    const residents = app.ctx.db.prepare(`SELECT address, alt_address FROM residents WHERE channel = 'whatsapp'`).all();
    expect(residents).toEqual([{ address: PN, alt_address: LID }]);
    // The conversation continued: "2" picked the second category (KK), not a fresh start.
    expect(reply.join('\n')).not.toContain('asisten digital');
    expect(reply.join('\n')).toContain('Pilih layanan:');
    // Later the LID alone is enough. Replies now go to the LID, the address WhatsApp accepts.
    const before = socket.sent.length;
    const again = await chat(LID, 'menu');
    expect(again.join('\n')).toContain('1. Syarat dokumen');
    expect(new Set(socket.sent.slice(before).map((s) => s.jid))).toEqual(new Set([LID]));
    expect(app.ctx.db.prepare(`SELECT COUNT(*) FROM residents WHERE channel = 'whatsapp'`).pluck().get()).toBe(1);
  });

  test('a LID-only resident is answered on the LID', async () => {
    const { chat, app, socket } = await whatsappApp();
    expect((await chat(LID, 'halo')).length).toBeGreaterThan(0);
    expect(new Set(socket.sent.map((s) => s.jid))).toEqual(new Set([LID]));
    expect(app.ctx.db.prepare(`SELECT address FROM residents`).pluck().all()).toEqual([LID]);
  });
});

describe('what is not answered, or answered once', () => {
  test('our own, group and status messages get no reply; a duplicate gets none either', async () => {
    const { socket, deliver, app } = await whatsappApp();
    const first = text(PN, 'halo');
    await socket.receive(first);
    await deliver();
    const afterFirst = socket.sent.length;
    expect(afterFirst).toBeGreaterThan(0);

    const next = text(PN, 'menu');
    const done = new Promise<void>((resolve) => {
      const check = () => (socket.read.some((k) => k.id === next.key.id) ? resolve() : setTimeout(check, 1));
      check();
    });
    socket.ev.emit('messages.upsert', {
      type: 'notify',
      messages: [
        first, // WhatsApp delivered it again
        text(PN, 'halo', { fromMe: true }),
        text('120363025246125888@g.us', 'halo semua', { participant: PN }),
        text('status@broadcast', 'story', { participant: PN }),
        next,
      ],
    });
    await done;
    await deliver();
    // Only "menu" was answered: one menu reply.
    expect(socket.sent.slice(afterFirst).map((s) => s.jid)).toEqual([PN]);
    expect(socket.read.map((k) => k.id)).toEqual([first.key.id, next.key.id]);
    expect(app.ctx.db.prepare(`SELECT COUNT(*) FROM residents`).pluck().get()).toBe(1);
  });
});

describe('media', () => {
  test('a photo is acknowledged and kept by reference; a voice note gets a polite "text please"', async () => {
    const { socket, deliver, app } = await whatsappApp();
    await socket.receive(text(PN, 'halo'));
    await deliver();
    const photo = incoming(PN, { imageMessage: { caption: 'foto KK saya', mimetype: 'image/jpeg', directPath: '/v/t62/abc', mediaKey: Buffer.from('k') } });
    let before = socket.sent.length;
    await socket.receive(photo);
    await deliver();
    expect(socket.sent.slice(before)[0]!.text).toContain('berkas Anda sudah kami terima');
    const kept = new WhatsAppStore(app.ctx.db).getStoredMessage(photo.key.id!);
    expect(kept?.kind).toBe('photo');
    expect(kept?.message.message?.imageMessage?.directPath).toBe('/v/t62/abc');

    before = socket.sent.length;
    await socket.receive(incoming(PN, { audioMessage: { ptt: true, seconds: 4 } }));
    await deliver();
    expect(socket.sent.slice(before)[0]!.text).toContain('hanya bisa membaca pesan teks');
  });
});

describe('delivery rules', () => {
  test('no cold messages: a resident who never wrote gets nothing, and the row fails for good', async () => {
    const { app, socket } = await whatsappApp();
    const now = app.clock.now().toISOString();
    const { id } = app.ctx.db
      .prepare(`INSERT INTO residents (channel, address, lang, created_at) VALUES ('whatsapp', ?, 'id', ?) RETURNING id`)
      .get('6289999999999@s.whatsapp.net', now) as { id: number };
    const outboxId = app.ctx.store.enqueue({ residentId: id, channel: 'whatsapp', address: '6289999999999@s.whatsapp.net', reply: { text: 'Permohonan Anda selesai' }, kind: 'notification' }, app.clock.now())!;
    await app.ctx.dispatcher.runOnce();
    expect(socket.sent).toEqual([]);
    expect(app.ctx.store.getOutbox(outboxId)).toMatchObject({ status: 'failed', last_error: expect.stringContaining('no cold messages') });
  });

  test('while disconnected, replies wait for the link instead of failing, and go out once it is back', async () => {
    const token = 'officer-token-123456';
    const { socket, sockets, app, chat } = await whatsappApp({ ADMIN_TOKEN: token });
    await chat(PN, 'halo');
    socket.close(428);
    app.ctx.engine.handleNow({ id: 'late-1', channel: 'whatsapp', address: PN, input: { type: 'text', text: 'menu' } });
    for (let i = 0; i < 3; i++) {
      if (i) app.clock.advance(10 * 60_000);
      await app.ctx.dispatcher.runOnce();
    }
    const waiting = () => app.ctx.db.prepare(`SELECT status, attempts, last_error, next_attempt_at FROM outbox WHERE status != 'sent'`).all() as Array<Record<string, unknown>>;
    expect(waiting()).toMatchObject([{ status: 'pending', attempts: 3, last_error: 'WhatsApp is not connected' }]);
    // Waits grow (30 s, 1 min, 2 min…), so an outage does not use up the retries in minutes.
    expect(Date.parse(waiting()[0]!.next_attempt_at as string) - app.clock.now().getTime()).toBeGreaterThan(60_000);

    // An officer skips the backoff wait; the link opens; the held reply goes out at once.
    await app.ctx.http.request('/api/admin/whatsapp/reconnect', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(sockets).toHaveLength(2);
    sockets[1]!.open();
    await app.ctx.dispatcher.runOnce();
    expect(waiting()).toEqual([]);
    expect(sockets[1]!.sent.map((s) => s.text).join('\n')).toContain('1. Syarat dokumen');
  });

  test('a failed send is retried later, not lost', async () => {
    const { socket, app, deliver } = await whatsappApp();
    socket.failNextSend = new Error('socket hiccup');
    await socket.receive(text(PN, 'halo'));
    await app.ctx.dispatcher.runOnce();
    const row = app.ctx.db.prepare(`SELECT status, last_error FROM outbox ORDER BY id LIMIT 1`).get() as { status: string; last_error: string };
    expect(row).toEqual({ status: 'pending', last_error: 'WhatsApp send failed: socket hiccup' });
    app.clock.advance(60_000);
    await deliver();
    expect(socket.sent.filter((s) => s.text.includes('asisten digital'))).toHaveLength(1);
  });

  test('every attempt of one outbox row carries the same WhatsApp message id, so a repeat after a crash is not shown twice', async () => {
    const { socket, app } = await whatsappApp();
    await socket.receive(text(PN, 'halo'));
    const rows = app.ctx.db.prepare(`SELECT id, created_at FROM outbox ORDER BY id`).all() as Array<{ id: number; created_at: string }>;
    const ids = rows.map((r) => stableMessageId({ outboxId: r.id, createdAt: r.created_at }));
    expect(new Set(ids).size).toBe(rows.length);
    expect(ids[0]).toMatch(/^3EB0[0-9A-F]{36}$/);
    // A process that died after WhatsApp took the message: the row is leased again and re-sent.
    await app.ctx.dispatcher.runOnce();
    app.ctx.db.prepare(`UPDATE outbox SET status = 'pending', next_attempt_at = created_at WHERE id = ?`).run(rows[0]!.id);
    await app.ctx.dispatcher.runOnce();
    const first = socket.sent.filter((s) => s.text.includes('asisten digital'));
    expect(first).toHaveLength(2);
    expect(first.map((s) => s.id)).toEqual([ids[0], ids[0]]);
  });
});

describe('pacing', () => {
  test('per number: in order, each after a 1–3 s pause; other numbers are not held up', async () => {
    const clock = new FakeClock();
    const socket = new FakeSocket();
    const pauses: number[] = [];
    const timeline: string[] = [];
    let r = 0;
    const randoms = [0.9, 0.1, 0.5, 1, 0, 0.3];
    const queues = new RecipientQueues({
      minDelayMs: 1000,
      maxDelayMs: 3000,
      maxParallel: 4,
      random: () => randoms[r++ % randoms.length]!,
      // Let the event loop interleave the queues while the fake clock moves.
      sleep: async (ms) => {
        pauses.push(ms);
        await new Promise((resolve) => setImmediate(resolve));
        clock.advance(ms);
      },
    });
    const core = {
      getResident: (id: number) => ({ id, lang: 'id', last_inbound_at: '2026-11-30T01:00:00.000Z' }),
    } as unknown as ConstructorParameters<typeof WhatsAppSender>[0]['core'];
    const store = { saveMessage: () => undefined, mappedJid: () => undefined } as unknown as WhatsAppStore;
    const acks = new AckTracker(30_000, () => () => undefined);
    acks.attach(socket);
    const sender = new WhatsAppSender({ core, store, texts: {}, clock, log: silentLog, queues, acks, port: () => socket });
    const original = socket.sendMessage.bind(socket);
    socket.sendMessage = async (jid, content, options) => {
      timeline.push(`${jid}:${'text' in content ? content.text : ''}@${clock.now().getTime()}`);
      return original(jid, content, options);
    };
    const msg = (residentId: number, address: string, body: string): OutboundMessage => ({
      outboxId: 0, residentId, channel: 'whatsapp', address, reply: { text: body }, kind: 'reply', idempotencyKey: null, createdAt: '2026-11-30T01:00:00.000Z', attempt: 1,
    });
    const A = '628111111111@s.whatsapp.net';
    const B = '628222222222@s.whatsapp.net';
    await Promise.all([
      sender.send(msg(1, A, 'a1')),
      sender.send(msg(1, A, 'a2')),
      sender.send(msg(2, B, 'b1')),
      sender.send(msg(1, A, 'a3')),
      sender.send(msg(2, B, 'b2')),
    ]);
    expect(pauses).toHaveLength(5);
    for (const ms of pauses) {
      expect(ms).toBeGreaterThanOrEqual(1000);
      expect(ms).toBeLessThanOrEqual(3000);
    }
    const order = (jid: string) => socket.sent.filter((s) => s.jid === jid).map((s) => s.text);
    expect(order(A)).toEqual(['a1', 'a2', 'a3']);
    expect(order(B)).toEqual(['b1', 'b2']);
    // B's first message did not wait for all of A's.
    expect(socket.sent.findIndex((s) => s.text === 'b1')).toBeLessThan(socket.sent.findIndex((s) => s.text === 'a3'));
    // Consecutive messages to one number are at least the minimum pause apart.
    const times = (jid: string) => timeline.filter((l) => l.startsWith(jid)).map((l) => Number(l.split('@').pop()));
    for (const jid of [A, B]) {
      const ts = times(jid);
      for (let i = 1; i < ts.length; i++) expect(ts[i]! - ts[i - 1]!).toBeGreaterThanOrEqual(1000);
    }
    expect(queues.busyRecipients).toBe(0);
  });
});

test('a broadcast trickles out: never more than the allowed recipients at once', async () => {
  let peak = 0;
  const queues: RecipientQueues = new RecipientQueues({
    minDelayMs: 1000,
    maxDelayMs: 3000,
    maxParallel: 3,
    random: () => 0.5,
    sleep: async () => {
      peak = Math.max(peak, queues.inFlight);
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
  const done: string[] = [];
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      queues.run(`62812000000${i}@s.whatsapp.net`, async (pause) => {
        await pause();
        done.push(String(i));
      }),
    ),
  );
  expect(done).toHaveLength(20);
  expect(peak).toBe(3);
  expect(queues.inFlight).toBe(0);
});

describe('a number typed after a notification', () => {
  test.each(['1.', 'no 1', 'yang pertama', '1️⃣'])('"%s" after a booking reminder answers the reminder\'s list, not the older one above it', async (typed) => {
    const opened = await openWhatsAppApp({ features: [bookingFeature] });
    t = opened.t;
    const { socket, clock } = opened;
    const app = t;
    const chat = async (body: string) => {
      const before = socket.sent.length;
      await socket.receive(text(PN, body));
      while (await app.ctx.dispatcher.runOnce());
      return socket.sent.slice(before).map((s) => s.text).join('\n');
    };
    for (const said of ['booking', '1', '1803021204950001', 'Budi Santoso', 'besok', 'jam 9']) await chat(said);
    expect(await chat('ya')).toContain('Booking berhasil');
    // 15:00 WIB: the resident reads about birth certificates ("1. Cek kelengkapan"), then the reminder comes.
    clock.set('2026-11-30T08:00:00.000Z');
    expect(await chat('syarat akta lahir')).toContain('1. Cek kelengkapan');
    const before = socket.sent.length;
    bookingOf(app).tick(clock.now());
    while (await app.ctx.dispatcher.runOnce());
    const reminder = socket.sent.slice(before).map((s) => s.text).join('\n');
    expect(reminder).toContain('Pengingat');
    expect(reminder).toContain('1. Booking saya');
    const answer = await chat(typed);
    expect(answer).toContain('Booking Anda:');
    expect(answer).not.toContain('Mari cek dokumen');
  });
});
