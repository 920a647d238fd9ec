// SQL of operations: retention sweeps in small batches (each its own short write, so no
// resident's commit waits more than a few ms behind one) and the figures health and metrics read.
import type { Db } from './db.js';
import { writeTransaction } from './db.js';

/** Rows per batch of a retention sweep (a range of ids, or a LIMIT). */
export const SWEEP_BATCH = 500;

export interface AuditRow {
  id: number;
  subject: string | null;
  detail: string | null;
}

/** Tables swept in batches along their key, and (for those whose ids grow with time) the time column. */
const BY_AGE = { outbox: { key: 'id', time: 'created_at' }, inbound_media: { key: 'id', time: 'received_at' }, audit_log: { key: 'id', time: 'at' } } as const;
const SWEPT = { ...BY_AGE, conversations: { key: 'resident_id' } } as const;

function perTable<T extends Record<string, object>, R>(tables: T, make: (spec: T[keyof T], table: string) => R): Record<keyof T, R> {
  return Object.fromEntries(Object.entries(tables).map(([table, spec]) => [table, make(spec as T[keyof T], table)])) as Record<keyof T, R>;
}

export class OpsStore {
  private readonly s;

  constructor(readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    const has = (table: string) => Boolean(db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table));
    this.s = {
      heartbeat: p('INSERT INTO ops_heartbeat (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at'),
      // Dedupe ids: the seen_at index finds the old ones.
      seen: p('DELETE FROM inbound_seen WHERE (channel, message_id) IN (SELECT channel, message_id FROM inbound_seen WHERE seen_at < ? LIMIT ?)'),
      conversations: p('DELETE FROM conversations WHERE resident_id BETWEEN ? AND ? AND updated_at < ?'),
      // A request typed while a booking or checklist was half-finished, waiting behind "Tinggalkan
      // dulu?" (state.leave.said, the text as typed): removed once the conversation is idle. What it
      // asked for stays (state.leave.intent: a kind, a service id), so a late "Ya" still leads there.
      // updated_at stays too (the conversation's own rule counts from the last message). A state
      // that is not JSON (the engine starts it afresh) is left alone rather than stopping the sweep.
      // The same batches remove an unsent message for an officer (the officer flow's data.pending,
      // kept for its "send it?" question): once idle, the next message restarts at the menu.
      waitingRequests: p(
        `UPDATE conversations SET state = CASE WHEN json_extract(state, '$.flow') = 'officer'
             THEN json_remove(state, '$.leave.said', '$.data.pending', '$.data.pendingCut') ELSE json_remove(state, '$.leave.said') END
         WHERE resident_id BETWEEN ? AND ? AND updated_at < ?
           -- A text search first: most conversations hold neither, and are not parsed as JSON.
           AND (instr(state, '"said"') > 0 OR instr(state, '"pending"') > 0)
           AND (CASE WHEN json_valid(state) THEN json_type(state, '$.leave.said') IS NOT NULL
                OR (json_extract(state, '$.flow') = 'officer' AND json_type(state, '$.data.pending') IS NOT NULL) END)`,
      ),
      // Ids grow with time: a batch of old ids at a time, from the oldest. A batch's last id is
      // found by walking `n` rows of the key from `from` (gaps in the ids cost nothing).
      spanEnd: perTable(SWEPT, ({ key }, table) => p(`SELECT max(${key}) FROM (SELECT ${key} FROM ${table} WHERE ${key} >= ? ORDER BY ${key} LIMIT ?)`).pluck()),
      first: perTable(BY_AGE, ({ key, time }, table) => p(`SELECT ${key} AS id, ${time} AS at FROM ${table} WHERE ${key} >= ? ORDER BY ${key} LIMIT 1`)),
      outbox: p('DELETE FROM outbox WHERE id BETWEEN ? AND ? AND created_at < ?'),
      broadcastRecipients: has('broadcast_recipients')
        ? p(
            `DELETE FROM broadcast_recipients WHERE (broadcast_id, resident_id) IN (
               SELECT r.broadcast_id, r.resident_id FROM broadcasts b JOIN broadcast_recipients r ON r.broadcast_id = b.id WHERE b.created_at < ? LIMIT ?)`,
          )
        : undefined,
      media: p('DELETE FROM inbound_media WHERE id BETWEEN ? AND ? AND received_at < ?'),
      auditDelete: p('DELETE FROM audit_log WHERE id BETWEEN ? AND ? AND at < ?'),
      auditToMask: p('SELECT id, subject, detail FROM audit_log WHERE id BETWEEN ? AND ? AND at < ? AND masked_at IS NULL'),
      auditMask: p('UPDATE audit_log SET subject = ?, detail = ?, masked_at = ? WHERE id = ?'),
      // Residents silent for long, with nothing live that still needs their chat.
      staleResidents: p(
        `SELECT r.id, r.channel, r.address FROM residents r
         WHERE r.last_inbound_at < ?
           ${has('booking') ? "AND NOT EXISTS (SELECT 1 FROM booking b WHERE b.resident_id = r.id AND b.status IN ('held', 'active'))" : ''}
           ${has('booking_waitlist') ? "AND NOT EXISTS (SELECT 1 FROM booking_waitlist w WHERE w.resident_id = r.id AND w.status IN ('waiting', 'offered'))" : ''}
           ${
             has('application_subscriptions')
               ? `AND NOT EXISTS (SELECT 1 FROM application_subscriptions s JOIN applications a ON a.id = s.application_id
                    WHERE s.resident_id = r.id AND s.active = 1 AND a.status NOT IN ('selesai', 'ditolak'))`
               : ''
           }
         ORDER BY r.last_inbound_at LIMIT ?`,
      ),
      eraseResident: p(`UPDATE residents SET address = 'erased:' || id, alt_address = NULL, last_inbound_at = NULL WHERE id = ?`),
      eraseConversation: p('DELETE FROM conversations WHERE resident_id = ?'),
      eraseMedia: p('DELETE FROM inbound_media WHERE resident_id = ?'),
      // Their notifications and reminders, and anything undelivered (two small indexes). Their
      // replies followed their last message, 365 days ago: past the outbox's 90 days, so the
      // outbox rule deletes them in the same run (retention.ts checks the order of the two).
      eraseNotices: p(
        `UPDATE outbox SET address = 'erased', payload = '{"text":""}', last_error = NULL,
           status = CASE WHEN status IN ('pending', 'sending') THEN 'failed' ELSE status END WHERE resident_id = ? AND kind <> 'reply'`,
      ),
      eraseOpen: p(
        `UPDATE outbox SET address = 'erased', payload = '{"text":""}', last_error = NULL, status = 'failed'
         WHERE resident_id = ? AND status IN ('pending', 'sending')`,
      ),
      eraseWebClient: p('DELETE FROM web_clients WHERE client_id = ?'),
      unusedWebClients: p(
        `DELETE FROM web_clients WHERE client_id IN (
           SELECT c.client_id FROM web_clients c WHERE c.created_at < ?
             AND NOT EXISTS (SELECT 1 FROM residents r WHERE r.channel = 'web' AND r.address = c.client_id) LIMIT ?)`,
      ),
      // Each from its small index of undelivered rows (never a scan of the delivered millions):
      // pushed channels from outbox_due, the web chat (pulled) from outbox_open (its entries
      // carry the channel and due time: no row is read).
      outboxDepth: p(
        `SELECT channel, COUNT(*) AS depth, MIN(next_attempt_at) AS oldestDue FROM outbox
         WHERE status IN ('pending', 'sending') AND channel <> 'web' AND next_attempt_at <= ? GROUP BY channel`,
      ),
      webDepth: p(
        `SELECT 'web' AS channel, COUNT(*) AS depth, MIN(next_attempt_at) AS oldestDue FROM outbox
         WHERE status IN ('pending', 'sending') AND channel = 'web' AND next_attempt_at <= ? HAVING COUNT(*) > 0`,
      ),
      bookings: has('booking') ? p('SELECT status, COUNT(*) AS n FROM booking GROUP BY status') : undefined,
    };
  }

  /** The readiness probe's real write: fails fast when the database is locked, full or read-only. */
  heartbeat(now: Date): void {
    writeTransaction(this.db, () => this.s.heartbeat.run(now.toISOString()));
  }

  /** Deletes up to `limit` dedupe ids older than `before`. */
  pruneSeenBatch(before: Date, limit = SWEEP_BATCH): number {
    return writeTransaction(this.db, () => this.s.seen.run(before.toISOString(), limit).changes);
  }

  /**
   * The last key of the next `n` rows from `from` on (ids, or resident ids for conversations),
   * or undefined when none is left: a sweep's batch covers exactly that many rows.
   */
  spanEnd(table: keyof typeof SWEPT, from: number, n: number): number | undefined {
    return (this.s.spanEnd[table].get(from, n) as number | null) ?? undefined;
  }

  /** The first row at or after `id` and when it was written (ids grow with time, so a sweep stops at a recent one). */
  firstFrom(table: keyof typeof BY_AGE, id: number): { id: number; at: string } | undefined {
    return this.s.first[table].get(id) as { id: number; at: string } | undefined;
  }

  pruneConversationsRange(lo: number, hi: number, before: Date): number {
    return writeTransaction(this.db, () => this.s.conversations.run(lo, hi, before.toISOString()).changes);
  }

  /** Requests waiting behind "Tinggalkan dulu?" in conversations untouched since `before`: removed from the saved state. */
  forgetWaitingRequestsRange(lo: number, hi: number, before: Date): number {
    return writeTransaction(this.db, () => this.s.waitingRequests.run(lo, hi, before.toISOString()).changes);
  }

  /** Recipients lists of old broadcasts go first: they point at the outbox rows about to go. */
  pruneBroadcastRecipientsBatch(before: Date, limit = SWEEP_BATCH): number {
    const stmt = this.s.broadcastRecipients;
    return stmt ? writeTransaction(this.db, () => stmt.run(before.toISOString(), limit).changes) : 0;
  }

  /** Outbox rows in any state (delivered, waiting, failed) queued before `before`. */
  pruneOutboxRange(lo: number, hi: number, before: Date): number {
    return writeTransaction(this.db, () => this.s.outbox.run(lo, hi, before.toISOString()).changes);
  }

  pruneMediaRange(lo: number, hi: number, before: Date): number {
    return writeTransaction(this.db, () => this.s.media.run(lo, hi, before.toISOString()).changes);
  }

  pruneAuditRange(lo: number, hi: number, before: Date): number {
    return writeTransaction(this.db, () => this.s.auditDelete.run(lo, hi, before.toISOString()).changes);
  }

  auditToMask(lo: number, hi: number, before: Date): AuditRow[] {
    return this.s.auditToMask.all(lo, hi, before.toISOString()) as AuditRow[];
  }

  saveMaskedAudit(rows: AuditRow[], now: Date): number {
    return writeTransaction(this.db, () => {
      for (const row of rows) this.s.auditMask.run(row.subject, row.detail, now.toISOString(), row.id);
      return rows.length;
    });
  }

  /**
   * Residents silent since before `before` and with nothing live (a booking, a waitlist place,
   * a followed unfinished application) lose the link to their phone or chat: the address is
   * replaced, their conversation, files and message texts go. Masked bookings that point at
   * them can no longer be tied to a person.
   */
  eraseStaleResidentsBatch(before: Date, limit = 100): number {
    return writeTransaction(this.db, () => {
      const rows = this.s.staleResidents.all(before.toISOString(), limit) as Array<{ id: number; channel: string; address: string }>;
      for (const r of rows) {
        this.s.eraseConversation.run(r.id);
        this.s.eraseMedia.run(r.id);
        this.s.eraseNotices.run(r.id);
        this.s.eraseOpen.run(r.id);
        if (r.channel === 'web') this.s.eraseWebClient.run(r.address);
        this.s.eraseResident.run(r.id);
      }
      return rows.length;
    });
  }

  /** Web chat identities issued before `before` that never sent a message. */
  pruneUnusedWebClientsBatch(before: Date, limit = SWEEP_BATCH): number {
    return writeTransaction(this.db, () => this.s.unusedWebClients.run(before.toISOString(), limit).changes);
  }

  /** Per channel: messages due and not delivered, and since when the oldest waits. */
  outboxDepth(now: Date): Array<{ channel: string; depth: number; oldestDue: string }> {
    const at = now.toISOString();
    const rows = this.s.outboxDepth.all(at) as Array<{ channel: string; depth: number; oldestDue: string }>;
    const web = this.s.webDepth.get(at) as { channel: string; depth: number; oldestDue: string } | undefined;
    return web ? [...rows, web].sort((a, b) => a.channel.localeCompare(b.channel)) : rows;
  }

  bookingsByStatus(): Array<{ status: string; n: number }> {
    return (this.s.bookings?.all() ?? []) as never;
  }
}
