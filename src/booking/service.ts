// Every booking decision that needs the database: free days, reserving, cancelling,
// rescheduling, the waitlist, holds, reminders, officers' changes. Each public method runs
// inside one IMMEDIATE transaction (the engine's when called from an effect handler), so the
// quota holds across processes sharing the file.
import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { translate } from '../content/load.js';
import type { Texts } from '../content/schema.js';
import type { Choice, Lang, Reply } from '../core/types.js';
import type { BookingRow, BookingStore, CapacityRow, WaitRow } from '../store/booking-store.js';
import { BookingVersion } from '../store/booking-version.js';
import type { CoreStore } from '../store/core-store.js';
import { maskNik } from '../privacy/mask.js';
import type { CalendarPolicy, DayKind, DayOverride, OfficeCalendar, YearListStatus } from './calendar.js';
import { minutesOf, placesOf, placeText, type BookingSettings, type PlaceInfo } from './settings.js';

/** No 0/O, no 1/I: a code read aloud over the phone cannot be misheard. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const CODE_LENGTH = 6;
const UNLISTED_BOOKABLE = 'calendar.unlisted_days_bookable';

const CODE_SHAPE = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);

/** A typed booking code in its stored form, or undefined (read for every word of "batal K7QX4M"). */
export function normalizeCode(typed: string): string | undefined {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  return CODE_SHAPE.test(code) ? code : undefined;
}

export interface Session {
  index: number;
  time: string;
  capacity: number;
  /** Queue numbers of this session are firstQueue … firstQueue + capacity − 1. */
  firstQueue: number;
}

/** The day's quota split as evenly as possible; earlier sessions take the remainder. */
export function sessionsOf(c: CapacityRow): Session[] {
  const base = Math.floor(c.per_day / c.sessions);
  const extra = c.per_day % c.sessions;
  const out: Session[] = [];
  let next = 1;
  for (let i = 0; i < c.sessions; i++) {
    const capacity = base + (i < extra ? 1 : 0);
    const m = minutesOf(c.first_session) + i * c.session_minutes;
    out.push({ index: i, time: `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`, capacity, firstQueue: next });
    next += capacity;
  }
  return out;
}

/** What the flow gets back: plain data, formatted by the flow in the resident's language. */
export interface BookingView {
  code: string;
  /** The place id ('main' for a one-place office). */
  place: string;
  date: string;
  time: string;
  queueNo: number;
  reason: string;
  status: BookingRow['status'];
  holdUntil: string | null;
}
export interface FreeDay {
  date: string;
  free: number;
  /** The holiday list of this day's year is not confirmed yet: residents read a short note. */
  unconfirmed?: boolean;
  /** Officers opened this day (a Saturday, a cuti bersama day): their reason, which residents read. */
  opened?: string;
}

/** One year of the holiday calendar as officers see it (`calendarStatus`). */
export interface HolidayYearStatus {
  year: number;
  /** confirmed / unconfirmed (its dates closed, other days offered with a note) / none (no list). */
  status: YearListStatus;
  /** What flows/holidays.json says, or null when the year has no list. */
  fileStatus: 'confirmed' | 'unconfirmed' | null;
  source: string | null;
  /** Number of dates on the list. */
  days: number;
  confirmedBy: string | null;
  confirmedAt: string | null;
  /** An officer confirmed an earlier version of this list: it must be confirmed again. */
  confirmationOutdated: boolean;
}

export interface CalendarStatus {
  years: HolidayYearStatus[];
  /** The officers' setting for weekdays of a year with no list (fixed-date holidays stay closed). */
  unlistedDaysBookable: boolean;
  /** Plain sentences for the officers' page. */
  warnings: string[];
}
export interface FreeSession {
  index: number;
  time: string;
  free: number;
}

export type Refusal =
  | { ok: false; why: 'banned'; until: string; noShowDate: string }
  | { ok: false; why: 'nik_active'; booking: BookingView }
  | { ok: false; why: 'chat_limit'; max: number }
  | { ok: false; why: 'day_unavailable'; days: FreeDay[] }
  | { ok: false; why: 'session_full'; date: string; sessions: FreeSession[] }
  | { ok: false; why: 'day_full'; date: string; days: FreeDay[] }
  | { ok: false; why: 'not_found' }
  /** New bookings paused by operations (disk almost full): src/ops/health.ts. */
  | { ok: false; why: 'paused' };

export interface Applicant {
  residentId: number;
  nik: string;
  name: string;
  reason: string;
  reasonNote: string | null;
}

export function viewOf(b: BookingRow): BookingView {
  return { code: b.code, place: b.place, date: b.date, time: b.session_time, queueNo: b.queue_no, reason: b.reason, status: b.status, holdUntil: b.hold_until };
}

export interface ServiceDeps {
  bookings: BookingStore;
  core: CoreStore;
  calendar: OfficeCalendar;
  settings: BookingSettings;
  texts: Texts;
  log: Logger;
  /** Source of booking-code letters (0 ≤ n < max); injected so tests can predict codes. */
  randomInt?: (max: number) => number;
  /** False while operations pause new bookings (low disk); default: always open. */
  bookingsOpen?: () => boolean;
}

/**
 * Booking decisions. For the officers' dashboard (call these, never SQL; `officer` is the name
 * written to audit_log; every change is one transaction):
 * - calendar: `calendarStatus(now)` (each year's list confirmed / unconfirmed / none, the
 *   setting, warnings), `confirmHolidayYear(year, officer, now, note?)`,
 *   `unconfirmHolidayYear(year, officer, now)`, `setUnlistedDaysBookable(bookable, officer, now)`,
 *   `policy()` + `overrides(now)` for `calendar.dayInfo(date, overrides, policy)`;
 * - days: `closeDay(date, reason, officer, now)`, `openDay(date, reason, officer, now)` (office-wide,
 *   every place; residents read the reason);
 * - places: `places`, `placeOf(id)`, and the optional trailing `place` argument of
 *   `bookableDays`, `freeDays`, `freeSessions`, `capacityFor`, `setCapacity`, `clearCapacity`
 *   (default: the first place);
 * - bookings: `mark(code, 'checked_in' | 'no_show', officer, now)`.
 */
export class BookingService {
  /** Where recording is done; one place = the office's own desk (id 'main'). */
  readonly places: PlaceInfo[];
  private readonly placeById: Map<string, PlaceInfo>;

  /**
   * The last "not available" answers, valid while the booking tables' version and the minute
   * stay the same: by place and date (what is offered instead), and by place, date and session
   * (that this press cannot be had: a refused press skips the day and session queries).
   */
  private readonly refusals = { key: '', byDate: new Map<string, Refusal>(), bySpot: new Map<string, Refusal>() };
  private readonly version: BookingVersion;

  constructor(private readonly d: ServiceDeps) {
    this.version = new BookingVersion(d.bookings.db);
    this.places = placesOf(d.settings);
    this.placeById = new Map(this.places.map((p) => [p.id, p]));
  }

  /** The place with that id; the first place when none (or an unknown one) is given. */
  placeOf(id?: string | null): PlaceInfo {
    return (id ? this.placeById.get(id) : undefined) ?? this.places[0]!;
  }

  /** "Name, address (map link)" of a place, in the resident's language. */
  placeText(id: string | undefined, lang: Lang): string {
    return placeText(this.placeOf(id), lang);
  }

  private get s() {
    return this.d.settings;
  }

  // ---------------------------------------------------------------- capacity and days

  fileCapacity(place?: string): CapacityRow {
    return this.placeOf(place).quota;
  }

  capacityFor(date: string, place?: string): CapacityRow {
    const p = this.placeOf(place);
    return this.d.bookings.capacityOf(date, p.id) ?? p.quota;
  }

  /** Officers' open/close decisions for the coming months, as the calendar wants them. */
  overrides(now: Date): (date: string) => DayOverride | undefined {
    const today = this.d.calendar.today(now);
    const rows = this.d.bookings.daysBetween(this.d.calendar.addDays(today, -1), this.d.calendar.addDays(today, 400));
    const map = new Map(rows.map((r) => [r.date, { date: r.date, open: r.open === 1, reason: r.reason }]));
    return (date) => map.get(date);
  }

  private horizon() {
    return { horizon: this.s.horizon_working_days, cutoff: this.s.same_day_cutoff };
  }

  /** Officers' calendar decisions kept in the database: confirmed holiday years, days of years with no list. */
  policy(): CalendarPolicy {
    return {
      confirmedYears: new Map(this.d.bookings.holidayYears().map((r) => [r.year, r.fingerprint])),
      unlistedBookable: this.d.bookings.setting<boolean>(UNLISTED_BOOKABLE) ?? false,
    };
  }

  bookableDays(now: Date, place?: string): string[] {
    return this.d.calendar.bookableDays(now, this.horizon(), this.overrides(now), this.policy(), this.placeOf(place).openDays);
  }

  /**
   * Why `date` is not among the bookable days at `now` (what the resident is told): passed, today
   * after the cut-off, the calendar's own reason (weekend, holiday, closed by officers with their
   * reason, no holiday list), a day the place does not record, or beyond the booking horizon.
   */
  whyNotBookable(now: Date, date: string, place?: string): { why: 'past' | 'cutoff' | 'not_open' | 'beyond' | DayKind; note?: string } {
    if (date < this.d.calendar.today(now)) return { why: 'past' };
    const info = this.d.calendar.dayInfo(date, this.overrides(now), this.policy());
    if (!info.bookable) return { why: info.kind, ...(info.note ? { note: info.note } : {}) };
    if (info.kind !== 'opened' && !this.placeOf(place).openDays.has(this.d.calendar.weekdayOf(date))) return { why: 'not_open' };
    if (date === this.d.calendar.today(now)) return { why: 'cutoff' };
    const last = this.bookableDays(now, place).at(-1);
    return { why: last && date > last ? 'beyond' : 'not_open' };
  }

  /** Sessions of `date` that have not started yet at `now`, with their free places. */
  freeSessions(date: string, now: Date, exceptBookingId?: number, place?: string): FreeSession[] {
    const p = this.placeOf(place).id;
    const counts = this.d.bookings.sessionCounts(date, p);
    if (exceptBookingId !== undefined) {
      const own = this.d.bookings.byId(exceptBookingId);
      if (own && own.date === date && own.place === p) counts.set(own.session, (counts.get(own.session) ?? 1) - 1);
    }
    return sessionsOf(this.capacityFor(date, p))
      .filter((s) => this.d.calendar.at(date, s.time).getTime() > now.getTime())
      .map((s) => ({ index: s.index, time: s.time, free: Math.max(0, s.capacity - (counts.get(s.index) ?? 0)) }));
  }

  /** The nearest bookable days with room, at most `limit`. */
  freeDays(now: Date, limit = this.s.days_shown, except?: string, place?: string): FreeDay[] {
    const out: FreeDay[] = [];
    const overrides = this.overrides(now);
    const policy = this.policy();
    const p = this.placeOf(place);
    for (const date of this.d.calendar.bookableDays(now, this.horizon(), overrides, policy, p.openDays)) {
      if (date === except) continue;
      const free = this.freeSessions(date, now, undefined, p.id).reduce((n, s) => n + s.free, 0);
      if (free > 0) {
        const info = this.d.calendar.dayInfo(date, overrides, policy);
        const day: FreeDay = { date, free };
        if (info.list === 'unconfirmed') day.unconfirmed = true;
        if (info.kind === 'opened' && info.note) day.opened = info.note;
        out.push(day);
      }
      if (out.length >= limit) break;
    }
    return out;
  }

  // ---------------------------------------------------------------- residents

  /** Why this NIK cannot book now, if it cannot: a live booking or a no-show ban. */
  nikRefusal(nik: string, now: Date): Refusal | undefined {
    const live = this.d.bookings.liveByNik(nik);
    if (live) return { ok: false, why: 'nik_active', booking: viewOf(live) };
    const noShow = this.d.bookings.lastNoShow(nik);
    if (noShow && this.s.no_show_ban_days > 0) {
      const until = this.d.calendar.addDays(noShow.date, this.s.no_show_ban_days);
      if (this.d.calendar.today(now) < until) return { ok: false, why: 'banned', until, noShowDate: noShow.date };
    }
    return undefined;
  }

  chatLimitReached(residentId: number): boolean {
    return this.d.bookings.liveByResident(residentId).length >= this.s.max_active_per_chat;
  }

  private newCode(): string {
    // 32^6 codes: a clash is rare, a hundred in a row means the random source is broken.
    for (let attempt = 0; attempt < 100; attempt++) {
      let code = '';
      const pick = this.d.randomInt ?? randomInt;
      for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[pick(CODE_ALPHABET.length)];
      if (!this.d.bookings.codeExists(code)) return code;
    }
    throw new Error('no free booking code after 100 tries');
  }

  /** A free queue number in the session, or undefined when it is full. */
  private place(date: string, session: number, now: Date, exceptBookingId?: number, place?: string): { session: Session; queueNo: number } | undefined {
    const free = this.freeSessions(date, now, exceptBookingId, place).find((s) => s.index === session);
    if (!free || free.free <= 0) return undefined;
    const cap = this.capacityFor(date, place);
    const s = sessionsOf(cap)[session]!;
    const taken = this.d.bookings.takenPlaces(date, this.placeOf(place).id);
    for (let q = s.firstQueue; q < s.firstQueue + s.capacity; q++) if (!taken.has(q)) return { session: s, queueNo: q };
    // Numbers shifted by a quota change: any free number within the quota will do.
    for (let q = 1; q <= cap.per_day; q++) if (!taken.has(q)) return { session: s, queueNo: q };
    return undefined;
  }

  /**
   * Why `date`/`session` cannot be had, with what can be had instead. In a surge thousands of
   * presses are refused with the same answer: it is computed once per version of the booking
   * tables and minute (sessions start on whole minutes), not once per press.
   */
  private unavailable(date: string, now: Date, exceptBookingId?: number, place?: string): Refusal {
    if (exceptBookingId !== undefined) return this.whyUnavailable(date, now, exceptBookingId, place);
    const at = `${place ?? ''}|${date}`;
    const byDate = this.currentRefusals(now).byDate;
    let refusal = byDate.get(at);
    if (!refusal) {
      refusal = this.whyUnavailable(date, now, undefined, place);
      byDate.set(at, refusal);
    }
    return refusal;
  }

  /** The cached refusals of this version of the booking tables and this minute (sessions start on whole minutes). */
  private currentRefusals(now: Date) {
    const key = `${this.version.current()}|${Math.floor(now.getTime() / 60_000)}`;
    if (key !== this.refusals.key) {
      this.refusals.key = key;
      this.refusals.byDate.clear();
      this.refusals.bySpot.clear();
    }
    return this.refusals;
  }

  private whyUnavailable(date: string, now: Date, exceptBookingId?: number, place?: string): Refusal {
    if (!this.bookableDays(now, place).includes(date)) return { ok: false, why: 'day_unavailable', days: this.freeDays(now, undefined, undefined, place) };
    const sessions = this.freeSessions(date, now, exceptBookingId, place).filter((s) => s.free > 0);
    if (sessions.length) return { ok: false, why: 'session_full', date, sessions };
    return { ok: false, why: 'day_full', date, days: this.freeDays(now, 3, date, place) };
  }

  reserve(a: Applicant & { date: string; session: number; place?: string }, now: Date): { ok: true; booking: BookingView } | Refusal {
    if (this.d.bookingsOpen?.() === false) return { ok: false, why: 'paused' } as const;
    return this.d.bookings.transaction(() => {
      // One read for the usual case (no live booking, no no-show); the full check otherwise.
      const checks = this.d.bookings.pressChecks(a.nik, a.residentId);
      if (checks.live !== null || checks.noShow !== null) {
        const refusal = this.nikRefusal(a.nik, now);
        if (refusal) return refusal;
      }
      if (checks.mine >= this.s.max_active_per_chat) return { ok: false, why: 'chat_limit', max: this.s.max_active_per_chat } as const;
      const place = this.placeOf(a.place).id;
      // In a surge most presses ask for a day and session already found taken, with nothing
      // written since: the same answer, without the day and session queries.
      const at = `${place}|${a.date}|${a.session}`;
      const known = this.currentRefusals(now).bySpot.get(at);
      if (known) return known;
      const spot = this.bookableDays(now, place).includes(a.date) ? this.place(a.date, a.session, now, undefined, place) : undefined;
      if (!spot) {
        const refusal = this.unavailable(a.date, now, undefined, place);
        this.refusals.bySpot.set(at, refusal);
        return refusal;
      }
      const row = this.d.bookings.insert(
        { ...a, place, code: this.newCode(), session: spot.session.index, sessionTime: spot.session.time, queueNo: spot.queueNo, status: 'active', holdUntil: null },
        now,
      );
      this.d.bookings.cancelWaitsOfNik(a.nik, now);
      this.d.log.info({ booking: row.code, date: row.date, place: row.place, nik: maskNik(row.nik) }, 'booking confirmed');
      return { ok: true, booking: viewOf(row) } as const;
    });
  }

  /** Active and held bookings, bookings whose day officers closed, and waitlist places. */
  listFor(residentId: number, now: Date) {
    const today = this.d.calendar.today(now);
    return {
      bookings: this.d.bookings.liveByResident(residentId).map(viewOf),
      displaced: this.d.bookings.closedByResident(residentId, today).map((b) => ({ ...viewOf(b), note: b.note })),
      waiting: this.d.bookings.waitingByResident(residentId).map((w) => ({ id: w.id, date: w.date, position: this.d.bookings.waitPosition(w) })),
    };
  }

  private own(residentId: number, code: string): BookingRow | undefined {
    const b = this.d.bookings.byCode(code);
    return b && b.resident_id === residentId ? b : undefined;
  }

  cancel(residentId: number, code: string, now: Date): { ok: true; booking: BookingView } | Refusal {
    return this.d.bookings.transaction(() => {
      const b = this.own(residentId, code);
      if (!b || (b.status !== 'active' && b.status !== 'held')) return { ok: false, why: 'not_found' } as const;
      this.d.bookings.setStatus(b.id, 'cancelled', now);
      const w = this.d.bookings.waitByBooking(b.id);
      if (w && w.status === 'offered') this.d.bookings.setWait(w.id, 'declined', now);
      this.d.core.audit(`resident:${residentId}`, 'booking.cancel', b.code, { date: b.date, place: b.place }, now);
      this.promote(b.date, now, b.place);
      return { ok: true, booking: viewOf({ ...b, status: 'cancelled' }) } as const;
    });
  }

  /**
   * Moves a booking to another day/session in one step: the new place is taken before the
   * old one is let go, inside one transaction, so a failure leaves the old booking as it was.
   */
  reschedule(residentId: number, code: string, date: string, session: number, now: Date): { ok: true; booking: BookingView; from: BookingView } | Refusal {
    return this.d.bookings.transaction(() => {
      const b = this.own(residentId, code);
      const today = this.d.calendar.today(now);
      if (!b || !(b.status === 'active' || (b.status === 'closed' && b.date >= today))) return { ok: false, why: 'not_found' } as const;
      if (b.status === 'closed') {
        const other = this.d.bookings.liveByNik(b.nik);
        if (other) return { ok: false, why: 'nik_active', booking: viewOf(other) } as const;
      }
      const occupying = b.status === 'active';
      const spot = this.bookableDays(now, b.place).includes(date) ? this.place(date, session, now, occupying ? b.id : undefined, b.place) : undefined;
      if (!spot) return this.unavailable(date, now, occupying ? b.id : undefined, b.place);
      this.d.bookings.move(b.id, { date, session, sessionTime: spot.session.time, queueNo: spot.queueNo }, now);
      this.d.core.audit(`resident:${residentId}`, 'booking.reschedule', b.code, { from: b.date, to: date }, now);
      if (occupying && b.date !== date) this.promote(b.date, now, b.place);
      const moved = this.d.bookings.byId(b.id)!;
      return { ok: true, booking: viewOf(moved), from: viewOf(b) } as const;
    });
  }

  joinWaitlist(a: Applicant & { date: string; place?: string }, now: Date): { ok: true; position: number; date: string } | Refusal {
    if (this.d.bookingsOpen?.() === false) return { ok: false, why: 'paused' } as const;
    return this.d.bookings.transaction(() => {
      const refusal = this.nikRefusal(a.nik, now);
      if (refusal) return refusal;
      const place = this.placeOf(a.place).id;
      if (!this.bookableDays(now, place).includes(a.date)) return { ok: false, why: 'day_unavailable', days: this.freeDays(now, undefined, undefined, place) } as const;
      const existing = this.d.bookings.liveWait(a.nik, a.date) ?? this.d.bookings.addWait({ ...a, place }, now);
      // A place may have freed meanwhile: offer it at once.
      this.promote(a.date, now, existing.place);
      const w = this.d.bookings.waitById(existing.id)!;
      return { ok: true, position: w.status === 'waiting' ? this.d.bookings.waitPosition(w) : 0, date: a.date } as const;
    });
  }

  leaveWaitlist(residentId: number, id: number, now: Date): boolean {
    return this.d.bookings.transaction(() => {
      const w = this.d.bookings.waitById(id);
      if (!w || w.resident_id !== residentId || w.status !== 'waiting') return false;
      this.d.bookings.setWait(w.id, 'cancelled', now);
      return true;
    });
  }

  acceptHold(residentId: number, code: string, now: Date): { ok: true; booking: BookingView } | Refusal {
    return this.d.bookings.transaction(() => {
      const b = this.own(residentId, code);
      if (!b || b.status !== 'held' || (b.hold_until && b.hold_until <= now.toISOString())) return { ok: false, why: 'not_found' } as const;
      this.d.bookings.setStatus(b.id, 'active', now);
      const w = this.d.bookings.waitByBooking(b.id);
      if (w) this.d.bookings.setWait(w.id, 'booked', now);
      this.d.bookings.cancelWaitsOfNik(b.nik, now);
      return { ok: true, booking: viewOf({ ...b, status: 'active', hold_until: null }) } as const;
    });
  }

  declineHold(residentId: number, code: string, now: Date): boolean {
    return this.d.bookings.transaction(() => {
      const b = this.own(residentId, code);
      if (!b || b.status !== 'held') return false;
      this.d.bookings.setStatus(b.id, 'expired', now, 'declined');
      const w = this.d.bookings.waitByBooking(b.id);
      if (w) this.d.bookings.setWait(w.id, 'declined', now);
      this.promote(b.date, now, b.place);
      return true;
    });
  }

  // ---------------------------------------------------------------- waitlist promotion

  /** Offers free places of `date` to the waitlist, first come first served, one hold each. */
  promote(date: string, now: Date, place?: string): number {
    const p = this.placeOf(place).id;
    if (!this.bookableDays(now, p).includes(date)) return 0;
    let offered = 0;
    for (;;) {
      const w = this.d.bookings.firstWaiting(date, p);
      if (!w) return offered;
      // Booked meanwhile, banned, or the chat is at its limit: this wait is over.
      if (this.nikRefusal(w.nik, now) || this.chatLimitReached(w.resident_id)) {
        this.d.bookings.setWait(w.id, 'cancelled', now);
        continue;
      }
      const session = this.freeSessions(date, now, undefined, p).find((s) => s.free > 0);
      const spot = session && this.place(date, session.index, now, undefined, p);
      if (!spot) return offered;
      const holdEnd = Math.min(now.getTime() + this.s.waitlist_hold_minutes * 60_000, this.d.calendar.at(date, spot.session.time).getTime());
      const row = this.d.bookings.insert(
        { ...w, place: p, residentId: w.resident_id, reasonNote: w.reason_note, code: this.newCode(), session: spot.session.index, sessionTime: spot.session.time, queueNo: spot.queueNo, status: 'held', holdUntil: new Date(holdEnd).toISOString() },
        now,
      );
      this.d.bookings.setWait(w.id, 'offered', now, row.id);
      this.notify(w.resident_id, `booking:offer:${row.id}`, now, (lang) => ({
        text: this.t(lang, 'booking.notify.offer', {
          date: this.d.calendar.longLabel(date, lang),
          time: this.timeText(spot.session.time, lang),
          until: this.d.calendar.timeLabel(new Date(holdEnd), lang),
        }),
        emphasis: [this.d.calendar.longLabel(date, lang), this.timeText(spot.session.time, lang)],
        choices: [
          { id: `bk:accept:${row.code}`, label: this.t(lang, 'booking.accept_offer', { day: this.d.calendar.label(date, lang), time: this.timeText(spot.session.time, lang) }) },
          { id: `bk:decline:${row.code}`, label: this.t(lang, 'booking.decline_offer') },
          { id: 'm:mybook', label: this.t(lang, 'booking.my_bookings') },
        ],
      }));
      offered++;
    }
  }

  /** The timer's work: expire holds (passing the place on), drop waits for past days, send due reminders. */
  tick(now: Date): { expired: number; reminders: number; offered: number } {
    return this.d.bookings.transaction(() => {
      let expired = 0;
      let offered = 0;
      /** "place|date" pairs whose free places may be offered. */
      const touched = new Set<string>();
      for (const b of this.d.bookings.expiredHolds(now)) {
        this.d.bookings.setStatus(b.id, 'expired', now, 'hold expired');
        const w = this.d.bookings.waitByBooking(b.id);
        if (w) this.d.bookings.setWait(w.id, 'expired', now);
        this.notify(b.resident_id, `booking:hold-expired:${b.id}`, now, (lang) => ({
          text: this.t(lang, 'booking.notify.hold_expired', { date: this.d.calendar.longLabel(b.date, lang) }),
        }));
        touched.add(`${b.place}|${b.date}`);
        expired++;
      }
      const today = this.d.calendar.today(now);
      for (const w of this.d.bookings.staleWaiting(today)) this.d.bookings.setWait(w.id, 'expired', now);
      // Also places freed by an officer (more quota, a re-opened day).
      for (const w of this.d.bookings.waitingDates(today)) touched.add(`${w.place}|${w.date}`);
      for (const key of touched) {
        const [place, date] = key.split('|') as [string, string];
        offered += this.promote(date, now, place);
      }
      return { expired, offered, reminders: this.sendReminders(now) };
    });
  }

  /** Afternoon-before and morning-of reminders, queued once each (idempotency key). */
  private sendReminders(now: Date): number {
    const cal = this.d.calendar;
    const today = cal.today(now);
    const tomorrow = cal.addDays(today, 1);
    const r = this.s.reminders;
    let sent = 0;
    const due = (date: string, kind: 'before' | 'morning', at: Date) => {
      if (now < at) return;
      for (const b of this.d.bookings.activeOn(date)) {
        // Too late to be useful, or booked after the reminder time (the confirmation said it all).
        const until = kind === 'before' ? cal.at(date, r.morning_of) : cal.at(date, b.session_time);
        if (now >= until || b.updated_at >= at.toISOString()) continue;
        const id = this.notify(
          b.resident_id,
          `booking:reminder:${b.id}:${b.date}:${b.session_time}:${kind}`,
          now,
          (lang) => ({
            text: this.t(lang, kind === 'before' ? 'booking.reminder.before' : 'booking.reminder.morning', {
              name: b.name,
              code: b.code,
              date: cal.longLabel(b.date, lang),
              time: this.timeText(b.session_time, lang),
              queue: b.queue_no,
              place: this.placeText(b.place, lang),
            }),
            emphasis: [...(kind === 'before' ? [cal.longLabel(b.date, lang)] : []), this.timeText(b.session_time, lang), b.code],
            choices: [{ id: 'm:mybook', label: this.t(lang, 'booking.my_bookings') }],
          }),
          'reminder',
          at,
        );
        if (id !== null) sent++;
      }
    };
    due(tomorrow, 'before', cal.at(today, r.afternoon_before));
    due(today, 'morning', cal.at(today, r.morning_of));
    return sent;
  }

  // ---------------------------------------------------------------- officers

  /** Closes a day: its bookings are cancelled, each resident is told and offered the nearest free days. */
  closeDay(date: string, reason: string, by: string, now: Date): { affected: number; waitlist: number } {
    return this.d.bookings.transaction(() => {
      this.d.bookings.setDay(date, false, reason, by, now);
      const live = this.d.bookings.liveOnDate(date);
      for (const b of live) this.d.bookings.setStatus(b.id, 'closed', now, reason);
      const alternativesAt = new Map(this.places.map((p) => [p.id, this.freeDays(now, 3, date, p.id)]));
      const alternatives = alternativesAt.get(this.places[0]!.id)!;
      for (const b of live) {
        this.notify(b.resident_id, `booking:closed:${b.id}:${date}`, now, (lang) => ({
          text: this.t(lang, 'booking.notify.day_closed', {
            code: b.code,
            date: this.d.calendar.longLabel(date, lang),
            reason,
            days: this.daysText(alternativesAt.get(b.place) ?? alternatives, lang),
          }),
          emphasis: [this.d.calendar.longLabel(date, lang), b.code],
          // Straight to the free days for this booking (it keeps its code), not to the list first.
          choices: [{ id: `bk:newday:${b.code}`, label: this.t(lang, 'booking.pick_new_day') }],
        }));
      }
      const waits = this.d.bookings.waitingOn(date);
      for (const w of waits) {
        this.d.bookings.setWait(w.id, 'cancelled', now);
        this.notify(w.resident_id, `booking:closed-wait:${w.id}`, now, (lang) => ({
          text: this.t(lang, 'booking.notify.day_closed_waitlist', { date: this.d.calendar.longLabel(date, lang), reason, days: this.daysText(alternativesAt.get(w.place) ?? alternatives, lang) }),
          choices: [{ id: 'm:book', label: this.t(lang, 'booking.book_again') }],
        }));
      }
      this.d.core.audit(by, 'booking.day.close', date, { reason, cancelled: live.map((b) => b.code), waitlist: waits.length }, now);
      return { affected: live.length, waitlist: waits.length };
    });
  }

  openDay(date: string, reason: string, by: string, now: Date): void {
    this.d.bookings.transaction(() => {
      this.d.bookings.setDay(date, true, reason, by, now);
      this.d.core.audit(by, 'booking.day.open', date, { reason }, now);
      for (const p of this.places) this.promote(date, now, p.id);
    });
  }

  // ---------------------------------------------------------------- holiday calendar (officers)
  // Called by the admin API and the officers' dashboard. Each change is one transaction and
  // one audit_log entry. Nothing here edits files: flows/holidays.json stays as officers wrote it.

  /**
   * The holiday lists as officers see them: every year in holidays.json plus the years the
   * coming `days` touch, each confirmed / unconfirmed / without a list, and the setting for
   * days of a year with no list. Warnings cover the coming 60 days (or `days`, if fewer).
   */
  calendarStatus(now: Date, days = 400): CalendarStatus {
    const cal = this.d.calendar;
    const policy = this.policy();
    const rows = new Map(this.d.bookings.holidayYears().map((r) => [r.year, r]));
    const first = Number(cal.today(now).slice(0, 4));
    const last = Number(cal.addDays(cal.today(now), days).slice(0, 4));
    const years = new Set<number>(cal.listedYears().map((y) => y.year).filter((y) => y >= first - 1));
    for (let y = first; y <= last; y++) years.add(y);
    const out: HolidayYearStatus[] = [...years].sort().map((year) => {
      const info = cal.yearInfo(year);
      const row = rows.get(year);
      return {
        year,
        status: cal.yearStatus(year, policy),
        fileStatus: info?.fileStatus ?? null,
        source: info?.source ?? null,
        days: info?.days ?? 0,
        confirmedBy: row?.confirmed_by ?? null,
        confirmedAt: row?.confirmed_at ?? null,
        confirmationOutdated: Boolean(row && info && row.fingerprint !== info.fingerprint),
      };
    });
    const warnings: string[] = [];
    // Warnings only for the weeks residents can book into (and a little beyond).
    const warnLast = Number(cal.addDays(cal.today(now), Math.min(days, 60)).slice(0, 4));
    for (const y of out) {
      if (y.year < first || y.year > warnLast) continue;
      if (y.status === 'unconfirmed') {
        warnings.push(
          `The ${y.year} holidays are loaded but not confirmed${y.confirmationOutdated ? ' (the list changed since it was confirmed)' : ''}: its holidays are closed and residents read "not yet confirmed" on its other days. Check the list against the published SKB and confirm it.`,
        );
      }
      if (y.status === 'none') {
        warnings.push(
          `The ${y.year} national holidays and cuti bersama are not loaded (holidays.json): only 1 Jan, 1 May, 1 Jun, 17 Aug and 25 Dec are known; other weekdays of ${y.year} are ${policy.unlistedBookable ? 'offered to residents' : 'not offered'} (setting).`,
        );
      }
    }
    return { years: out, unlistedDaysBookable: policy.unlistedBookable, warnings };
  }

  /** An officer confirms a year's list as it is in holidays.json now. Refused for a year without a list. */
  confirmHolidayYear(year: number, officer: string, now: Date, note?: string): { ok: true; status: HolidayYearStatus } | { ok: false; error: string } {
    return this.d.bookings.transaction(() => {
      const info = this.d.calendar.yearInfo(year);
      if (!info) return { ok: false, error: `There is no ${year} list in holidays.json to confirm: add it first.` } as const;
      this.d.bookings.confirmHolidayYear(year, info.fingerprint, officer, now, note ?? null);
      this.d.core.audit(officer, 'booking.holidays.confirm', String(year), { days: info.days, source: info.source, note: note ?? null }, now);
      for (const w of this.d.bookings.waitingDates(this.d.calendar.today(now))) this.promote(w.date, now, w.place);
      return { ok: true, status: this.calendarStatus(now).years.find((y) => y.year === year)! } as const;
    });
  }

  /**
   * Bookings made for a day that is now a holiday or cuti bersama (a list loaded after residents
   * booked, e.g. 1 January 2027): the day is closed with the holiday's name as the reason, so each
   * resident is told and offered the nearest free days, as when officers close a day. Days officers
   * opened stay open. Runs at start-up.
   */
  closeBookedHolidays(now: Date): Array<{ date: string; reason: string; affected: number; waitlist: number }> {
    const cal = this.d.calendar;
    const overrides = this.overrides(now);
    const policy = this.policy();
    const out: Array<{ date: string; reason: string; affected: number; waitlist: number }> = [];
    for (const date of this.d.bookings.liveDatesFrom(cal.today(now))) {
      const info = cal.dayInfo(date, overrides, policy);
      if ((info.kind !== 'holiday' && info.kind !== 'cuti_bersama') || !info.note) continue;
      out.push({ date, reason: info.note, ...this.closeDay(date, info.note, 'system:holidays', now) });
    }
    return out;
  }

  /** Takes an officer's confirmation back (the year's other days show the note again). */
  unconfirmHolidayYear(year: number, officer: string, now: Date): { ok: boolean } {
    return this.d.bookings.transaction(() => {
      const removed = this.d.bookings.unconfirmHolidayYear(year);
      if (removed) this.d.core.audit(officer, 'booking.holidays.unconfirm', String(year), null, now);
      return { ok: removed };
    });
  }

  /**
   * Whether residents may book weekdays of a year with no holiday list (default: no). Fixed-date
   * holidays (1 Jan, 1 May, 1 Jun, 17 Aug, 25 Dec) stay closed either way.
   */
  setUnlistedDaysBookable(bookable: boolean, officer: string, now: Date): void {
    this.d.bookings.transaction(() => {
      const before = this.d.bookings.setting<boolean>(UNLISTED_BOOKABLE) ?? false;
      this.d.bookings.setSetting(UNLISTED_BOOKABLE, bookable, officer, now);
      this.d.core.audit(officer, 'booking.setting.unlisted_days_bookable', null, { before, after: bookable }, now);
      if (bookable) for (const w of this.d.bookings.waitingDates(this.d.calendar.today(now))) this.promote(w.date, now, w.place);
    });
  }

  /** Sets the default or one date's quota and sessions of a place (default: the first); refuses to go below places already taken. */
  setCapacity(scope: 'default' | string, c: CapacityRow, by: string, now: Date, place?: string): { ok: true } | { ok: false; conflicts: Array<{ date: string; taken: number }> } {
    return this.d.bookings.transaction(() => {
      const p = this.placeOf(place);
      const today = this.d.calendar.today(now);
      const counts = this.d.bookings.dayCounts(scope === 'default' ? today : scope, scope === 'default' ? '9999-12-31' : scope, p.id);
      const ownOverride = new Set(scope === 'default' ? this.d.bookings.capacityOverrides(today, '9999-12-31', p.id).map((o) => o.date) : []);
      const conflicts = [...counts].filter(([date, n]) => n > c.per_day && !ownOverride.has(date)).map(([date, taken]) => ({ date, taken }));
      if (conflicts.length) return { ok: false, conflicts } as const;
      const before = scope === 'default' ? this.d.bookings.capacity('default', p.id) ?? p.quota : this.capacityFor(scope, p.id);
      this.d.bookings.setCapacity(scope, c, by, now, p.id);
      this.d.core.audit(by, 'booking.capacity.set', scope, { place: p.id, before, after: c }, now);
      for (const w of this.d.bookings.waitingDates(today)) this.promote(w.date, now, w.place);
      return { ok: true } as const;
    });
  }

  clearCapacity(date: string, by: string, now: Date, place?: string): { ok: true } | { ok: false; conflicts: Array<{ date: string; taken: number }> } {
    return this.d.bookings.transaction(() => {
      const p = this.placeOf(place);
      const fallback = this.d.bookings.capacity('default', p.id) ?? p.quota;
      const taken = this.d.bookings.dayCounts(date, date, p.id).get(date) ?? 0;
      if (taken > fallback.per_day) return { ok: false, conflicts: [{ date, taken }] } as const;
      if (this.d.bookings.clearCapacity(date, p.id)) this.d.core.audit(by, 'booking.capacity.clear', date, { place: p.id, back_to: fallback }, now);
      return { ok: true } as const;
    });
  }

  /** Officer marks arrival or absence. A no-show frees nothing (the day is over) but bans the NIK for a while. */
  mark(code: string, status: 'checked_in' | 'no_show', by: string, now: Date, opts: { confirm?: boolean } = {}): { ok: true; booking: BookingView; already?: boolean } | { ok: false; error: string; status: number; needsConfirm?: boolean } {
    return this.d.bookings.transaction(() => {
      const b = this.d.bookings.byCode(code);
      if (!b) return { ok: false, error: `No booking with code ${code}.`, status: 404 } as const;
      if (!['active', 'checked_in', 'no_show'].includes(b.status)) return { ok: false, error: `Booking ${code} is ${b.status}; only active bookings can be marked.`, status: 409 } as const;
      if (status === 'checked_in' && b.date !== this.d.calendar.today(now)) return { ok: false, error: `Booking ${code} is for ${b.date}: check-in is on that day only.`, status: 409 } as const;
      if (status === 'no_show' && b.date > this.d.calendar.today(now)) return { ok: false, error: `Booking ${code} is for ${b.date}: a no-show can only be marked on or after that day.`, status: 409 } as const;
      // A resident who was checked in came: turning that into a no-show (a ban) needs an explicit confirmation.
      // A second tap (or a form sent twice on a slow network) changes nothing and is audited once.
      if (b.status === status) return { ok: true, booking: viewOf(b), already: true } as const;
      if (status === 'no_show' && b.status === 'checked_in' && !opts.confirm) return { ok: false, error: `Booking ${code} was checked in: confirm to mark it as a no-show.`, status: 409, needsConfirm: true } as const;
      this.d.bookings.setStatus(b.id, status, now);
      this.d.core.audit(by, status === 'checked_in' ? 'booking.check_in' : 'booking.no_show', code, { date: b.date, queue: b.queue_no, before: b.status }, now);
      return { ok: true, booking: viewOf({ ...b, status }) } as const;
    });
  }

  // ---------------------------------------------------------------- texts

  t(lang: Lang, key: string, vars?: Record<string, string | number>): string {
    return translate(this.d.texts, lang, key, vars);
  }

  timeText(hhmm: string, lang: Lang): string {
    return lang === 'id' ? hhmm.replace(':', '.') : hhmm;
  }

  daysText(days: FreeDay[], lang: Lang): string {
    if (!days.length) return this.t(lang, 'booking.no_free_days_short');
    return days.map((d) => `• ${this.t(lang, 'booking.day_choice', { day: this.d.calendar.label(d.date, lang), free: d.free })}`).join('\n');
  }

  /** Queues a message to the resident's own channel, in their language; once per key. */
  private notify(residentId: number, key: string, now: Date, make: (lang: Lang) => Reply, kind: 'notification' | 'reminder' = 'notification', notBefore?: Date): number | null {
    const r = this.d.core.getResident(residentId);
    if (!r) return null;
    return this.d.core.enqueue({ residentId, channel: r.channel, address: r.address, reply: make(r.lang), kind, idempotencyKey: key, notBefore }, now);
  }
}

export type { Choice, WaitRow };
