// Telegram adapter throughput: updates (texts and button presses) through grammY's
// middleware and the adapter into the engine, with every Bot API call answered by an
// in-memory fake (no network). Beside it, the same workload straight into the engine,
// and the outbox delivered back through the sender with the throttler at its 1,000/s maximum.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Update } from 'grammy/types';
import { createApp, type App } from '../src/app.js';
import { FakeBotApi } from '../test/telegram-fake-api.js';
import { createTelegramFeature, type TelegramFeature } from '../src/channels/telegram/feature.js';
import { loadCoreConfig } from '../src/config.js';
import type { Input } from '../src/core/types.js';
import { createLogger } from '../src/log.js';
import { fmt, percentile } from './_util.js';

const RESIDENTS = Number(process.env.BENCH_TELEGRAM_RESIDENTS ?? 2_000);
/** Updates awaiting their commit at once (webhook-style concurrency; polling handles one at a time). */
const OUTSTANDING = 32;

function script(i: number): Input[] {
  const services = ['svc:ktp_el_baru', 'svc:kk_hilang_rusak', 'svc:akta_kelahiran', 'svc:kia_5_17'];
  return [
    { type: 'text', text: '/start' },
    { type: 'choice', id: 'm:req' },
    { type: 'choice', id: 'cat:ktp' },
    { type: 'choice', id: services[i % services.length]! },
    { type: 'choice', id: 'req:check' },
    { type: 'choice', id: 'ck:y' },
    { type: 'choice', id: 'ck:n' },
    { type: 'text', text: 'belum tahu' },
    { type: 'choice', id: 'req:full' },
    { type: 'text', text: 'menu' },
  ];
}

function toUpdate(updateId: number, chatId: number, input: Input): Update {
  const chat = { id: chatId, type: 'private' as const, first_name: 'Warga' };
  const from = { id: chatId, is_bot: false, first_name: 'Warga', language_code: 'id' };
  if (input.type === 'choice') {
    return { update_id: updateId, callback_query: { id: `q${updateId}`, from, chat_instance: 'c', data: input.id, message: { message_id: 1, date: 1, chat, text: '…' } } } as Update;
  }
  return { update_id: updateId, message: { message_id: updateId, date: 1, chat, from, text: (input as { text: string }).text } } as Update;
}

function makeApp(dir: string, fake: FakeBotApi): App {
  const env = { DATA_DIR: dir, LOG_LEVEL: 'silent', WEB_CHAT: 'off', TELEGRAM_BOT_TOKEN: '123456789:AAHbenchBENCHbenchBENCHbench_0000', TELEGRAM_CHAT_INTERVAL_MS: '0', TELEGRAM_GLOBAL_RATE: '1000' };
  return createApp(loadCoreConfig(env), { env, log: createLogger('silent'), features: [createTelegramFeature({ transport: [fake.transformer], botInfo: fake.me })] });
}

/** Runs every resident's script with `concurrency` updates in flight (never two of one resident). */
async function drive(concurrency: number, handle: (residentIndex: number, input: Input, seq: number) => Promise<unknown>): Promise<{ rate: number; sorted: Float64Array; count: number }> {
  const queues = Array.from({ length: RESIDENTS }, (_, i) => ({ i, inputs: script(i), step: 0 }));
  const total = queues.reduce((n, q) => n + q.inputs.length, 0);
  const latencies = new Float64Array(total);
  let done = 0;
  let seq = 1;
  const start = performance.now();
  async function worker(w: number): Promise<void> {
    // Worker w serves residents w, w+concurrency, … in turns: one message each round.
    const mine = queues.filter((q) => q.i % concurrency === w);
    while (mine.some((q) => q.step < q.inputs.length)) {
      for (const q of mine) {
        if (q.step >= q.inputs.length) continue;
        const t0 = performance.now();
        await handle(q.i, q.inputs[q.step++]!, seq++);
        latencies[done++] = performance.now() - t0;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const seconds = (performance.now() - start) / 1000;
  return { rate: done / seconds, sorted: latencies.slice(0, done).sort(), count: done };
}

export async function run(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'adminduk-bench-tg-'));
  const lines: string[] = [];
  const results: Record<string, { rate: number; p50: number; p99: number }> = {};

  for (const [name, concurrency, viaTelegram] of [
    ['engine alone', OUTSTANDING, false],
    ['telegram, concurrent', OUTSTANDING, true],
    ['telegram, one at a time', 1, true],
  ] as const) {
    const fake = new FakeBotApi();
    const app = makeApp(path.join(root, name.replace(/\W+/g, '-')), fake);
    const bot = (app.features.find((f) => f.name === 'telegram') as TelegramFeature).channel!.bot;
    const { rate, sorted, count } = await drive(concurrency, (i, input, seq) =>
      viaTelegram ? bot.handleUpdate(toUpdate(seq, 100_000_000 + i, input)) : app.ctx.engine.handle({ id: String(seq), channel: 'telegram', address: String(100_000_000 + i), input }),
    );
    results[name] = { rate, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
    lines.push(`  ${name.padEnd(24)} ${fmt(rate).padStart(8)} updates/s   p50 ${fmt(percentile(sorted, 50), 2)} ms   p99 ${fmt(percentile(sorted, 99), 2)} ms   (${fmt(count)} updates)`);

    if (name === 'telegram, concurrent') {
      // The replies those updates queued, delivered through the sender to the fake API.
      const queued = app.ctx.db.prepare("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").pluck().get() as number;
      const t0 = performance.now();
      while ((await app.ctx.dispatcher.runOnce()) > 0);
      const seconds = (performance.now() - t0) / 1000;
      const sent = fake.count('sendMessage');
      lines.push(`  ${'outbox → sendMessage'.padEnd(24)} ${fmt(sent / seconds).padStart(8)} messages/s (${fmt(sent)} of ${fmt(queued)} queued; throttler at 1,000/s, bounded by its own scheduling)`);
    }
    await app.close();
  }

  const overhead = results['telegram, concurrent']!.rate / results['engine alone']!.rate;
  console.log(`telegram: ${fmt(RESIDENTS)} residents × ${script(0).length} updates, fake Bot API in memory, ${OUTSTANDING} in flight unless noted`);
  for (const line of lines) console.log(line);
  console.log(`  adapter / engine         ${fmt(overhead, 2)} (share of the engine's own rate kept through grammY and the adapter)`);
  console.log('  Telegram itself allows ~30 messages/s per bot; the throttler holds deliveries to TELEGRAM_GLOBAL_RATE (default 25/s).');
  fs.rmSync(root, { recursive: true, force: true });
}
