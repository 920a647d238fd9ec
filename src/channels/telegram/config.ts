// Telegram settings from the environment. No token: the channel is off.
import { z } from 'zod';
import { ConfigError, parseEnv } from '../../config.js';

const url = (what: string) =>
  z
    .url({ message: `expected ${what}` })
    // grammY refuses an API root with a trailing slash; people paste one.
    .transform((v) => v.replace(/\/+$/, ''));

export const TelegramEnv = z.object({
  // Secrets are checked below, so a malformed one is never echoed in the error line.
  TELEGRAM_BOT_TOKEN: z.string().optional(),
  TELEGRAM_API_ROOT: url('a URL such as https://api.telegram.org or http://127.0.0.1:8081').default('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_URL: url('the public https URL Telegram should post updates to').optional(),
  TELEGRAM_WEBHOOK_SECRET: z.string().optional(),
  TELEGRAM_GLOBAL_RATE: z.coerce.number({ message: 'expected messages per second' }).int().min(1).max(1000, 'expected 1–1000 messages per second').default(25),
  TELEGRAM_CHAT_INTERVAL_MS: z.coerce.number({ message: 'expected milliseconds' }).int().min(0).max(60_000, 'expected 0–60000 ms').default(1000),
});

export interface TelegramConfig {
  token: string;
  apiRoot: string;
  webhook?: { url: string; path: string; secret: string };
  globalRate: number;
  chatIntervalMs: number;
}

/** undefined when no token is set (Telegram off). */
export function loadTelegramConfig(env: Record<string, string | undefined>): TelegramConfig | undefined {
  const e = parseEnv(TelegramEnv, env);
  if (!e.TELEGRAM_BOT_TOKEN) return undefined;
  if (!/^\d{3,}:[A-Za-z0-9_-]{20,}$/.test(e.TELEGRAM_BOT_TOKEN)) {
    throw new ConfigError('Invalid TELEGRAM_BOT_TOKEN: expected the token @BotFather gave you, like 123456789:AAH… (digits, a colon, then letters)');
  }
  let webhook: TelegramConfig['webhook'];
  if (e.TELEGRAM_WEBHOOK_URL) {
    if (!e.TELEGRAM_WEBHOOK_SECRET || !/^[A-Za-z0-9_-]{16,256}$/.test(e.TELEGRAM_WEBHOOK_SECRET)) {
      throw new ConfigError('Invalid TELEGRAM_WEBHOOK_SECRET: required with TELEGRAM_WEBHOOK_URL, 16–256 characters of A-Z, a-z, 0-9, _ or -');
    }
    const path = new URL(e.TELEGRAM_WEBHOOK_URL).pathname;
    if (path === '/' || path.startsWith('/api/')) {
      throw new ConfigError(`Invalid TELEGRAM_WEBHOOK_URL: expected a path of its own, such as https://bot.example.go.id/telegram/webhook (got "${e.TELEGRAM_WEBHOOK_URL}")`);
    }
    webhook = { url: e.TELEGRAM_WEBHOOK_URL, path, secret: e.TELEGRAM_WEBHOOK_SECRET };
  }
  return {
    token: e.TELEGRAM_BOT_TOKEN,
    apiRoot: e.TELEGRAM_API_ROOT,
    webhook,
    globalRate: e.TELEGRAM_GLOBAL_RATE,
    chatIntervalMs: e.TELEGRAM_CHAT_INTERVAL_MS,
  };
}
