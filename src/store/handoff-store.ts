// SQL of the handoff feature: cases a resident opens for an officer, the messages on them,
// canned replies and per-topic deadlines. Only src/handoff/service.ts calls this.
import type { ChannelName } from '../core/types.js';
import { writeTransaction, type Db } from './db.js';

/** How many of the newest outbox rows a new case looks through for the bot's last words to the resident. */
export const CONTEXT_WINDOW = 5_000;

export type CaseStatus = 'open' | 'closed';
export type MessageAuthor = 'resident' | 'officer' | 'note' | 'system';

export interface CaseRow {
  id: number;
  resident_id: number;
  channel: ChannelName;
  topic: string;
  pungli: number;
  status: CaseStatus;
  assigned_to: string | null;
  opened_at: string;
  due_at: string;
  last_resident_at: string | null;
  first_reply_at: string | null;
  closed_at: string | null;
  closed_by: string | null;
  outcome: string | null;
  rating: number | null;
  rating_word: string | null;
  rated_at: string | null;
  context: string | null;
  forgotten: number;
}

export interface CaseMessageRow {
  id: number;
  case_id: number;
  at: string;
  author: MessageAuthor;
  officer: string | null;
  text: string | null;
  media_id: number | null;
  outbox_id: number | null;
}

export interface CaseFileRow {
  id: number;
  channel: ChannelName;
  media: string;
  ref: string;
  caption: string | null;
  received_at: string;
}

export interface CannedRow {
  id: number;
  title: string;
  text: string;
  updated_by: string;
  updated_at: string;
}

export interface ListFilter {
  status?: CaseStatus;
  assignedTo?: string;
  limit: number;
  offset: number;
}

export class HandoffStore {
  private readonly stmts;

  constructor(readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.stmts = {
      insertCase: p(
        `INSERT INTO handoff_cases (resident_id, channel, topic, pungli, status, opened_at, due_at, last_resident_at, context)
         VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?) RETURNING *`,
      ),
      byId: p('SELECT * FROM handoff_cases WHERE id = ?'),
      openOf: p("SELECT * FROM handoff_cases WHERE resident_id = ? AND status = 'open' ORDER BY id DESC LIMIT 1"),
      latestOf: p('SELECT * FROM handoff_cases WHERE resident_id = ? ORDER BY id DESC LIMIT 1'),
      addMessage: p('INSERT INTO handoff_messages (case_id, at, author, officer, text, media_id, outbox_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id'),
      touchResident: p('UPDATE handoff_cases SET last_resident_at = ? WHERE id = ?'),
      firstReply: p('UPDATE handoff_cases SET first_reply_at = COALESCE(first_reply_at, ?) WHERE id = ?'),
      setOutbox: p('UPDATE handoff_messages SET outbox_id = ? WHERE id = ?'),
      assign: p('UPDATE handoff_cases SET assigned_to = ? WHERE id = ?'),
      close: p("UPDATE handoff_cases SET status = 'closed', closed_at = ?, closed_by = ?, outcome = ? WHERE id = ? AND status = 'open'"),
      rate: p('UPDATE handoff_cases SET rating = ?, rated_at = ? WHERE id = ? AND resident_id = ? AND status = \'closed\' AND rating IS NULL'),
      rateWord: p('UPDATE handoff_cases SET rating_word = ? WHERE id = ? AND resident_id = ? AND rating IS NOT NULL AND rating_word IS NULL'),
      messages: p('SELECT * FROM handoff_messages WHERE case_id = ? ORDER BY id'),
      // Only who wrote last (not the message: up to 4,000 characters), to know whose turn it is.
      lastAuthor: p(`SELECT author FROM handoff_messages WHERE case_id = ? AND author IN ('resident', 'officer') ORDER BY id DESC LIMIT 1`).pluck(),
      recentMessages: p(
        `SELECT * FROM (SELECT * FROM handoff_messages WHERE case_id = ? AND author IN ('resident', 'officer') ORDER BY id DESC LIMIT ?) ORDER BY id`,
      ),
      files: p(
        `SELECT m.id, m.channel, m.media, m.ref, m.caption, m.received_at FROM handoff_messages h
         JOIN inbound_media m ON m.id = h.media_id WHERE h.case_id = ? ORDER BY m.id`,
      ),
      fileOfCase: p(
        `SELECT m.id, m.channel, m.media, m.ref, m.caption, m.received_at FROM handoff_messages h
         JOIN inbound_media m ON m.id = h.media_id WHERE h.case_id = ? AND m.id = ?`,
      ),
      lastMediaOf: p('SELECT id FROM inbound_media WHERE resident_id = ? ORDER BY id DESC LIMIT 1'),
      countOpen: p(
        `SELECT COUNT(*) AS open,
                COALESCE(SUM(assigned_to IS NULL), 0) AS unassigned,
                COALESCE(SUM(due_at < ?), 0) AS overdue,
                COALESCE(SUM(assigned_to = ?), 0) AS mine
         FROM handoff_cases WHERE status = 'open'`,
      ),
      nextUnassigned: p("SELECT * FROM handoff_cases WHERE status = 'open' AND assigned_to IS NULL ORDER BY due_at, id LIMIT 1"),
      // A case opens while the resident is chatting, so what the bot last said to them is among
      // the newest rows: a scan of those (by id, at most CONTEXT_WINDOW rows, ~1 ms), not an
      // index of every reply by resident that each message would have to write (issue 15).
      lastBotReplies: p(
        `SELECT payload, created_at FROM (
           SELECT id, payload, created_at FROM outbox
           WHERE id > (SELECT COALESCE(MAX(id), 0) FROM outbox) - ${CONTEXT_WINDOW} AND resident_id = ? ORDER BY id DESC LIMIT ?)
         ORDER BY id`,
      ),
      canned: p('SELECT * FROM handoff_canned ORDER BY title, id'),
      cannedById: p('SELECT * FROM handoff_canned WHERE id = ?'),
      insertCanned: p('INSERT INTO handoff_canned (title, text, updated_by, updated_at) VALUES (?, ?, ?, ?) RETURNING *'),
      updateCanned: p('UPDATE handoff_canned SET title = ?, text = ?, updated_by = ?, updated_at = ? WHERE id = ? RETURNING *'),
      deleteCanned: p('DELETE FROM handoff_canned WHERE id = ?'),
      cannedCount: p('SELECT COUNT(*) FROM handoff_canned').pluck(),
      deadlines: p('SELECT topic, working_days FROM handoff_deadlines'),
      setDeadline: p(
        `INSERT INTO handoff_deadlines (topic, working_days, updated_by, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (topic) DO UPDATE SET working_days = excluded.working_days, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      ),
      forgetCases: p("UPDATE handoff_cases SET context = NULL, rating_word = NULL, forgotten = 1 WHERE status = 'closed' AND forgotten = 0 AND closed_at < ? RETURNING id"),
      forgetMessages: p("UPDATE handoff_messages SET text = NULL WHERE case_id = ?"),
      satisfaction: p(
        `SELECT rating, COUNT(*) AS n FROM handoff_cases WHERE rating IS NOT NULL AND rated_at >= ? AND rated_at < ? GROUP BY rating ORDER BY rating`,
      ),
      ratingWords: p(
        `SELECT rating, rating_word, rated_at FROM handoff_cases WHERE rating_word IS NOT NULL AND rated_at >= ? AND rated_at < ? ORDER BY rated_at DESC LIMIT 50`,
      ),
    };
  }

  transaction<T>(fn: () => T): T {
    return writeTransaction(this.db, fn);
  }

  insertCase(c: { residentId: number; channel: ChannelName; topic: string; pungli: boolean; now: Date; dueAt: Date; context: string | null }): CaseRow {
    const at = c.now.toISOString();
    return this.stmts.insertCase.get(c.residentId, c.channel, c.topic, c.pungli ? 1 : 0, at, c.dueAt.toISOString(), at, c.context) as CaseRow;
  }

  byId(id: number): CaseRow | undefined {
    return this.stmts.byId.get(id) as CaseRow | undefined;
  }

  openCaseOf(residentId: number): CaseRow | undefined {
    return this.stmts.openOf.get(residentId) as CaseRow | undefined;
  }

  /** The resident's newest case, open or closed. */
  latestCaseOf(residentId: number): CaseRow | undefined {
    return this.stmts.latestOf.get(residentId) as CaseRow | undefined;
  }

  addMessage(m: { caseId: number; now: Date; author: MessageAuthor; officer?: string | null; text?: string | null; mediaId?: number | null; outboxId?: number | null }): number {
    const row = this.stmts.addMessage.get(m.caseId, m.now.toISOString(), m.author, m.officer ?? null, m.text ?? null, m.mediaId ?? null, m.outboxId ?? null) as { id: number };
    if (m.author === 'resident') this.stmts.touchResident.run(m.now.toISOString(), m.caseId);
    if (m.author === 'officer') this.stmts.firstReply.run(m.now.toISOString(), m.caseId);
    return row.id;
  }

  setOutboxOf(messageId: number, outboxId: number | null): void {
    this.stmts.setOutbox.run(outboxId, messageId);
  }

  assign(caseId: number, officer: string | null): void {
    this.stmts.assign.run(officer, caseId);
  }

  close(caseId: number, officer: string, outcome: string, now: Date): boolean {
    return this.stmts.close.run(now.toISOString(), officer, outcome, caseId).changes === 1;
  }

  rate(caseId: number, residentId: number, score: number, now: Date): boolean {
    return this.stmts.rate.run(score, now.toISOString(), caseId, residentId).changes === 1;
  }

  rateWord(caseId: number, residentId: number, word: string): boolean {
    return this.stmts.rateWord.run(word, caseId, residentId).changes === 1;
  }

  messages(caseId: number): CaseMessageRow[] {
    return this.stmts.messages.all(caseId) as CaseMessageRow[];
  }

  /** Who wrote the case's last message, resident or officer (system notes left out). */
  lastAuthor(caseId: number): MessageAuthor | undefined {
    return this.stmts.lastAuthor.get(caseId) as MessageAuthor | undefined;
  }

  recentMessages(caseId: number, n: number): CaseMessageRow[] {
    return this.stmts.recentMessages.all(caseId, n) as CaseMessageRow[];
  }

  files(caseId: number): CaseFileRow[] {
    return this.stmts.files.all(caseId) as CaseFileRow[];
  }

  fileOfCase(caseId: number, mediaId: number): CaseFileRow | undefined {
    return this.stmts.fileOfCase.get(caseId, mediaId) as CaseFileRow | undefined;
  }

  /** The id of the file the engine's media.keep just stored for this resident. */
  lastMediaId(residentId: number): number | undefined {
    return (this.stmts.lastMediaOf.get(residentId) as { id: number } | undefined)?.id;
  }

  list(filter: ListFilter): CaseRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.status) {
      where.push('status = ?');
      args.push(filter.status);
    }
    if (filter.assignedTo) {
      where.push('assigned_to = ?');
      args.push(filter.assignedTo);
    }
    // Open cases: the most urgent first; closed ones: the latest first.
    const order = filter.status === 'closed' ? 'closed_at DESC, id DESC' : "status = 'closed', due_at, id";
    const sql = `SELECT * FROM handoff_cases ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY ${order} LIMIT ? OFFSET ?`;
    return this.db.prepare(sql).all(...args, filter.limit, filter.offset) as CaseRow[];
  }

  counts(now: Date, officer: string): { open: number; unassigned: number; overdue: number; mine: number } {
    return this.stmts.countOpen.get(now.toISOString(), officer) as { open: number; unassigned: number; overdue: number; mine: number };
  }

  nextUnassigned(): CaseRow | undefined {
    return this.stmts.nextUnassigned.get() as CaseRow | undefined;
  }

  /** What the bot last said to the resident (outbox payloads), oldest first. */
  lastBotReplies(residentId: number, n: number): Array<{ payload: string; created_at: string }> {
    return this.stmts.lastBotReplies.all(residentId, n) as Array<{ payload: string; created_at: string }>;
  }

  canned(): CannedRow[] {
    return this.stmts.canned.all() as CannedRow[];
  }

  cannedById(id: number): CannedRow | undefined {
    return this.stmts.cannedById.get(id) as CannedRow | undefined;
  }

  cannedCount(): number {
    return this.stmts.cannedCount.get() as number;
  }

  insertCanned(title: string, text: string, officer: string, now: Date): CannedRow {
    return this.stmts.insertCanned.get(title, text, officer, now.toISOString()) as CannedRow;
  }

  updateCanned(id: number, title: string, text: string, officer: string, now: Date): CannedRow | undefined {
    return this.stmts.updateCanned.get(title, text, officer, now.toISOString(), id) as CannedRow | undefined;
  }

  deleteCanned(id: number): boolean {
    return this.stmts.deleteCanned.run(id).changes === 1;
  }

  deadlineOverrides(): Map<string, number> {
    return new Map((this.stmts.deadlines.all() as Array<{ topic: string; working_days: number }>).map((r) => [r.topic, r.working_days]));
  }

  setDeadline(topic: string, workingDays: number, officer: string, now: Date): void {
    this.stmts.setDeadline.run(topic, workingDays, officer, now.toISOString());
  }

  /** Texts of cases closed before `before` are removed; topic, dates, outcome and rating stay for statistics. */
  forgetClosedBefore(before: Date): number {
    return this.transaction(() => {
      const ids = this.stmts.forgetCases.all(before.toISOString()) as Array<{ id: number }>;
      for (const { id } of ids) this.stmts.forgetMessages.run(id);
      return ids.length;
    });
  }

  satisfaction(from: Date, to: Date): { counts: Array<{ rating: number; n: number }>; words: Array<{ rating: number; rating_word: string; rated_at: string }> } {
    return {
      counts: this.stmts.satisfaction.all(from.toISOString(), to.toISOString()) as Array<{ rating: number; n: number }>,
      words: this.stmts.ratingWords.all(from.toISOString(), to.toISOString()) as Array<{ rating: number; rating_word: string; rated_at: string }>,
    };
  }
}
