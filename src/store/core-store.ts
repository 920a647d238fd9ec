// SQL for the engine's own tables: residents, conversations, inbound dedupe, outbox, audit.
// Feature stores (booking, applications, WhatsApp keys…) live beside this file; nothing
// outside src/store writes SQL.
// A message's statements all carry the same time, formatted once.
import { isoTime as iso } from '../core/time.js';
import type { ChannelName, Lang, Reply } from '../core/types.js';
import type Database from 'better-sqlite3';
import { writeTransaction, type Db } from './db.js';
import { committedElsewhere, onRowChanged } from './row-changes.js';

export interface ResidentRow {
  id: number;
  channel: ChannelName;
  address: string;
  alt_address: string | null;
  lang: Lang;
  opted_out: number;
  unreachable: number;
  created_at: string;
  last_inbound_at: string | null;
}

export interface SavedConversation {
  stateVersion: number;
  state: string;
  updatedAt: string;
}

export type OutboxKind = 'reply' | 'notification' | 'reminder' | 'broadcast';

export interface OutboxItem {
  residentId: number;
  channel: ChannelName;
  address: string;
  reply: Reply;
  kind?: OutboxKind;
  /** Same key twice → stored once. Use for anything that could be produced twice (retried officer requests, reminders). */
  idempotencyKey?: string;
  /** Not before this time (quiet hours, reminders). Defaults to now. */
  notBefore?: Date;
}

export interface OutboxRow {
  id: number;
  resident_id: number;
  channel: ChannelName;
  address: string;
  kind: OutboxKind;
  payload: string;
  idempotency_key: string | null;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  external_id: string | null;
  created_at: string;
  sent_at: string | null;
}


/**
 * Residents found by address, kept between messages: at a million residents their index and
 * table pages are rarely in SQLite's small page cache, and a returning resident's every message
 * read them again (two cold pages). About 200 bytes each; the oldest go first past this.
 */
const KNOWN_RESIDENTS = 8_192;
const residentKey = (channel: ChannelName, address: string) => channel + ' ' + address;
const FREEZE_KNOWN = Boolean(process.env.VITEST);

export class CoreStore {
  private readonly stmts;

  /** "channel address" → the row as last read; an entry goes when its row is updated or deleted. */
  private readonly known = new Map<string, ResidentRow>();
  private readonly knownKeys = new Map<number, string[]>();
  private readonly otherCommits: () => boolean;

  constructor(readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    // Written here: that row goes. Another process's commits: all go (knownResident).
    onRowChanged(db, 'residents', 'id', (id) => this.forgetResident(Number(id)));
    this.otherCommits = committedElsewhere(db);
    this.stmts = {
      findResident: p('SELECT * FROM residents WHERE channel = ? AND address = ?'),
      findResidentByAlt: p('SELECT * FROM residents WHERE channel = ? AND alt_address = ?'),
      residentById: p('SELECT * FROM residents WHERE id = ?'),
      insertResident: p(
        'INSERT INTO residents (channel, address, alt_address, lang, created_at, last_inbound_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
      ),
      // Two statements: SQLite rewrites the entry of every index whose column an UPDATE sets, so
      // alt_address (residents_alt) is set only when it changed.
      touchResident: p('UPDATE residents SET last_inbound_at = ?, unreachable = 0 WHERE id = ?'),
      touchResidentAlt: p('UPDATE residents SET last_inbound_at = ?, alt_address = ?, unreachable = 0 WHERE id = ?'),
      setLang: p('UPDATE residents SET lang = ? WHERE id = ?'),
      setOptedOut: p('UPDATE residents SET opted_out = ? WHERE id = ?'),
      setUnreachable: p('UPDATE residents SET unreachable = ? WHERE id = ?'),
      loadConversation: p('SELECT state_version AS stateVersion, state, updated_at AS updatedAt FROM conversations WHERE resident_id = ?'),
      saveConversation: p(
        `INSERT INTO conversations (resident_id, state_version, state, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (resident_id) DO UPDATE SET state_version = excluded.state_version, state = excluded.state, updated_at = excluded.updated_at`,
      ),
      markSeen: p('INSERT OR IGNORE INTO inbound_seen (channel, message_id, seen_at) VALUES (?, ?, ?)'),
      enqueue: p(
        `INSERT INTO outbox (resident_id, channel, address, kind, payload, idempotency_key, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING`,
      ),
      // The oldest deliverable row per resident: a row being retried holds back later ones
      // (order is kept), but a row deferred to later (quiet hours) does not. The web chat is
      // pulled, never claimed (its rows are not in outbox_due).
      claimable: p(
        `SELECT o.* FROM outbox o
         WHERE o.channel = ? AND o.channel <> 'web' AND o.next_attempt_at <= ?
           AND o.status IN ('pending', 'sending')
           AND NOT EXISTS (
             SELECT 1 FROM outbox b
             WHERE b.resident_id = o.resident_id AND b.id < o.id AND b.status IN ('pending', 'sending')
               AND (b.status = 'sending' OR (b.status = 'pending' AND (b.next_attempt_at <= ? OR b.attempts > 0))))
         ORDER BY o.id LIMIT ?`,
      ),
      lease: p(`UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = ? WHERE id = ?`),
      markSent: p(`UPDATE outbox SET status = 'sent', sent_at = ?, external_id = ?, last_error = NULL WHERE id = ?`),
      markRetry: p(`UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?`),
      markFailed: p(`UPDATE outbox SET status = 'failed', last_error = ? WHERE id = ?`),
      // By resident: both read outbox_open (undelivered rows only, in id order), with no index on address to keep up.
      // A pull channel confirms the ids its page showed: only rows that were due (so could have
      // been sent to it) count; a row deferred to later (quiet hours) cannot be acknowledged early.
      // One row by its id: `id IN (SELECT value FROM json_each(?))` cost 21–43 µs a call (a
      // subquery table built per call), the row by id 4–6 µs.
      inboxAck: p(
        `UPDATE outbox SET status = 'sent', sent_at = ? WHERE id = ? AND resident_id = ? AND channel = ? AND status IN ('pending', 'sending')
           AND next_attempt_at <= ?`,
      ),
      inboxDue: p(
        `SELECT * FROM outbox WHERE resident_id = ? AND channel = ? AND status IN ('pending', 'sending') AND next_attempt_at <= ? ORDER BY id LIMIT 100`,
      ),
      outboxById: p('SELECT * FROM outbox WHERE id = ?'),
      // The resident's newest delivered notification or reminder with options (outbox_resident_notices:
      // replies have no entry there).
      lastNotice: p(`SELECT payload, created_at FROM outbox WHERE resident_id = ? AND kind <> 'reply' AND status = 'sent' ORDER BY id DESC LIMIT 1`),
      keepMedia: p('INSERT INTO inbound_media (resident_id, channel, media, ref, caption, received_at) VALUES (?, ?, ?, ?, ?, ?)'),
      mediaOf: p('SELECT id, channel, media, ref, caption, received_at FROM inbound_media WHERE resident_id = ? ORDER BY id'),
      audit: p('INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)'),
    };
  }

  /**
   * One write transaction (see writeTransaction), or a savepoint inside one. When it is rolled
   * back, the residents kept in memory go: a row read after an update that was undone (or a
   * row inserted and undone) must not be used again.
   */
  transaction<T>(fn: () => T): T {
    try {
      return writeTransaction(this.db, fn);
    } catch (err) {
      this.forgetResidents();
      throw err;
    }
  }

  /** Finds the resident by address (or WhatsApp's alternate address) or creates them. */
  upsertResident(channel: ChannelName, address: string, altAddress: string | undefined, lang: Lang, now: Date): ResidentRow {
    const at = iso(now);
    // WhatsApp may know one person by two addresses (phone JID and LID) and use either first.
    let row = this.knownResident(channel, address);
    if (!row) {
      row = this.stmts.findResident.get(channel, address) as ResidentRow | undefined;
      row ??= this.stmts.findResidentByAlt.get(channel, address) as ResidentRow | undefined;
      if (altAddress) {
        row ??= this.stmts.findResident.get(channel, altAddress) as ResidentRow | undefined;
        row ??= this.stmts.findResidentByAlt.get(channel, altAddress) as ResidentRow | undefined;
      }
      if (row) this.keepResident(channel, address, row);
    }
    if (!row) return this.stmts.insertResident.get(channel, address, altAddress ?? null, lang, at, at) as ResidentRow;
    // A write per message only when something changed: last contact is kept to the minute.
    const stale = !row.last_inbound_at || now.getTime() - Date.parse(row.last_inbound_at) >= 60_000;
    // The other address of the pair is the one this row is not keyed by.
    const other = address !== row.address ? address : altAddress;
    const altChanged = other !== undefined && other !== row.alt_address;
    if (stale || altChanged || row.unreachable) {
      if (altChanged) this.stmts.touchResidentAlt.run(at, other, row.id);
      else this.stmts.touchResident.run(at, row.id);
      return { ...row, last_inbound_at: at, alt_address: altChanged ? other : row.alt_address, unreachable: 0 };
    }
    return row;
  }

  findResident(channel: ChannelName, address: string): ResidentRow | undefined {
    const known = this.knownResident(channel, address);
    if (known && known.address === address) return known;
    const row = this.stmts.findResident.get(channel, address) as ResidentRow | undefined;
    // A key kept for a row found by its other address (WhatsApp) stays as upsertResident chose it.
    if (row && !known) this.keepResident(channel, address, row);
    return row;
  }

  /** Forgets every resident kept in memory (a rollback, another process's commit). */
  private forgetResidents(): void {
    this.known.clear();
    this.knownKeys.clear();
  }

  private knownResident(channel: ChannelName, address: string): ResidentRow | undefined {
    if (this.known.size === 0) return undefined;
    // Another process committed (an officer's tool, a restore): anything kept may be stale.
    if (this.otherCommits()) {
      this.forgetResidents();
      return undefined;
    }
    return this.known.get(residentKey(channel, address));
  }

  private keepResident(channel: ChannelName, address: string, row: ResidentRow): void {
    // Filling an empty cache: commits elsewhere before now are already in what was just read.
    if (this.known.size === 0) this.otherCommits();
    if (this.known.size >= KNOWN_RESIDENTS) {
      // All keys of that row go together (each key must stay findable from its row's id).
      this.forgetResident(this.known.values().next().value!.id);
    }
    if (FREEZE_KNOWN) Object.freeze(row);
    const key = residentKey(channel, address);
    this.known.set(key, row);
    const keys = this.knownKeys.get(row.id);
    if (keys) keys.push(key);
    else this.knownKeys.set(row.id, [key]);
  }

  private forgetResident(id: number): void {
    const keys = this.knownKeys.get(id);
    if (!keys) return;
    for (const key of keys) this.known.delete(key);
    this.knownKeys.delete(id);
  }

  getResident(id: number): ResidentRow | undefined {
    return this.stmts.residentById.get(id) as ResidentRow | undefined;
  }

  setResidentLang(id: number, lang: Lang): void {
    this.stmts.setLang.run(lang, id);
  }

  setOptedOut(id: number, optedOut: boolean): void {
    this.stmts.setOptedOut.run(optedOut ? 1 : 0, id);
  }

  /** The resident blocked the bot (or the number is gone): stop sending until they write again. */
  setUnreachable(id: number, unreachable: boolean): void {
    this.stmts.setUnreachable.run(unreachable ? 1 : 0, id);
  }

  loadConversation(residentId: number): SavedConversation | undefined {
    return this.stmts.loadConversation.get(residentId) as SavedConversation | undefined;
  }

  saveConversation(residentId: number, stateVersion: number, state: string, now: Date): void {
    this.stmts.saveConversation.run(residentId, stateVersion, state, iso(now));
  }

  /** True the first time a (channel, message id) is seen; false for a re-delivery. */
  markInboundSeen(channel: ChannelName, messageId: string, now: Date): boolean {
    return this.stmts.markSeen.run(channel, messageId, iso(now)).changes === 1;
  }

  // Pruning old dedupe ids, conversations and delivered messages is housekeeping's, in small
  // timed batches (src/ops/retention.ts, src/store/ops-store.ts): one DELETE over a million
  // rows would hold the writer for a second.

  private burstStmts?: Record<'mark' | 'drop' | 'forget', Database.Statement<unknown[]>>;
  private burst() {
    this.burstStmts ??= {
      mark: this.db.prepare('INSERT OR IGNORE INTO outbox_supersedable (outbox_id, resident_id) VALUES (?, ?)'),
      drop: this.db.prepare(
        `DELETE FROM outbox WHERE id IN (SELECT outbox_id FROM outbox_supersedable WHERE resident_id = ?) AND status = 'pending' AND attempts = 0 AND next_attempt_at > ?`,
      ),
      forget: this.db.prepare('DELETE FROM outbox_supersedable WHERE resident_id = ?'),
    };
    return this.burstStmts;
  }

  /** A queued small-talk reply that a later message of the same burst may replace. */
  markSupersedable(outboxId: number, residentId: number): void {
    this.burst().mark.run(outboxId, residentId);
  }

  /** Drops the resident's small-talk replies not yet due (a later message answers instead); returns how many. */
  dropSupersedable(residentId: number, now: Date): number {
    const { drop, forget } = this.burst();
    const dropped = drop.run(residentId, now.toISOString()).changes;
    forget.run(residentId);
    return dropped;
  }

  /** Queues a message; returns its id, or null when the idempotency key was already used. */
  enqueue(item: OutboxItem, now: Date): number | null {
    const result = this.stmts.enqueue.run(
      item.residentId,
      item.channel,
      item.address,
      item.kind ?? 'reply',
      JSON.stringify(item.reply),
      item.idempotencyKey ?? null,
      iso(item.notBefore ?? now),
      iso(now),
    );
    return result.changes === 1 ? Number(result.lastInsertRowid) : null;
  }

  /**
   * Takes up to `limit` due rows of a channel for delivery, at most one per resident,
   * and leases them until `leaseUntil` (a crash mid-send makes them due again then).
   */
  claimDue(channel: ChannelName, now: Date, leaseUntil: Date, limit: number): OutboxRow[] {
    return this.transaction(() => {
      const at = now.toISOString();
      const rows = this.stmts.claimable.all(channel, at, at, limit * 4) as OutboxRow[];
      const perResident = new Set<number>();
      const claimed: OutboxRow[] = [];
      for (const row of rows) {
        if (perResident.has(row.resident_id)) continue;
        perResident.add(row.resident_id);
        this.stmts.lease.run(leaseUntil.toISOString(), row.id);
        claimed.push({ ...row, status: 'sending', attempts: row.attempts + 1 });
        if (claimed.length >= limit) break;
      }
      return claimed;
    });
  }

  markSent(id: number, now: Date, externalId?: string): void {
    this.stmts.markSent.run(now.toISOString(), externalId ?? null, id);
  }

  markRetry(id: number, nextAttempt: Date, error: string): void {
    this.stmts.markRetry.run(nextAttempt.toISOString(), error.slice(0, 500), id);
  }

  markFailed(id: number, error: string): void {
    this.stmts.markFailed.run(error.slice(0, 500), id);
  }

  getOutbox(id: number): OutboxRow | undefined {
    return this.stmts.outboxById.get(id) as OutboxRow | undefined;
  }

  /**
   * Pull-based channels (the web chat): the due rows not yet acknowledged, oldest first. A read
   * only: a lost response is simply fetched again; the page acknowledges ids with ackShown.
   */
  dueFor(residentId: number, channel: ChannelName, now: Date): OutboxRow[] {
    return this.stmts.inboxDue.all(residentId, channel, now.toISOString()) as OutboxRow[];
  }

  /** Marks the listed rows of this resident delivered (the page showed them); rows not yet due are left alone. */
  ackShown(residentId: number, channel: ChannelName, ids: number[], now: Date): number {
    if (!ids.length) return 0;
    const at = iso(now);
    let changed = 0;
    for (const id of new Set(ids)) changed += this.stmts.inboxAck.run(at, id, residentId, channel, at).changes;
    return changed;
  }

  /**
   * When a notification or reminder was the last thing a resident received (queued after
   * `optionsShownAt`, when the conversation last showed options), the ids of its options: "1"
   * then answers that notification, not the conversation's question before it. An empty list
   * when that notification had none.
   */
  choicesOfLastNotice(residentId: number, optionsShownAt: string): string[] | undefined {
    const row = this.stmts.lastNotice.get(residentId) as { payload: string; created_at: string } | undefined;
    if (!row || row.created_at < optionsShownAt) return undefined;
    return (JSON.parse(row.payload) as Reply).choices?.map((c) => c.id) ?? [];
  }

  /** A photo or document a resident sent: the channel's reference (file id, message key) is kept so an officer can fetch it. */
  keepMedia(residentId: number, channel: ChannelName, media: string, ref: string, caption: string | null, now: Date): void {
    this.stmts.keepMedia.run(residentId, channel, media, ref, caption, now.toISOString());
  }

  mediaOf(residentId: number): Array<{ id: number; channel: ChannelName; media: string; ref: string; caption: string | null; received_at: string }> {
    return this.stmts.mediaOf.all(residentId) as never;
  }

  audit(actor: string, action: string, subject: string | null, detail: unknown, now: Date): void {
    this.stmts.audit.run(now.toISOString(), actor, action, subject, detail === undefined ? null : JSON.stringify(detail));
  }
}
