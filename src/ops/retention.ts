// Housekeeping: every table holding personal data has a rule (README, "Retention"). Each
// sweep works in small batches, each its own short write transaction, and yields to the
// event loop between them, so residents' messages never wait behind it for more than a few
// ms. A batch that meets a lock or a full disk is tried again at the next run.
import { setImmediate as yieldLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import { maskDigitsInText } from '../privacy/mask.js';
import { isTransientDbError, type Db } from '../store/db.js';
import { OpsStore, type AuditRow } from '../store/ops-store.js';

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

export type RetentionReport = Record<'dedupe' | 'conversations' | 'broadcastRecipients' | 'outbox' | 'media' | 'auditMasked' | 'auditDeleted' | 'residents' | 'webClients', number> & {
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

export class Retention {
  private readonly store: OpsStore;

  constructor(
    db: Db,
    private readonly log: Logger,
  ) {
    this.store = new OpsStore(db);
  }

  async run(now: Date): Promise<RetentionReport> {
    const t = now.getTime();
    const ago = (days: number) => new Date(t - days * DAY);
    const s = this.store;
    const report: RetentionReport = { dedupe: 0, conversations: 0, broadcastRecipients: 0, outbox: 0, media: 0, auditMasked: 0, auditDeleted: 0, residents: 0, webClients: 0, deferred: [] };

    const step = async (name: keyof Omit<RetentionReport, 'deferred'>, fn: () => Promise<number>) => {
      try {
        report[name] += await fn();
      } catch (err) {
        if (!isTransientDbError(err)) throw err;
        report.deferred.push(name);
      }
    };
    /** Repeats a LIMIT batch until it comes back short. */
    const untilShort = async (batch: () => number, limit: number) => {
      let total = 0;
      for (;;) {
        const n = batch();
        total += n;
        if (n < limit) return total;
        await yieldLoop();
      }
    };
    /** Id ranges from the oldest; stops at the first range whose first row is recent (ids grow with time). */
    const byAge = async (table: 'outbox' | 'inbound_media' | 'audit_log', before: Date, batch: (lo: number, hi: number) => number) => {
      let total = 0;
      for (const [lo, hi] of s.ranges(table)) {
        const first = s.firstAt(table, lo);
        if (first === undefined || first >= before.toISOString()) break;
        total += batch(lo, hi);
        await yieldLoop();
      }
      return total;
    };

    await step('dedupe', () => untilShort(() => s.pruneSeenBatch(ago(RETENTION.dedupeDays)), 500));
    await step('conversations', async () => {
      let total = 0;
      for (const [lo, hi] of s.ranges('conversations')) {
        total += s.pruneConversationsRange(lo, hi, ago(RETENTION.conversationDays));
        await yieldLoop();
      }
      return total;
    });
    await step('residents', () => untilShort(() => s.eraseStaleResidentsBatch(ago(RETENTION.residentDays), 100), 100));
    await step('webClients', () => untilShort(() => s.pruneUnusedWebClientsBatch(ago(RETENTION.unusedWebClientDays)), 500));
    await step('broadcastRecipients', async () => {
      let total = 0;
      for (let n = -1; n !== 0; await yieldLoop()) total += n = s.pruneBroadcastRecipientsBatch(ago(RETENTION.outboxDays));
      return total;
    });
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
