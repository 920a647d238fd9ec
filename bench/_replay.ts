// The reference the engine is read against: exactly the SQL the engine ran (the same
// statements, arguments and commits, on the same schema and disk) replayed with no engine
// logic around it. Recording patches better-sqlite3's Statement methods, which its
// transactions use too (BEGIN, COMMIT, SAVEPOINT are recorded like any statement).
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openDatabase } from '../src/store/db.js';

/** 0 run, 4 get, 5 all; 3 the mark */
type Entry = [kind: 0 | 3 | 4 | 5, sql: number, args?: unknown[]];
const MARK: Entry = [3, -1];

export class SqlRecorder {
  readonly entries: Entry[] = [];
  private readonly sqlIndex = new Map<string, number>();
  readonly sql: string[] = [];
  private markAt = 0;
  private restore: Array<() => void> = [];

  start(): void {
    const self = this;
    const probe = new Database(':memory:');
    const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
    probe.close();
    for (const [method, kind] of [['run', 0], ['get', 4], ['all', 5]] as const) {
      const orig = proto[method]!;
      // Recorded once it succeeded: a BEGIN refused by a held lock (the batch waits and tries
      // again) did nothing, and replaying it would open a transaction inside another.
      proto[method] = function (this: { source: string }, ...args: unknown[]) {
        const result = orig.apply(this, args);
        self.entries.push([kind, self.indexOf(this.source), args]);
        return result;
      };
      this.restore.push(() => (proto[method] = orig));
    }
  }

  /** From here on the replay is timed (what came before is the warm-up). */
  mark(): void {
    this.markAt = this.entries.length;
    this.entries.push(MARK);
  }

  stop(): void {
    for (const undo of this.restore.reverse()) undo();
    this.restore = [];
  }

  private indexOf(sql: string): number {
    let i = this.sqlIndex.get(sql);
    if (i === undefined) {
      i = this.sql.length;
      this.sql.push(sql);
      this.sqlIndex.set(sql, i);
    }
    return i;
  }

  /** Statements and commits after the mark. */
  counts(): { statements: number; writes: number; commits: number } {
    let statements = 0;
    let writes = 0;
    let commits = 0;
    for (let i = this.markAt + 1; i < this.entries.length; i++) {
      const e = this.entries[i]!;
      const sql = this.sql[e[1]]!;
      if (sql === 'COMMIT') commits++;
      else if (/^(BEGIN|ROLLBACK|SAVEPOINT|RELEASE)/.test(sql)) continue;
      else {
        statements++;
        // A read or a pragma (data_version, asked before using what is kept in memory) writes nothing.
        if (!/^\s*(SELECT|PRAGMA)/i.test(sql)) writes++;
      }
    }
    return { statements, writes, commits };
  }

  /**
   * Replays everything into a fresh database at `file` (or a copy of `base`, the database as it
   * was when recording started); returns the seconds the part after the mark took.
   */
  replay(file: string, base?: string): number {
    if (base) fs.copyFileSync(base, file);
    const db = openDatabase(file);
    const stmts = this.sql.map((sql) => db.prepare(sql));
    let start = performance.now();
    for (const e of this.entries) {
      if (e === MARK) {
        start = performance.now();
        continue;
      }
      {
        const stmt = stmts[e[1]]!;
        const args = e[2]!;
        if (e[0] === 0) stmt.run(...args);
        else if (e[0] === 4) stmt.get(...args);
        else stmt.all(...args);
      }
    }
    const seconds = (performance.now() - start) / 1000;
    db.close();
    return seconds;
  }
}
