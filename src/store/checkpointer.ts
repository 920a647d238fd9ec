// WAL checkpoints on a worker thread with its own connection. SQLite's automatic checkpoint
// runs inside whichever commit crosses the threshold, so one unlucky resident waits for
// the whole copy; a passive checkpoint elsewhere keeps that pause off the message path.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Db } from './db.js';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  db.close();
  parentPort.postMessage({ stopped: true });
});
`;

export class Checkpointer {
  private worker: Worker | undefined;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly intervalMs = 1_000,
  ) {}

  start(): void {
    if (this.worker || this.db.memory) return;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file: this.db.name, intervalMs: this.intervalMs } });
    worker.unref();
    worker.on('message', (m: { error?: string }) => m.error && this.log.warn({ error: m.error }, 'background WAL checkpoint failed'));
    worker.on('error', (err) => {
      // Without the worker, SQLite's own automatic checkpoints take over again.
      this.log.warn({ err }, 'checkpoint worker stopped; using automatic checkpoints');
      this.db.pragma('wal_autocheckpoint = 1000');
      this.worker = undefined;
    });
    this.db.pragma('wal_autocheckpoint = 0');
    this.worker = worker;
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    await new Promise<void>((resolve) => {
      const timeout = setTimeout(() => void worker.terminate().then(() => resolve()), 2_000);
      worker.once('message', () => {
        clearTimeout(timeout);
        void worker.terminate().then(() => resolve());
      });
      worker.postMessage('stop');
    });
    this.db.pragma('wal_autocheckpoint = 1000');
  }
}
