// The whole channel over real HTTP: grammY long-polls a local fake Bot API server
// (telegram-test-api) through TELEGRAM_API_ROOT, exactly as it would a local Bot API
// server; a resident chats through it with button presses, across a restart.
import net from 'node:net';
import type { Transformer } from 'grammy';
import telegramTestApi from 'telegram-test-api';
import type { TelegramServer as Server } from 'telegram-test-api/lib/telegramServer.js';
import type { TelegramClient } from 'telegram-test-api/lib/modules/telegramClient.js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTelegramFeature } from '../src/channels/telegram/feature.js';
import { makeTestApp, tempDir, type TestApp } from './helpers.js';

const TOKEN = '987654321:AAFfakeSERVERfakeSERVERfakeSERVER_xyz';
const CHAT = 424242;

interface BotMessage {
  text: string;
  reply_markup?: { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> };
}

// The package is CommonJS with `module.exports = TelegramServer`.
const TelegramServer = telegramTestApi as unknown as typeof Server;
let server: Server;
let client: TelegramClient;
const commands: unknown[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Adapts telegram-test-api where it differs from Telegram: its getUpdates answers at once
 * (no long poll), so an empty answer waits a little instead of spinning; it has no
 * setMyCommands, so that call is recorded here.
 */
const fakeServerQuirks: Transformer = (async (prev: (m: string, p: unknown, s?: AbortSignal) => Promise<{ ok: boolean; result: unknown }>, method: string, payload: unknown, signal?: AbortSignal) => {
  if (method === 'setMyCommands') {
    commands.push(payload);
    return { ok: true, result: true };
  }
  const result = await prev(method, payload, signal);
  if (method === 'getUpdates' && Array.isArray(result.result) && result.result.length === 0) await new Promise((r) => setTimeout(r, 25));
  return result;
}) as Transformer;

beforeAll(async () => {
  server = new TelegramServer({ port: await freePort(), host: '127.0.0.1' });
  await server.start();
  client = server.getClient(TOKEN, { chatId: CHAT, userId: CHAT, type: 'private', firstName: 'Siti', timeout: 5000, interval: 20 });
});
afterAll(async () => {
  await server.stop();
});

async function startApp(dir: string): Promise<TestApp> {
  const t = await makeTestApp({
    dir,
    env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: server.config.apiURL + '/', TELEGRAM_CHAT_INTERVAL_MS: '0' },
    features: [createTelegramFeature({ transport: [fakeServerQuirks] })],
  });
  await t.app.startFeatures();
  return t;
}

/** Waits for the bot's answer: everything it sends until a message with buttons. */
async function botAnswers(): Promise<BotMessage[]> {
  const got: BotMessage[] = [];
  const until = Date.now() + 8_000;
  while (Date.now() < until) {
    const { result } = await client.getUpdates();
    got.push(...result.map((u) => u.message as unknown as BotMessage));
    if (got.at(-1)?.reply_markup) return got;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no answer with buttons; got ${JSON.stringify(got.map((m) => m.text))}`);
}

async function say(text: string): Promise<BotMessage[]> {
  await client.sendMessage(client.makeMessage(text));
  return botAnswers();
}

async function press(answer: BotMessage[], label: string): Promise<BotMessage[]> {
  const button = answer.at(-1)!.reply_markup!.inline_keyboard.flat().find((b) => b.text === label);
  if (!button) throw new Error(`no button "${label}" in ${JSON.stringify(answer.at(-1)!.reply_markup)}`);
  await client.sendCallback(client.makeCallbackQuery(button.callback_data, { message: { message_id: 1 } }));
  return botAnswers();
}

const text = (answer: BotMessage[]) => answer.map((m) => m.text).join('\n');

test('a resident asks for requirements by tapping buttons, across a restart', async () => {
  const dir = tempDir();
  let t = await startApp(dir);
  try {
    let answer = await say('/start');
    expect(text(answer)).toContain('Silakan pilih layanan');
    expect(commands.length).toBeGreaterThanOrEqual(2);

    answer = await press(answer, 'Syarat dokumen');
    expect(text(answer)).toContain('Dokumen apa');
    answer = await press(answer, 'KTP-el');
    expect(text(answer)).toContain('Pilih layanan');

    // The office restarts the bot in the middle of the conversation.
    await t.close();
    t = await startApp(dir);

    answer = await press(answer, 'KTP-el baru');
    expect(text(answer)).toContain('Dokumen yang dibawa');
    answer = await press(answer, 'Cek kelengkapan');
    expect(text(answer)).toMatch(/\(1\/\d\) Apakah Anda sudah punya/);
    answer = await press(answer, 'Tidak ada');
    while (/Apakah Anda sudah punya/.test(text(answer))) answer = await press(answer, 'Ya, ada');
    expect(text(answer)).toContain('Yang masih kurang');
    answer = await say('batal');
    expect(text(answer)).toContain('Baik, dibatalkan');
  } finally {
    await t.close();
  }
});
