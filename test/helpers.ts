// Shared test scaffolding: a real app on a temp SQLite file, a settable clock, and a
// `say` that chats through the real web chat HTTP API, as a browser would.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../src/app.js';
import { loadCoreConfig } from '../src/config.js';
import type { FeatureFactory } from '../src/core/feature.js';
import type { Clock, Reply } from '../src/core/types.js';
import { createLogger } from '../src/log.js';

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
  close(): Promise<void>;
}

export async function makeTestApp(
  options: { env?: Record<string, string>; clock?: FakeClock; features?: FeatureFactory[]; dir?: string; random?: () => number } = {},
): Promise<TestApp> {
  const dir = options.dir ?? tempDir();
  const clock = options.clock ?? new FakeClock();
  const env: Record<string, string> = { DATA_DIR: dir, LOG_LEVEL: 'silent', CONTENT_DIR: path.resolve('flows'), ...options.env };
  const app = createApp(loadCoreConfig(env), { clock, env, log: createLogger('silent'), features: options.features, random: options.random });
  const acks = new Map<string, number>();

  async function say(address: string, input: string | { choice: string }) {
    const body = {
      clientId: address,
      // Unique across app instances, as a browser's ids are (a reused id is a re-delivery).
      messageId: randomUUID(),
      ack: acks.get(address) ?? 0,
      ...(typeof input === 'string' ? { text: input } : { choice: input.choice }),
    };
    const res = await app.ctx.http.request('/api/chat/send', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`web chat answered ${res.status}: ${await res.text()}`);
    const { messages } = (await res.json()) as { messages: Array<Reply & { id: number }> };
    if (messages.length) acks.set(address, messages[messages.length - 1]!.id);
    return messages;
  }

  async function poll(address: string) {
    const res = await app.ctx.http.request(`/api/chat/messages?clientId=${address}&ack=${acks.get(address) ?? 0}`);
    const { messages } = (await res.json()) as { messages: Array<Reply & { id: number }> };
    if (messages.length) acks.set(address, messages[messages.length - 1]!.id);
    return messages;
  }

  return { app, ctx: app.ctx, dir, clock, say, poll, close: () => app.close() };
}

/** All reply texts joined, for assertions on what a resident reads. */
export function textOf(replies: Reply[]): string {
  return replies.map((r) => r.text).join('\n');
}

/** Labels of the last reply's choices. */
export function choicesOf(replies: Reply[]): string[] {
  return [...replies].reverse().find((r) => r.choices?.length)?.choices?.map((c) => c.label) ?? [];
}
