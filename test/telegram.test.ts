// The Telegram adapter with a fake Bot API installed as the innermost transformer
// (bot.api.config.use): the real throttler and auto-retry run on top of it, updates go
// through the real middleware into the real engine and store, replies leave through the
// real outbox dispatcher.
import type { Message, Update } from 'grammy/types';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { InboundMessage } from '../src/core/types.js';
import { createTelegramFeature, type TelegramFeature } from '../src/channels/telegram/feature.js';
import type { TelegramChannelOptions } from '../src/channels/telegram/channel.js';
import { FakeBotApi } from './telegram-fake-api.js';
import { MAX_CALLBACK_BYTES, MAX_MESSAGE } from '../src/channels/telegram/render.js';
import { makeTestApp, tempDir, type TestApp } from './helpers.js';

const TOKEN = '123456789:AAHtestTOKENtestTOKENtestTOKEN_abcde';
const CHAT = 555000111;

interface Harness {
  t: TestApp;
  fake: FakeBotApi;
  feature: TelegramFeature;
  /** Inbound messages as the engine got them. */
  inbound: InboundMessage[];
  update(u: object): Promise<void>;
  text(text: string, chat?: number, extra?: Partial<Message>): Promise<Sent[]>;
  press(data: string, chat?: number): Promise<Sent[]>;
  deliver(): Promise<void>;
  outbox(): Array<{ id: number; status: string; attempts: number; last_error: string | null; next_attempt_at: string }>;
}
type Sent = ReturnType<FakeBotApi['sent']>[number];

let h: Harness | undefined;
afterEach(async () => {
  await h?.t.close();
  h = undefined;
});

let nextUpdateId = 1;

function privateChat(id: number) {
  return { id, type: 'private' as const, first_name: 'Siti' };
}
function user(id: number, lang = 'id') {
  return { id, is_bot: false, first_name: 'Siti', language_code: lang };
}

async function harness(options: { dir?: string; env?: Record<string, string>; channel?: TelegramChannelOptions; fake?: FakeBotApi } = {}): Promise<Harness> {
  const fake = options.fake ?? new FakeBotApi();
  const t = await makeTestApp({
    dir: options.dir,
    env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_CHAT_INTERVAL_MS: '0', TELEGRAM_GLOBAL_RATE: '1000', ...options.env },
    features: [createTelegramFeature({ transport: [fake.transformer], botInfo: fake.me, ...options.channel })],
  });
  const feature = t.app.features.find((f) => f.name === 'telegram') as TelegramFeature;
  const inbound: InboundMessage[] = [];
  const handle = t.ctx.engine.handle.bind(t.ctx.engine);
  t.ctx.engine.handle = (msg) => {
    inbound.push(msg);
    fake.calls.push({ method: '(engine)', payload: {} });
    return handle(msg);
  };

  async function deliver() {
    // The dispatcher is not started: each round is run here, so the test sees every send.
    while ((await t.ctx.dispatcher.runOnce()) > 0);
  }
  async function update(u: object) {
    await feature.channel!.bot.handleUpdate({ update_id: nextUpdateId++, ...u } as Update);
    await deliver();
  }
  async function after(chat: number, fn: () => Promise<void>): Promise<Sent[]> {
    const before = fake.sent(chat).length;
    await fn();
    return fake.sent(chat).slice(before);
  }
  const harness: Harness = {
    t,
    fake,
    feature,
    inbound,
    update,
    deliver,
    text: (text, chat = CHAT, extra = {}) =>
      after(chat, () => update({ message: { message_id: nextUpdateId, date: 1, chat: privateChat(chat), from: user(chat), text, ...extra } as Message })),
    press: (data, chat = CHAT) =>
      after(chat, () =>
        update({
          callback_query: {
            id: `cq${nextUpdateId}`,
            from: user(chat),
            chat_instance: 'ci',
            data,
            message: { message_id: 1, date: 1, chat: privateChat(chat), text: '…' } as Message.TextMessage,
          },
        }),
      ),
    outbox: () => t.ctx.db.prepare('SELECT id, status, attempts, last_error, next_attempt_at FROM outbox ORDER BY id').all() as never,
  };
  return harness;
}

const texts = (sent: Sent[]) => sent.map((s) => s.text).join('\n');
const buttons = (sent: Sent[]) => sent.flatMap((s) => s.reply_markup?.inline_keyboard.flat() ?? []);
const lastButtons = (sent: Sent[]) => buttons(sent.slice(-1));

describe('a resident on Telegram', () => {
  test('asks for requirements with buttons, from greeting to what is missing', async () => {
    h = await harness();
    let sent = await h.text('halo');
    expect(texts(sent)).toContain('Silakan pilih layanan');
    expect(lastButtons(sent).map((b) => b.text)).toEqual(expect.arrayContaining(['Syarat dokumen', 'Hubungi petugas', 'English']));
    expect(lastButtons(sent).find((b) => b.text === 'Syarat dokumen')!.callback_data).toBe('m:req');

    sent = await h.press('m:req');
    expect(texts(sent)).toContain('Dokumen apa');
    sent = await h.press(lastButtons(sent).find((b) => b.text === 'KTP-el')!.callback_data);
    expect(texts(sent)).toContain('Pilih layanan');
    sent = await h.press('svc:ktp_el_baru');
    expect(texts(sent)).toContain('Dokumen yang dibawa');
    sent = await h.press(lastButtons(sent).find((b) => b.text === 'Cek kelengkapan')!.callback_data);
    expect(texts(sent)).toMatch(/\(1\/\d\) Apakah Anda sudah punya/);
    for (let i = 0; i < 10 && /Apakah Anda sudah punya/.test(texts(sent)); i++) {
      sent = await h.press(i === 0 ? 'ck:n' : 'ck:y');
    }
    expect(texts(sent)).toContain('Yang masih kurang');
    expect(lastButtons(sent).map((b) => b.text)).toContain('Kirim daftar lengkap');

    // Every button press was answered (no hanging spinner), and every one before its step ran.
    const order = h.fake.calls.map((c) => c.method).filter((m) => m === 'answerCallbackQuery' || m === '(engine)');
    expect(h.fake.count('answerCallbackQuery')).toBe(h.inbound.filter((m) => m.input.type === 'choice').length);
    for (let i = 0; i < order.length; i++) {
      if (order[i] === '(engine)' && h.inbound[order.slice(0, i + 1).filter((m) => m === '(engine)').length - 1]!.input.type === 'choice') {
        expect(order[i - 1]).toBe('answerCallbackQuery');
      }
    }
    // Plain text only, and every callback within Telegram's 64 bytes.
    expect(h.fake.sent().every((s) => !('parse_mode' in s))).toBe(true);
    for (const b of buttons(h.fake.sent())) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
  });

  test('commands work with or without the bot name, and /bahasa switches to English', async () => {
    h = await harness();
    expect(texts(await h.text('/start@AdmindukTestBot'))).toContain('Silakan pilih layanan');
    expect(h.inbound.at(-1)!.input).toEqual({ type: 'text', text: '/start' });
    expect(texts(await h.text('/start kampanye-2026'))).toContain('Silakan pilih layanan');
    expect(texts(await h.text('/bahasa'))).toContain('Language: English');
    expect(texts(await h.text('/batal@AdmindukTestBot'))).toContain('Nothing is in progress');
    expect(h.inbound.every((m) => m.channel === 'telegram' && m.address === String(CHAT))).toBe(true);
  });

  test('text that looks like markup arrives exactly as written', async () => {
    h = await harness();
    await h.text('halo');
    const resident = h.t.ctx.store.findResident('telegram', String(CHAT))!;
    const tricky = 'Nama: <b>Siti</b> *tebal* _miring_ [tautan](http://x) `kode` & 5 < 6';
    h.t.ctx.store.enqueue({ residentId: resident.id, channel: 'telegram', address: String(CHAT), reply: { text: tricky } }, h.t.clock.now());
    await h.deliver();
    const last = h.fake.sent(CHAT).at(-1)!;
    expect(last.text).toBe(tricky);
    expect(last).not.toHaveProperty('parse_mode');
  });

  test('photos are acknowledged and kept by reference; stickers and locations get a polite answer', async () => {
    h = await harness();
    await h.text('halo');
    const photo = await h.text('', CHAT, { text: undefined, photo: [{ file_id: 'small', file_unique_id: 's', width: 90, height: 90 }, { file_id: 'LARGE-file-id', file_unique_id: 'l', width: 1280, height: 960 }], caption: 'KK saya' });
    expect(texts(photo)).toContain('berkas Anda sudah kami terima');
    expect(h.inbound.at(-1)!.input).toEqual({ type: 'media', media: 'photo', ref: 'LARGE-file-id', caption: 'KK saya' });
    const sticker = await h.text('', CHAT, { text: undefined, sticker: { file_id: 'stk', file_unique_id: 'stk', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } });
    expect(texts(sticker)).toContain('hanya bisa membaca pesan teks');
    const location = await h.text('', CHAT, { text: undefined, location: { latitude: -4.8, longitude: 104.9 } });
    expect(texts(location)).toContain('hanya bisa membaca pesan teks');
    expect(h.inbound.at(-1)!.input).toEqual({ type: 'media', media: 'location' });
  });

  test('the same update delivered twice is answered once', async () => {
    h = await harness();
    const update = { update_id: 777001, message: { message_id: 9, date: 1, chat: privateChat(CHAT), from: user(CHAT), text: 'halo' } as Message };
    await h.update(update);
    const first = h.fake.sent(CHAT).length;
    expect(first).toBeGreaterThan(0);
    await h.update(update);
    expect(h.fake.sent(CHAT).length).toBe(first);
  });
});

describe('buttons', () => {
  test('a choice id too long for callback data travels as a short hash and comes back whole', async () => {
    h = await harness();
    await h.text('halo');
    const resident = h.t.ctx.store.findResident('telegram', String(CHAT))!;
    const longId = 'svc:' + 'akta_kelahiran_terlambat_lebih_dari_satu_tahun_dengan_penetapan_pengadilan_negeri';
    h.t.ctx.store.enqueue({ residentId: resident.id, channel: 'telegram', address: String(CHAT), reply: { text: 'Pilih:', choices: [{ id: longId, label: 'Akta terlambat' }, { id: 'm:menu', label: 'Menu utama' }] } }, h.t.clock.now());
    await h.deliver();
    const [long, short] = lastButtons(h.fake.sent(CHAT));
    expect(Buffer.byteLength(long!.callback_data)).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
    expect(long!.callback_data).not.toBe(longId);
    expect(short!.callback_data).toBe('m:menu');
    await h.press(long!.callback_data);
    expect(h.inbound.at(-1)!.input).toEqual({ type: 'choice', id: longId });
  });

  test('an unknown or stale button gets a polite notice, never an error', async () => {
    h = await harness();
    await h.text('halo');
    const before = h.inbound.length;
    await h.press('#AAAAAAAAAAAAAAAA');
    const answer = h.fake.calls.filter((c) => c.method === 'answerCallbackQuery').at(-1)!;
    expect(answer.payload.text).toContain('Tombol ini sudah tidak berlaku');
    expect(h.inbound.length).toBe(before);
    // An old but well-formed button goes to the engine, which re-asks with the latest options.
    const sent = await h.press('ck:y');
    expect(texts(sent)).toContain('sudah tidak berlaku');
    expect(lastButtons(sent).length).toBeGreaterThan(0);
  });
});

describe('delivery from the outbox', () => {
  async function queue(harness: Harness, text: string, choices?: Array<{ id: string; label: string }>) {
    await harness.text('halo');
    const resident = harness.t.ctx.store.findResident('telegram', String(CHAT))!;
    const before = harness.fake.sent(CHAT).length;
    const id = harness.t.ctx.store.enqueue({ residentId: resident.id, channel: 'telegram', address: String(CHAT), reply: { text, choices } }, harness.t.clock.now())!;
    return { id, resident, sentSince: () => harness.fake.sent(CHAT).slice(before) };
  }

  test('a long text is split at line breaks below 4,096 characters, the keyboard under the last part', async () => {
    h = await harness();
    const lines = Array.from({ length: 300 }, (_, i) => `${i + 1}. Fotokopi dokumen pendukung nomor ${i + 1}`);
    const { sentSince } = await queue(h, lines.join('\n'), [{ id: 'm:menu', label: 'Menu utama' }]);
    await h.deliver();
    const parts = sentSince();
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(parts.map((p) => p.text).join('\n')).toBe(lines.join('\n'));
    expect(parts.slice(0, -1).every((p) => !p.reply_markup)).toBe(true);
    expect(parts.at(-1)!.reply_markup!.inline_keyboard.flat()[0]!.callback_data).toBe('m:menu');
  });

  test('a part that failed is retried without repeating the parts already sent', async () => {
    h = await harness();
    const lines = Array.from({ length: 300 }, (_, i) => `Baris ${i + 1} dari daftar persyaratan yang panjang`);
    const { id, sentSince } = await queue(h, lines.join('\n'));
    // The first part goes out, the second meets a network failure.
    let calls = 0;
    h.fake.onCall = (c) => {
      if (c.method === 'sendMessage' && ++calls === 2) h!.fake.failures.push({ method: 'sendMessage', network: true });
    };
    await h.deliver();
    expect(h.t.ctx.store.getOutbox(id)!.status).toBe('pending');
    expect(h.t.ctx.store.getOutbox(id)!.last_error).toContain('Telegram unreachable');
    h.t.clock.advance(60_000);
    await h.deliver();
    expect(h.t.ctx.store.getOutbox(id)!.status).toBe('sent');
    expect(sentSince().map((p) => p.text).join('\n')).toBe(lines.join('\n'));
  });

  test('429 with a short retry_after is retried at once by auto-retry', async () => {
    h = await harness();
    const { id, sentSince } = await queue(h, 'Pengingat jadwal');
    h.fake.failures.push({ method: 'sendMessage', error_code: 429, description: 'Too Many Requests: retry after 0', retry_after: 0 });
    await h.deliver();
    expect(h.t.ctx.store.getOutbox(id)!.status).toBe('sent');
    expect(sentSince().map((s) => s.text)).toEqual(['Pengingat jadwal']);
    expect(h.fake.calls.filter((c) => c.method === 'sendMessage' && c.payload.text === 'Pengingat jadwal')).toHaveLength(2);
    expect(h.t.ctx.store.getOutbox(id)!.attempts).toBe(1);
  });

  test('429 with a long retry_after waits exactly that long on the outbox row', async () => {
    h = await harness();
    const { id } = await queue(h, 'Pengumuman');
    h.fake.failures.push({ method: 'sendMessage', error_code: 429, description: 'Too Many Requests: retry after 120', retry_after: 120 });
    await h.deliver();
    const row = h.t.ctx.store.getOutbox(id)!;
    expect(row.status).toBe('pending');
    expect(row.last_error).toContain('429');
    expect(Date.parse(row.next_attempt_at) - h.t.clock.now().getTime()).toBe(120_000);
    h.t.clock.advance(119_000);
    await h.deliver();
    expect(h.t.ctx.store.getOutbox(id)!.status).toBe('pending');
    h.t.clock.advance(1_000);
    await h.deliver();
    expect(h.t.ctx.store.getOutbox(id)!.status).toBe('sent');
  });

  test('403 (the resident blocked the bot) fails the row, marks them unreachable and stops sending', async () => {
    h = await harness();
    const { id, resident } = await queue(h, 'Status permohonan Anda');
    h.fake.failures.push({ method: 'sendMessage', error_code: 403, description: 'Forbidden: bot was blocked by the user' });
    await h.deliver();
    expect(h.t.ctx.store.getOutbox(id)).toMatchObject({ status: 'failed', last_error: expect.stringContaining('blocked') });
    expect(h.t.ctx.store.getResident(resident.id)!.unreachable).toBe(1);
    const calls = h.fake.count('sendMessage');
    const next = h.t.ctx.store.enqueue({ residentId: resident.id, channel: 'telegram', address: String(CHAT), reply: { text: 'Pengingat' } }, h.t.clock.now())!;
    await h.deliver();
    expect(h.fake.count('sendMessage')).toBe(calls);
    expect(h.t.ctx.store.getOutbox(next)!.status).toBe('failed');
    // Writing again makes them reachable.
    expect(texts(await h.text('menu'))).toContain('Silakan pilih layanan');
  });

  test('a 5xx or a network failure is recorded on the row and retried later', async () => {
    // auto-retry's own 5xx backoff starts at 3 s; here the 5xx is handed straight to the dispatcher.
    h = await harness({ channel: { autoRetry: { rethrowInternalServerErrors: true } } });
    const { id } = await queue(h, 'Halo lagi');
    h.fake.failures.push({ method: 'sendMessage', error_code: 502, description: 'Bad Gateway' });
    await h.deliver();
    expect(h.t.ctx.store.getOutbox(id)).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('502') });
    h.fake.failures.push({ method: 'sendMessage', network: true });
    h.t.clock.advance(10 * 60_000);
    await h.deliver();
    expect(h.t.ctx.store.getOutbox(id)).toMatchObject({ status: 'pending', attempts: 2, last_error: expect.stringContaining('ECONNREFUSED') });
    h.t.clock.advance(10 * 60_000);
    await h.deliver();
    expect(h.t.ctx.store.getOutbox(id)).toMatchObject({ status: 'sent', attempts: 3 });
  });

  test('pacing: about one message per chat per interval, and a global cap per second (on a virtual clock)', async () => {
    // The throttler (Bottleneck) schedules with Date.now, setTimeout and a refill interval made
    // when the bot is built: all virtual here, so the gaps are exactly what it scheduled,
    // however loaded the machine is.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    try {
      h = await harness({ env: { TELEGRAM_CHAT_INTERVAL_MS: '300', TELEGRAM_GLOBAL_RATE: '5' } });
      // Send times are read from the fake timers' own clock, never the machine's.
      const virtualMs = () => vi.getMockedSystemTime()!.getTime();
      const at = new Map<string, number[]>();
      h.fake.onCall = (c) => {
        if (c.method === 'sendMessage') at.set(String(c.payload.chat_id), [...(at.get(String(c.payload.chat_id)) ?? []), virtualMs()]);
      };
      const now = h.t.clock.now();
      const queueFor = (chat: number, n: number) => {
        const r = h!.t.ctx.store.upsertResident('telegram', String(chat), undefined, 'id', now);
        for (let i = 0; i < n; i++) h!.t.ctx.store.enqueue({ residentId: r.id, channel: 'telegram', address: String(chat), reply: { text: `Pesan ${i + 1}` } }, now);
      };
      // One chat with three messages, ten chats with one each: thirteen sends at a cap of 5/s.
      queueFor(CHAT, 3);
      for (let i = 1; i <= 10; i++) queueFor(CHAT + i, 1);
      let done = false;
      const delivering = h.deliver().then(() => (done = true));
      for (let step = 0; !done && step < 1_000; step++) await vi.advanceTimersByTimeAsync(10);
      await delivering;
      const own = at.get(String(CHAT))!;
      expect(own).toHaveLength(3);
      // Bottleneck counts the interval from when it released the previous call, a tick before
      // that call reached the API: 299 ms of virtual time is its 300 ms.
      expect(own[1]! - own[0]!).toBeGreaterThanOrEqual(299);
      expect(own[2]! - own[1]!).toBeGreaterThanOrEqual(299);
      const all = [...at.values()].flat().sort((a, b) => a - b);
      expect(all).toHaveLength(13);
      // 13 sends at 5 per second need two refills of the allowance: more than a second from first to last.
      expect(all.at(-1)! - all[0]!).toBeGreaterThan(1000);
      // Never a sixth send within one refill (Bottleneck refills its allowance every second on its own heartbeat).
      for (let i = 0; i + 5 < all.length; i++) expect(all[i + 5]! - all[i]!).toBeGreaterThanOrEqual(990);
    } finally {
      vi.useRealTimers();
    }
  });

  test('a 400 is permanent: recorded, not retried', async () => {
    h = await harness();
    const { id } = await queue(h, 'Teks');
    h.fake.failures.push({ method: 'sendMessage', error_code: 400, description: 'Bad Request: message text is empty' });
    await h.deliver();
    expect(h.t.ctx.store.getOutbox(id)).toMatchObject({ status: 'failed', last_error: expect.stringContaining('400') });
  });
});

describe('chats that are not a resident', () => {
  test('a group gets one polite notice, and nothing else', async () => {
    h = await harness();
    const group = { id: -100123456, type: 'supergroup' as const, title: 'Warga Kotabumi' };
    const say = (text: string) => h!.update({ message: { message_id: 1, date: 1, chat: group, from: user(42), text } as Message });
    await say('/start@AdmindukTestBot');
    await say('syarat ktp');
    const sent = h.fake.sent(group.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain('chat pribadi');
    expect(sent[0]!.text).toContain('@AdmindukTestBot');
    expect(h.inbound).toHaveLength(0);
  });

  test('blocking the bot marks the resident unreachable; unblocking clears it', async () => {
    h = await harness();
    await h.text('halo');
    const member = (status: 'kicked' | 'member') =>
      h!.update({
        my_chat_member: {
          chat: privateChat(CHAT),
          from: user(CHAT),
          date: 1,
          old_chat_member: { status: status === 'kicked' ? 'member' : 'kicked', user: h!.fake.me } as never,
          new_chat_member: { status, user: h!.fake.me } as never,
        },
      });
    const id = h.t.ctx.store.findResident('telegram', String(CHAT))!.id;
    await member('kicked');
    expect(h.t.ctx.store.getResident(id)!.unreachable).toBe(1);
    await member('member');
    expect(h.t.ctx.store.getResident(id)!.unreachable).toBe(0);
  });
});

describe('restart', () => {
  test('a conversation continues after a restart, and a re-delivered update is not stepped twice', async () => {
    const dir = tempDir();
    h = await harness({ dir });
    await h.text('halo');
    await h.press('m:req');
    const pressed = { update_id: 880001, callback_query: { id: 'x1', from: user(CHAT), chat_instance: 'ci', data: 'cat:ktp', message: { message_id: 1, date: 1, chat: privateChat(CHAT), text: '…' } as Message.TextMessage } };
    await h.update(pressed);
    expect(texts(h.fake.sent(CHAT).slice(-1))).toContain('Pilih layanan');
    await h.t.close();

    // The same data directory, a new process: Telegram re-delivers the last update, then the next.
    h = await harness({ dir });
    await h.update(pressed);
    expect(h.fake.sent(CHAT)).toHaveLength(0);
    const sent = await h.press('svc:ktp_el_baru');
    expect(texts(sent)).toContain('Dokumen yang dibawa');
  });
});

test('dedupe keys stored before they carried the bot id are adopted by the bot: a re-delivered old update is still not stepped twice', async () => {
  const dir = tempDir();
  const before = await makeTestApp({ dir, features: [] });
  before.ctx.store.markInboundSeen('telegram', '5000', before.clock.now());
  await before.close();
  h = await harness({ dir });
  const keys = () => h!.t.ctx.db.prepare(`SELECT message_id FROM inbound_seen WHERE channel = 'telegram'`).pluck().all();
  expect(keys()).toEqual(['123456789:5000']);
  await h.feature.channel!.bot.handleUpdate({ update_id: 5000, message: { message_id: 1, date: 1, chat: privateChat(CHAT), from: user(CHAT), text: 'halo' } } as Update);
  await h.deliver();
  expect(h.fake.sent(CHAT)).toHaveLength(0);
  expect(h.inbound.map((m) => m.id)).toEqual(['123456789:5000']);
});
