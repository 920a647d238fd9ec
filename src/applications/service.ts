// What officers and residents do with applications, on top of ApplicationsStore: create and
// import, change a status (history + one outbox notification per follower, in one
// transaction), look one up with the applicant's check, and broadcast announcements.
import { randomInt } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import dayjs from 'dayjs';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Content } from '../content/load.js';
import { translate } from '../content/load.js';
import type { ChannelName, Clock, Lang } from '../core/types.js';
import { maskName, maskNik, maskPhone } from '../privacy/mask.js';
import type { ApplicationRow, ApplicationsStore, HistoryRow, Recipient } from '../store/applications-store.js';
import type { CoreStore } from '../store/core-store.js';
import { writeTransaction } from '../store/db.js';
import { checkTransition, DELIVERIES, STATUSES, type Delivery, type Status } from './graph.js';
import { quietHoursEnd, type QuietHours } from './quiet-hours.js';
import { serviceLabel, statusExplanation, statusName, type HistoryView, type T } from './texts.js';

export interface ApplicationsSettings {
  timeZone: string;
  quietHours: QuietHours | undefined;
  /** Broadcast messages per second per channel (spacing of notBefore). */
  broadcastRate: number;
  /** Wrong status checks from one chat before a cool-down. */
  maxTries: number;
  cooldownMinutes: number;
}

/** Wrong checks on one tracking number (from any chat) before it is locked for a cool-down. */
const PER_NUMBER_TRIES_FACTOR = 2;
/** Wrong checks older than this are forgotten. */
const FAILURE_WINDOW_MS = 60 * 60_000;
/** Channels a broadcast goes to: the push channels (web chat visitors are anonymous browser tabs). */
const BROADCAST_CHANNELS: ChannelName[] = ['telegram', 'whatsapp'];

export const CHANNELS = ['web', 'telegram', 'whatsapp'] as const;
const CSV_COLUMNS = ['tracking_no', 'service', 'applicant_name', 'nik', 'contact_channel', 'contact_address'];
const CSV_REQUIRED = ['service', 'applicant_name', 'nik'];

/** "lu-2026 0001" → "LU20260001": how a resident's typing is matched. */
export function trackingKey(input: string): string {
  return input.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Officers type phone numbers ("0812-3456-7890", "+62 812…"); WhatsApp chats are known by JID. */
export function whatsappJid(address: string): string {
  if (!/^\+?[\d\s().-]+$/.test(address)) return address;
  const digits = address.replace(/\D/g, '');
  return `${digits.startsWith('0') ? `62${digits.slice(1)}` : digits}@s.whatsapp.net`;
}

const Nik = z
  .string()
  .transform((v) => v.replace(/[\s.]/g, ''))
  .refine((v) => /^\d{16}$/.test(v), { message: 'NIK must be 16 digits' });

export const NewApplicationInput = z
  .object({
    trackingNo: z
      .string()
      .trim()
      .max(40)
      .refine((v) => /^[A-Za-z0-9][A-Za-z0-9 .-]*$/.test(v) && trackingKey(v).length >= 4, { message: 'tracking number: letters, digits, - and . only, at least 4 letters or digits' })
      .optional(),
    service: z.string().trim().min(1, 'service is required').max(80),
    applicantName: z.string().trim().min(1, 'applicant name is required').max(100),
    nik: Nik,
    contact: z
      .object({ channel: z.enum(CHANNELS), address: z.string().trim().min(1).max(100) })
      .strict()
      .transform((c) => ({ ...c, address: c.channel === 'whatsapp' ? whatsappJid(c.address) : c.address }))
      .optional(),
  })
  .strict();
export type NewApplicationInput = z.infer<typeof NewApplicationInput>;

export interface StatusChangeInput {
  status: Status;
  note?: string | undefined;
  delivery?: Delivery | undefined;
  officer: string;
  /** Urgent changes skip quiet hours. */
  urgent?: boolean | undefined;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; code: 400 | 404 | 409; error: string };

export type LookupResult =
  | {
      found: true;
      applicationId: number;
      trackingNo: string;
      service: string;
      applicant: string;
      status: string;
      delivery: string | null;
      history: HistoryView[];
      following: boolean;
    }
  | { found: false; cooldownMinutes?: number };

export interface ServiceDeps {
  db: CoreStore['db'];
  store: CoreStore;
  apps: ApplicationsStore;
  content: Content;
  clock: Clock;
  log: Logger;
  settings: ApplicationsSettings;
  /** Randomness for generated tracking numbers, in [0, 1); the app's injected source. */
  random?: () => number;
  /** After a commit that queued messages: let the dispatcher deliver at once. */
  onQueued?: () => void;
}

export class ApplicationsService {
  constructor(private readonly d: ServiceDeps) {}

  /** One write transaction: several processes may share the file (see writeTransaction). */
  private tx<R>(fn: () => R): R {
    return writeTransaction(this.d.db, fn);
  }

  private t(lang: Lang): T {
    return (key, vars) => translate(this.d.content.texts, lang, key, vars);
  }

  formatTime(iso: string): string {
    return dayjs(iso).tz(this.d.settings.timeZone).format('DD/MM/YYYY HH.mm');
  }

  // ---- officers -----------------------------------------------------------------------

  /** What an officer sees: NIK and contact masked, full history. */
  view(app: ApplicationRow) {
    return {
      trackingNo: app.tracking_no,
      service: app.service,
      applicantName: app.applicant_name,
      nik: maskNik(app.nik),
      contact: app.contact_channel ? { channel: app.contact_channel, address: maskPhone(app.contact_address ?? '') } : null,
      status: app.status,
      createdAt: app.created_at,
      updatedAt: app.updated_at,
      followers: this.d.apps.subscriberCount(app.id),
      history: this.d.apps.history(app.id).map((h) => ({ id: h.id, status: h.status, note: h.note, delivery: h.delivery, officer: h.officer, at: h.at })),
    };
  }

  private newTrackingNo(now: Date): string {
    // Letters and digits that cannot be misread on a phone screen (no O/0, I/1).
    const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
    const pick = this.d.random ? (n: number) => Math.floor(this.d.random!() * n) : randomInt;
    const prefix = this.d.content.office.tracking_prefix;
    // 32^5 numbers a day: a clash is rare, a hundred in a row means the random source is broken.
    for (let attempt = 0; attempt < 100; attempt++) {
      const suffix = Array.from({ length: 5 }, () => alphabet[pick(alphabet.length)]).join('');
      const no = `${prefix}-${dayjs(now).tz(this.d.settings.timeZone).format('YYMMDD')}-${suffix}`;
      if (!this.d.apps.byTrackingKey(trackingKey(no))) return no;
    }
    throw new Error('no free tracking number after 100 tries');
  }

  /** Inside a transaction: inserts one application with its first history row. */
  private insert(input: NewApplicationInput, officer: string, now: Date): Outcome<ApplicationRow> {
    // Residents read the service's name; an id the bot does not know would show raw.
    if (!this.d.content.servicesById.has(input.service)) {
      return { ok: false, code: 400, error: `service: unknown service "${input.service}" (use an id from flows/services, e.g. ${[...this.d.content.servicesById.keys()].slice(0, 2).join(', ')})` };
    }
    const trackingNo = input.trackingNo ?? this.newTrackingNo(now);
    const row = this.d.apps.insertApplication(
      {
        trackingNo,
        trackingKey: trackingKey(trackingNo),
        service: input.service,
        applicantName: input.applicantName,
        nik: input.nik,
        contactChannel: input.contact?.channel,
        contactAddress: input.contact?.address,
        status: 'diterima',
        createdBy: officer,
      },
      now,
    );
    if (!row) return { ok: false, code: 409, error: `Tracking number ${trackingNo} already exists.` };
    this.d.apps.recordStatus(row.id, 'diterima', null, null, officer, now);
    return { ok: true, value: row };
  }

  create(input: NewApplicationInput, officer: string): Outcome<ReturnType<ApplicationsService['view']>> {
    const now = this.d.clock.now();
    return this.tx(() => {
      const made = this.insert(input, officer, now);
      if (!made.ok) return made;
      this.d.store.audit(officer, 'application.create', made.value.tracking_no, { service: input.service }, now);
      return { ok: true, value: this.view(made.value) };
    });
  }

  /**
   * CSV with a header row: tracking_no (optional), service, applicant_name, nik,
   * contact_channel, contact_address (both optional). Good rows are kept; each bad one is
   * reported with its line number in the file.
   */
  importCsv(csv: string, officer: string, opts: { dryRun?: boolean } = {}): { imported: number; trackingNos: string[]; errors: { line: number; error: string }[]; dryRun?: boolean; delimiter?: string } {
    const now = this.d.clock.now();
    // Excel in an Indonesian locale saves "CSV" with semicolons: the header line decides.
    const headerLine = csv.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
    const delimiter = (headerLine.match(/;/g)?.length ?? 0) > (headerLine.match(/,/g)?.length ?? 0) ? ';' : ',';
    const errors: { line: number; error: string }[] = [];
    let records: { record: Record<string, string>; info: { lines: number } }[];
    let columns: string[] = [];
    try {
      records = parseCsv(csv, {
        columns: (header: string[]) => (columns = header.map((h) => h.trim().toLowerCase())),
        info: true,
        delimiter,
        skip_empty_lines: true,
        trim: true,
        bom: true,
        relax_column_count: true,
        skip_records_with_error: true,
        on_skip: (err) => {
          if (err) errors.push({ line: Number(err.lines), error: err.message.replace(/^Invalid Record: |^Invalid Opening Quote: /, '') });
          return undefined;
        },
      }) as unknown as typeof records;
    } catch (err) {
      return { imported: 0, trackingNos: [], errors: [{ line: 1, error: (err as Error).message }] };
    }
    const missing = CSV_REQUIRED.filter((c) => !columns.includes(c));
    if (missing.length) return { imported: 0, trackingNos: [], errors: [{ line: 1, error: `missing column(s): ${missing.join(', ')} (header: ${CSV_COLUMNS.join(',')})` }] };
    const trackingNos: string[] = [];
    const DRY_RUN = Symbol('dry run');
    try {
    this.tx(() => {
      for (const { record, info } of records) {
        const parsed = NewApplicationInput.safeParse({
          trackingNo: record.tracking_no || undefined,
          service: record.service ?? '',
          applicantName: record.applicant_name ?? '',
          nik: record.nik ?? '',
          contact: record.contact_channel || record.contact_address ? { channel: record.contact_channel, address: record.contact_address ?? '' } : undefined,
        });
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          errors.push({ line: info.lines, error: `${issue.path.join('.') || 'row'}: ${issue.message}` });
          continue;
        }
        const made = this.insert(parsed.data, officer, now);
        if (!made.ok) errors.push({ line: info.lines, error: made.error });
        else trackingNos.push(made.value.tracking_no);
      }
      // A preview runs the same checks, then rolls everything back.
      if (opts.dryRun) throw DRY_RUN;
      this.d.store.audit(officer, 'application.import', null, { imported: trackingNos.length, errors: errors.length }, now);
    });
    } catch (err) {
      if (err !== DRY_RUN) throw err;
    }
    errors.sort((a, b) => a.line - b.line);
    return { imported: trackingNos.length, trackingNos, errors, ...(opts.dryRun ? { dryRun: true } : {}), delimiter };
  }

  lookupForOfficer(tracking: string) {
    const app = this.d.apps.byTrackingKey(trackingKey(tracking));
    return app && this.view(app);
  }

  list(status: Status | undefined, limit: number, offset: number) {
    const { total, rows } = this.d.apps.list(status, limit, offset);
    return { total, items: rows.map((a) => ({ trackingNo: a.tracking_no, service: a.service, applicantName: maskName(a.applicant_name), nik: maskNik(a.nik), status: a.status, updatedAt: a.updated_at })) };
  }

  /** The dashboard's list with filters and search (names and NIKs masked). */
  search(f: { status?: Status; service?: string; from?: string; to?: string; q?: string }, limit: number, offset: number) {
    const { total, rows } = this.d.apps.search(f, limit, offset);
    return { total, items: rows.map((a) => ({ trackingNo: a.tracking_no, service: a.service, applicantName: maskName(a.applicant_name), nik: maskNik(a.nik), status: a.status, updatedAt: a.updated_at })) };
  }

  /** What a follower would read if the status changed now (the dashboard's preview). */
  previewNotification(tracking: string, change: { status: Status; note?: string | undefined; delivery?: Delivery | undefined }, lang: Lang): string | undefined {
    const app = this.d.apps.byTrackingKey(trackingKey(tracking));
    if (!app) return undefined;
    const history = { id: 0, application_id: app.id, status: change.status, note: change.note?.trim() || null, delivery: change.delivery ?? null, officer: '', at: this.d.clock.now().toISOString() } as HistoryRow;
    return this.notificationText({ ...app, status: change.status }, history, lang);
  }

  /** The notification a follower reads, in their language. */
  notificationText(app: ApplicationRow, change: HistoryRow, lang: Lang): string {
    const t = this.t(lang);
    const lines = [
      t('status.notify.title', { tracking: app.tracking_no, service: serviceLabel(this.d.content, app.service, lang) }),
      t('status.notify.changed', { status: statusName(t, change.status) }),
      statusExplanation(t, change.status, change.delivery),
    ];
    if (change.note) lines.push(t('status.note', { note: change.note }));
    lines.push('', t('status.notify.footer'));
    return lines.join('\n');
  }

  /**
   * Changes the status and queues one notification per follower in the same transaction.
   * With an Idempotency-Key, a retried request gets the first answer and changes nothing.
   */
  changeStatus(tracking: string, change: StatusChangeInput, idempotencyKey?: string): Outcome<unknown> {
    const now = this.d.clock.now();
    const result = this.tx((): Outcome<unknown> & { queued?: number } => {
      if (idempotencyKey) {
        const earlier = this.d.apps.officerRequest('status', idempotencyKey);
        if (earlier) return { ok: true, value: { ...JSON.parse(earlier.response), replayed: true } };
      }
      const app = this.d.apps.byTrackingKey(trackingKey(tracking));
      if (!app) return { ok: false, code: 404, error: `No application with tracking number ${tracking}.` };
      const check = checkTransition(app.status as Status, change.status, change.note, change.delivery);
      if (!check.ok) return { ok: false, code: 409, error: check.error };
      const note = change.note?.trim() || null;
      const history = this.d.apps.recordStatus(app.id, change.status, note, change.delivery ?? null, change.officer, now);
      const updated = { ...app, status: change.status };
      const notBefore = change.urgent ? now : quietHoursEnd(now, this.d.settings.quietHours, this.d.settings.timeZone);
      let queued = 0;
      let skipped = 0;
      for (const r of this.d.apps.recipients(updated)) {
        if (!this.mayNotify(r)) {
          skipped++;
          continue;
        }
        this.d.apps.adoptContact(app.id, r.id, now);
        const id = this.d.store.enqueue(
          {
            residentId: r.id,
            channel: r.channel,
            address: r.address,
            reply: { text: this.notificationText(updated, history, r.lang), emphasis: [updated.tracking_no, statusName(this.t(r.lang), history.status)] },
            kind: 'notification',
            idempotencyKey: `app:${app.id}:status:${history.id}:res:${r.id}`,
            notBefore,
          },
          now,
        );
        if (id !== null) queued++;
      }
      this.d.log.info({ tracking: app.tracking_no, from: app.status, to: change.status, notifications: queued }, 'application status changed');
      this.d.store.audit(change.officer, 'application.status', app.tracking_no, { from: app.status, to: change.status, historyId: history.id, notifications: queued }, now);
      const value = {
        application: this.view(updated),
        change: { historyId: history.id, from: app.status, to: change.status },
        notifications: { queued, skipped, notBefore: notBefore.toISOString() },
      };
      if (idempotencyKey) this.d.apps.saveOfficerRequest('status', idempotencyKey, 200, value, now);
      return { ok: true, value, queued };
    });
    if (result.ok && result.queued) this.d.onQueued?.();
    return result;
  }

  /** WhatsApp only to residents who wrote to the office first (no unsolicited messages). */
  private mayNotify(r: Recipient): boolean {
    return r.channel !== 'whatsapp' || r.last_inbound_at !== null;
  }

  failedNotifications(limit: number) {
    return this.d.apps.failedNotifications(limit).map((row) => ({
      outboxId: row.id,
      kind: row.kind,
      channel: row.channel,
      address: maskPhone(row.address),
      key: row.idempotency_key,
      attempts: row.attempts,
      error: row.last_error,
      createdAt: row.created_at,
      // The first line says which application and status (no personal data in it).
      summary: (JSON.parse(row.payload) as { text: string }).text.split('\n')[0],
    }));
  }

  // ---- broadcasts -------------------------------------------------------------------------

  /**
   * Queues an announcement to every resident on a push channel who has not opted out and is
   * still reachable, spaced at `broadcastRate` per second per channel and after quiet hours.
   */
  broadcast(text: { id: string; en: string }, officer: string, urgent: boolean, idempotencyKey?: string, opts: { channels?: ChannelName[]; at?: Date } = {}) {
    const now = this.d.clock.now();
    const result = this.tx(() => {
      if (idempotencyKey) {
        const earlier = this.d.apps.officerRequest('broadcast', idempotencyKey);
        if (earlier) return { ...(JSON.parse(earlier.response) as NonNullable<ReturnType<ApplicationsService['broadcastProgress']>>), replayed: true };
      }
      const row = this.d.apps.insertBroadcast(text, officer, urgent, now);
      // A scheduled announcement starts at its time (still after quiet hours unless urgent).
      const from = opts.at && opts.at > now ? opts.at : now;
      const start = (urgent ? from : quietHoursEnd(from, this.d.settings.quietHours, this.d.settings.timeZone)).getTime();
      const channels = opts.channels?.length ? BROADCAST_CHANNELS.filter((c) => opts.channels!.includes(c)) : BROADCAST_CHANNELS;
      const perChannel = new Map<ChannelName, number>();
      let skipped = 0;
      for (const r of this.d.apps.broadcastAudience()) {
        if (!channels.includes(r.channel) || r.opted_out || r.unreachable || !this.mayNotify(r)) {
          skipped++;
          continue;
        }
        const n = perChannel.get(r.channel) ?? 0;
        perChannel.set(r.channel, n + 1);
        const t = this.t(r.lang);
        const outboxId = this.d.store.enqueue(
          {
            residentId: r.id,
            channel: r.channel,
            address: r.address,
            reply: { text: `${t('broadcast.title')}\n${r.lang === 'en' ? text.en : text.id}\n\n${t('broadcast.footer')}` },
            kind: 'broadcast',
            idempotencyKey: `bc:${row.id}:res:${r.id}`,
            notBefore: new Date(start + Math.floor((n * 1000) / this.d.settings.broadcastRate)),
          },
          now,
        );
        if (outboxId !== null) this.d.apps.addBroadcastRecipient(row.id, r.id, outboxId);
      }
      this.d.apps.setBroadcastSkipped(row.id, skipped);
      this.d.store.audit(officer, 'broadcast.create', String(row.id), { urgent, skipped, channels, at: opts.at?.toISOString() }, now);
      const progress = this.broadcastProgress(row.id)!;
      if (idempotencyKey) this.d.apps.saveOfficerRequest('broadcast', idempotencyKey, 202, progress, now);
      return progress;
    });
    if (result.queued) this.d.onQueued?.();
    return result;
  }

  broadcastProgress(id: number) {
    const row = this.d.apps.broadcast(id);
    if (!row) return undefined;
    const c = this.d.apps.broadcastCounts(id);
    const queued = c.pending + c.sending + c.sent + c.failed;
    return {
      id: row.id,
      text: { id: row.text_id, en: row.text_en },
      officer: row.officer,
      urgent: Boolean(row.urgent),
      createdAt: row.created_at,
      queued,
      sent: c.sent,
      failed: c.failed,
      waiting: c.pending + c.sending,
      skipped: row.skipped,
      done: queued === c.sent + c.failed,
    };
  }

  /** Cancels what is still waiting of an announcement (already sent messages stay sent). */
  cancelBroadcast(id: number, officer: string): { ok: true; cancelled: number } | { ok: false; error: string } {
    if (!this.d.apps.broadcast(id)) return { ok: false, error: 'No such broadcast.' };
    const now = this.d.clock.now();
    return this.tx(() => {
      const cancelled = this.d.apps.cancelBroadcast(id, `cancelled by ${officer}`);
      this.d.store.audit(officer, 'broadcast.cancel', String(id), { cancelled }, now);
      return { ok: true, cancelled } as const;
    });
  }

  /** Sends a failed notification again, where that can help (not to a resident who blocked the bot). */
  retryNotification(outboxId: number, officer: string): { ok: true } | { ok: false; error: string } {
    const row = this.d.store.getOutbox(outboxId);
    if (!row || row.status !== 'failed') return { ok: false, error: 'This notification is not a failed one (any more).' };
    if (!retryable(row.last_error)) return { ok: false, error: 'Retrying cannot help here: the resident blocked the bot, the number is not reachable, or it was cancelled.' };
    const now = this.d.clock.now();
    const ok = this.tx(() => {
      const done = this.d.apps.retryFailed(outboxId, now);
      if (done) this.d.store.audit(officer, 'notification.retry', String(outboxId), { kind: row.kind, channel: row.channel }, now);
      return done;
    });
    if (ok) this.d.onQueued?.();
    return ok ? { ok: true } : { ok: false, error: 'This notification cannot be retried.' };
  }

  listBroadcasts(limit: number) {
    return this.d.apps.listBroadcasts(limit).map((b) => this.broadcastProgress(b.id)!);
  }

  // ---- residents (called by effect handlers, inside the message's transaction) --------------

  /**
   * A resident's lookup. A wrong check answers exactly like an unknown number, and both count
   * towards a cool-down per chat and per tracking number, so nobody can guess their way in.
   */
  lookup(residentId: number, tracking: string, check: string, now: Date): LookupResult {
    const key = trackingKey(tracking);
    const scopes = [
      { scope: `res:${residentId}`, max: this.d.settings.maxTries },
      { scope: `trk:${key}`, max: this.d.settings.maxTries * PER_NUMBER_TRIES_FACTOR },
    ];
    const locked = this.lockedMinutes(scopes.map((s) => s.scope), now);
    if (locked) return { found: false, cooldownMinutes: locked };
    const app = this.d.apps.byTrackingKey(key);
    if (app && app.nik.slice(-4) === check) {
      this.d.apps.clearCheckFailure(`res:${residentId}`);
      return this.residentView(app, residentId);
    }
    let lockedNow = false;
    for (const { scope, max } of scopes) {
      const earlier = this.d.apps.getCheckFailure(scope);
      const fresh = !earlier || now.getTime() - Date.parse(earlier.first_at) > FAILURE_WINDOW_MS;
      const failures = fresh ? 1 : earlier.failures + 1;
      if (failures >= max) {
        lockedNow = true;
        this.d.apps.putCheckFailure({ scope, failures: 0, first_at: now.toISOString(), locked_until: new Date(now.getTime() + this.d.settings.cooldownMinutes * 60_000).toISOString() });
      } else {
        this.d.apps.putCheckFailure({ scope, failures, first_at: fresh ? now.toISOString() : earlier.first_at, locked_until: null });
      }
    }
    this.d.log.info({ resident: residentId, lockedNow }, 'status lookup: unknown number or wrong check');
    return lockedNow ? { found: false, cooldownMinutes: this.d.settings.cooldownMinutes } : { found: false };
  }

  private lockedMinutes(scopes: string[], now: Date): number | undefined {
    let until = 0;
    for (const scope of scopes) {
      const f = this.d.apps.getCheckFailure(scope);
      if (f?.locked_until) until = Math.max(until, Date.parse(f.locked_until));
    }
    return until > now.getTime() ? Math.ceil((until - now.getTime()) / 60_000) : undefined;
  }

  private residentView(app: ApplicationRow, residentId: number): LookupResult {
    const history = this.d.apps.history(app.id);
    return {
      found: true,
      applicationId: app.id,
      trackingNo: app.tracking_no,
      service: app.service,
      applicant: maskName(app.applicant_name),
      status: app.status,
      delivery: history.at(-1)?.delivery ?? null,
      history: history.map((h) => ({ status: h.status, note: h.note, delivery: h.delivery, when: this.formatTime(h.at) })),
      following: this.d.apps.isSubscribed(app.id, residentId),
    };
  }

  /**
   * Where an application this chat already checked stands now (its number and NIK check were passed
   * in this conversation: the id comes from that lookup's answer, kept server-side in the state).
   */
  current(applicationId: number, residentId: number): LookupResult {
    const app = this.d.apps.byId(applicationId);
    return app ? this.residentView(app, residentId) : { found: false };
  }

  follow(applicationId: number, residentId: number, now: Date): boolean {
    if (!this.d.apps.byId(applicationId)) return false;
    this.d.apps.subscribe(applicationId, residentId, now);
    return true;
  }

  unfollow(applicationId: number, residentId: number): boolean {
    return this.d.apps.unsubscribe(applicationId, residentId);
  }

  following(residentId: number) {
    return this.d.apps.followedBy(residentId).map((a) => ({ applicationId: a.id, trackingNo: a.tracking_no, service: a.service, status: a.status }));
  }
}

/** Whether sending a failed notification again can help: not after a block, an unknown number or a cancel. */
export function retryable(error: string | null): boolean {
  return !/blocked|403|unreachable|not on whatsapp|never wrote|unknown number|not registered|cancelled/i.test(error ?? '');
}

export { STATUSES, DELIVERIES };
