// What an operator relies on: honest readiness, metrics, the low-disk pause of new bookings
// (and its recovery), and a real full disk that heals without a restart.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { bookingFeature } from '../src/booking/feature.js';
import { webChatFeature } from '../src/channels/web/feature.js';
import { makeTestApp, tempDir, textOf, walkToConfirm, type TestApp } from './helpers.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const MB = 1024 * 1024;
const DATE = '2026-12-01';

/** A resident goes through the booking questions up to the confirmation button, and presses it. */
async function book(app: TestApp, who: string, nik: string) {
  await walkToConfirm(app, who, nik, DATE);
  return textOf(await app.say(who, { choice: 'bk:yes' }));
}

describe('readiness and metrics', () => {
  test('/healthz touches nothing; /readyz reports the write, disk, WAL, outbox and channels', async () => {
    t = await makeTestApp({ features: [webChatFeature], app: { diskFree: () => 5_000 * MB } });
    await t.say('resident-r1', 'halo');
    expect(await (await t.ctx.http.request('/healthz')).json()).toEqual({ ok: true });
    const res = await t.ctx.http.request('/readyz');
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ ok: true, database: { ok: true }, disk: { ok: true, freeBytes: 5_000 * MB }, wal: { ok: true }, outbox: { ok: true }, channels: [{ name: 'web', ok: true }] });
    // The web reply waits for its page: a due message in the outbox shows as depth.
    expect(body.outbox.channels).toEqual([expect.objectContaining({ channel: 'web', depth: expect.any(Number) })]);

    // An hour later, a web reply no page fetched (the tab was closed) still shows as depth,
    // but says nothing about the bot: ready.
    t.clock.advance(3_600_000);
    const later = await t.ctx.http.request('/readyz');
    expect(later.status).toBe(200);
    expect(((await later.json()) as any).outbox.channels).toEqual([expect.objectContaining({ channel: 'web', oldestAgeSeconds: 3_600 })]);

    // A Telegram message due for over 15 minutes and not sent is the bot's fault: not ready.
    const resident = t.ctx.store.upsertResident('telegram', '555001', undefined, 'id', t.clock.now());
    t.ctx.store.transaction(() => t!.ctx.store.enqueue({ residentId: resident.id, channel: 'telegram', address: '555001', reply: { text: 'Status permohonan Anda berubah.' } }, t!.clock.now()));
    t.clock.advance(1_000_000);
    const late = await t.ctx.http.request('/readyz');
    expect(late.status).toBe(503);
    expect(((await late.json()) as any).outbox.detail).toMatch(/waiting over 900 s on telegram/);
  });

  test('/metrics (Prometheus) counts messages, step latency, outbox depth, WAL and disk; only local callers or with METRICS_TOKEN', async () => {
    t = await makeTestApp({ features: [webChatFeature], app: { diskFree: () => 5_000 * MB } });
    await t.say('resident-x1', 'halo');
    await t.say('resident-x1', 'bantuan');
    const text = await (await t.ctx.http.request('/metrics')).text();
    expect(text).toMatch(/adminduk_messages_in_total\{channel="web"\} 2/);
    expect(text).toMatch(/adminduk_step_seconds_count\{channel="web"\} 2/);
    expect(text).toMatch(/adminduk_outbox_depth\{channel="web"\} \d+/);
    expect(text).toMatch(/adminduk_wal_bytes \d+/);
    expect(text).toMatch(/adminduk_disk_free_bytes 5242880000/);
    // Through a proxy (X-Forwarded-For) it is refused without a token.
    expect((await t.ctx.http.request('/metrics', { headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(403);
  });

  test('with METRICS_TOKEN, /metrics needs it', async () => {
    t = await makeTestApp({ features: [webChatFeature], env: { METRICS_TOKEN: 'metrics-token-0123456789' } });
    expect((await t.ctx.http.request('/metrics')).status).toBe(401);
    expect((await t.ctx.http.request('/metrics', { headers: { authorization: 'Bearer metrics-token-0123456789' } })).status).toBe(200);
  });
});

describe('low disk watermark', () => {
  test('below it new bookings stop with a polite notice, the bot keeps answering, officers are alerted; it reopens by itself', async () => {
    let free = 50 * MB;
    t = await makeTestApp({ features: [bookingFeature, webChatFeature], env: { LOW_DISK_MB: '100' }, app: { diskFree: () => free } });
    await t.app.startFeatures();
    expect(t.ctx.health.bookingsOpen()).toBe(false);
    const refused = await book(t, 'resident-d1', '1803021204800001');
    expect(refused).toContain('booking baru sedang dihentikan sementara');
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM booking').pluck().get()).toBe(0);
    // Everything else still works.
    expect(textOf(await t.say('resident-d2', 'syarat ktp hilang'))).toMatch(/Dokumen yang dibawa/);
    const ready = (await (await t.ctx.http.request('/readyz')).json()) as any;
    expect(ready.disk).toMatchObject({ ok: false, freeBytes: 50 * MB });
    expect(ready.alerts).toEqual([expect.objectContaining({ code: 'low_disk', message: expect.stringMatching(/New bookings are paused/) })]);
    expect(t.ctx.db.prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'alert.low_disk'").pluck().get()).toBe(1);

    free = 500 * MB;
    t.ctx.health.checkDisk();
    expect(t.ctx.health.alerts()).toEqual([]);
    expect(await book(t, 'resident-d3', '1803021204800002')).toContain('Booking berhasil');
    expect(t.ctx.db.prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'alert.low_disk.cleared'").pluck().get()).toBe(1);
  });
});

// A real full disk: a 4 MB tmpfs as DATA_DIR (needs root and mount; skipped with a note elsewhere).
function mountTmpfs(): string | undefined {
  const dir = tempDir('adminduk-full-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'pipe' });
    return dir;
  } catch (err) {
    console.warn(`SKIPPED disk-full test: cannot mount a tmpfs here (${String((err as Error).message).split('\n')[0]})`);
    return undefined;
  }
}

describe('a full disk', () => {
  const dir = process.getuid?.() === 0 ? mountTmpfs() : (console.warn('SKIPPED disk-full test: needs root to mount a small tmpfs'), undefined);
  afterEach(() => {
    if (dir) {
      try {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      } catch {
        // already gone
      }
    }
  });

  test.skipIf(!dir)('messages get "busy, will be sent" while the disk is full and go through once space is back, without a restart', async () => {
    t = await makeTestApp({ dir, features: [webChatFeature], env: { LOW_DISK_MB: '0' }, app: { retryDelaysMs: [5, 5, 5] } });
    await t.say('resident-f1', 'halo');
    // Fill the disk to the last byte.
    const filler = path.join(dir!, 'filler');
    const fd = fs.openSync(filler, 'w');
    const chunk = Buffer.alloc(64 * 1024, 1);
    try {
      for (;;) fs.writeSync(fd, chunk);
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    try {
      for (;;) fs.writeSync(fd, chunk, 0, 512);
    } catch {
      // full
    }
    fs.closeSync(fd);

    const headers = t.headers('resident-f1');
    const sendLong = (messageId: string) =>
      t!.ctx.http.request('/api/chat/send', { method: 'POST', headers, body: JSON.stringify({ messageId, text: 'syarat ktp hilang ' + 'x'.repeat(4000) }) });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await sendLong(`full-${i}`);
      statuses.push(res.status);
      if (res.status === 503) {
        expect(((await res.json()) as { message: string }).message).toMatch(/Sedang sibuk, pesan akan terkirim/);
        break;
      }
    }
    expect(statuses.at(-1)).toBe(503);
    const failedId = `full-${statuses.length - 1}`;
    expect((await t.ctx.http.request('/readyz')).status).toBe(503);

    fs.rmSync(filler);
    const again = await sendLong(failedId);
    expect(again.status).toBe(200);
    expect(textOf(((await again.json()) as { messages: Array<{ text: string }> }).messages as never)).toMatch(/KTP/);
    expect((await t.ctx.http.request('/healthz')).status).toBe(200);
    console.log(`disk full: ${statuses.length} message(s) until the first "busy" (${statuses.join(' ')}), then recovered without restart`);
    await t.close();
    t = undefined;
  });

  test('an alert cleared while another process holds the writer is still in the audit log once the lock is gone', async () => {
    let free = 50 * MB;
    t = await makeTestApp({ features: [bookingFeature, webChatFeature], env: { LOW_DISK_MB: '100' }, app: { diskFree: () => free } });
    await t.app.startFeatures();
    const app = t;
    const cleared = () => app.ctx.db.prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'alert.low_disk.cleared'").pluck().get();
    const other = new Database(path.join(app.dir, 'adminduk.db'));
    other.exec('BEGIN IMMEDIATE');
    free = 500 * MB;
    app.ctx.health.checkDisk();
    expect(app.ctx.health.alerts()).toEqual([]);
    expect(cleared()).toBe(0);
    other.exec('COMMIT');
    other.close();
    // Waited for, not timed: the entry is written once the writer is free.
    await vi.waitFor(() => expect(cleared()).toBe(1), { timeout: 15_000, interval: 20 });
  });
});
