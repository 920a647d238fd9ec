// Every foreign key has an index that starts with its columns: without one, deleting a
// parent row (housekeeping pruning delivered messages) scans the child table once per row.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CoreStore } from '../src/store/core-store.js';
import { openDatabase } from '../src/store/db.js';
import { allMigrations } from '../src/store/migrations/index.js';
import { tempDir } from './helpers.js';

interface Fk { id: number; seq: number; table: string; from: string; to: string }

/** Parent tables whose rows can never be deleted (a trigger refuses it): no child lookup ever runs. */
function undeletable(db: ReturnType<typeof openDatabase>): Set<string> {
  const triggers = db.prepare("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'").all() as Array<{ tbl_name: string; sql: string }>;
  return new Set(triggers.filter((t) => /BEFORE DELETE ON \w+\s+BEGIN SELECT RAISE\(ABORT/i.test(t.sql)).map((t) => t.tbl_name));
}

function unindexedForeignKeys(db: ReturnType<typeof openDatabase>): string[] {
  const never = undeletable(db);
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
      if (never.has(fks.find((f) => f.id === id)!.table)) continue;
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

  it('residents are never deleted (erasure replaces the address), so the outbox needs no index of every row by resident', () => {
    const db = openDatabase(path.join(tempDir(), 'never.db'));
    const store = new CoreStore(db);
    const r = store.upsertResident('web', 'browser-resident-1', undefined, 'id', new Date('2026-12-01T02:00:00.000Z'));
    expect(() => db.prepare('DELETE FROM residents WHERE id = ?').run(r.id)).toThrow(/never deleted/);
    expect(undeletable(db)).toEqual(new Set(['residents']));
    db.close();
  });

  it('a database made before the foreign-key indexes gets them when it is opened', () => {
    const file = path.join(tempDir(), 'old.db');
    const old = openDatabase(file, { migrations: allMigrations.filter((m) => m.version < 30 || m.version >= 50) });
    // As it was: the feature migrations ran without these indexes.
    for (const name of ['booking_waitlist_booking', 'broadcast_recipients_outbox', 'broadcast_recipients_resident']) old.exec(`DROP INDEX ${name}`);
    // (broadcast_recipients_resident is dropped too, but its parent, residents, is never deleted.)
    expect(unindexedForeignKeys(old)).toEqual(['booking_waitlist (booking_id) → booking', 'broadcast_recipients (outbox_id) → outbox']);
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

  it('a delivered reply leaves no entry in any index by resident; what reads by resident reads the small ones', () => {
    const db = openDatabase(path.join(tempDir(), 'by-resident.db'));
    const store = new CoreStore(db);
    const now = new Date('2026-12-01T02:00:00.000Z');
    const r = store.upsertResident('web', 'browser-resident-1', undefined, 'id', now);
    const reply = store.enqueue({ residentId: r.id, channel: 'web', address: 'browser-resident-1', reply: { text: 'a' } }, now)!;
    const notice = store.enqueue({ residentId: r.id, channel: 'web', address: 'browser-resident-1', reply: { text: 'b', choices: [{ id: 'x', label: 'X' }] }, kind: 'notification' }, now)!;
    const entries = (index: string) => db.prepare(`SELECT COUNT(*) FROM pragma_index_list('outbox') l WHERE l.name = ?`).pluck().get(index) === 1
      ? (db.prepare(`SELECT COUNT(*) FROM outbox INDEXED BY ${index} WHERE resident_id = ? AND ${index === 'outbox_open' ? "status IN ('pending', 'sending')" : "kind <> 'reply'"}`).pluck().get(r.id) as number)
      : -1;
    expect([entries('outbox_open'), entries('outbox_resident_notices')]).toEqual([2, 1]);
    store.ackShown(r.id, 'web', [reply, notice], now);
    // Both delivered: the open index is empty again, the notice stays findable ("1" may answer it).
    expect([entries('outbox_open'), entries('outbox_resident_notices')]).toEqual([0, 1]);
    expect(store.choicesOfLastNotice(r.id, new Date(now.getTime() - 1000).toISOString())).toEqual(['x']);
    // The resident wrote since: "1" answers the conversation, not the older notice.
    expect(store.choicesOfLastNotice(r.id, new Date(now.getTime() + 1000).toISOString())).toBeUndefined();
    const plans = [
      "SELECT id FROM outbox WHERE resident_id = 1 AND channel = 'web' AND status IN ('pending', 'sending') AND next_attempt_at <= 'z' ORDER BY id LIMIT 100",
      "SELECT payload FROM outbox WHERE resident_id = 1 AND kind <> 'reply' AND status = 'sent' ORDER BY id DESC LIMIT 1",
    ].map((sql) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((p) => p.detail).join(' '));
    expect(plans[0]).toMatch(/USING (COVERING )?INDEX outbox_open/);
    expect(plans[1]).toMatch(/USING INDEX outbox_resident_notices/);
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
