// SQL of the applications feature: applications and their history, who follows which,
// wrong-check counting for the status lookup, broadcasts and officers' idempotency keys.
// Runs on the same connection as the engine, so it joins the message's transaction.
import type { ChannelName, Lang } from '../core/types.js';
import { writeTransaction, type Db } from './db.js';

export interface ApplicationRow {
  id: number;
  tracking_no: string;
  tracking_key: string;
  service: string;
  applicant_name: string;
  nik: string;
  contact_channel: ChannelName | null;
  contact_address: string | null;
  status: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface HistoryRow {
  id: number;
  application_id: number;
  status: string;
  note: string | null;
  delivery: string | null;
  officer: string;
  at: string;
}

export interface NewApplication {
  trackingNo: string;
  trackingKey: string;
  service: string;
  applicantName: string;
  nik: string;
  contactChannel?: ChannelName | undefined;
  contactAddress?: string | undefined;
  status: string;
  createdBy: string;
}

/** A resident who may get a status notification. */
export interface Recipient {
  id: number;
  channel: ChannelName;
  address: string;
  lang: Lang;
  opted_out: number;
  unreachable: number;
  last_inbound_at: string | null;
}

export interface CheckFailure {
  scope: string;
  failures: number;
  first_at: string;
  locked_until: string | null;
}

export interface BroadcastRow {
  id: number;
  text_id: string;
  text_en: string;
  officer: string;
  urgent: number;
  created_at: string;
  skipped: number;
}

export interface OutboxCounts {
  pending: number;
  sending: number;
  sent: number;
  failed: number;
}

export interface FailedNotificationRow {
  id: number;
  resident_id: number;
  channel: ChannelName;
  address: string;
  kind: string;
  payload: string;
  idempotency_key: string | null;
  attempts: number;
  last_error: string | null;
  created_at: string;
}

export class ApplicationsStore {
  private readonly stmts;

  constructor(readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.stmts = {
      insert: p(
        `INSERT INTO applications (tracking_no, tracking_key, service, applicant_name, nik, contact_channel, contact_address, status, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tracking_key) DO NOTHING RETURNING *`,
      ),
      byKey: p('SELECT * FROM applications WHERE tracking_key = ?'),
      byId: p('SELECT * FROM applications WHERE id = ?'),
      list: p('SELECT * FROM applications WHERE (@status IS NULL OR status = @status) ORDER BY id DESC LIMIT @limit OFFSET @offset'),
      count: p('SELECT COUNT(*) FROM applications WHERE (@status IS NULL OR status = @status)'),
      setStatus: p('UPDATE applications SET status = ?, updated_at = ? WHERE id = ?'),
      insertHistory: p('INSERT INTO application_history (application_id, status, note, delivery, officer, at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *'),
      history: p('SELECT * FROM application_history WHERE application_id = ? ORDER BY id'),
      subscribe: p(
        `INSERT INTO application_subscriptions (application_id, resident_id, created_at, active) VALUES (?, ?, ?, 1)
         ON CONFLICT (application_id, resident_id) DO UPDATE SET active = 1`,
      ),
      adopt: p('INSERT OR IGNORE INTO application_subscriptions (application_id, resident_id, created_at, active) VALUES (?, ?, ?, 1)'),
      unsubscribe: p('UPDATE application_subscriptions SET active = 0 WHERE application_id = ? AND resident_id = ? AND active = 1'),
      isSubscribed: p('SELECT 1 FROM application_subscriptions WHERE application_id = ? AND resident_id = ? AND active = 1'),
      subscriberCount: p('SELECT COUNT(*) FROM application_subscriptions WHERE application_id = ? AND active = 1'),
      followedBy: p(
        `SELECT a.* FROM application_subscriptions s JOIN applications a ON a.id = s.application_id
         WHERE s.resident_id = ? AND s.active = 1 ORDER BY s.created_at, a.id`,
      ),
      // Followers, plus the contact the officer entered if that chat ever wrote to us and has
      // not stopped following this application.
      recipients: p(
        `WITH contact AS (
           SELECT id FROM residents WHERE channel = @channel AND address = @address
           UNION SELECT id FROM residents WHERE channel = @channel AND alt_address = @address)
         SELECT r.id, r.channel, r.address, r.lang, r.opted_out, r.unreachable, r.last_inbound_at FROM residents r
         WHERE r.id IN (
           SELECT resident_id FROM application_subscriptions WHERE application_id = @app AND active = 1
           UNION
           SELECT id FROM contact
           WHERE NOT EXISTS (SELECT 1 FROM application_subscriptions s WHERE s.application_id = @app AND s.resident_id = contact.id))
         ORDER BY r.id`,
      ),
      getFailure: p('SELECT * FROM status_check_failures WHERE scope = ?'),
      putFailure: p(
        `INSERT INTO status_check_failures (scope, failures, first_at, locked_until) VALUES (?, ?, ?, ?)
         ON CONFLICT (scope) DO UPDATE SET failures = excluded.failures, first_at = excluded.first_at, locked_until = excluded.locked_until`,
      ),
      clearFailure: p('DELETE FROM status_check_failures WHERE scope = ?'),
      insertBroadcast: p('INSERT INTO broadcasts (text_id, text_en, officer, urgent, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *'),
      setBroadcastSkipped: p('UPDATE broadcasts SET skipped = ? WHERE id = ?'),
      broadcastById: p('SELECT * FROM broadcasts WHERE id = ?'),
      listBroadcasts: p('SELECT * FROM broadcasts ORDER BY id DESC LIMIT ?'),
      insertRecipient: p('INSERT INTO broadcast_recipients (broadcast_id, resident_id, outbox_id) VALUES (?, ?, ?)'),
      broadcastCounts: p(
        `SELECT o.status, COUNT(*) AS n FROM broadcast_recipients b JOIN outbox o ON o.id = b.outbox_id
         WHERE b.broadcast_id = ? GROUP BY o.status`,
      ),
      // Everyone who ever wrote, is still reachable and did not opt out. WhatsApp: only those who wrote first.
      broadcastAudience: p(
        `SELECT id, channel, address, lang, opted_out, unreachable, last_inbound_at FROM residents
         WHERE last_inbound_at IS NOT NULL ORDER BY id`,
      ),
      failedNotifications: p(
        `SELECT id, resident_id, channel, address, kind, payload, idempotency_key, attempts, last_error, created_at FROM outbox
         WHERE status = 'failed' AND kind IN ('notification', 'broadcast') ORDER BY id DESC LIMIT ?`,
      ),
      // Finished long ago: keep the statistics (service, status, dates), not who it was.
      forgetFinished: p(
        `UPDATE applications SET nik = substr(nik, 1, 4) || '**********' || substr(nik, -2), applicant_name = '-', contact_address = NULL
         WHERE status IN ('selesai', 'ditolak') AND updated_at < ? AND applicant_name != '-'`,
      ),
      // Officers' notes ("KK lama a.n. …, NIK …") go with the name and NIK they may repeat.
      forgetNotes: p(
        `UPDATE application_history SET note = NULL WHERE note IS NOT NULL AND application_id IN (
           SELECT id FROM applications WHERE status IN ('selesai', 'ditolak') AND updated_at < ? AND applicant_name != '-')`,
      ),
      dropForgottenFollowers: p(
        `DELETE FROM application_subscriptions WHERE application_id IN (SELECT id FROM applications WHERE applicant_name = '-')`,
      ),
      dropOldRequests: p('DELETE FROM officer_requests WHERE at < ?'),
      getRequest: p('SELECT status_code AS statusCode, response FROM officer_requests WHERE scope = ? AND key = ?'),
      putRequest: p('INSERT INTO officer_requests (scope, key, status_code, response, at) VALUES (?, ?, ?, ?, ?)'),
    };
  }

  insertApplication(app: NewApplication, now: Date): ApplicationRow | undefined {
    const at = now.toISOString();
    return this.stmts.insert.get(
      app.trackingNo,
      app.trackingKey,
      app.service,
      app.applicantName,
      app.nik,
      app.contactChannel ?? null,
      app.contactAddress ?? null,
      app.status,
      app.createdBy,
      at,
      at,
    ) as ApplicationRow | undefined;
  }

  byTrackingKey(key: string): ApplicationRow | undefined {
    return this.stmts.byKey.get(key) as ApplicationRow | undefined;
  }

  byId(id: number): ApplicationRow | undefined {
    return this.stmts.byId.get(id) as ApplicationRow | undefined;
  }

  list(status: string | undefined, limit: number, offset: number): { total: number; rows: ApplicationRow[] } {
    return {
      total: this.stmts.count.pluck().get({ status: status ?? null }) as number,
      rows: this.stmts.list.all({ status: status ?? null, limit, offset }) as ApplicationRow[],
    };
  }

  /** The dashboard's list: status, service, day range (updated, UTC ISO bounds) and a search on tracking number, name or NIK. */
  search(f: { status?: string; service?: string; from?: string; to?: string; q?: string }, limit: number, offset: number): { total: number; rows: ApplicationRow[] } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.status) (where.push('status = ?'), args.push(f.status));
    if (f.service) (where.push('service = ?'), args.push(f.service));
    if (f.from) (where.push('updated_at >= ?'), args.push(f.from));
    if (f.to) (where.push('updated_at < ?'), args.push(f.to));
    if (f.q) {
      const q = f.q.trim();
      const key = q.toUpperCase().replace(/[^A-Z0-9]/g, '');
      where.push("(tracking_key LIKE ? OR applicant_name LIKE ? OR (? != '' AND nik LIKE ?))");
      const digits = /^[\d\s.]+$/.test(q) ? q.replace(/\D/g, '') : '';
      args.push(`%${key}%`, `%${q.replace(/[%_]/g, '')}%`, digits, `%${digits}`);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    return {
      total: this.db.prepare(`SELECT count(*) FROM applications ${w}`).pluck().get(...args) as number,
      rows: this.db.prepare(`SELECT * FROM applications ${w} ORDER BY updated_at DESC, id DESC LIMIT ? OFFSET ?`).all(...args, limit, offset) as ApplicationRow[],
    };
  }

  /** Sets the current status and appends the history row; returns the history row. */
  recordStatus(applicationId: number, status: string, note: string | null, delivery: string | null, officer: string, now: Date): HistoryRow {
    const at = now.toISOString();
    this.stmts.setStatus.run(status, at, applicationId);
    return this.stmts.insertHistory.get(applicationId, status, note, delivery, officer, at) as HistoryRow;
  }

  history(applicationId: number): HistoryRow[] {
    return this.stmts.history.all(applicationId) as HistoryRow[];
  }

  subscribe(applicationId: number, residentId: number, now: Date): boolean {
    return this.stmts.subscribe.run(applicationId, residentId, now.toISOString()).changes === 1;
  }

  /** The officer-entered contact becomes a follower (so "berhenti ikuti" lists it), unless it stopped following. */
  adoptContact(applicationId: number, residentId: number, now: Date): void {
    this.stmts.adopt.run(applicationId, residentId, now.toISOString());
  }

  unsubscribe(applicationId: number, residentId: number): boolean {
    return this.stmts.unsubscribe.run(applicationId, residentId).changes === 1;
  }

  isSubscribed(applicationId: number, residentId: number): boolean {
    return this.stmts.isSubscribed.get(applicationId, residentId) !== undefined;
  }

  subscriberCount(applicationId: number): number {
    return this.stmts.subscriberCount.pluck().get(applicationId) as number;
  }

  followedBy(residentId: number): ApplicationRow[] {
    return this.stmts.followedBy.all(residentId) as ApplicationRow[];
  }

  recipients(app: ApplicationRow): Recipient[] {
    return this.stmts.recipients.all({ app: app.id, channel: app.contact_channel, address: app.contact_address }) as Recipient[];
  }

  getCheckFailure(scope: string): CheckFailure | undefined {
    return this.stmts.getFailure.get(scope) as CheckFailure | undefined;
  }

  putCheckFailure(f: CheckFailure): void {
    this.stmts.putFailure.run(f.scope, f.failures, f.first_at, f.locked_until);
  }

  clearCheckFailure(scope: string): void {
    this.stmts.clearFailure.run(scope);
  }

  insertBroadcast(text: { id: string; en: string }, officer: string, urgent: boolean, now: Date): BroadcastRow {
    return this.stmts.insertBroadcast.get(text.id, text.en, officer, urgent ? 1 : 0, now.toISOString()) as BroadcastRow;
  }

  setBroadcastSkipped(id: number, skipped: number): void {
    this.stmts.setBroadcastSkipped.run(skipped, id);
  }

  broadcast(id: number): BroadcastRow | undefined {
    return this.stmts.broadcastById.get(id) as BroadcastRow | undefined;
  }

  listBroadcasts(limit: number): BroadcastRow[] {
    return this.stmts.listBroadcasts.all(limit) as BroadcastRow[];
  }

  addBroadcastRecipient(broadcastId: number, residentId: number, outboxId: number): void {
    this.stmts.insertRecipient.run(broadcastId, residentId, outboxId);
  }

  broadcastCounts(id: number): OutboxCounts {
    const counts: OutboxCounts = { pending: 0, sending: 0, sent: 0, failed: 0 };
    for (const row of this.stmts.broadcastCounts.all(id) as { status: keyof OutboxCounts; n: number }[]) counts[row.status] = row.n;
    return counts;
  }

  /** Stops what is still waiting of an announcement: its pending rows fail as cancelled. */
  cancelBroadcast(id: number, reason: string): number {
    return this.db
      .prepare(`UPDATE outbox SET status = 'failed', last_error = ? WHERE status = 'pending' AND id IN (SELECT outbox_id FROM broadcast_recipients WHERE broadcast_id = ?)`)
      .run(reason, id).changes;
  }

  /** A failed notification goes out again (fresh attempts, due now). */
  retryFailed(outboxId: number, now: Date): boolean {
    return (
      this.db
        .prepare(`UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL WHERE id = ? AND status = 'failed' AND kind IN ('notification', 'broadcast', 'reminder')`)
        .run(now.toISOString(), outboxId).changes > 0
    );
  }

  broadcastAudience(): Recipient[] {
    return this.stmts.broadcastAudience.all() as Recipient[];
  }

  failedNotifications(limit: number): FailedNotificationRow[] {
    return this.stmts.failedNotifications.all(limit) as FailedNotificationRow[];
  }

  /** Drops wrong-check counters (their scope names a chat) that started before `before` and hold no lock now. */
  pruneCheckFailures(before: Date, now: Date): number {
    return this.db.prepare('DELETE FROM status_check_failures WHERE first_at < ? AND (locked_until IS NULL OR locked_until < ?)').run(before.toISOString(), now.toISOString()).changes;
  }

  /** Masks NIK, name and contact of applications finished before `before`; returns how many. */
  forgetFinishedBefore(before: Date): number {
    return writeTransaction(this.db, () => {
      this.stmts.forgetNotes.run(before.toISOString());
      const n = this.stmts.forgetFinished.run(before.toISOString()).changes;
      this.stmts.dropForgottenFollowers.run();
      this.stmts.dropOldRequests.run(before.toISOString());
      return n;
    });
  }

  officerRequest(scope: string, key: string): { statusCode: number; response: string } | undefined {
    return this.stmts.getRequest.get(scope, key) as { statusCode: number; response: string } | undefined;
  }

  saveOfficerRequest(scope: string, key: string, statusCode: number, response: unknown, now: Date): void {
    this.stmts.putRequest.run(scope, key, statusCode, JSON.stringify(response), now.toISOString());
  }
}
