// Housekeeping: every table holding personal data has a rule (README, "Retention"). Each
// sweep works in small batches, each its own short write transaction, and yields to the
// event loop between them, so residents' messages never wait behind it for more than a few
// ms. A batch's size follows how long the last one held the writer (BatchSize): at a million
// rows, deleting old rows touches pages scattered over the indexes, so a fixed count of rows
// could hold it for tens of ms. A batch that meets a lock or a full disk is tried again at the next run.
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import { maskDigitsInText } from '../privacy/mask.js';
import { isTransientDbError, retryTransient, type Db } from '../store/db.js';
import { OpsStore, SWEEP_BATCH, type AuditRow } from '../store/ops-store.js';

const DAY = 86_400_000;

/** The rules; README's retention table lists them. Days after the row's own time. */
export const RETENTION = {
  /** inbound_seen: channels re-deliver within minutes, not weeks. */
  dedupeDays: 30,
  /** conversations untouched this long are dropped (a half-finished booking holds a NIK). */
  conversationDays: 30,
  /** outbox rows in any state (delivered, never fetched, failed): they hold names and dates. */
  outboxDays: 90,
  /** inbound_media: references to residents' files (Telegram file ids, WhatsApp media keys). */
  mediaDays: 90,
  /** audit_log: personal fields (names, NIK, phone, notes) masked after this. */
  auditMaskDays: 90,
  /** audit_log entries themselves. */
  auditKeepDays: 730,
  /** residents silent this long, with nothing live: address erased, conversation and files gone. */
  residentDays: 365,
  /** web chat identities never used. */
  unusedWebClientDays: 30,
} as const;

// A resident is erased only after their replies are past the outbox's retention (see OpsStore.eraseStaleResidentsBatch).
if (RETENTION.residentDays <= RETENTION.outboxDays) throw new Error('RETENTION.residentDays must exceed outboxDays: erasure leaves replies to the outbox rule');

export type RetentionReport = Record<'dedupe' | 'conversations' | 'waitingRequests' | 'broadcastRecipients' | 'outbox' | 'media' | 'auditMasked' | 'auditDeleted' | 'residents' | 'webClients', number> & {
  /** Steps that stopped at a lock or a full disk (they go on at the next run). */
  deferred: string[];
};

const PERSONAL_KEY = /nik|^kk|name|nama|phone|telp|address|alamat|contact|note|catatan|text|jid|email/i;

/** An audit entry's detail without personal fields: those keys become "***", digit runs elsewhere are masked. */
export function maskAuditDetail(detail: string | null): string | null {
  if (detail === null) return null;
  const walk = (v: unknown, key = ''): unknown => {
    if (typeof v === 'string') return PERSONAL_KEY.test(key) ? '***' : maskDigitsInText(v);
    if (typeof v === 'number' && PERSONAL_KEY.test(key)) return '***';
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  try {
    return JSON.stringify(walk(JSON.parse(detail)));
  } catch {
    return maskDigitsInText(detail);
  }
}

/** How long one batch may hold the writer (ms): the batch size halves after a longer one. */
export const BATCH_TARGET_MS = 4;

/**
 * Rows per batch, kept so that one batch holds the writer under `targetMs`: after a batch
 * that took longer it shrinks in proportion (with a margin), after one that took under half
 * of it it grows by a quarter, within [min, max].
 */
export class BatchSize {
  constructor(
    public size: number,
    private readonly min: number,
    private readonly max: number,
    private readonly targetMs = BATCH_TARGET_MS,
  ) {}

  took(ms: number): void {
    if (ms > this.targetMs) this.size = Math.max(this.min, Math.floor((this.size * this.targetMs) / ms / 1.25));
    else if (ms < this.targetMs / 2) this.size = Math.min(this.max, Math.ceil(this.size * 1.25));
  }
}

export interface RetentionOptions {
  /** How long one batch may hold the writer (ms). */
  targetMs?: number;
  /** Milliseconds from a monotonic clock (tests pass their own to make batches look slow). */
  elapsed?: () => number;
  /** Pauses (ms) before a batch that met a lock is tried again; then the step waits for the next run. */
  busyDelaysMs?: number[];
  /**
   * True while the writer should be left alone (the checkpointer truncating the WAL): the
   * sweep waits between batches (up to 5 s each time) instead of meeting its lock.
   */
  holdWrites?: () => boolean;
  /** IDLE_MINUTES: a conversation this idle restarts at the menu, so what waited in it for an answer is removed. */
  idleMinutes?: number;
}

export class Retention {
  private readonly store: OpsStore;
  private readonly targetMs: number;
  private readonly elapsed: () => number;
  /** The last run: how many batches (write transactions), the longest one (ms), how many took longer than the target. */
  lastRun = { batches: 0, longestMs: 0, overTarget: 0, longestStep: '', holdsMs: [] as number[] };
  private currentStep = '';
  /** Pauses before a batch that met a lock is tried again. */
  private readonly busyDelaysMs: number[];

  constructor(
    db: Db,
    private readonly log: Logger,
    options: RetentionOptions = {},
  ) {
    this.store = new OpsStore(db);
    this.targetMs = options.targetMs ?? BATCH_TARGET_MS;
    this.elapsed = options.elapsed ?? (() => performance.now());
    this.busyDelaysMs = options.busyDelaysMs ?? [25, 50, 100, 250, 500];
    this.holdWrites = options.holdWrites;
    this.idleMs = (options.idleMinutes ?? 30) * 60_000;
  }

  private readonly idleMs: number;

  private readonly holdWrites: (() => boolean) | undefined;
  private gaveUp = false;

  /**
   * Runs one batch of `size.size` rows, timed: its hold on the writer sets the next size. A
   * batch that meets a lock (the checkpointer truncating the WAL, another process) is tried
   * again after short pauses off the event loop; after those the step is deferred to the next run.
   */
  private async timed(size: BatchSize, batch: (n: number) => number): Promise<number> {
    for (let waited = 0; this.holdWrites?.() && waited < 500; waited++) await new Promise((resolve) => setTimeout(resolve, 10));
    // The hold is the attempt that went through (the pauses before it held nothing). Once a
    // step gave up on a lock, the others of this run try once only (the next run finishes them).
    let t0 = 0;
    let n: number;
    try {
      n = await retryTransient(() => ((t0 = this.elapsed()), batch(size.size)), this.gaveUp ? [] : this.busyDelaysMs);
    } catch (err) {
      if (isTransientDbError(err)) this.gaveUp = true;
      throw err;
    }
    const ms = this.elapsed() - t0;
    size.took(ms);
    this.lastRun.batches++;
    this.lastRun.holdsMs.push(ms);
    if (ms > this.lastRun.longestMs) Object.assign(this.lastRun, { longestMs: ms, longestStep: this.currentStep });
    if (ms > this.targetMs) this.lastRun.overTarget++;
    return n;
  }

  async run(now: Date): Promise<RetentionReport> {
    const t = now.getTime();
    const ago = (days: number) => new Date(t - days * DAY);
    const s = this.store;
    const report: RetentionReport = { dedupe: 0, conversations: 0, waitingRequests: 0, broadcastRecipients: 0, outbox: 0, media: 0, auditMasked: 0, auditDeleted: 0, residents: 0, webClients: 0, deferred: [] };

    const step = async (name: keyof Omit<RetentionReport, 'deferred'>, fn: () => Promise<number>) => {
      this.currentStep = name;
      try {
        report[name] += await fn();
      } catch (err) {
        if (!isTransientDbError(err)) throw err;
        report.deferred.push(name);
      }
    };
    this.lastRun = { batches: 0, longestMs: 0, overTarget: 0, longestStep: '', holdsMs: [] };
    this.gaveUp = false;
    const sized = (max = SWEEP_BATCH) => new BatchSize(Math.min(64, max), 1, max, this.targetMs);
    /** Repeats a LIMIT batch until it comes back short. */
    const untilShort = async (batch: (limit: number) => number, max = SWEEP_BATCH) => {
      const size = sized(max);
      let total = 0;
      for (;;) {
        const limit = size.size;
        const n = await this.timed(size, batch);
        total += n;
        if (n < limit) return total;
        await yieldLoop();
      }
    };
    /** Batches of ids from the oldest; stops at the first batch whose first row is recent (ids grow with time). */
    const byAge = async (table: 'outbox' | 'inbound_media' | 'audit_log', before: Date, batch: (lo: number, hi: number) => number) => {
      const size = sized();
      const until = before.toISOString();
      let total = 0;
      for (let from = Number.MIN_SAFE_INTEGER; ; ) {
        const first = s.firstFrom(table, from);
        if (first === undefined || first.at >= until) break;
        let hi = first.id;
        total += await this.timed(size, (n) => batch(first.id, (hi = s.spanEnd(table, first.id, n) ?? first.id)));
        from = hi + 1;
        await yieldLoop();
      }
      return total;
    };

    /** Batches of conversations along their resident ids. */
    const byResident = async (batch: (lo: number, hi: number) => number) => {
      const size = sized();
      let total = 0;
      for (let from = Number.MIN_SAFE_INTEGER; ; ) {
        let hi: number | undefined;
        total += await this.timed(size, (n) => {
          hi = s.spanEnd('conversations', from, n);
          return hi === undefined ? 0 : batch(from, hi);
        });
        if (hi === undefined) return total;
        from = hi + 1;
        await yieldLoop();
      }
    };

    await step('dedupe', () => untilShort((n) => s.pruneSeenBatch(ago(RETENTION.dedupeDays), n)));
    await step('conversations', () => byResident((lo, hi) => s.pruneConversationsRange(lo, hi, ago(RETENTION.conversationDays))));
    const idleSince = new Date(t - this.idleMs);
    await step('waitingRequests', () => byResident((lo, hi) => s.forgetWaitingRequestsRange(lo, hi, idleSince)));
    // Before the outbox rule: an erasure blanks a resident's notifications and undelivered rows;
    // their replies (older than residentDays > outboxDays) go in the outbox step just after.
    await step('residents', () => untilShort((n) => s.eraseStaleResidentsBatch(ago(RETENTION.residentDays), n), 100));
    await step('webClients', () => untilShort((n) => s.pruneUnusedWebClientsBatch(ago(RETENTION.unusedWebClientDays), n)));
    await step('broadcastRecipients', () => untilShort((n) => s.pruneBroadcastRecipientsBatch(ago(RETENTION.outboxDays), n)));
    await step('outbox', () => byAge('outbox', ago(RETENTION.outboxDays), (lo, hi) => s.pruneOutboxRange(lo, hi, ago(RETENTION.outboxDays))));
    await step('media', () => byAge('inbound_media', ago(RETENTION.mediaDays), (lo, hi) => s.pruneMediaRange(lo, hi, ago(RETENTION.mediaDays))));
    await step('auditDeleted', () => byAge('audit_log', ago(RETENTION.auditKeepDays), (lo, hi) => s.pruneAuditRange(lo, hi, ago(RETENTION.auditKeepDays))));
    await step('auditMasked', () =>
      byAge('audit_log', ago(RETENTION.auditMaskDays), (lo, hi) => {
        const rows = s.auditToMask(lo, hi, ago(RETENTION.auditMaskDays));
        if (!rows.length) return 0;
        const masked: AuditRow[] = rows.map((r) => ({ id: r.id, subject: r.subject === null ? null : maskDigitsInText(r.subject), detail: maskAuditDetail(r.detail) }));
        return s.saveMaskedAudit(masked, now);
      }),
    );

    const { deferred, ...counts } = report;
    if (Object.values(counts).some(Boolean) || deferred.length) this.log.info({ ...counts, deferred }, 'housekeeping: personal data past its retention removed or masked');
    return report;
  }
}
