// The whole channel over real HTTP: grammY long-polls a local fake Bot API server
// (telegram-test-api) through TELEGRAM_API_ROOT, exactly as it would a local Bot API
// server; a resident chats through it with button presses, across a restart.
import type { TelegramClient } from 'telegram-test-api/lib/modules/telegramClient.js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTelegramFeature } from '../src/channels/telegram/feature.js';
import { fakeServerQuirks, startFakeBotApi, type BotMessage } from './telegram-test-server.js';
import { makeTestApp, tempDir, type TestApp } from './helpers.js';

const TOKEN = '987654321:AAFfakeSERVERfakeSERVERfakeSERVER_xyz';
const CHAT = 424242;

let server: Awaited<ReturnType<typeof startFakeBotApi>>['server'];
let client: TelegramClient;
const commands: unknown[] = [];

beforeAll(async () => {
  ({ server, client } = await startFakeBotApi(TOKEN, CHAT));
});
afterAll(async () => {
  await server.stop();
});

async function startApp(dir: string): Promise<TestApp> {
  const t = await makeTestApp({
    dir,
    env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: server.config.apiURL + '/', TELEGRAM_CHAT_INTERVAL_MS: '0' },
    features: [createTelegramFeature({ transport: [fakeServerQuirks((payload) => commands.push(payload))] })],
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
