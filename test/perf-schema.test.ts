// Every foreign key has an index that starts with its columns: without one, deleting a
// parent row (housekeeping pruning delivered messages) scans the child table once per row.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CoreStore } from '../src/store/core-store.js';
import { openDatabase } from '../src/store/db.js';
import { allMigrations } from '../src/store/migrations/index.js';
import { tempDir } from './helpers.js';

interface Fk { id: number; seq: number; table: string; from: string; to: string }

function unindexedForeignKeys(db: ReturnType<typeof openDatabase>): string[] {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  const missing: string[] = [];
  for (const table of tables) {
    const fks = db.prepare('SELECT id, seq, "table", "from", "to" FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(table) as Fk[];
    if (fks.length === 0) continue;
    // Column lists of the indexes SQLite can use for the child lookup: full (not partial) ones, and the primary key.
    const indexes = (db.prepare('SELECT name, partial FROM pragma_index_list(?)').all(table) as Array<{ name: string; partial: number }>)
      .filter((i) => !i.partial)
      .map((i) => db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').pluck().all(i.name) as string[]);
    const pk = (db.prepare('SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk').pluck().all(table) as string[]);
    if (pk.length) indexes.push(pk);
    const byKey = new Map<number, string[]>();
    for (const fk of fks) byKey.set(fk.id, [...(byKey.get(fk.id) ?? []), fk.from]);
    for (const [id, cols] of byKey) {
      const covered = indexes.some((ix) => cols.every((c) => ix.slice(0, cols.length).includes(c)));
      if (!covered) missing.push(`${table} (${cols.join(', ')}) → ${fks.find((f) => f.id === id)!.table}`);
    }
  }
  return missing;
}

describe('schema', () => {
  it('has an index on every foreign key of every table', () => {
    const db = openDatabase(path.join(tempDir(), 'fk.db'));
    const fkCount = (db.prepare("SELECT COUNT(*) FROM sqlite_master m, pragma_foreign_key_list(m.name) WHERE m.type = 'table'").pluck().get() as number);
    expect(fkCount).toBeGreaterThan(5);
    expect(unindexedForeignKeys(db)).toEqual([]);
    db.close();
  });

  it('a database made before the foreign-key indexes gets them when it is opened', () => {
    const file = path.join(tempDir(), 'old.db');
    const old = openDatabase(file, { migrations: allMigrations.filter((m) => m.version < 30 || m.version >= 50) });
    // As it was: the feature migrations ran without these indexes.
    for (const name of ['booking_waitlist_booking', 'broadcast_recipients_outbox', 'broadcast_recipients_resident']) old.exec(`DROP INDEX ${name}`);
    expect(unindexedForeignKeys(old)).toHaveLength(3);
    old.close();
    const db = openDatabase(file);
    expect(unindexedForeignKeys(db)).toEqual([]);
    db.close();
  });

  it('deleting a delivered message a broadcast went out in looks it up by index, not by scanning', () => {
    const db = openDatabase(path.join(tempDir(), 'plan.db'));
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT 1 FROM broadcast_recipients WHERE outbox_id = ?').all(1) as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX broadcast_recipients_outbox/);
    db.close();
  });

  it('finding messages due for Telegram or WhatsApp uses the small index of undelivered rows', () => {
    const db = openDatabase(path.join(tempDir(), 'due.db'));
    const store = new CoreStore(db);
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT o.id FROM outbox o WHERE o.channel = ? AND o.channel <> 'web' AND o.next_attempt_at <= ? AND o.status IN ('pending', 'sending')`).all('telegram', 'z') as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/INDEX outbox_due/);
    // A delivered row leaves it; a web-chat row never enters it, and is still pulled by its resident.
    const now = new Date('2026-11-30T02:00:00.000Z');
    const tg = store.upsertResident('telegram', '100', undefined, 'id', now);
    const web = store.upsertResident('web', 'browser-resident-1', undefined, 'id', now);
    const sent = store.enqueue({ residentId: tg.id, channel: 'telegram', address: '100', reply: { text: 'a' } }, now)!;
    store.enqueue({ residentId: tg.id, channel: 'telegram', address: '100', reply: { text: 'b' } }, now);
    store.enqueue({ residentId: web.id, channel: 'web', address: 'browser-resident-1', reply: { text: 'c' } }, now);
    store.markSent(sent, now);
    const entries = db.prepare('SELECT COUNT(*) FROM outbox INDEXED BY outbox_due WHERE status IN (\'pending\', \'sending\') AND channel <> \'web\' AND channel > \'\'').pluck().get();
    expect(entries).toBe(1);
    expect(store.claimDue('telegram', now, new Date(now.getTime() + 60_000), 10).map((r) => JSON.parse(r.payload).text)).toEqual(['b']);
    expect(store.dueFor(web.id, 'web', now).map((r) => JSON.parse(r.payload).text)).toEqual(['c']);
    db.close();
  });
});

describe("the app's page cache", () => {
  it('is 2 MiB unless SQLITE_CACHE_MB says otherwise (better-sqlite3 alone would give 16 MiB that stay in memory)', async () => {
    const { makeTestApp } = await import('./helpers.js');
    const plain = await makeTestApp();
    const raw = openDatabase(path.join(tempDir(), 'raw.db'));
    try {
      expect(plain.ctx.db.pragma('cache_size', { simple: true })).toBe(-2048);
      expect(raw.pragma('cache_size', { simple: true })).toBe(-2048);
    } finally {
      raw.close();
      await plain.close();
    }
    const larger = await makeTestApp({ env: { SQLITE_CACHE_MB: '8' } });
    try {
      expect(larger.ctx.db.pragma('cache_size', { simple: true })).toBe(-8192);
    } finally {
      await larger.close();
    }
  });
});
