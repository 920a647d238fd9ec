// End to end over real HTTP: a resident on Telegram (grammY against the local fake Bot API,
// telegram-test-api) checks a status and follows it; an officer changes the status through the
// admin API; the notification comes to the same chat through the real Telegram sender.
import type { TelegramClient } from 'telegram-test-api/lib/modules/telegramClient.js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { applicationsFeature } from '../src/applications/feature.js';
import { createTelegramFeature } from '../src/channels/telegram/feature.js';
import { botMessagesUntil, fakeServerQuirks, startFakeBotApi, type BotMessage } from './telegram-test-server.js';
import { makeTestApp, type TestApp } from './helpers.js';

const BOT_TOKEN = '987654321:AAFfakeSERVERfakeSERVERfakeSERVER_abc';
const ADMIN_TOKEN = 'test-admin-token-0123456789';
const CHAT = 515151;

let server: Awaited<ReturnType<typeof startFakeBotApi>>['server'];
let client: TelegramClient;

beforeAll(async () => {
  ({ server, client } = await startFakeBotApi(BOT_TOKEN, CHAT));
});
afterAll(async () => {
  await server.stop();
});

/** Everything the bot sends until `done` says it is enough. */
const botMessages = (done: (got: BotMessage[]) => boolean) => botMessagesUntil(client, done);

const withButtons = (got: BotMessage[]) => Boolean(got.at(-1)?.reply_markup);
const text = (got: BotMessage[]) => got.map((m) => m.text).join('\n');

async function say(message: string): Promise<BotMessage[]> {
  await client.sendMessage(client.makeMessage(message));
  return botMessages(withButtons);
}

async function press(answer: BotMessage[], label: string): Promise<BotMessage[]> {
  const button = answer.at(-1)!.reply_markup!.inline_keyboard.flat().find((b) => b.text === label);
  if (!button) throw new Error(`no button "${label}" in ${JSON.stringify(answer.at(-1)!.reply_markup)}`);
  await client.sendCallback(client.makeCallbackQuery(button.callback_data, { message: { message_id: 1 } }));
  return botMessages(withButtons);
}

async function admin(t: TestApp, method: string, path: string, body: unknown) {
  const res = await t.ctx.http.request(`/api/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

test('follow on Telegram, officer changes the status, the notification arrives in the chat once', async () => {
  const t = await makeTestApp({
    env: { ADMIN_TOKEN, TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_API_ROOT: server.config.apiURL + '/', TELEGRAM_CHAT_INTERVAL_MS: '0' },
    features: [applicationsFeature, createTelegramFeature({ transport: [fakeServerQuirks()] })],
  });
  await t.app.startFeatures();
  try {
    expect((await admin(t, 'POST', '/applications', { trackingNo: 'LU-261130-TG001', service: 'akta_kelahiran', applicantName: 'Siti Aminah', nik: '1803025504950001', officer: 'budi' })).status).toBe(201);

    let answer = await say('/start');
    answer = await press(answer, 'Cek status permohonan');
    expect(text(answer)).toContain('nomor permohonan');
    await client.sendMessage(client.makeMessage('LU-261130-TG001'));
    answer = await botMessages(withButtons);
    expect(text(answer)).toContain('4 angka terakhir NIK');
    await client.sendMessage(client.makeMessage('0001'));
    answer = await botMessages(withButtons);
    expect(text(answer)).toContain('Status sekarang: Diterima');
    answer = await press(answer, 'Ikuti permohonan ini');
    expect(text(answer)).toContain('chat ini mengikuti permohonan LU-261130-TG001');

    const change = await admin(t, 'POST', '/applications/LU-261130-TG001/status', { status: 'perlu_perbaikan', note: 'Surat keterangan lahir belum dilampirkan', officer: 'budi' });
    expect(change.body.notifications.queued).toBe(1);
    const pushed = await botMessages((got) => got.some((m) => m.text.includes('Kabar permohonan')));
    const notification = pushed.find((m) => m.text.includes('Kabar permohonan'))!;
    expect(notification.text).toContain('Status sekarang: Perlu perbaikan');
    expect(notification.text).toContain('Catatan petugas: Surat keterangan lahir belum dilampirkan');

    expect(pushed.filter((m) => m.text.includes('Kabar permohonan'))).toHaveLength(1);
    // The chat can show the message a moment before the sender marks its outbox row sent.
    const rows = () => t.ctx.db.prepare("SELECT status, COUNT(*) AS n FROM outbox WHERE kind = 'notification' GROUP BY status").all();
    for (let i = 0; i < 100 && JSON.stringify(rows()) !== JSON.stringify([{ status: 'sent', n: 1 }]); i++) await new Promise((r) => setTimeout(r, 20));
    expect(rows()).toEqual([{ status: 'sent', n: 1 }]);
  } finally {
    await t.close();
  }
}, 30_000);
