// What the process keeps in memory (verified web identities, residents found by address, the
// booking tables' version) must hear when a row is written. Temporary triggers (this connection
// only) call a SQL function inside the statement that does it, so a write that is later rolled
// back is heard too (a cache drops more than it must, never less); another process's commits are
// seen through `PRAGMA data_version` (committedElsewhere).
import type { Db } from './db.js';

/**
 * A check of whether another connection (another process sharing the file: an officer's tool,
 * a restore) has committed since the check last ran: this connection's `PRAGMA data_version`
 * changes then (well under a µs to read). A cache that gets `true` drops what it kept.
 */
export function committedElsewhere(db: Db): () => boolean {
  const read = db.prepare('PRAGMA data_version').pluck();
  let seen = read.get() as number;
  return () => {
    const version = read.get() as number;
    if (version === seen) return false;
    seen = version;
    return true;
  };
}

/** Per connection and table: who hears of a changed row. */
const listeners = new WeakMap<Db, Map<string, Set<(key: unknown) => void>>>();

/** Calls `listener` with `keyColumn` of every `table` row inserted, updated or deleted through this connection. */
export function onRowChanged(db: Db, table: string, keyColumn: string, listener: (key: unknown) => void): void {
  let tables = listeners.get(db);
  if (!tables) listeners.set(db, (tables = new Map()));
  let set = tables.get(table);
  if (!set) {
    const heard = (set = new Set());
    tables.set(table, heard);
    const fn = `adminduk_${table}_changed`;
    db.function(fn, { varargs: false }, (key: unknown) => {
      for (const l of heard) l(key);
      return null;
    });
    db.exec(
      ['INSERT', 'UPDATE', 'DELETE']
        .map((op) => `CREATE TEMP TRIGGER IF NOT EXISTS ${table}_changed_${op.toLowerCase()} AFTER ${op} ON main.${table} BEGIN SELECT ${fn}(${op === 'INSERT' ? 'NEW' : 'OLD'}.${keyColumn}); END;`)
        .join('\n'),
    );
  }
  set.add(listener);
}
