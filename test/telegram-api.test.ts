// The whole channel over real HTTP: grammY long-polls a local fake Bot API server
// (telegram-test-api) through TELEGRAM_API_ROOT, exactly as it would a local Bot API
// server; a resident chats through it with button presses, across a restart.
import type { TelegramClient } from 'telegram-test-api/lib/modules/telegramClient.js';
import type { Transformer } from 'grammy';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTelegramFeature } from '../src/channels/telegram/feature.js';
import { botMessagesUntil, fakeServerQuirks, startFakeBotApi, type BotMessage } from './telegram-test-server.js';
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

async function startApp(dir: string, options: { token?: string; apiURL?: string; transport?: Transformer[]; sleep?: (ms: number) => Promise<void> } = {}): Promise<TestApp> {
  const t = await makeTestApp({
    dir,
    env: { TELEGRAM_BOT_TOKEN: options.token ?? TOKEN, TELEGRAM_API_ROOT: (options.apiURL ?? server.config.apiURL) + '/', TELEGRAM_CHAT_INTERVAL_MS: '0' },
    features: [createTelegramFeature({ transport: [...(options.transport ?? []), fakeServerQuirks((payload) => commands.push(payload))], sleep: options.sleep })],
  });
  await t.app.startFeatures();
  return t;
}

/** Waits for the bot's answer: everything it sends until a message with buttons. */
async function botAnswers(from: TelegramClient = client): Promise<BotMessage[]> {
  return botMessagesUntil(from, (got) => Boolean(got.at(-1)?.reply_markup));
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

test('a second bot token on the same database: its update ids start again at 1 and are answered; a 409 at start is waited out', async () => {
  const dir = tempDir();
  // The first bot serves a resident on a fresh server, so the database holds its update ids from 1.
  const first = await startFakeBotApi(TOKEN, CHAT);
  let t = await startApp(dir, { apiURL: first.server.config.apiURL });
  try {
    await first.client.sendMessage(first.client.makeMessage('/start'));
    expect(text(await botAnswers(first.client))).toContain('Silakan pilih layanan');
  } finally {
    await t.close();
    await first.server.stop();
  }
  // The office switches to another bot (new token) on a fresh Bot API server: update ids restart from 1.
  const TOKEN2 = '555666777:AAGsecondBOTsecondBOTsecondBOT_xyz';
  const other = await startFakeBotApi(TOKEN2, CHAT + 1);
  // An overlapping restart: the old poller still holds the token for the first getUpdates.
  let conflicts = 0;
  const conflictOnce: Transformer = (async (prev: (m: string, p: unknown, s?: AbortSignal) => Promise<unknown>, method: string, payload: unknown, signal?: AbortSignal) => {
    if (method === 'getUpdates' && conflicts === 0) {
      conflicts++;
      return { ok: false, error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' };
    }
    return prev(method, payload, signal);
  }) as Transformer;
  const waits: number[] = [];
  t = await startApp(dir, { token: TOKEN2, apiURL: other.server.config.apiURL, transport: [conflictOnce], sleep: async (ms) => void waits.push(ms) });
  try {
    await other.client.sendMessage(other.client.makeMessage('/start'));
    const answer = await botAnswers(other.client);
    expect(text(answer)).toContain('Silakan pilih layanan');
    expect(conflicts).toBe(1);
    expect(waits).toEqual([5_000]);
    // Both bots' update ids are kept apart in the dedupe table.
    const keys = t.ctx.db.prepare(`SELECT message_id FROM inbound_seen WHERE channel = 'telegram' ORDER BY message_id`).pluck().all() as string[];
    expect(keys.some((k) => k.startsWith('987654321:'))).toBe(true);
    expect(keys.some((k) => k.startsWith('555666777:'))).toBe(true);
  } finally {
    await t.close();
    await other.server.stop();
  }
});
