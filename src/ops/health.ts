// Honest health: /healthz says the process answers (nothing more, so it never waits on the
// database); /readyz does a real write and reads the disk, the WAL, the outbox and each
// channel. A disk below the low watermark pauses new bookings (with a polite notice), raises
// an alert for officers and recovers by itself once space returns. The officers' dashboard
// reads the same typed report.
import fs from 'node:fs';
import type { Logger } from 'pino';
import { isPulledChannel, type ChannelName, type Clock } from '../core/types.js';
import type { Checkpointer } from '../store/checkpointer.js';
import { isTransientDbError, type Db } from '../store/db.js';
import { OpsStore } from '../store/ops-store.js';

/** What a feature (a channel) says about itself; see Feature.health. */
export interface FeatureHealth {
  name: string;
  /** e.g. open, connecting, waiting_for_scan, logged_out, polling, webhook, off */
  state: string;
  ok: boolean;
  detail?: string;
}

export interface Check {
  ok: boolean;
  detail?: string;
}

export interface ReadyReport {
  ok: boolean;
  at: string;
  database: Check & { writeMs: number };
  disk: Check & { freeBytes?: number; lowWatermarkBytes: number };
  wal: Check & { bytes: number; peakBytes: number; limitBytes: number; truncations: number };
  outbox: Check & { channels: Array<{ channel: string; depth: number; oldestAgeSeconds: number }> };
  channels: FeatureHealth[];
  alerts: Alert[];
}

export interface Alert {
  code: 'low_disk' | 'database_unwritable' | 'wal_large';
  since: string;
  message: string;
}

export interface HealthOptions {
  db: Db;
  clock: Clock;
  log: Logger;
  dataDir: string;
  checkpointer: Checkpointer;
  lowDiskBytes: number;
  walLimitBytes: number;
  /** Free bytes on the data disk; injectable for tests. Default: statfs of dataDir. */
  diskFree?: () => number | undefined;
  /** A due message older than this makes /readyz fail (seconds). */
  maxOutboxAgeSeconds?: number;
  /** Called when an alert starts or ends (audit entry, notification of officers). */
  onAlert?: (alert: Alert, active: boolean) => void;
  channels?: () => FeatureHealth[];
}

export function statfsFree(dir: string): number | undefined {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

export class HealthService {
  private readonly store: OpsStore;
  private readonly active = new Map<Alert['code'], Alert>();
  private lowDisk = false;
  private timer: NodeJS.Timeout | undefined;
  private lastFree: number | undefined;

  constructor(private readonly opts: HealthOptions) {
    this.store = new OpsStore(opts.db);
  }

  /** Liveness: the process and its event loop answer. Touches nothing. */
  liveness(): { ok: true } {
    return { ok: true };
  }

  /** False while the disk is below the low watermark: the booking flow then declines new bookings politely. */
  bookingsOpen(): boolean {
    return !this.lowDisk;
  }

  alerts(): Alert[] {
    return [...this.active.values()];
  }

  diskFree(): number | undefined {
    this.lastFree = (this.opts.diskFree ?? (() => statfsFree(this.opts.dataDir)))();
    return this.lastFree;
  }

  /** Reads free space and raises or clears the low-disk alert. Runs every 15 s while started. */
  checkDisk(): boolean {
    const free = this.diskFree();
    const low = free !== undefined && free < this.opts.lowDiskBytes;
    if (low !== this.lowDisk) {
      this.lowDisk = low;
      this.opts.checkpointer.setPressure(low);
      const mb = free === undefined ? '?' : (free / 1048576).toFixed(0);
      if (low) {
        this.raise('low_disk', `Low disk space: ${mb} MB free on the data folder's disk (below ${(this.opts.lowDiskBytes / 1048576).toFixed(0)} MB). New bookings are paused; the bot keeps answering. Free some space; bookings reopen by themselves.`);
      } else {
        this.clear('low_disk', `Disk space is back (${mb} MB free): new bookings are open again.`);
      }
    }
    return !low;
  }

  start(intervalMs = 15_000): void {
    this.checkDisk();
    this.timer = setInterval(() => this.checkDisk(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Readiness: a real write (fails fast on a lock or a full disk), disk, WAL, outbox lag, channels. */
  readiness(): ReadyReport {
    const now = this.opts.clock.now();
    const started = performance.now();
    let database: ReadyReport['database'];
    try {
      this.store.heartbeat(now);
      database = { ok: true, writeMs: round(performance.now() - started) };
      this.clear('database_unwritable', 'The database accepts writes again.');
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'error';
      database = { ok: false, writeMs: round(performance.now() - started), detail: isTransientDbError(err) ? `${code}: locked by another process or disk full; messages wait and are retried` : code };
      this.raise('database_unwritable', `The database refuses writes (${code}). Messages wait and are tried again.`);
    }
    this.checkDisk();
    const free = this.lastFree;
    const disk = { ok: !this.lowDisk, freeBytes: free, lowWatermarkBytes: this.opts.lowDiskBytes, ...(this.lowDisk ? { detail: 'below the low watermark: new bookings paused' } : {}) };
    const walStats = this.opts.checkpointer.walStats();
    const walOk = walStats.walBytes <= 2 * this.opts.walLimitBytes;
    const wal = { ok: walOk, bytes: walStats.walBytes, peakBytes: walStats.peakWalBytes, limitBytes: this.opts.walLimitBytes, truncations: walStats.truncations, ...(walOk ? {} : { detail: 'WAL far over its limit: checkpoints are not keeping up' }) };
    if (walOk) this.clear('wal_large', 'The WAL is back within its limit.');
    else this.raise('wal_large', `The database's write-ahead log is ${(walStats.walBytes / 1048576).toFixed(0)} MB, over twice its limit.`);
    let outbox: ReadyReport['outbox'];
    try {
      const channels = this.outboxDepth(now);
      const max = this.opts.maxOutboxAgeSeconds ?? 900;
      // A pulled channel's reply waits for its page: one whose tab was closed waits for good,
      // which says nothing about the bot. Only pushed channels' waits make it late.
      const late = channels.filter((c) => !isPulledChannel(c.channel as ChannelName) && c.oldestAgeSeconds > max);
      outbox = { ok: !late.length, channels, ...(late.length ? { detail: `messages waiting over ${max} s on ${late.map((c) => c.channel).join(', ')}` } : {}) };
    } catch (err) {
      outbox = { ok: false, channels: [], detail: (err as { code?: string }).code ?? 'error' };
    }
    const channels = this.opts.channels?.() ?? [];
    const ok = database.ok && disk.ok && wal.ok && outbox.ok && channels.every((c) => c.ok);
    return { ok, at: now.toISOString(), database, disk, wal, outbox, channels, alerts: this.alerts() };
  }

  /** The WAL and its checkpoints (size, restarts, how long writers were held). */
  walStats(): ReturnType<Checkpointer['walStats']> {
    return this.opts.checkpointer.walStats();
  }

  outboxDepth(now: Date): Array<{ channel: string; depth: number; oldestAgeSeconds: number }> {
    return this.store.outboxDepth(now).map((r) => ({ channel: r.channel, depth: r.depth, oldestAgeSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(r.oldestDue)) / 1000)) }));
  }

  private raise(code: Alert['code'], message: string): void {
    if (this.active.has(code)) return;
    const alert: Alert = { code, since: this.opts.clock.now().toISOString(), message };
    this.active.set(code, alert);
    // "alert": true marks lines officers' monitoring should page on (as WhatsApp's logout does).
    this.opts.log.error({ alert: true, code }, message);
    this.opts.onAlert?.(alert, true);
  }

  private clear(code: Alert['code'], message: string): void {
    const alert = this.active.get(code);
    if (!alert) return;
    this.active.delete(code);
    this.opts.log.info({ alert: false, code }, message);
    this.opts.onAlert?.(alert, false);
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
