// Cases a resident opens for an officer ("Hubungi petugas"): the resident's side (called from
// the flow's effects, inside the message's transaction) and the officers' side (inbox page,
// JSON API). Officers' replies and the closing question go to the resident through the
// outbox and their own channel. Every officer action is audited; opening a case too.
import type { Logger } from 'pino';
import { translate } from '../content/load.js';
import type { Texts } from '../content/schema.js';
import type { ChannelName, Clock, Lang, Reply } from '../core/types.js';
import { maskDigitsInText, maskPhone } from '../privacy/mask.js';
import type { CoreStore } from '../store/core-store.js';
import type { CaseRow, CannedRow, HandoffStore, CaseStatus } from '../store/handoff-store.js';
import type { OfficeTime } from './hours.js';
import { HANDOFF_MAX_TEXT, TOPICS, type HandoffSettings, type Topic } from './settings.js';

/** Who acts on a case. Only these roles see cases at all. */
export interface Officer {
  name: string;
  role: string;
}
export const CASE_ROLES = ['petugas', 'admin'] as const;

export class HandoffError extends Error {
  override name = 'HandoffError';
  constructor(
    readonly code: 400 | 403 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export interface CaseSummary {
  id: number;
  topic: Topic;
  topicLabel: string;
  pungli: boolean;
  channel: ChannelName;
  status: CaseStatus;
  assignedTo: string | null;
  openedAt: string;
  dueAt: string;
  overdue: boolean;
  /** Minutes the resident has been waiting: since their last message, while no officer answered after it. */
  waitingMinutes: number | null;
  /** The resident's last messages on the case, personal numbers masked (the case is not opened yet). */
  preview: string[];
  files: number;
  outcome: string | null;
  rating: number | null;
}

export interface CaseDetail extends CaseSummary {
  /** The resident's address on their channel (chat id, WhatsApp JID, browser id). */
  address: string;
  lang: Lang;
  closedAt: string | null;
  closedBy: string | null;
  ratingWord: string | null;
  messages: Array<{ id: number; at: string; author: 'resident' | 'officer' | 'note' | 'system'; officer: string | null; text: string | null; fileId: number | null }>;
  files: number;
  fileList: Array<{ id: number; media: string; caption: string | null; receivedAt: string }>;
  /** What the bot said to the resident just before the case was opened. */
  context: Array<{ at: string; text: string }>;
  /** True once the texts were removed after the retention period. */
  forgotten: boolean;
}

export interface HandoffServiceDeps {
  store: HandoffStore;
  core: CoreStore;
  settings: HandoffSettings;
  time: OfficeTime;
  texts: Texts;
  clock: Clock;
  log: Logger;
  onQueued: () => void;
}

/** An officer's identical answer repeated within this time is the same answer sent twice. */
const REPEAT_MS = 2 * 60_000;
/** Officers' answers, notes and canned replies (residents' messages: HANDOFF_MAX_TEXT). */
const MAX_TEXT = 2000;
/** A closed case can be rated by typing for this long after closing ("5", "sangat puas"). */
const RATE_WITHIN_MS = 7 * 86_400_000;

/** Closed lately and not rated yet: what the resident types may be its rating. */
function rateable(row: CaseRow, now: Date): boolean {
  return row.status === 'closed' && row.rating === null && row.closed_at !== null && now.getTime() - Date.parse(row.closed_at) < RATE_WITHIN_MS;
}

export class HandoffService {
  constructor(private readonly d: HandoffServiceDeps) {}

  // ——— what residents do (inside the message's transaction) ———

  topicLabel(topic: string, lang: Lang): string {
    return this.d.settings.topics.find((t) => t.id === topic)?.label[lang] ?? topic;
  }

  outcomes(): HandoffSettings['outcomes'] {
    return this.d.settings.outcomes;
  }

  outcomeLabel(outcome: string, lang: Lang): string {
    return this.d.settings.outcomes.find((o) => o.id === outcome)?.label[lang] ?? outcome;
  }

  /** Working days to answer a topic: the officers' value, else the file's. */
  deadlines(): Array<{ topic: Topic; label: string; workingDays: number; fromFile: number }> {
    const overrides = this.d.store.deadlineOverrides();
    return this.d.settings.topics.map((t) => ({ topic: t.id, label: t.label.id, workingDays: overrides.get(t.id) ?? t.deadline_working_days, fromFile: t.deadline_working_days }));
  }

  /** The resident's open case, its due time, and whether an officer wrote last (the resident's turn to answer). */
  openCaseOf(residentId: number): { id: number; topic: string; dueAt: string; officerLast: boolean } | undefined {
    const row = this.d.store.openCaseOf(residentId);
    if (!row) return undefined;
    return { id: row.id, topic: row.topic, dueAt: row.due_at, officerLast: this.d.store.lastAuthor(row.id) === 'officer' };
  }

  /** The resident's newest case when it was closed lately and is not rated yet: what they type may be its rating. */
  rateableCaseOf(residentId: number, now: Date): number | undefined {
    const row = this.d.store.latestCaseOf(residentId);
    return row && rateable(row, now) ? row.id : undefined;
  }

  /**
   * A resident's message for an officer: opens a case (or adds to the one already open).
   * Returns what the resident is told about when an answer comes.
   */
  openCase(
    resident: { id: number; channel: ChannelName },
    input: { topic: Topic; pungli: boolean; text?: string; mediaId?: number; note?: string },
    now: Date,
  ): { caseId: number; topic: Topic; dueAt: Date; inHours: boolean; nextOpening: Date; reused: boolean } {
    return this.d.store.transaction(() => {
      const existing = this.d.store.openCaseOf(resident.id);
      if (existing) {
        this.residentMessage(resident.id, existing.id, input, now);
        return { caseId: existing.id, topic: existing.topic as Topic, dueAt: new Date(existing.due_at), inHours: this.d.time.inHours(now), nextOpening: this.d.time.nextOpening(now), reused: true };
      }
      const days = this.deadlines().find((t) => t.topic === input.topic)?.workingDays ?? 1;
      const dueAt = this.d.time.due(now, days);
      const context = this.d.store
        .lastBotReplies(resident.id, 6)
        .map((r) => ({ at: r.created_at, text: (JSON.parse(r.payload) as Reply).text }));
      const row = this.d.store.insertCase({ residentId: resident.id, channel: resident.channel, topic: input.topic, pungli: input.pungli, now, dueAt, context: JSON.stringify(context) });
      if (input.note) this.d.store.addMessage({ caseId: row.id, now, author: 'system', text: input.note });
      this.d.store.addMessage({ caseId: row.id, now, author: 'resident', text: input.text?.slice(0, HANDOFF_MAX_TEXT) ?? null, mediaId: input.mediaId ?? null });
      this.d.log.info({ case: row.id, topic: input.topic, pungli: input.pungli, channel: resident.channel }, 'handoff: case opened');
      return { caseId: row.id, topic: input.topic, dueAt, inHours: this.d.time.inHours(now), nextOpening: this.d.time.nextOpening(now), reused: false };
    });
  }

  /**
   * More from the resident on their case; `closed` when an officer has closed it meanwhile
   * (`rateable`: it was closed lately and not rated yet, so what they typed may be the rating).
   */
  residentMessage(residentId: number, caseId: number, input: { text?: string; mediaId?: number }, now: Date): { ok: true } | { closed: true; rateable: boolean } {
    const row = this.d.store.byId(caseId);
    if (!row || row.resident_id !== residentId || row.status !== 'open') {
      return { closed: true, rateable: row !== undefined && row.resident_id === residentId && rateable(row, now) };
    }
    this.d.store.addMessage({ caseId, now, author: 'resident', text: input.text?.slice(0, HANDOFF_MAX_TEXT) ?? null, mediaId: input.mediaId ?? null });
    return { ok: true };
  }

  /** "Balas petugas": the case to write to, if it is still open (the given one, else the resident's open one). */
  resume(residentId: number, caseId?: number): { caseId: number } | { closed: true } {
    const row = caseId ? this.d.store.byId(caseId) : this.d.store.openCaseOf(residentId);
    if (row && row.resident_id === residentId && row.status === 'open') return { caseId: row.id };
    return { closed: true };
  }

  rate(residentId: number, caseId: number, score: number, now: Date): { ok: true } | { already: true } {
    if (!Number.isInteger(score) || score < 1 || score > 5) return { already: true };
    return this.d.store.rate(caseId, residentId, score, now) ? { ok: true } : { already: true };
  }

  rateWord(residentId: number, caseId: number, word: string): void {
    // Free text kept for the statistics: a NIK or a phone number in it is masked before it is stored
    // (and again wherever it is shown, for words stored before).
    const clean = maskDigitsInText(word.trim().slice(0, 200));
    if (clean) this.d.store.rateWord(caseId, residentId, clean);
  }

  // ——— what officers do ———

  private allowed(officer: Officer): void {
    if (!this.readsResidentTexts(officer)) throw new HandoffError(403, 'Only officers (petugas) and admins may see residents\' cases.');
    if (!officer.name.trim()) throw new HandoffError(400, 'officer: your name is required');
  }

  private caseOrThrow(id: number): CaseRow {
    const row = this.d.store.byId(id);
    if (!row) throw new HandoffError(404, `No case #${id}.`);
    return row;
  }

  private audit(officer: Officer, action: string, caseId: number | null, detail?: unknown): void {
    this.d.core.audit(officer.name, action, caseId === null ? null : `case:${caseId}`, detail, this.d.clock.now());
  }

  private summary(row: CaseRow, now: Date): CaseSummary {
    const recent = this.d.store.recentMessages(row.id, 4);
    const lastResident = [...recent].reverse().find((m) => m.author === 'resident');
    const answeredAfter = lastResident && recent.some((m) => m.author === 'officer' && m.id > lastResident.id);
    const waitingMinutes = row.status === 'open' && lastResident && !answeredAfter ? Math.max(0, Math.floor((now.getTime() - Date.parse(lastResident.at)) / 60_000)) : null;
    return {
      id: row.id,
      topic: row.topic as Topic,
      topicLabel: this.topicLabel(row.topic, 'id'),
      pungli: Boolean(row.pungli),
      channel: row.channel,
      status: row.status,
      assignedTo: row.assigned_to,
      openedAt: row.opened_at,
      dueAt: row.due_at,
      overdue: row.status === 'open' && Date.parse(row.due_at) < now.getTime(),
      waitingMinutes,
      preview: recent
        .filter((m) => m.author === 'resident')
        .slice(-3)
        .map((m) => (m.text === null ? (m.media_id ? '[berkas]' : '[dihapus]') : maskDigitsInText(m.text.slice(0, 160)))),
      files: this.d.store.files(row.id).length,
      outcome: row.outcome,
      rating: row.rating,
    };
  }

  /** The inbox: open cases (most urgent first) or closed ones (latest first). Texts masked. */
  list(officer: Officer, filter: { status?: CaseStatus; mine?: boolean; limit?: number; offset?: number } = {}): CaseSummary[] {
    this.allowed(officer);
    const now = this.d.clock.now();
    return this.d.store
      .list({ status: filter.status ?? 'open', assignedTo: filter.mine ? officer.name : undefined, limit: Math.min(filter.limit ?? 50, 200), offset: filter.offset ?? 0 })
      .map((row) => this.summary(row, now));
  }

  /** For the dashboard header: new (nobody took them yet), open, overdue, assigned to me. */
  counts(officer: Officer): { new: number; open: number; overdue: number; mine: number } {
    this.allowed(officer);
    const c = this.d.store.counts(this.d.clock.now(), officer.name);
    return { new: c.unassigned, open: c.open, overdue: c.overdue, mine: c.mine };
  }

  /** The whole case with texts in full. Audited: who opened which case, when. */
  open(id: number, officer: Officer): CaseDetail {
    this.allowed(officer);
    const row = this.caseOrThrow(id);
    this.audit(officer, 'handoff.case_opened', id);
    return this.detail(row);
  }

  private detail(row: CaseRow): CaseDetail {
    const now = this.d.clock.now();
    const resident = this.d.core.getResident(row.resident_id);
    const files = this.d.store.files(row.id);
    const context = row.context ? (JSON.parse(row.context) as Array<{ at: string; text: string }>) : [];
    return {
      ...this.summary(row, now),
      address: resident?.address ?? '',
      lang: resident?.lang ?? 'id',
      closedAt: row.closed_at,
      closedBy: row.closed_by,
      ratingWord: row.rating_word,
      messages: this.d.store.messages(row.id).map((m) => ({ id: m.id, at: m.at, author: m.author, officer: m.officer, text: m.text, fileId: m.media_id })),
      files: files.length,
      fileList: files.map((f) => ({ id: f.id, media: f.media, caption: f.caption, receivedAt: f.received_at })),
      context,
      forgotten: Boolean(row.forgotten),
    };
  }

  /** Take an unassigned case. A case someone else holds needs `reassign`. */
  assign(id: number, officer: Officer): CaseDetail {
    this.allowed(officer);
    return this.d.store.transaction(() => {
      const row = this.caseOrThrow(id);
      if (row.assigned_to && row.assigned_to !== officer.name) {
        throw new HandoffError(409, `Case #${id} is assigned to ${row.assigned_to}. Use "reassign" to take it over.`);
      }
      if (!row.assigned_to) {
        this.d.store.assign(id, officer.name);
        this.d.store.addMessage({ caseId: id, now: this.d.clock.now(), author: 'system', officer: officer.name, text: `Diambil oleh ${officer.name}` });
        this.audit(officer, 'handoff.assigned', id, { to: officer.name });
      }
      return this.detail(this.caseOrThrow(id));
    });
  }

  /** Give a case to another officer (or take it over) on purpose; audited with the previous holder. */
  reassign(id: number, to: string, officer: Officer): CaseDetail {
    this.allowed(officer);
    const target = to.trim();
    if (!target) throw new HandoffError(400, 'to: the officer who takes the case is required');
    return this.d.store.transaction(() => {
      const row = this.caseOrThrow(id);
      if (row.status !== 'open') throw new HandoffError(409, `Case #${id} is closed.`);
      this.d.store.assign(id, target);
      this.d.store.addMessage({ caseId: id, now: this.d.clock.now(), author: 'system', officer: officer.name, text: `Dialihkan dari ${row.assigned_to ?? '(belum ada)'} ke ${target} oleh ${officer.name}` });
      this.audit(officer, 'handoff.reassigned', id, { from: row.assigned_to, to: target });
      return this.detail(this.caseOrThrow(id));
    });
  }

  /** The oldest-due case nobody has taken: assigned to the officer and opened (audited). */
  next(officer: Officer): CaseDetail | undefined {
    this.allowed(officer);
    return this.d.store.transaction(() => {
      const row = this.d.store.nextUnassigned();
      if (!row) return undefined;
      this.assign(row.id, officer);
      return this.open(row.id, officer);
    });
  }

  /** Holding the case, or taking it when nobody holds it. */
  private hold(row: CaseRow, officer: Officer): void {
    if (row.status !== 'open') throw new HandoffError(409, `Case #${row.id} is closed.`);
    if (row.assigned_to && row.assigned_to !== officer.name) {
      throw new HandoffError(409, `Case #${row.id} is assigned to ${row.assigned_to}. Reassign it to yourself first.`);
    }
    if (!row.assigned_to) {
      this.d.store.assign(row.id, officer.name);
      this.audit(officer, 'handoff.assigned', row.id, { to: officer.name });
    }
  }

  private queue(row: CaseRow, reply: Reply, key: string): number | null {
    const resident = this.d.core.getResident(row.resident_id);
    if (!resident) throw new HandoffError(404, 'The resident of this case is no longer known.');
    return this.d.core.enqueue({ residentId: resident.id, channel: resident.channel, address: resident.address, reply, kind: 'notification', idempotencyKey: key }, this.d.clock.now());
  }

  private langOf(row: CaseRow): Lang {
    return this.d.core.getResident(row.resident_id)?.lang ?? 'id';
  }

  /** An answer to the resident, on their channel, with a button to answer back. */
  reply(id: number, text: string, officer: Officer): CaseDetail {
    this.allowed(officer);
    const body = text.trim();
    if (!body) throw new HandoffError(400, 'text: write the answer');
    if (body.length > MAX_TEXT) throw new HandoffError(400, `text: at most ${MAX_TEXT} characters`);
    const result = this.d.store.transaction(() => {
      const row = this.caseOrThrow(id);
      this.hold(row, officer);
      const now = this.d.clock.now();
      // The same answer again from the same officer within two minutes is one answer sent twice
      // (a double tap, or a slow network resending the form): the resident gets it once.
      const last = this.d.store.messages(id).at(-1);
      if (last && last.author === 'officer' && last.officer === officer.name && last.text === body && now.getTime() - Date.parse(last.at) < REPEAT_MS) return this.detail(this.caseOrThrow(id));
      const lang = this.langOf(row);
      const t = (key: string, vars?: Record<string, string | number>) => translate(this.d.texts, lang, key, vars);
      const messageId = this.d.store.addMessage({ caseId: id, now, author: 'officer', officer: officer.name, text: body });
      const outboxId = this.queue(row, { text: t('handoff.officer_reply', { officer: officer.name, id, text: body }), choices: [{ id: `hf:reply:${id}`, label: t('handoff.reply_button') }] }, `handoff:reply:${messageId}`);
      this.d.store.setOutboxOf(messageId, outboxId);
      this.audit(officer, 'handoff.replied', id, { chars: body.length });
      return this.detail(this.caseOrThrow(id));
    });
    this.d.onQueued();
    return result;
  }

  /** A note for officers only; the resident never sees it. */
  note(id: number, text: string, officer: Officer): CaseDetail {
    this.allowed(officer);
    const body = text.trim();
    if (!body) throw new HandoffError(400, 'text: write the note');
    return this.d.store.transaction(() => {
      this.caseOrThrow(id);
      this.d.store.addMessage({ caseId: id, now: this.d.clock.now(), author: 'note', officer: officer.name, text: body.slice(0, MAX_TEXT) });
      this.audit(officer, 'handoff.noted', id);
      return this.detail(this.caseOrThrow(id));
    });
  }

  /** Close with an outcome; the resident is told and asked one satisfaction question (1–5). */
  close(id: number, outcome: string, officer: Officer): CaseDetail {
    this.allowed(officer);
    if (!this.d.settings.outcomes.some((o) => o.id === outcome)) {
      throw new HandoffError(400, `outcome: one of ${this.d.settings.outcomes.map((o) => o.id).join(', ')}`);
    }
    const result = this.d.store.transaction(() => {
      const row = this.caseOrThrow(id);
      this.hold(row, officer);
      const now = this.d.clock.now();
      this.d.store.close(id, officer.name, outcome, now);
      const lang = this.langOf(row);
      const t = (key: string, vars?: Record<string, string | number>) => translate(this.d.texts, lang, key, vars);
      const choices = [1, 2, 3, 4, 5].map((n) => ({ id: `hf:rate:${id}:${n}`, label: t(`handoff.rate_${n}`) }));
      this.queue(row, { text: t('handoff.closed_notice', { id, outcome: this.outcomeLabel(outcome, lang) }), choices }, `handoff:closed:${id}`);
      this.d.store.addMessage({ caseId: id, now, author: 'system', officer: officer.name, text: `Ditutup oleh ${officer.name}: ${this.outcomeLabel(outcome, 'id')}` });
      this.audit(officer, 'handoff.closed', id, { outcome });
      return this.detail(this.caseOrThrow(id));
    });
    this.d.onQueued();
    return result;
  }

  /** A file the resident sent on this case (the channel's reference); audited. */
  file(id: number, fileId: number, officer: Officer): { channel: ChannelName; media: string; ref: string; caption: string | null } {
    this.allowed(officer);
    const file = this.d.store.fileOfCase(id, fileId);
    if (!file) throw new HandoffError(404, `No file ${fileId} on case #${id}.`);
    this.audit(officer, 'handoff.file_viewed', id, { file: fileId });
    return { channel: file.channel, media: file.media, ref: file.ref, caption: file.caption };
  }

  // ——— canned replies ———

  canned(officer: Officer): CannedRow[] {
    this.allowed(officer);
    return this.d.store.canned();
  }

  saveCanned(officer: Officer, input: { id?: number; title: string; text: string }): CannedRow {
    this.allowed(officer);
    const title = input.title.trim().slice(0, 80);
    const text = input.text.trim().slice(0, MAX_TEXT);
    if (!title || !text) throw new HandoffError(400, 'title and text are required');
    return this.d.store.transaction(() => {
      const now = this.d.clock.now();
      const row = input.id ? this.d.store.updateCanned(input.id, title, text, officer.name, now) : this.d.store.insertCanned(title, text, officer.name, now);
      if (!row) throw new HandoffError(404, `No canned reply ${input.id}.`);
      this.audit(officer, input.id ? 'handoff.canned_changed' : 'handoff.canned_added', null, { id: row.id, title });
      return row;
    });
  }

  deleteCanned(officer: Officer, id: number): void {
    this.allowed(officer);
    this.d.store.transaction(() => {
      if (!this.d.store.deleteCanned(id)) throw new HandoffError(404, `No canned reply ${id}.`);
      this.audit(officer, 'handoff.canned_deleted', null, { id });
    });
  }

  /** A first set of canned replies, so the list is not empty on the first day. */
  seedCanned(now: Date): void {
    this.d.store.transaction(() => {
      if (this.d.store.cannedCount() > 0) return;
      const seed: Array<[string, string]> = [
        ['Salam', 'Selamat pagi/siang, terima kasih sudah menghubungi Disdukcapil. Saya bantu cek dulu ya.'],
        ['Minta foto dokumen', 'Mohon kirim foto dokumen yang dimaksud (KK atau KTP-el) di chat ini agar kami bisa memeriksanya.'],
        ['Sedang diproses', 'Permohonan Anda sedang kami proses. Kami kabari lagi di chat ini setelah selesai.'],
        ['Layanan gratis', 'Semua layanan administrasi kependudukan gratis. Jika ada yang meminta bayaran, mohon laporkan kepada kami.'],
      ];
      for (const [title, text] of seed) this.d.store.insertCanned(title, text, 'system', now);
    });
  }

  // ——— deadlines, statistics, retention ———

  setDeadline(officer: Officer, topic: string, workingDays: number): void {
    this.allowed(officer);
    if (!(TOPICS as readonly string[]).includes(topic)) throw new HandoffError(400, `topic: one of ${TOPICS.join(', ')}`);
    if (!Number.isInteger(workingDays) || workingDays < 1 || workingDays > 60) throw new HandoffError(400, 'workingDays: 1–60');
    this.d.store.transaction(() => {
      this.d.store.setDeadline(topic, workingDays, officer.name, this.d.clock.now());
      this.audit(officer, 'handoff.deadline_changed', null, { topic, workingDays });
    });
  }

  /** Satisfaction answers (1–5) between two instants, for the statistics page and the yearly SKM. */
  satisfaction(from: Date, to: Date): { answers: number; average: number | null; byScore: Record<1 | 2 | 3 | 4 | 5, number>; words: Array<{ rating: number; word: string; at: string }> } {
    const { counts, words } = this.d.store.satisfaction(from, to);
    const byScore = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } as Record<1 | 2 | 3 | 4 | 5, number>;
    let answers = 0;
    let sum = 0;
    for (const c of counts) {
      byScore[c.rating as 1] = c.n;
      answers += c.n;
      sum += c.rating * c.n;
    }
    // A rating word is free text: a NIK or a phone number in it is masked wherever it is shown.
    return { answers, average: answers ? Math.round((sum / answers) * 100) / 100 : null, byScore, words: words.map((w) => ({ rating: w.rating, word: maskDigitsInText(w.rating_word), at: w.rated_at })) };
  }

  /** The same for an officer's request (the JSON API): the residents' words are for petugas and admin only, as cases are. */
  satisfactionFor(officer: Officer, from: Date, to: Date): ReturnType<HandoffService['satisfaction']> {
    this.allowed(officer);
    if (Number.isNaN(from.getTime())) throw new HandoffError(400, 'from: expected a date (YYYY-MM-DD or an ISO time)');
    if (Number.isNaN(to.getTime())) throw new HandoffError(400, 'to: expected a date (YYYY-MM-DD or an ISO time)');
    if (from.getTime() > to.getTime()) throw new HandoffError(400, 'from: must not be after to');
    return this.satisfaction(from, to);
  }

  /** Whether this officer may read residents' own words (cases, rating words): petugas and admin. */
  readsResidentTexts(officer: Officer): boolean {
    return (CASE_ROLES as readonly string[]).includes(officer.role);
  }

  /** The same for office dates (YYYY-MM-DD, inclusive), as the statistics page picks them. */
  satisfactionForDays(from: string, to: string): ReturnType<HandoffService['satisfaction']> {
    const cal = this.d.time.calendar;
    return this.satisfaction(cal.at(from, '00:00'), cal.at(cal.addDays(to, 1), '00:00'));
  }

  /** Retention: texts of cases closed more than keep_days ago are removed. */
  forgetOld(now: Date): number {
    return this.d.store.forgetClosedBefore(new Date(now.getTime() - this.d.settings.keep_days * 86_400_000));
  }

  /** For logs and lists: the resident's address, masked. */
  maskedAddress(address: string): string {
    return maskPhone(address);
  }
}
