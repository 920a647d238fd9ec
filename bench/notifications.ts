// 10,000 status changes → 10,000 notifications through the real outbox and dispatcher to a
// fake Telegram that enforces Telegram's limits (≈1 message/s per chat, 30/s overall, 429 with
// retry_after beyond). A virtual clock replaces waiting, so ~7 minutes of sending take seconds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app.js';
import { applicationsFeature } from '../src/applications/feature.js';
import type { ApplicationsService } from '../src/applications/service.js';
import { loadCoreConfig } from '../src/config.js';
import { DeliveryError, type ChannelSender, type OutboundMessage } from '../src/core/dispatcher.js';
import type { Clock } from '../src/core/types.js';
import { createLogger } from '../src/log.js';
import { fmt } from './_util.js';

const CHANGES = Number(process.env.BENCH_NOTIFICATIONS ?? 10_000);
const CHATS = Math.max(1, Math.floor(CHANGES / 5)); // each chat follows 5 applications
/** The sender's configured pace (TELEGRAM_GLOBAL_RATE, default 25/s: below Telegram's 30/s). */
const CONFIGURED_RATE = Number(process.env.TELEGRAM_GLOBAL_RATE ?? 25);
const TELEGRAM_GLOBAL_LIMIT = 30;
const TELEGRAM_CHAT_GAP_MS = 1_000;
const BROADCAST_RATE = 20;

class VirtualClock implements Clock {
  constructor(public t: number) {}
  now(): Date {
    return new Date(this.t);
  }
  /** "Sleeping" until `ms` is moving the clock there. */
  sleepUntil(ms: number): void {
    if (ms > this.t) this.t = ms;
  }
}

/** Telegram's side: rejects what breaks its limits with 429 + retry_after, dedupes nothing. */
class FakeTelegram {
  readonly perKey = new Map<string, number>();
  readonly lastPerChat = new Map<string, number>();
  readonly recent: number[] = [];
  delivered = 0;
  rejected429 = 0;
  firstAt = Infinity;
  lastAt = 0;

  constructor(private readonly clock: VirtualClock) {}

  receive(m: OutboundMessage): void {
    const now = this.clock.t;
    while (this.recent.length && this.recent[0]! <= now - 1_000) this.recent.shift();
    const last = this.lastPerChat.get(m.address);
    if (this.recent.length >= TELEGRAM_GLOBAL_LIMIT || (last !== undefined && now - last < TELEGRAM_CHAT_GAP_MS)) {
      this.rejected429++;
      throw new DeliveryError('429 Too Many Requests', { retryAfterMs: 1_000 });
    }
    this.recent.push(now);
    this.lastPerChat.set(m.address, now);
    const key = m.idempotencyKey ?? `outbox:${m.outboxId}`;
    this.perKey.set(key, (this.perKey.get(key) ?? 0) + 1);
    this.delivered++;
    this.firstAt = Math.min(this.firstAt, now);
    this.lastAt = Math.max(this.lastAt, now);
  }
}

/** What the real Telegram sender does with its throttler: a global pace and 1 s per chat. */
function pacedSender(clock: VirtualClock, channel: FakeTelegram, ratePerSecond: number): ChannelSender {
  const gap = 1_000 / ratePerSecond;
  let nextGlobal = 0;
  const nextPerChat = new Map<string, number>();
  return {
    async send(m) {
      const slot = Math.max(clock.t, nextGlobal, nextPerChat.get(m.address) ?? 0);
      nextGlobal = slot + gap;
      nextPerChat.set(m.address, slot + TELEGRAM_CHAT_GAP_MS);
      clock.sleepUntil(slot);
      channel.receive(m);
      return { externalId: String(m.outboxId) };
    },
  };
}

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adminduk-bench-notify-'));
  const clock = new VirtualClock(Date.parse('2026-11-30T02:00:00Z')); // Monday 09:00 WIB
  const env = { DATA_DIR: dir, LOG_LEVEL: 'silent', ADMIN_TOKEN: 'bench-admin-token-0123456789', BROADCAST_RATE: String(BROADCAST_RATE) };
  const app = createApp(loadCoreConfig(env), { clock, env, log: createLogger('silent'), features: [applicationsFeature] });
  try {
    const service = (app.features.find((f) => f.name === 'applications') as unknown as { service: ApplicationsService }).service;
    const chats = Array.from({ length: CHATS }, (_, i) => String(100_000_000 + i));
    app.ctx.store.transaction(() => {
      for (const chat of chats) app.ctx.store.upsertResident('telegram', chat, undefined, 'id', clock.now());
    });
    const csv = ['tracking_no,service,applicant_name,nik,contact_channel,contact_address'];
    for (let i = 0; i < CHANGES; i++) csv.push(`LU-B-${i},kk_baru_perkawinan,Warga Bench,18030201019${String(i).padStart(5, '0')},telegram,${chats[i % CHATS]}`);
    const imported = service.importCsv(csv.join('\n'), 'bench');
    if (imported.imported !== CHANGES) throw new Error(`import: ${JSON.stringify(imported.errors.slice(0, 3))}`);

    // Each change as an officer's request would make it: its own transaction with its outbox row.
    let t0 = performance.now();
    for (let i = 0; i < CHANGES; i++) {
      const r = service.changeStatus(`LU-B-${i}`, { status: 'diverifikasi', officer: 'bench' });
      if (!r.ok) throw new Error(r.error);
    }
    const changeMs = performance.now() - t0;

    const telegram = new FakeTelegram(clock);
    app.ctx.dispatcher.register('telegram', pacedSender(clock, telegram, CONFIGURED_RATE));
    const startVirtual = clock.t;
    t0 = performance.now();
    let idleRounds = 0;
    while (telegram.delivered < CHANGES && idleRounds < 10_000) {
      const attempted = await app.ctx.dispatcher.runOnce();
      if (attempted === 0) {
        idleRounds++;
        clock.sleepUntil(clock.t + 100); // nothing due: time passes (retry waits)
      }
    }
    const sendMs = performance.now() - t0;
    const virtualS = (clock.t - startVirtual) / 1_000;
    const duplicates = [...telegram.perKey.values()].filter((n) => n > 1).length;
    const spanS = Math.max((telegram.lastAt - telegram.firstAt) / 1_000, 1e-9);
    const achieved = (telegram.delivered - 1) / spanS;

    console.log(`notifications: ${fmt(CHANGES)} status changes → notifications to ${fmt(CHATS)} Telegram chats (5 applications each)`);
    console.log(`  fake Telegram: ≈1 msg/s per chat, ${TELEGRAM_GLOBAL_LIMIT}/s overall, 429 + retry_after beyond`);
    console.log(`  FAKE CLOCK: ${fmt(virtualS, 1)} s of simulated sending ran in ${fmt(sendMs / 1_000, 2)} s of real time`);
    console.log(`  status changes: ${fmt(CHANGES)} in ${fmt(changeMs / 1_000, 2)} s (${fmt(CHANGES / (changeMs / 1_000))}/s, each its own transaction with its outbox row)`);
    console.log(`  delivered: ${fmt(telegram.delivered)} of ${fmt(CHANGES)} (target: all)`);
    console.log(`  duplicates: ${fmt(duplicates)} (target 0)`);
    console.log(`  429s received: ${fmt(telegram.rejected429)} (target 0)`);
    console.log(`  rate: achieved ${fmt(achieved, 1)} msg/s vs configured ${fmt(CONFIGURED_RATE)} msg/s (Telegram's limit ${TELEGRAM_GLOBAL_LIMIT}/s)`);

    // An announcement to every chat, spaced by BROADCAST_RATE (default 20/s) through the same sender.
    const before = { delivered: telegram.delivered, rejected: telegram.rejected429 };
    telegram.firstAt = Infinity;
    t0 = performance.now();
    const bc = service.broadcast({ id: 'Layanan tatap muka ditutup sementara.', en: 'Face-to-face service is closed for now.' }, 'bench', false);
    const queueMs = performance.now() - t0;
    idleRounds = 0;
    while (telegram.delivered - before.delivered < bc.queued && idleRounds < 100_000) {
      if ((await app.ctx.dispatcher.runOnce()) === 0) {
        idleRounds++;
        clock.sleepUntil(clock.t + 50);
      }
    }
    const progress = service.broadcastProgress(bc.id)!;
    const bcSpan = Math.max((telegram.lastAt - telegram.firstAt) / 1_000, 1e-9);
    console.log(
      `  broadcast to ${fmt(bc.queued)} chats: queued in ${fmt(queueMs, 0)} ms; sent ${fmt(progress.sent)}, failed ${fmt(progress.failed)}, ` +
        `429s ${fmt(telegram.rejected429 - before.rejected)}; rate achieved ${fmt((progress.sent - 1) / bcSpan, 1)} msg/s vs BROADCAST_RATE ${fmt(BROADCAST_RATE)} msg/s`,
    );
  } finally {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
