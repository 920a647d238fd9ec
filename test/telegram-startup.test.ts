// Start-up and configuration as an operator meets them: Telegram off without a token,
// clear words for a wrong token, a second instance, no network; webhook mode with its secret.
import path from 'node:path';
import { HttpError } from 'grammy';
import { afterEach, describe, expect, test } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { loadCoreConfig } from '../src/config.js';
import { loadTelegramConfig } from '../src/channels/telegram/config.js';
import { toDeliveryError } from '../src/channels/telegram/errors.js';
import { FakeBotApi } from './telegram-fake-api.js';
import { createTelegramFeature, telegramFeature, type TelegramFeature } from '../src/channels/telegram/feature.js';
import type { TelegramChannelOptions } from '../src/channels/telegram/channel.js';
import { createLogger } from '../src/log.js';
import { FakeClock, tempDir } from './helpers.js';

const TOKEN = '123456789:AAHtestTOKENtestTOKENtestTOKEN_abcde';
const CHAT = 555000222;

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function build(env: Record<string, string>, options: TelegramChannelOptions = {}, fake = new FakeBotApi()) {
  const lines: string[] = [];
  const log = createLogger('info', { write: (line: string) => void lines.push(line) });
  const fullEnv = { DATA_DIR: tempDir(), CONTENT_DIR: path.resolve('flows'), TELEGRAM_CHAT_INTERVAL_MS: '0', BURST_MS: '0', ...env };
  const factory = env.TELEGRAM_BOT_TOKEN ? createTelegramFeature({ transport: [fake.transformer], ...options }) : telegramFeature;
  app = createApp(loadCoreConfig(fullEnv), { clock: new FakeClock(), env: fullEnv, log, features: [factory] });
  const channel = (app.features.find((f) => f.name === 'telegram') as TelegramFeature).channel;
  return { app, fake, lines, channel, logged: (re: RegExp) => waitFor(() => lines.some((l) => re.test(l))) };
}

/** Looks every 10 ms, at most `looks` times (a count, not a wall-clock deadline). */
async function waitFor(check: () => boolean, looks = 500): Promise<boolean> {
  for (let look = 0; look < looks; look++) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return check();
}

describe('configuration', () => {
  test('no token: Telegram is off and says so', async () => {
    const { lines } = build({});
    expect(lines.join('\n')).toContain('Telegram is off');
  });

  test('a malformed token is refused without echoing it', () => {
    expect(() => loadTelegramConfig({ TELEGRAM_BOT_TOKEN: 'my-secret-token' })).toThrow(/TELEGRAM_BOT_TOKEN: expected the token @BotFather gave you/);
    expect(() => loadTelegramConfig({ TELEGRAM_BOT_TOKEN: 'my-secret-token' })).not.toThrow(/my-secret-token/);
  });

  test('a webhook URL needs a secret; the API root may end with a slash', () => {
    expect(() => loadTelegramConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_URL: 'https://bot.example.go.id/telegram/webhook' })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(loadTelegramConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/' })!.apiRoot).toBe('http://127.0.0.1:8081');
    expect(() => loadTelegramConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_GLOBAL_RATE: 'fast' })).toThrow(/TELEGRAM_GLOBAL_RATE/);
  });
});

test('network errors never carry the token into logs or outbox rows', () => {
  const err = new HttpError("Network request for 'sendMessage' failed!", new Error(`request to https://api.telegram.org/bot${TOKEN}/sendMessage failed, reason: socket hang up`));
  const failure = toDeliveryError(err);
  expect(failure.message).toContain('socket hang up');
  expect(failure.message).not.toContain(TOKEN.split(':')[1]);
});

describe('start-up problems say what to do', () => {
  test('a wrong token (401)', async () => {
    const fake = new FakeBotApi();
    fake.failures.push({ method: 'getMe', error_code: 401, description: 'Unauthorized' });
    const { logged } = build({ TELEGRAM_BOT_TOKEN: TOKEN }, {}, fake);
    await app!.startFeatures();
    expect(await logged(/token is wrong or was revoked.*@BotFather/)).toBe(true);
    expect(fake.count('getUpdates')).toBe(0);
  });

  test('another instance polling (409): retried with backoff, an alert after the third, polling resumes once it is gone', async () => {
    const fake = new FakeBotApi();
    const conflict = { method: 'getUpdates', error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' };
    fake.failures.push(conflict, conflict, conflict);
    const waits: number[] = [];
    const { logged, lines } = build({ TELEGRAM_BOT_TOKEN: TOKEN }, { sleep: async (ms) => void waits.push(ms) }, fake);
    // A resident writes while the other instance still holds the token.
    fake.push({ update_id: 7, message: { message_id: 1, date: 1, chat: { id: CHAT, type: 'private', first_name: 'Siti' }, from: { id: CHAT, is_bot: false, first_name: 'Siti' }, text: 'halo' } });
    await app!.startFeatures();
    expect(await logged(/the other instance is gone; long polling runs again/)).toBe(true);
    expect(waits).toEqual([5_000, 15_000, 30_000]);
    const conflicts = lines.filter((l) => l.includes('another instance is polling with this token')).map((l) => JSON.parse(l) as { level: number; alert?: boolean });
    expect(conflicts).toHaveLength(3);
    expect(conflicts.map((c) => c.alert === true)).toEqual([false, false, true]);
    const audit = app!.ctx.db.prepare('SELECT action FROM audit_log ORDER BY id').pluck().all();
    expect(audit).toEqual(['telegram.conflict', 'telegram.conflict_resolved']);
    // /readyz names the channel's state (polling again: ready).
    const ready = (await (await app!.ctx.http.request('/readyz')).json()) as { channels: Array<{ name: string; state: string; ok: boolean }> };
    expect(ready.channels).toContainEqual({ name: 'telegram', state: 'polling', ok: true });
    // Served once the token is free.
    expect(await waitFor(() => fake.sent(CHAT).some((s) => s.text.includes('Silakan pilih layanan')))).toBe(true);
    // Only what is served is fetched (no channel posts).
    expect(fake.calls.find((c) => c.method === 'getUpdates')!.payload.allowed_updates).toEqual(['message', 'callback_query', 'my_chat_member']);
  });

  test('no network: a warning that names the API root, and a clean stop while waiting', async () => {
    const fake = new FakeBotApi();
    fake.failures.push({ method: 'getMe', network: true });
    const { logged } = build({ TELEGRAM_BOT_TOKEN: TOKEN }, {}, fake);
    await app!.startFeatures();
    expect(await logged(/cannot reach the Bot API at https:\/\/api\.telegram\.org.*ECONNREFUSED/)).toBe(true);
    await app!.close();
    app = undefined;
  });

  test('long polling starts with the command menu in Indonesian and English, and stops cleanly', async () => {
    const { fake, logged } = build({ TELEGRAM_BOT_TOKEN: TOKEN });
    await app!.startFeatures();
    expect(await logged(/long polling started/)).toBe(true);
    const commands = fake.calls.filter((c) => c.method === 'setMyCommands');
    expect(commands.map((c) => (c.payload.language_code as string | undefined) ?? 'default')).toEqual(['default', 'id', 'en']);
    const en = commands.find((c) => c.payload.language_code === 'en')!.payload.commands as Array<{ command: string; description: string }>;
    expect(en.map((c) => c.command)).toEqual(['start', 'menu', 'batal', 'bantuan', 'bahasa']);
    expect(en[2]!.description).toContain('Cancel');
    // An update through the real polling loop gets its answer.
    fake.push({ update_id: 41, message: { message_id: 1, date: 1, chat: { id: CHAT, type: 'private', first_name: 'Siti' }, from: { id: CHAT, is_bot: false, first_name: 'Siti' }, text: 'halo' } });
    expect(await waitFor(() => fake.sent(CHAT).some((s) => s.text.includes('Silakan pilih layanan')))).toBe(true);
    await app!.close();
    app = undefined;
    // Stopping confirmed the handled update to Telegram.
    expect(fake.calls.filter((c) => c.method === 'getUpdates').at(-1)!.payload.offset).toBe(42);
  });
});

test('stopping finishes the update in hand, leaves the rest of the batch to the next start, and confirms only what was handled', async () => {
  const { fake, app: a } = build({ TELEGRAM_BOT_TOKEN: TOKEN });
  const handled: string[] = [];
  let release!: () => void;
  const inHand = new Promise<void>((r) => (release = r));
  let entered!: () => void;
  const started = new Promise<void>((r) => (entered = r));
  const handle = a.ctx.engine.handle.bind(a.ctx.engine);
  a.ctx.engine.handle = async (msg) => {
    handled.push(msg.id);
    entered();
    await inHand;
    return handle(msg);
  };
  await a.startFeatures();
  const message = (id: number, text: string) => ({ update_id: id, message: { message_id: id, date: 1, chat: { id: CHAT, type: 'private' as const, first_name: 'Siti' }, from: { id: CHAT, is_bot: false, first_name: 'Siti' }, text } });
  fake.push(message(70, 'halo'));
  fake.push(message(71, 'syarat kk'));
  await started;
  const closing = a.close();
  release();
  await closing;
  app = undefined;
  expect(handled).toEqual(['123456789:70']);
  expect(fake.calls.filter((c) => c.method === 'getUpdates').at(-1)!.payload.offset).toBe(71);
  // The update in hand was committed before the database closed.
  const reopened = createApp(loadCoreConfig({ DATA_DIR: a.ctx.config.DATA_DIR, CONTENT_DIR: path.resolve('flows') }), { log: createLogger('silent'), features: [] });
  const resident = reopened.ctx.store.findResident('telegram', String(CHAT));
  expect(resident).toBeDefined();
  expect(reopened.ctx.store.loadConversation(resident!.id)).toBeDefined();
  await reopened.close();
});

describe('webhook mode', () => {
  const secret = 'wh_secret_0123456789abcdef';
  const env = { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_URL: 'https://bot.example.go.id/telegram/webhook', TELEGRAM_WEBHOOK_SECRET: secret };
  const update = (id: number) => ({ update_id: id, message: { message_id: 1, date: 1, chat: { id: CHAT, type: 'private', first_name: 'Siti' }, from: { id: CHAT, is_bot: false, first_name: 'Siti' }, text: 'halo' } });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    app!.ctx.http.request('/telegram/webhook', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  test('sets the webhook with its secret, answers only requests that carry it, never polls', async () => {
    const { fake } = build(env, { botInfo: new FakeBotApi().me });
    await app!.startFeatures();
    expect(await waitFor(() => fake.count('setWebhook') === 1)).toBe(true);
    expect(fake.calls.find((c) => c.method === 'setWebhook')!.payload).toMatchObject({ url: env.TELEGRAM_WEBHOOK_URL, secret_token: secret });

    expect((await post(update(900))).status).toBe(401);
    expect((await post(update(901), { 'X-Telegram-Bot-Api-Secret-Token': 'wrong' })).status).toBe(401);
    expect(app!.ctx.store.findResident('telegram', String(CHAT))).toBeUndefined();

    expect((await post(update(902), { 'X-Telegram-Bot-Api-Secret-Token': secret })).status).toBe(200);
    expect(await waitFor(() => fake.sent(CHAT).some((s) => s.text.includes('Silakan pilih layanan')))).toBe(true);
    expect(fake.count('getUpdates')).toBe(0);
  });
});
