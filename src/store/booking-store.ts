// SQL of the booking feature: bookings, the waitlist, per-day capacity and day overrides.
// Callers decide inside one IMMEDIATE transaction (the engine's, or transaction() here),
// so a count read here cannot be overtaken by another process before the insert.
import { writeTransaction, type Db } from './db.js';

export type BookingStatus = 'held' | 'active' | 'checked_in' | 'no_show' | 'cancelled' | 'closed' | 'expired';
export type WaitStatus = 'waiting' | 'offered' | 'booked' | 'expired' | 'declined' | 'cancelled';

export interface BookingRow {
  id: number;
  code: string;
  resident_id: number;
  nik: string;
  name: string;
  reason: string;
  reason_note: string | null;
  /** Where the resident records ('main' for a one-place office). */
  place: string;
  date: string;
  session: number;
  session_time: string;
  queue_no: number;
  status: BookingStatus;
  hold_until: string | null;
  note: string | null;
  created_at: string;
  updated_at: string;
}

export interface WaitRow {
  id: number;
  resident_id: number;
  nik: string;
  name: string;
  reason: string;
  reason_note: string | null;
  place: string;
  date: string;
  status: WaitStatus;
  booking_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface CapacityRow {
  per_day: number;
  first_session: string;
  sessions: number;
  session_minutes: number;
}

export interface DayRow {
  date: string;
  open: number;
  reason: string;
  updated_by: string;
  updated_at: string;
}

export interface HolidayYearRow {
  year: number;
  fingerprint: string;
  confirmed_by: string;
  confirmed_at: string;
  note: string | null;
}

export interface NewBooking {
  code: string;
  residentId: number;
  nik: string;
  name: string;
  reason: string;
  reasonNote: string | null;
  /** The place id (default 'main'). */
  place?: string;
  date: string;
  session: number;
  sessionTime: string;
  queueNo: number;
  status: 'held' | 'active';
  holdUntil: string | null;
}

export type NewWait = Pick<NewBooking, 'residentId' | 'nik' | 'name' | 'reason' | 'reasonNote' | 'date' | 'place'>;

const MAIN = 'main';

const OCCUPYING = `('held', 'active', 'checked_in', 'no_show')`;

export class BookingStore {
  private readonly s;

  constructor(readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      capacity: p('SELECT per_day, first_session, sessions, session_minutes FROM booking_capacity WHERE scope = ? AND place = ?'),
      capacityOf: p(`SELECT per_day, first_session, sessions, session_minutes FROM booking_capacity WHERE scope IN (?, 'default') AND place = ? ORDER BY scope = 'default' LIMIT 1`),
      upsertCapacity: p(
        `INSERT INTO booking_capacity (scope, per_day, first_session, sessions, session_minutes, updated_by, updated_at, place) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (place, scope) DO UPDATE SET per_day = excluded.per_day, first_session = excluded.first_session, sessions = excluded.sessions,
           session_minutes = excluded.session_minutes, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      ),
      deleteCapacity: p('DELETE FROM booking_capacity WHERE scope = ? AND place = ?'),
      capacityOverrides: p(`SELECT scope AS date, per_day, first_session, sessions, session_minutes FROM booking_capacity WHERE scope >= ? AND scope <= ? AND scope GLOB '[0-9]*' AND place = ? ORDER BY scope`),
      day: p('SELECT * FROM booking_day WHERE date = ?'),
      daysBetween: p('SELECT * FROM booking_day WHERE date >= ? AND date <= ? ORDER BY date'),
      upsertDay: p(
        `INSERT INTO booking_day (date, open, reason, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (date) DO UPDATE SET open = excluded.open, reason = excluded.reason, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      ),
      deleteDay: p('DELETE FROM booking_day WHERE date = ?'),
      countsOn: p(`SELECT session, COUNT(*) AS n FROM booking WHERE date = ? AND place = ? AND status IN ${OCCUPYING} GROUP BY session`),
      countsBetween: p(`SELECT date, COUNT(*) AS n FROM booking WHERE date >= ? AND date <= ? AND place = ? AND status IN ${OCCUPYING} GROUP BY date`),
      placesOn: p(`SELECT queue_no FROM booking WHERE date = ? AND place = ? AND status IN ${OCCUPYING} ORDER BY queue_no`),
      insert: p(
        `INSERT INTO booking (code, resident_id, nik, name, reason, reason_note, place, date, session, session_time, queue_no, status, hold_until, created_at, updated_at)
         VALUES (@code, @residentId, @nik, @name, @reason, @reasonNote, @place, @date, @session, @sessionTime, @queueNo, @status, @holdUntil, @now, @now) RETURNING *`,
      ),
      codeExists: p('SELECT 1 FROM booking WHERE code = ?'),
      byCode: p('SELECT * FROM booking WHERE code = ?'),
      byId: p('SELECT * FROM booking WHERE id = ?'),
      liveByNik: p(`SELECT * FROM booking WHERE nik = ? AND status IN ('held', 'active')`),
      liveByResident: p(`SELECT * FROM booking WHERE resident_id = ? AND status IN ('held', 'active') ORDER BY date, session_time`),
      closedByResident: p(`SELECT * FROM booking WHERE resident_id = ? AND status = 'closed' AND date >= ? ORDER BY date`),
      // The three checks of every press in one read (a surge: 2,000 of them at once).
      pressChecks: p(
        `SELECT (SELECT id FROM booking WHERE nik = ? AND status IN ('held', 'active')) AS live,
           (SELECT date FROM booking WHERE nik = ? AND status = 'no_show' ORDER BY date DESC LIMIT 1) AS noShow,
           (SELECT COUNT(*) FROM booking WHERE resident_id = ? AND status IN ('held', 'active')) AS mine`,
      ),
      lastNoShow: p(`SELECT * FROM booking WHERE nik = ? AND status = 'no_show' ORDER BY date DESC LIMIT 1`),
      onDate: p('SELECT * FROM booking WHERE date = ? ORDER BY queue_no, id'),
      liveOnDate: p(`SELECT * FROM booking WHERE date = ? AND status IN ('held', 'active') ORDER BY queue_no`),
      liveDatesFrom: p(`SELECT DISTINCT date FROM booking WHERE date >= ? AND status IN ('held', 'active') UNION SELECT DISTINCT date FROM booking_waitlist WHERE date >= ? AND status = 'waiting' ORDER BY 1`),
      activeOn: p(`SELECT * FROM booking WHERE date = ? AND status = 'active' ORDER BY queue_no`),
      setStatus: p('UPDATE booking SET status = ?, note = COALESCE(?, note), hold_until = NULL, updated_at = ? WHERE id = ?'),
      move: p(`UPDATE booking SET date = ?, session = ?, session_time = ?, queue_no = ?, status = 'active', hold_until = NULL, note = NULL, updated_at = ? WHERE id = ?`),
      expiredHolds: p(`SELECT * FROM booking WHERE status = 'held' AND hold_until <= ? ORDER BY hold_until`),
      addWait: p(
        `INSERT INTO booking_waitlist (resident_id, nik, name, reason, reason_note, place, date, status, created_at, updated_at)
         VALUES (@residentId, @nik, @name, @reason, @reasonNote, @place, @date, 'waiting', @now, @now) RETURNING *`,
      ),
      liveWaitByNik: p(`SELECT * FROM booking_waitlist WHERE nik = ? AND date = ? AND status IN ('waiting', 'offered')`),
      waitPosition: p(`SELECT COUNT(*) FROM booking_waitlist WHERE date = ? AND place = ? AND status = 'waiting' AND id <= ?`),
      firstWaiting: p(`SELECT * FROM booking_waitlist WHERE date = ? AND place = ? AND status = 'waiting' ORDER BY id LIMIT 1`),
      waitById: p('SELECT * FROM booking_waitlist WHERE id = ?'),
      waitByBooking: p('SELECT * FROM booking_waitlist WHERE booking_id = ?'),
      waitByResident: p(`SELECT * FROM booking_waitlist WHERE resident_id = ? AND status = 'waiting' ORDER BY date`),
      waitOn: p('SELECT * FROM booking_waitlist WHERE date = ? ORDER BY id'),
      waitingOnDate: p(`SELECT * FROM booking_waitlist WHERE date = ? AND status = 'waiting' ORDER BY id`),
      waitingDates: p(`SELECT DISTINCT place, date FROM booking_waitlist WHERE status = 'waiting' AND date >= ? ORDER BY date, place`),
      staleWaiting: p(`SELECT * FROM booking_waitlist WHERE status = 'waiting' AND date < ?`),
      // Old rows keep their statistics (date, reason, status) but not who it was.
      forgetBookings: p(
        `UPDATE booking SET status = CASE WHEN status IN ('held', 'active') THEN 'expired' ELSE status END,
           nik = substr(nik, 1, 4) || '**********' || substr(nik, -2), name = '-', reason_note = NULL, updated_at = ?
         WHERE date < ? AND name != '-'`,
      ),
      forgetWaits: p(
        `UPDATE booking_waitlist SET status = CASE WHEN status IN ('waiting', 'offered') THEN 'expired' ELSE status END,
           nik = substr(nik, 1, 4) || '**********' || substr(nik, -2), name = '-', reason_note = NULL, updated_at = ?
         WHERE date < ? AND name != '-'`,
      ),
      setWait: p('UPDATE booking_waitlist SET status = ?, booking_id = COALESCE(?, booking_id), updated_at = ? WHERE id = ?'),
      holidayYears: p('SELECT * FROM booking_holiday_year ORDER BY year'),
      confirmYear: p(
        `INSERT INTO booking_holiday_year (year, fingerprint, confirmed_by, confirmed_at, note) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (year) DO UPDATE SET fingerprint = excluded.fingerprint, confirmed_by = excluded.confirmed_by, confirmed_at = excluded.confirmed_at, note = excluded.note`,
      ),
      unconfirmYear: p('DELETE FROM booking_holiday_year WHERE year = ?'),
      setting: p('SELECT value FROM booking_setting WHERE key = ?'),
      setSetting: p(
        `INSERT INTO booking_setting (key, value, updated_by, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      ),
      cancelWaitsOfNik: p(`UPDATE booking_waitlist SET status = 'cancelled', updated_at = ? WHERE nik = ? AND status = 'waiting'`),
    };
  }

  /** Masks NIK and name of bookings and waitlist entries dated before `date`; returns how many rows. */
  forgetPersonalDataBefore(date: string, now: Date): number {
    return this.transaction(() => this.s.forgetBookings.run(now.toISOString(), date).changes + this.s.forgetWaits.run(now.toISOString(), date).changes);
  }

  /** Runs fn in an IMMEDIATE transaction (a savepoint inside the engine's): see the file comment. */
  transaction<T>(fn: () => T): T {
    return writeTransaction(this.db, fn);
  }

  capacity(scope: string, place = MAIN): CapacityRow | undefined {
    return this.s.capacity.get(scope, place) as CapacityRow | undefined;
  }

  /** The date's own capacity at a place, else the officers' default (the file's is the caller's fallback). */
  capacityOf(date: string, place = MAIN): CapacityRow | undefined {
    return this.s.capacityOf.get(date, place) as CapacityRow | undefined;
  }

  setCapacity(scope: string, c: CapacityRow, by: string, now: Date, place = MAIN): void {
    this.s.upsertCapacity.run(scope, c.per_day, c.first_session, c.sessions, c.session_minutes, by, now.toISOString(), place);
  }

  clearCapacity(scope: string, place = MAIN): boolean {
    return this.s.deleteCapacity.run(scope, place).changes > 0;
  }

  capacityOverrides(from: string, to: string, place = MAIN): Array<CapacityRow & { date: string }> {
    return this.s.capacityOverrides.all(from, to, place) as Array<CapacityRow & { date: string }>;
  }

  day(date: string): DayRow | undefined {
    return this.s.day.get(date) as DayRow | undefined;
  }

  daysBetween(from: string, to: string): DayRow[] {
    return this.s.daysBetween.all(from, to) as DayRow[];
  }

  setDay(date: string, open: boolean, reason: string, by: string, now: Date): void {
    this.s.upsertDay.run(date, open ? 1 : 0, reason, by, now.toISOString());
  }

  clearDay(date: string): boolean {
    return this.s.deleteDay.run(date).changes > 0;
  }

  /** Places taken per session on a date. */
  sessionCounts(date: string, place = MAIN): Map<number, number> {
    return new Map((this.s.countsOn.all(date, place) as Array<{ session: number; n: number }>).map((r) => [r.session, r.n]));
  }

  dayCounts(from: string, to: string, place = MAIN): Map<string, number> {
    return new Map((this.s.countsBetween.all(from, to, place) as Array<{ date: string; n: number }>).map((r) => [r.date, r.n]));
  }

  takenPlaces(date: string, place = MAIN): Set<number> {
    return new Set(this.s.placesOn.pluck().all(date, place) as number[]);
  }

  insert(b: NewBooking, now: Date): BookingRow {
    const { code, residentId, nik, name, reason, reasonNote, date, session, sessionTime, queueNo, status, holdUntil } = b;
    const place = b.place ?? MAIN;
    return this.s.insert.get({ code, residentId, nik, name, reason, reasonNote, place, date, session, sessionTime, queueNo, status, holdUntil, now: now.toISOString() }) as BookingRow;
  }

  codeExists(code: string): boolean {
    return this.s.codeExists.get(code) !== undefined;
  }

  byCode(code: string): BookingRow | undefined {
    return this.s.byCode.get(code) as BookingRow | undefined;
  }

  byId(id: number): BookingRow | undefined {
    return this.s.byId.get(id) as BookingRow | undefined;
  }

  /** The held or active booking of a NIK (at most one, by a unique index). */
  liveByNik(nik: string): BookingRow | undefined {
    return this.s.liveByNik.get(nik) as BookingRow | undefined;
  }

  liveByResident(residentId: number): BookingRow[] {
    return this.s.liveByResident.all(residentId) as BookingRow[];
  }

  /** Bookings cancelled because officers closed their day, still in the future: the resident may pick a new day. */
  closedByResident(residentId: number, fromDate: string): BookingRow[] {
    return this.s.closedByResident.all(residentId, fromDate) as BookingRow[];
  }

  /** For a press: the NIK's live booking id, its last no-show date, and how many live bookings the chat holds. */
  pressChecks(nik: string, residentId: number): { live: number | null; noShow: string | null; mine: number } {
    return this.s.pressChecks.get(nik, nik, residentId) as { live: number | null; noShow: string | null; mine: number };
  }

  lastNoShow(nik: string): BookingRow | undefined {
    return this.s.lastNoShow.get(nik) as BookingRow | undefined;
  }

  onDate(date: string): BookingRow[] {
    return this.s.onDate.all(date) as BookingRow[];
  }

  /** Dates from `fromDate` on with a held or active booking or someone waiting. */
  liveDatesFrom(fromDate: string): string[] {
    return this.s.liveDatesFrom.pluck().all(fromDate, fromDate) as string[];
  }

  liveOnDate(date: string): BookingRow[] {
    return this.s.liveOnDate.all(date) as BookingRow[];
  }

  activeOn(date: string): BookingRow[] {
    return this.s.activeOn.all(date) as BookingRow[];
  }

  setStatus(id: number, status: BookingStatus, now: Date, note?: string): void {
    this.s.setStatus.run(status, note ?? null, now.toISOString(), id);
  }

  move(id: number, to: { date: string; session: number; sessionTime: string; queueNo: number }, now: Date): void {
    this.s.move.run(to.date, to.session, to.sessionTime, to.queueNo, now.toISOString(), id);
  }

  expiredHolds(now: Date): BookingRow[] {
    return this.s.expiredHolds.all(now.toISOString()) as BookingRow[];
  }

  addWait(w: NewWait, now: Date): WaitRow {
    const { residentId, nik, name, reason, reasonNote, date } = w;
    return this.s.addWait.get({ residentId, nik, name, reason, reasonNote, place: w.place ?? MAIN, date, now: now.toISOString() }) as WaitRow;
  }

  liveWait(nik: string, date: string): WaitRow | undefined {
    return this.s.liveWaitByNik.get(nik, date) as WaitRow | undefined;
  }

  /** 1 = next in line. */
  waitPosition(w: WaitRow): number {
    return this.s.waitPosition.pluck().get(w.date, w.place, w.id) as number;
  }

  firstWaiting(date: string, place = MAIN): WaitRow | undefined {
    return this.s.firstWaiting.get(date, place) as WaitRow | undefined;
  }

  waitById(id: number): WaitRow | undefined {
    return this.s.waitById.get(id) as WaitRow | undefined;
  }

  waitByBooking(bookingId: number): WaitRow | undefined {
    return this.s.waitByBooking.get(bookingId) as WaitRow | undefined;
  }

  waitingByResident(residentId: number): WaitRow[] {
    return this.s.waitByResident.all(residentId) as WaitRow[];
  }

  waitlistOn(date: string): WaitRow[] {
    return this.s.waitOn.all(date) as WaitRow[];
  }

  waitingOn(date: string): WaitRow[] {
    return this.s.waitingOnDate.all(date) as WaitRow[];
  }

  /** The (place, date) pairs someone waits for, from `fromDate` on. */
  waitingDates(fromDate: string): Array<{ place: string; date: string }> {
    return this.s.waitingDates.all(fromDate) as Array<{ place: string; date: string }>;
  }

  staleWaiting(beforeDate: string): WaitRow[] {
    return this.s.staleWaiting.all(beforeDate) as WaitRow[];
  }

  setWait(id: number, status: WaitStatus, now: Date, bookingId?: number): void {
    this.s.setWait.run(status, bookingId ?? null, now.toISOString(), id);
  }

  /** A NIK that got a booking no longer waits for other days. */
  cancelWaitsOfNik(nik: string, now: Date): void {
    this.s.cancelWaitsOfNik.run(now.toISOString(), nik);
  }

  /** Years whose holiday list an officer confirmed. */
  holidayYears(): HolidayYearRow[] {
    return this.s.holidayYears.all() as HolidayYearRow[];
  }

  confirmHolidayYear(year: number, fingerprint: string, by: string, now: Date, note: string | null): void {
    this.s.confirmYear.run(year, fingerprint, by, now.toISOString(), note);
  }

  unconfirmHolidayYear(year: number): boolean {
    return this.s.unconfirmYear.run(year).changes > 0;
  }

  /** An officers' setting (JSON), or undefined when never set. */
  setting<T>(key: string): T | undefined {
    const raw = this.s.setting.pluck().get(key) as string | undefined;
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  setSetting(key: string, value: unknown, by: string, now: Date): void {
    this.s.setSetting.run(key, JSON.stringify(value), by, now.toISOString());
  }
}
