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
  /** SQLite's page cache of this connection, MiB (default DEFAULT_CACHE_MB). */
  cacheMb?: number;
  migrations?: Migration[];
  /**
   * How long a statement waits for another connection's write lock before failing with
   * SQLITE_BUSY. Kept short: the wait blocks the event loop, so callers retry later instead
   * (the engine re-queues the batch off the event loop; see src/core/engine.ts).
   */
  busyTimeoutMs?: number;
}

/**
 * Page cache per connection. better-sqlite3 is built with 16 MiB; that cache stays in RSS once
 * housekeeping has read through the tables, and measured no faster than 2 MiB at a million
 * residents (the returning residents' pages are scattered, and each checkpoint from the worker's
 * connection empties this cache anyway). See README "Benchmarks".
 */
export const DEFAULT_CACHE_MB = 2;

/** Default wait for a lock held by another connection: short, the engine retries off the event loop. */
export const BUSY_TIMEOUT_MS = 25;

/** After a checkpoint resets the WAL, SQLite truncates the file to this size (so one burst does not keep the disk). */
export const JOURNAL_SIZE_LIMIT = 16 * 1024 * 1024;

/** Start-up problems an officer can fix (a folder, a newer database): main prints the message as one line. */
export class DatabaseOpenError extends Error {
  override name = 'DatabaseOpenError';
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  let db: Db;
  try {
    if (file !== ':memory:') {
      const dir = path.dirname(path.resolve(file));
      fs.mkdirSync(dir, { recursive: true });
      fs.accessSync(dir, fs.constants.W_OK | fs.constants.R_OK);
    }
    db = new Database(file);
    db.pragma('journal_mode = WAL');
  } catch (err) {
    throw explainOpenError(file, err);
  }
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  db.pragma(`cache_size = ${-Math.round((options.cacheMb ?? DEFAULT_CACHE_MB) * 1024)}`);
  db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
  db.pragma('foreign_keys = ON');
  // At start-up nothing else waits: processes starting together may queue for the migration.
  db.pragma('busy_timeout = 10000');
  try {
    migrate(db, options.migrations ?? allMigrations);
  } catch (err) {
    db.close();
    throw err;
  }
  // Several processes may share the file (the booking quota must hold across them). A short
  // wait only: longer waits are retried off the event loop by the callers.
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? BUSY_TIMEOUT_MS}`);
  return db;
}

function explainOpenError(file: string, err: unknown): Error {
  const code = (err as { code?: string }).code ?? '';
  const dir = path.dirname(path.resolve(file));
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY') {
    const user = process.getuid ? ` by user ${safeUser()}` : '';
    return new DatabaseOpenError(`the data folder "${dir}" is not writable${user} (${code}): fix its owner or permissions, or set DATA_DIR`);
  }
  if (code === 'ENOSPC' || code === 'SQLITE_FULL') return new DatabaseOpenError(`the disk holding "${dir}" is full: free some space and start again`);
  if (code === 'ENOTDIR' || code === 'EEXIST') return new DatabaseOpenError(`DATA_DIR "${dir}" is not a folder`);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') return new DatabaseOpenError(`"${file}" is not a readable SQLite database (${code}): restore a backup (see README, "Backups")`);
  return err instanceof Error ? err : new Error(String(err));
}

function safeUser(): string {
  try {
    return (process.env.USER ?? String(process.getuid?.())) || '?';
  } catch {
    return '?';
  }
}

/** True for errors that go away by themselves: another connection's lock, a full disk that gets space again. */
export function isTransientDbError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|FULL|IOERR|PROTOCOL)/.test(code);
}

/**
 * Runs fn (which may return a promise), and again after each of the short pauses (off the
 * event loop) while it meets a lock or a full disk; `onRetry` hears each such error first.
 */
export async function retryTransient<T>(
  fn: () => T | Promise<T>,
  delaysMs: readonly number[] = [25, 50, 100, 250, 500, 1_000, 2_000, 4_000],
  onRetry?: (err: unknown) => void,
): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransientDbError(err) || i >= delaysMs.length) throw err;
      onRetry?.(err);
      await new Promise((resolve) => setTimeout(resolve, delaysMs[i]));
    }
  }
}

/**
 * Runs fn in one write transaction. IMMEDIATE takes the write lock up front, so several
 * processes on one file queue up (busy_timeout) instead of failing when a read turns into a
 * write; inside an open transaction (the engine's) it is a savepoint.
 */
export function writeTransaction<T>(db: Db, fn: () => T): T {
  const run = transactionRunner(db);
  return (db.inTransaction ? run(fn) : run.immediate(fn)) as T;
}

/** One better-sqlite3 transaction wrapper per connection: building one per call cost ~8 µs. */
const runners = new WeakMap<Db, Database.Transaction<(fn: () => unknown) => unknown>>();
function transactionRunner(db: Db): Database.Transaction<(fn: () => unknown) => unknown> {
  let run = runners.get(db);
  if (!run) runners.set(db, (run = db.transaction((fn: () => unknown) => fn())));
  return run;
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
    const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as Array<{ version: number; name: string }>;
    // A version this code does not know was applied by newer code: running on it could corrupt data.
    const unknown = rows.filter((r) => !seen.has(r.version));
    if (unknown.length) {
      const newest = unknown.at(-1)!;
      throw new DatabaseOpenError(
        `the database "${db.name}" was updated by a newer version of Adminduk Chat (schema ${newest.version} "${newest.name}"; this version knows up to ${sorted.at(-1)?.version ?? 0}): install the newer version again, or restore a backup made before the update`,
      );
    }
    const done = new Set(rows.map((r) => r.version));
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
