// Buttons are bound to the question (and booking) they were shown for. Over real HTTP on
// Telegram (grammY against telegram-test-api): an old checklist answer never answers a later
// question, an old "Ya, batalkan" under booking A never cancels booking B. On WhatsApp (no
// buttons) a number always answers the list shown last.
import type { TelegramClient } from 'telegram-test-api/lib/modules/telegramClient.js';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { bookingFeature } from '../src/booking/feature.js';
import { createTelegramFeature } from '../src/channels/telegram/feature.js';
import { MAX_CALLBACK_BYTES } from '../src/channels/telegram/render.js';
import { botMessagesUntil, fakeServerQuirks, startFakeBotApi, type BotMessage } from './telegram-test-server.js';
import { makeTestApp, type TestApp } from './helpers.js';
import { openWhatsAppApp } from './whatsapp-app.js';
import { text as waText } from './whatsapp-fakes.js';

const BOT_TOKEN = '987654321:AAFstaleBUTTONSstaleBUTTONSstale_abc';
const CHAT = 626262;

let server: Awaited<ReturnType<typeof startFakeBotApi>>['server'];
let client: TelegramClient;
let t: TestApp | undefined;

beforeAll(async () => {
  ({ server, client } = await startFakeBotApi(BOT_TOKEN, CHAT));
});
afterAll(async () => {
  await server.stop();
});
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const botMessages = (done: (got: BotMessage[]) => boolean) => botMessagesUntil(client, done);
const withButtons = (got: BotMessage[]) => Boolean(got.at(-1)?.reply_markup);
const textOf = (got: BotMessage[]) => got.map((m) => m.text).join('\n');
const buttons = (got: BotMessage[]) => got.at(-1)!.reply_markup!.inline_keyboard.flat();

async function say(message: string, done = withButtons): Promise<BotMessage[]> {
  await client.sendMessage(client.makeMessage(message));
  return botMessages(done);
}
async function press(answer: BotMessage[], label: string | RegExp, done = withButtons): Promise<BotMessage[]> {
  const button = buttons(answer).find((b) => (typeof label === 'string' ? b.text === label : label.test(b.text)));
  if (!button) throw new Error(`no button "${String(label)}" in ${JSON.stringify(answer.at(-1)!.reply_markup)}`);
  expect(Buffer.byteLength(button.callback_data, 'utf8')).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
  await client.sendCallback(client.makeCallbackQuery(button.callback_data, { message: { message_id: 1 } }));
  return botMessages(done);
}

async function telegramApp(): Promise<TestApp> {
  // A chat of its own per test: nothing left over from an earlier one.
  const chat = CHAT + Math.floor(Math.random() * 1000) + 1;
  client = server.getClient(BOT_TOKEN, { chatId: chat, userId: chat, type: 'private', firstName: 'Siti', timeout: 5000, interval: 20 });
  const app = await makeTestApp({
    env: { TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_API_ROOT: server.config.apiURL + '/', TELEGRAM_CHAT_INTERVAL_MS: '0' },
    features: [bookingFeature, createTelegramFeature({ transport: [fakeServerQuirks()] })],
  });
  await app.app.startFeatures();
  return app;
}

describe('Telegram: a stale button is answered with the current question, never acted on', () => {
  test('an old checklist answer under question 1 does not answer question 2', async () => {
    t = await telegramApp();
    let answer = await say('syarat kk');
    answer = await press(answer, 'KK hilang/rusak');
    answer = await press(answer, 'Cek kelengkapan');
    expect(textOf(answer)).toContain('hilang atau rusak');
    const q1 = await press(answer, 'Hilang');
    expect(textOf(q1)).toContain('(1/');
    const q2 = await press(q1, 'Ya, ada');
    expect(textOf(q2)).toContain('(2/');
    // The old "Ya, ada" under question 1, pressed again while question 2 is showing.
    const stale = await press(q1, 'Ya, ada');
    expect(textOf(stale)).toContain('sudah tidak berlaku');
    expect(textOf(stale)).toContain('(2/');
    expect(textOf(stale)).not.toContain('(3/');
    // The current question still takes its own answer.
    const q3 = await press(stale, 'Ya, ada');
    expect(textOf(q3)).toMatch(/\(3\/|Yang masih kurang|Lengkap/);
  }, 30_000);

  test('an old "Ya, batalkan" under booking A, pressed at booking B\'s question, cancels nothing', async () => {
    t = await telegramApp();
    const codes: string[] = [];
    for (const [nik, name] of [['1803021204950001', 'Siti Aminah'], ['1803025504950002', 'Budi Santoso']] as const) {
      let answer = await say('booking', (got) => withButtons(got) && /keperluan mendesak/.test(got.at(-1)!.text));
      answer = await press(answer, /^BPJS/, (got) => /Ketik NIK/.test(textOf(got)));
      answer = await say(nik, (got) => /nama lengkap/i.test(textOf(got)));
      answer = await say(name);
      answer = await press(answer, /sisa/);
      answer = await press(answer, /sisa/);
      const done = await press(answer, 'Ya, pesan', (got) => /Kode booking/.test(textOf(got)) && withButtons(got));
      codes.push(/Kode booking: (\w+)/.exec(textOf(done))![1]!);
    }
    const [a, b] = codes as [string, string];
    let list = await say('booking saya');
    let manage = await press(list, new RegExp(`^${a}`));
    const cancelA = await press(manage, 'Batalkan booking');
    expect(textOf(cancelA)).toContain(a);
    list = await say('booking saya');
    manage = await press(list, new RegExp(`^${b}`));
    const cancelB = await press(manage, 'Batalkan booking');
    expect(textOf(cancelB)).toContain(b);
    // A's old button while B's question shows.
    const stale = await press(cancelA, 'Ya, batalkan');
    expect(textOf(stale)).toContain('sudah tidak berlaku');
    expect(textOf(stale)).toContain(b); // B's question again
    const statuses = t.ctx.db.prepare('SELECT code, status FROM booking ORDER BY code').all() as Array<{ code: string; status: string }>;
    expect(statuses.filter((s) => s.status === 'active').map((s) => s.code).sort()).toEqual([a, b].sort());
    // B's own button still works, and cancels B only.
    const cancelled = await press(stale, 'Ya, batalkan', (got) => /dibatalkan/.test(textOf(got)) && withButtons(got));
    expect(textOf(cancelled)).toContain(`Booking ${b} sudah dibatalkan`);
    const after = t.ctx.db.prepare('SELECT code, status FROM booking').all() as Array<{ code: string; status: string }>;
    expect(after.find((s) => s.code === a)!.status).toBe('active');
    expect(after.find((s) => s.code === b)!.status).not.toBe('active');
  }, 60_000);
});

describe('WhatsApp: numbers answer the list shown last', () => {
  test('a number typed after the list moved on answers the current list; ids never show', async () => {
    const opened = await openWhatsAppApp({ random: () => 0 });
    t = opened.t;
    const { socket } = opened;
    const app = t;
    const PN = '6281234567890@s.whatsapp.net';
    const chat = async (body: string) => {
      const before = socket.sent.length;
      await socket.receive(waText(PN, body));
      while (await app.ctx.dispatcher.runOnce());
      return socket.sent.slice(before).map((s) => s.text).join('\n');
    };
    await chat('syarat kk');
    const detail = await chat('KK hilang/rusak'); // a label typed picks that service
    expect(detail).toMatch(/1\. Cek kelengkapan/);
    const kinds = await chat('1');
    expect(kinds).toMatch(/1\. Hilang\n2\. Rusak/);
    // "2" now answers "lost or damaged?" (the list shown last), not the detail's second option.
    const q1 = await chat('2');
    expect(q1).toContain('(1/');
    expect(q1).toContain('KK yang rusak');
    expect(q1).not.toContain('kepolisian');
    const q2 = await chat('1');
    expect(q2).toContain('(2/');
    expect(`${detail}${kinds}${q1}${q2}`).not.toContain('~');
  }, 30_000);
});
