// Shared test scaffolding: a real app on a temp SQLite file, a settable clock, and a
// `say` that chats through the real web chat HTTP API, as a browser would.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type App, type AppOptions } from '../src/app.js';
import { loadCoreConfig } from '../src/config.js';
import type { FeatureFactory } from '../src/core/feature.js';
import type { Clock, Reply } from '../src/core/types.js';
import { createLogger } from '../src/log.js';
import { CLIENT_HEADER, SECRET_HEADER, WebIdentity } from '../src/channels/web/identity.js';
import { webChatFeature } from '../src/channels/web/feature.js';
import { bookingFeature, type BookingFeature } from '../src/booking/feature.js';

export class FakeClock implements Clock {
  private t: number;
  constructor(iso = '2026-11-30T02:00:00.000Z') {
    this.t = Date.parse(iso);
  }
  now(): Date {
    return new Date(this.t);
  }
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export function tempDir(prefix = 'adminduk-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestApp {
  app: App;
  ctx: App['ctx'];
  dir: string;
  clock: FakeClock;
  /** Sends text (or `{ choice }`) from a web-chat resident; resolves with the bot's replies. */
  say(address: string, input: string | { choice: string }): Promise<Array<Reply & { id: number }>>;
  /** What the page's poll fetches now (notifications, reminders), acknowledging what it showed. */
  poll(address: string): Promise<Array<Reply & { id: number }>>;
  /** The web chat headers of a resident (their identity is issued on first use, with `address` as its id). */
  headers(address: string): Record<string, string>;
  close(): Promise<void>;
}

/**
 * Web chat credentials for a test resident: the server-side identity is registered with the
 * given id (a browser gets a random one from POST /api/chat/session), the secret goes in headers.
 */
export function webHeaders(ctx: App['ctx'], address: string, known = new Map<string, string>()): Record<string, string> {
  let secret = known.get(address);
  if (!secret) {
    // Several processes on one file (booking-concurrency): wait out another's write lock, as the page would retry.
    for (let tries = 0; ; tries++) {
      try {
        secret = new WebIdentity(ctx.db, ctx.clock).issue(address).secret;
        break;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY' || tries > 500) throw err;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      }
    }
    known.set(address, secret);
  }
  return { 'content-type': 'application/json', [CLIENT_HEADER]: address, [SECRET_HEADER]: secret };
}

export async function makeTestApp(
  options: { env?: Record<string, string>; clock?: FakeClock; features?: FeatureFactory[]; dir?: string; random?: () => number; app?: Partial<AppOptions> } = {},
): Promise<TestApp> {
  const dir = options.dir ?? tempDir();
  const clock = options.clock ?? new FakeClock();
  const env: Record<string, string> = { DATA_DIR: dir, LOG_LEVEL: 'silent', BURST_MS: '0', CONTENT_DIR: path.resolve('flows'), ...options.env };
  const app = createApp(loadCoreConfig(env), { clock, env, log: createLogger('silent'), features: options.features, random: options.random, ...options.app });
  // As the page does: ids shown and not yet acknowledged ride along with the next request.
  const unacked = new Map<string, number[]>();
  const shown = new Map<string, Set<number>>();
  const secrets = new Map<string, string>();
  const headers = (address: string) => webHeaders(app.ctx, address, secrets);
  const fresh = (address: string, messages: Array<Reply & { id: number }>) => {
    const seen = shown.get(address) ?? new Set<number>();
    shown.set(address, seen);
    const out = messages.filter((m) => !seen.has(m.id));
    for (const m of out) seen.add(m.id);
    unacked.set(address, out.map((m) => m.id));
    return out;
  };

  async function say(address: string, input: string | { choice: string }) {
    const body = {
      // Unique across app instances, as a browser's ids are (a reused id is a re-delivery).
      messageId: randomUUID(),
      ack: unacked.get(address) ?? [],
      ...(typeof input === 'string' ? { text: input } : { choice: input.choice }),
    };
    const res = await app.ctx.http.request('/api/chat/send', { method: 'POST', headers: headers(address), body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`web chat answered ${res.status}: ${await res.text()}`);
    const { messages } = (await res.json()) as { messages: Array<Reply & { id: number }> };
    return fresh(address, messages);
  }

  async function poll(address: string) {
    const res = await app.ctx.http.request(`/api/chat/messages?ack=${(unacked.get(address) ?? []).join(',')}`, { headers: headers(address) });
    if (res.status !== 200) throw new Error(`web chat answered ${res.status}: ${await res.text()}`);
    const { messages } = (await res.json()) as { messages: Array<Reply & { id: number }> };
    return fresh(address, messages);
  }

  return { app, ctx: app.ctx, dir, clock, say, poll, headers, close: () => app.close() };
}

/** All reply texts joined, for assertions on what a resident reads. */
export function textOf(replies: Reply[]): string {
  return replies.map((r) => r.text).join('\n');
}

/** Labels of the last reply's choices. */
export function choicesOf(replies: Reply[]): string[] {
  return [...replies].reverse().find((r) => r.choices?.length)?.choices?.map((c) => c.label) ?? [];
}

/** Button ids without the question tag a button carries ("r:bpjs~k3x9q2" → "r:bpjs"). */
export function choiceIds(replies: Reply[]): string[] {
  return replies.flatMap((r) => r.choices ?? []).map((c) => c.id.replace(/~[^~]*$/, ''));
}

/** A valid Lampung Utara NIK (Abung Selatan, born 12 Apr 1995), one per test resident `i`. */
export function testNik(i: number): string {
  return `180302120495${String(i).padStart(4, '0')}`;
}

/** A web-chat resident goes through the booking to the confirm button of `date`, session 0 (reason BPJS, name Siti Aminah). */
export async function walkToConfirm(t: TestApp, address: string, nik: string, date: string): Promise<Array<Reply & { id: number }>> {
  await t.say(address, 'menu');
  await t.say(address, { choice: 'm:book' });
  await t.say(address, { choice: 'r:bpjs' });
  await t.say(address, nik);
  await t.say(address, 'Siti Aminah');
  await t.say(address, { choice: `d:${date}` });
  return t.say(address, { choice: 's:0' });
}

/** The booking feature of a test app started with it (its service: capacity, closing days…). */
export function bookingOf(t: TestApp): BookingFeature {
  const booking = t.app.features.find((f) => f.name === 'booking');
  if (!booking) throw new Error('the test app was started without bookingFeature');
  return booking as BookingFeature;
}

/** A web-chat app with booking on Monday 30 Nov 2026, 09:00 WIB (the booking tests' usual day). */
export async function makeBookingApp(options: Parameters<typeof makeTestApp>[0] = {}): Promise<{ t: TestApp; booking: BookingFeature }> {
  const t = await makeTestApp({ features: [bookingFeature, webChatFeature], clock: new FakeClock('2026-11-30T02:00:00.000Z'), ...options });
  return { t, booking: bookingOf(t) };
}
