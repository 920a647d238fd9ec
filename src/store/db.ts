// Opening the SQLite file and bringing its schema up to date. Every feature's tables
// come from versioned migrations (src/store/migrations), applied in order at start-up.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { allMigrations, type Migration } from './migrations/index.js';

export type Db = Database.Database;

export interface OpenOptions {
  /** NORMAL (default) survives a process crash; FULL also survives power loss, at a cost per commit. */
  synchronous?: 'NORMAL' | 'FULL';
  migrations?: Migration[];
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  // Several processes may share the file (the booking quota must hold across them): wait, don't fail.
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db, options.migrations ?? allMigrations);
  return db;
}

/**
 * Runs fn in one write transaction. IMMEDIATE takes the write lock up front, so several
 * processes on one file queue up (busy_timeout) instead of failing when a read turns into a
 * write; inside an open transaction (the engine's) it is a savepoint.
 */
export function writeTransaction<T>(db: Db, fn: () => T): T {
  return db.inTransaction ? db.transaction(fn)() : db.transaction(fn).immediate();
}

export function migrate(db: Db, migrations: Migration[]): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  const seen = new Set<number>();
  for (const m of sorted) {
    if (seen.has(m.version)) throw new Error(`Two migrations share version ${m.version}`);
    seen.add(m.version);
  }
  const applied: number[] = [];
  // IMMEDIATE: two processes starting together must not both apply the same migration.
  const run = db.transaction(() => {
    const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
    for (const m of sorted) {
      if (done.has(m.version)) continue;
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      applied.push(m.version);
    }
  });
  run.immediate();
  return applied;
}
