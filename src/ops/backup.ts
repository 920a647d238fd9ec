// Online backups with SQLite's backup API (better-sqlite3's db.backup): consistent copies
// while the bot runs, on a schedule into BACKUP_DIR, keeping the newest BACKUP_KEEP. The
// database holds the WhatsApp keys, so the folder is 0700 and every file 0600.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Clock } from '../core/types.js';
import { DatabaseOpenError, type Db } from '../store/db.js';
import { allMigrations } from '../store/migrations/index.js';

const NAME = /^adminduk-\d{8}-\d{6}(-\d+)?\.db$/;

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** Makes the folder (0700) if needed and tightens it if it exists. */
function secureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

/** Copies the live database into `dir` as adminduk-YYYYMMDD-HHMMSS.db (0600); returns the file. */
export async function backupDatabase(db: Db, dir: string, now: Date): Promise<string> {
  secureDir(dir);
  let file = path.join(dir, `adminduk-${stamp(now)}.db`);
  for (let n = 2; fs.existsSync(file); n++) file = path.join(dir, `adminduk-${stamp(now)}-${n}.db`);
  const partial = `${file}.partial`;
  // Created empty with 0600 first: SQLite then writes into it and keeps the mode.
  fs.writeFileSync(partial, '', { mode: 0o600 });
  try {
    await db.backup(partial);
    fs.chmodSync(partial, 0o600);
    fs.renameSync(partial, file);
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  }
  return file;
}

/** Deletes all but the newest `keep` backups in `dir`; returns the deleted files. */
export function pruneBackups(dir: string, keep: number): string[] {
  if (!fs.existsSync(dir)) return [];
  const files = fs.readdirSync(dir).filter((f) => NAME.test(f)).sort();
  const old = files.slice(0, Math.max(0, files.length - keep));
  for (const f of old) fs.rmSync(path.join(dir, f), { force: true });
  return old.map((f) => path.join(dir, f));
}

/** Checks a backup before it replaces anything: readable, intact, and not of a newer schema. */
export function verifyBackup(file: string): { versions: number } {
  if (!fs.existsSync(file)) throw new DatabaseOpenError(`backup "${file}" does not exist`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new DatabaseOpenError(`backup "${file}" cannot be opened (${(err as { code?: string }).code ?? err})`);
  }
  try {
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new DatabaseOpenError(`backup "${file}" is damaged (integrity_check: ${String(check)})`);
    const versions = db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[];
    const known = new Set(allMigrations.map((m) => m.version));
    const unknown = versions.filter((v) => !known.has(v));
    if (unknown.length) throw new DatabaseOpenError(`backup "${file}" was made by a newer version of Adminduk Chat (schema ${Math.max(...unknown)}): restore it with that version`);
    return { versions: versions.length };
  } catch (err) {
    if (err instanceof DatabaseOpenError) throw err;
    throw new DatabaseOpenError(`backup "${file}" is not an Adminduk Chat database (${(err as Error).message})`);
  } finally {
    db.close();
  }
}

/**
 * Puts a backup in place of the database (the bot must be stopped). The current database,
 * with its -wal and -shm files, is kept beside it as adminduk.db.before-restore-<time>.
 */
export function restoreDatabase(backupFile: string, dbFile: string, now: Date): { previous?: string } {
  verifyBackup(backupFile);
  secureDir(path.dirname(path.resolve(dbFile)));
  let previous: string | undefined;
  if (fs.existsSync(dbFile)) {
    previous = `${dbFile}.before-restore-${stamp(now)}`;
    for (const suffix of ['', '-wal', '-shm']) if (fs.existsSync(dbFile + suffix)) fs.renameSync(dbFile + suffix, previous + suffix);
  }
  const tmp = `${dbFile}.restoring`;
  fs.copyFileSync(backupFile, tmp);
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, dbFile);
  return { previous };
}

/** Scheduled backups while the app runs. */
export class BackupScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly opts: { db: Db; dir: string; keep: number; everyMs: number; clock: Clock; log: Logger; onDone?: (ok: boolean) => void },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.runNow(), this.opts.everyMs);
    this.timer.unref();
  }

  async runNow(): Promise<string | undefined> {
    if (this.running) return undefined;
    const { db, dir, keep, clock, log } = this.opts;
    const job = (async () => {
      try {
        const file = await backupDatabase(db, dir, clock.now());
        const removed = pruneBackups(dir, keep);
        log.info({ file, removed: removed.length }, 'backup written');
        this.opts.onDone?.(true);
        return file;
      } catch (err) {
        log.error({ err, alert: true }, 'backup failed; will try again at the next scheduled time');
        this.opts.onDone?.(false);
        return undefined;
      }
    })();
    this.running = job;
    try {
      return await job;
    } finally {
      this.running = undefined;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
