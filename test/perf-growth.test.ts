// At a million rows: housekeeping batches sized by how long they hold the writer, readiness
// counting undelivered messages from small indexes (never a scan of the delivered ones), and
// the migration that adds the web chat's index keeping what the database held.
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createLogger } from '../src/log.js';
import { BatchSize, RETENTION, Retention } from '../src/ops/retention.js';
import { CoreStore } from '../src/store/core-store.js';
import { openDatabase, type Db } from '../src/store/db.js';
import { allMigrations } from '../src/store/migrations/index.js';
import { OpsStore } from '../src/store/ops-store.js';
import { tempDir } from './helpers.js';

const DAY = 86_400_000;
const now = new Date('2026-11-30T02:00:00.000Z');
let db: Db | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
});

function seenIds(store: CoreStore, n: number, at: Date): void {
  store.transaction(() => {
    for (let i = 0; i < n; i++) store.markInboundSeen('whatsapp', `old-${i}`, at);
  });
}

describe('housekeeping batches follow how long they hold the writer', () => {
  test('a batch that took too long makes the next one smaller, quick ones make it grow, within bounds', () => {
    const size = new BatchSize(100, 1, 500, 4);
    size.took(20);
    expect(size.size).toBe(16);
    size.took(40);
    expect(size.size).toBe(1);
    size.took(40);
    expect(size.size).toBe(1);
    for (let i = 0; i < 30; i++) size.took(0.1);
    expect(size.size).toBe(500);
    size.took(3);
    expect(size.size).toBe(500);
  });

  test('when every batch looks slow, old dedupe ids still all go, a few at a time', async () => {
    db = openDatabase(path.join(tempDir(), 'slow.db'));
    const store = new CoreStore(db);
    seenIds(store, 600, new Date(now.getTime() - (RETENTION.dedupeDays + 1) * DAY));
    store.markInboundSeen('whatsapp', 'young', now);
    // Each reading of the clock is 10 ms after the previous one: every batch "takes" 10 ms.
    let ms = 0;
    const slow = new Retention(db, createLogger('silent'), { elapsed: () => (ms += 10) });
    const report = await slow.run(now);
    expect(report.dedupe).toBe(600);
    // 64, then 20, 6, 1, 1, …: hundreds of batches, not two.
    expect(slow.lastRun.batches).toBeGreaterThan(500);
    expect(db.prepare('SELECT message_id FROM inbound_seen').pluck().all()).toEqual(['young']);
  });

  test('when batches are quick they grow, so a large sweep is a few batches', async () => {
    db = openDatabase(path.join(tempDir(), 'quick.db'));
    const store = new CoreStore(db);
    seenIds(store, 1200, new Date(now.getTime() - (RETENTION.dedupeDays + 1) * DAY));
    const quick = new Retention(db, createLogger('silent'), { elapsed: () => 0 });
    expect((await quick.run(now)).dedupe).toBe(1200);
    // dedupe: 64, 80, 100, 125, 157, 196, 245, 307 rows; then one batch per other table.
    expect(quick.lastRun.batches).toBeLessThan(20);
    expect(quick.lastRun.overTarget).toBe(0);
  });

  test('while the checkpointer truncates the WAL the sweep waits instead of taking the writer, then finishes', async () => {
    db = openDatabase(path.join(tempDir(), 'held.db'));
    const store = new CoreStore(db);
    seenIds(store, 600, new Date(now.getTime() - (RETENTION.dedupeDays + 1) * DAY));
    const seenWhileHeld: number[] = [];
    const count = () => db!.prepare('SELECT COUNT(*) FROM inbound_seen').pluck().get() as number;
    const retention = new Retention(db, createLogger('silent'), {
      holdWrites: () => {
        if (seenWhileHeld.length >= 3) return false;
        seenWhileHeld.push(count());
        return true;
      },
    });
    const report = await retention.run(now);
    expect(seenWhileHeld).toEqual([600, 600, 600]);
    expect(report).toMatchObject({ dedupe: 600, deferred: [] });
    expect(count()).toBe(0);
  });

  test('outbox rows past retention go in batches that skip gaps in the ids; younger rows and rows after a gap stay or go by their own age', async () => {
    db = openDatabase(path.join(tempDir(), 'gaps.db'));
    const store = new CoreStore(db);
    const old = new Date(now.getTime() - (RETENTION.outboxDays + 1) * DAY);
    const r = store.upsertResident('telegram', '100', undefined, 'id', old);
    const ids = store.transaction(() => Array.from({ length: 300 }, (_, i) => store.enqueue({ residentId: r.id, channel: 'telegram', address: '100', reply: { text: `m${i}` } }, old)!));
    // A hole of a million ids (rows deleted long ago), then more old rows, then a young one.
    db.prepare('DELETE FROM outbox WHERE id BETWEEN ? AND ?').run(ids[100], ids[199]);
    db.prepare(`INSERT INTO outbox (id, resident_id, channel, address, payload, next_attempt_at, created_at) VALUES (?, ?, 'telegram', '100', '{"text":"far"}', ?, ?)`).run(1_000_000, r.id, old.toISOString(), old.toISOString());
    store.enqueue({ residentId: r.id, channel: 'telegram', address: '100', reply: { text: 'young' } }, now);
    const retention = new Retention(db, createLogger('silent'), { elapsed: () => 0 });
    expect((await retention.run(now)).outbox).toBe(201);
    expect(db.prepare('SELECT payload FROM outbox').pluck().all()).toEqual(['{"text":"young"}']);
  });
});

describe('undelivered messages per channel (readiness, metrics)', () => {
  test('are counted from the small indexes of undelivered rows, web chat included, and follow deliveries and acknowledgements', () => {
    db = openDatabase(path.join(tempDir(), 'depth.db'));
    const store = new CoreStore(db);
    const ops = new OpsStore(db);
    const earlier = new Date(now.getTime() - 60_000);
    const web = store.upsertResident('web', 'w-browser', undefined, 'id', earlier);
    const tg = store.upsertResident('telegram', '100', undefined, 'id', earlier);
    const w1 = store.enqueue({ residentId: web.id, channel: 'web', address: 'w-browser', reply: { text: 'a' } }, earlier)!;
    store.enqueue({ residentId: web.id, channel: 'web', address: 'w-browser', reply: { text: 'b' } }, now);
    const t1 = store.enqueue({ residentId: tg.id, channel: 'telegram', address: '100', reply: { text: 'c' } }, earlier)!;
    store.enqueue({ residentId: tg.id, channel: 'telegram', address: '100', reply: { text: 'later' }, notBefore: new Date(now.getTime() + 60_000) }, now);
    expect(ops.outboxDepth(now)).toEqual([
      { channel: 'telegram', depth: 1, oldestDue: earlier.toISOString() },
      { channel: 'web', depth: 2, oldestDue: earlier.toISOString() },
    ]);
    store.ackShown(web.id, 'web', [w1], now);
    store.markSent(t1, now);
    expect(ops.outboxDepth(now)).toEqual([{ channel: 'web', depth: 1, oldestDue: now.toISOString() }]);

    // Neither query scans the outbox (a million delivered rows at 90 days).
    const s = (ops as unknown as { s: Record<string, { source: string }> }).s;
    for (const name of ['outboxDepth', 'webDepth']) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${s[name]!.source}`).all(now.toISOString()) as Array<{ detail: string }>).map((p) => p.detail).join('; ');
      expect(plan).toMatch(name === 'webDepth' ? /USING COVERING INDEX outbox_open/ : /USING (COVERING )?INDEX outbox_due/);
      expect(plan).not.toMatch(/SCAN outbox(?! USING)/);
    }
  });

  test('a database from before the web chat index keeps its messages and gets the index', () => {
    const file = path.join(tempDir(), 'upgrade.db');
    const old = openDatabase(file, { migrations: allMigrations.filter((m) => m.version < 700) });
    const store = new CoreStore(old);
    const web = store.upsertResident('web', 'w-old', undefined, 'id', now);
    const shown = store.enqueue({ residentId: web.id, channel: 'web', address: 'w-old', reply: { text: 'shown' } }, now)!;
    store.enqueue({ residentId: web.id, channel: 'web', address: 'w-old', reply: { text: 'waiting' } }, now);
    store.ackShown(web.id, 'web', [shown], now);
    old.close();

    db = openDatabase(file);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'outbox_%open'").pluck().all()).toEqual(['outbox_open']);
    expect(db.prepare('SELECT payload, status FROM outbox ORDER BY id').all()).toEqual([
      { payload: '{"text":"shown"}', status: 'sent' },
      { payload: '{"text":"waiting"}', status: 'pending' },
    ]);
    expect(new OpsStore(db).outboxDepth(now)).toEqual([{ channel: 'web', depth: 1, oldestDue: now.toISOString() }]);
    expect(new CoreStore(db).dueFor(web.id, 'web', now).map((r) => JSON.parse(r.payload).text)).toEqual(['waiting']);
  });
});
