// The local fake Bot API (telegram-test-api) shared by the over-HTTP Telegram tests.
import net from 'node:net';
import type { Transformer } from 'grammy';
import telegramTestApi from 'telegram-test-api';
import type { TelegramClient } from 'telegram-test-api/lib/modules/telegramClient.js';
import type { TelegramServer as Server } from 'telegram-test-api/lib/telegramServer.js';

export interface BotMessage {
  text: string;
  reply_markup?: { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> };
}

// The package is CommonJS with `module.exports = TelegramServer`.
const TelegramServer = telegramTestApi as unknown as typeof Server;

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

/** Starts the fake server on a free loopback port with one private chat as the resident. */
export async function startFakeBotApi(token: string, chat: number): Promise<{ server: Server; client: TelegramClient }> {
  const server = new TelegramServer({ port: await freePort(), host: '127.0.0.1' });
  await server.start();
  const client = server.getClient(token, { chatId: chat, userId: chat, type: 'private', firstName: 'Siti', timeout: 5000, interval: 20 });
  return { server, client };
}

/**
 * Adapts telegram-test-api where it differs from Telegram: its getUpdates answers at once
 * (no long poll), so an empty answer waits a little instead of spinning; it has no
 * setMyCommands, so that call is handed to `onCommands` and answered here.
 */
export function fakeServerQuirks(onCommands: (payload: unknown) => void = () => undefined): Transformer {
  return (async (prev: (m: string, p: unknown, s?: AbortSignal) => Promise<{ ok: boolean; result: unknown }>, method: string, payload: unknown, signal?: AbortSignal) => {
    if (method === 'setMyCommands') {
      onCommands(payload);
      return { ok: true, result: true };
    }
    const result = await prev(method, payload, signal);
    if (method === 'getUpdates' && Array.isArray(result.result) && result.result.length === 0) await new Promise((r) => setTimeout(r, 25));
    return result;
  }) as Transformer;
}

/**
 * Everything the bot sends to `client`'s chat until `done` says it is enough. Bounded by a
 * number of looks (every 20 ms), not a wall-clock deadline: a loaded machine only waits longer.
 */
export async function botMessagesUntil(client: TelegramClient, done: (got: BotMessage[]) => boolean, looks = 400): Promise<BotMessage[]> {
  const got: BotMessage[] = [];
  for (let look = 0; look < looks; look++) {
    const { result } = await client.getUpdates().catch((err: Error) => {
      throw new Error(`${err.message}; got so far ${JSON.stringify(got.map((m) => m.text))}`);
    });
    got.push(...result.map((u) => u.message as unknown as BotMessage));
    if (got.length && done(got)) return got;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the bot did not answer as expected; got ${JSON.stringify(got.map((m) => m.text))}`);
}
