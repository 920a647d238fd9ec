// WAL checkpoints on a worker thread with its own connection. SQLite's automatic checkpoint
// runs inside whichever commit crosses the threshold, so one unlucky resident waits for
// the whole copy; a passive checkpoint elsewhere keeps that pause off the message path.
//
// A passive checkpoint never waits, so under sustained writes it never catches up and the
// WAL would grow without bound. From half of `maxWalBytes` on the worker first runs a passive
// checkpoint (copying without stopping anyone), then a RESTART: new writers wait a moment (the
// engine holds them, see Engine holdWrites) while the frames written meanwhile are copied, and
// the next commit writes the WAL from its start again (SQLite cuts the file to
// journal_size_limit). At a million rows commits touch scattered pages, so the WAL fills
// three times faster: cutting the file to zero (TRUNCATE) made writers wait ~1.5× longer
// than RESTART (growth bench, 1.9 s against 1.3 s of a 10 s run). When the disk runs low it
// still TRUNCATEs, to give the space back at once.
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Db } from './db.js';

const WORKER_SOURCE = `
const fs = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = ' + workerData.busyMs);
let pressure = false;
const walFile = workerData.file + '-wal';
const walSize = () => { try { return fs.statSync(walFile).size; } catch { return 0; } };
function tick() {
  let mode = 'PASSIVE';
  try {
    const before = walSize();
    // Over half the limit the WAL is started over (it keeps growing while a checkpoint waits
    // for readers). RESTART: the next commit writes from the start of the file again, which
    // SQLite then cuts to journal_size_limit. Low disk: TRUNCATE, cut to zero bytes now.
    if (pressure && before > 0) mode = 'TRUNCATE';
    else if (before > workerData.maxWalBytes / 2) mode = 'RESTART';
    if (mode !== 'PASSIVE') {
      // First copy what it can without stopping anyone: while writers wait, the blocking
      // checkpoint then has only the frames written meanwhile left to copy.
      db.pragma('wal_checkpoint(PASSIVE)');
      parentPort.postMessage({ truncating: true });
    }
    const [r] = db.pragma('wal_checkpoint(' + mode + ')');
    parentPort.postMessage({ walBytes: walSize(), before, mode, busy: r ? r.busy : 0 });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err), code: err && err.code, mode, walBytes: walSize() });
  }
}
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m && m.pressure !== undefined) { pressure = m.pressure; if (pressure) tick(); return; }
  if (m === 'tick') { tick(); return; }
  if (m !== 'stop') return;
  clearInterval(timer);
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  db.close();
  parentPort.postMessage({ stopped: true });
});
`;

export interface WalStats {
  /** WAL file size now (bytes), as last seen. */
  walBytes: number;
  /** Largest WAL size seen since start. */
  peakWalBytes: number;
  /** Blocking checkpoints run because the WAL was over half its limit (RESTART) or the disk low (TRUNCATE). */
  truncations: number;
  /** Time writers were asked to wait for those (ms): in all, and the longest. */
  holdMs: number;
  longestHoldMs: number;
  lastError?: string;
}

export class Checkpointer {
  private worker: Worker | undefined;
  /** A TRUNCATE checkpoint is waiting for its turn: writers give it a moment (see Engine holdWrites). */
  truncating = false;
  private readonly stats: WalStats = { walBytes: 0, peakWalBytes: 0, truncations: 0, holdMs: 0, longestHoldMs: 0 };
  private holdSince = 0;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly intervalMs = 1_000,
    private readonly maxWalBytes = 64 * 1024 * 1024,
  ) {}

  start(): void {
    if (this.worker || this.db.memory) return;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, file: this.db.name, intervalMs: this.intervalMs, maxWalBytes: this.maxWalBytes, busyMs: 2_000 },
    });
    worker.unref();
    worker.on('message', (m: { error?: string; walBytes?: number; before?: number; mode?: string; truncating?: boolean }) => {
      if (m.truncating) this.holdSince = performance.now();
      else if (this.truncating) {
        const ms = performance.now() - this.holdSince;
        this.stats.holdMs += ms;
        if (ms > this.stats.longestHoldMs) this.stats.longestHoldMs = ms;
      }
      this.truncating = Boolean(m.truncating);
      if (m.truncating) return;
      if (m.walBytes !== undefined) this.seen(Math.max(m.walBytes, m.before ?? 0));
      if ((m.mode === 'TRUNCATE' || m.mode === 'RESTART') && !m.error) this.stats.truncations++;
      if (m.error) {
        this.stats.lastError = m.error;
        this.log.warn({ error: m.error, mode: m.mode }, 'background WAL checkpoint failed; will try again');
      }
    });
    worker.on('error', (err) => {
      // Without the worker, SQLite's own automatic checkpoints take over again.
      this.log.warn({ err }, 'checkpoint worker stopped; using automatic checkpoints');
      this.truncating = false;
      this.db.pragma('wal_autocheckpoint = 1000');
      this.worker = undefined;
    });
    this.db.pragma('wal_autocheckpoint = 0');
    this.worker = worker;
  }

  /** Low disk: truncate the WAL at every tick while it lasts. */
  setPressure(pressure: boolean): void {
    this.worker?.postMessage({ pressure });
  }

  /** WAL size now (read from the file) and what the worker has seen. */
  walStats(): WalStats {
    if (!this.db.memory) {
      try {
        this.seen(fs.statSync(this.db.name + '-wal').size);
      } catch {
        this.stats.walBytes = 0;
      }
    }
    return { ...this.stats };
  }

  private seen(bytes: number): void {
    this.stats.walBytes = bytes;
    if (bytes > this.stats.peakWalBytes) this.stats.peakWalBytes = bytes;
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    await new Promise<void>((resolve) => {
      const timeout = setTimeout(() => void worker.terminate().then(() => resolve()), 2_000);
      worker.on('message', (m: { stopped?: boolean }) => {
        if (!m.stopped) return;
        clearTimeout(timeout);
        void worker.terminate().then(() => resolve());
      });
      worker.postMessage('stop');
    });
    this.db.pragma('wal_autocheckpoint = 1000');
  }
}
