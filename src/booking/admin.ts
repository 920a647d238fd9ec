// Officers' JSON API for bookings (under /api/admin, behind ADMIN_TOKEN). Every body is
// validated with zod; errors are {error}; every change is written to the audit log.
import dayjs from 'dayjs';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { Clock } from '../core/types.js';
import { officerOf } from '../officers/auth.js';
import { maskNik } from '../privacy/mask.js';
import type { BookingStore } from '../store/booking-store.js';
import type { CoreStore } from '../store/core-store.js';
import type { OfficeCalendar } from './calendar.js';
import { normalizeCode, sessionsOf, type BookingService } from './service.js';
import { Capacity, type BookingSettings } from './settings.js';

export interface AdminDeps {
  service: BookingService;
  store: BookingStore;
  calendar: OfficeCalendar;
  settings: BookingSettings;
  core: CoreStore;
  clock: Clock;
}

const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date like 2026-12-01')
  .refine((d) => dayjs(d).isValid() && dayjs(d).format('YYYY-MM-DD') === d, 'no such date');
const ReasonBody = z.object({ reason: z.string().trim().min(3, 'reason: say why in a few words').max(200) }).strict();

const officer = (c: Context): string => officerOf(c);

function problem(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid request';
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}

/** Parses the JSON body with `schema`; a bad body becomes a 400 with a readable message. */
async function body<S extends z.ZodType>(c: Context, schema: S): Promise<{ ok: true; data: z.infer<S> } | { ok: false; res: Response }> {
  const raw = await c.req.json().catch(() => Symbol.for('bad-json'));
  if (raw === Symbol.for('bad-json')) return { ok: false, res: c.json({ error: 'The body must be JSON.' }, 400) };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, res: c.json({ error: problem(parsed.error.issues[0]) }, 400) };
  return { ok: true, data: parsed.data };
}

function dateParam(c: Context, name = 'date'): { ok: true; date: string } | { ok: false; res: Response } {
  const parsed = IsoDate.safeParse(c.req.param(name));
  return parsed.success ? { ok: true, date: parsed.data } : { ok: false, res: c.json({ error: `date: ${parsed.error.issues[0]!.message}` }, 400) };
}

/** `?place=` names one of the office's places (default: the first); an unknown one is a 400. */
function placeParam(c: Context, service: AdminDeps['service']): { ok: true; place: string } | { ok: false; res: Response } {
  const q = c.req.query('place');
  if (q === undefined || q === '') return { ok: true, place: service.places[0]!.id };
  if (!service.places.some((p) => p.id === q)) return { ok: false, res: c.json({ error: `place: unknown place "${q}" (places: ${service.places.map((p) => p.id).join(', ')})` }, 400) };
  return { ok: true, place: q };
}

/** What officers see of a day and of the coming weeks (the JSON API and the dashboard share it). */
export function bookingReports(d: AdminDeps) {
  const { service, store, calendar, clock } = d;

  /** One day at one place as officers see it: open or not, quota per session, who comes when. */
  function dayReport(date: string, place = service.places[0]!.id) {
    const now = clock.now();
    const info = calendar.dayInfo(date, service.overrides(now), service.policy());
    const cap = service.capacityFor(date, place);
    const counts = store.sessionCounts(date, place);
    const bookings = store.onDate(date).filter((b) => b.place === place);
    return {
      date,
      place,
      /** The office is open and this place records on that weekday (or officers opened the day). */
      openAtPlace: info.bookable && (info.kind === 'opened' || service.placeOf(place).openDays.has(calendar.weekdayOf(date))),
      kind: info.kind,
      open: info.bookable,
      note: info.note ?? null,
      holidaysKnown: info.holidaysKnown,
      holidayList: info.list,
      warning:
        info.list === 'none'
          ? `The ${date.slice(0, 4)} holiday list is not loaded: only weekends and fixed-date holidays are known for this day. Add it to holidays.json.`
          : info.list === 'unconfirmed'
            ? `The ${date.slice(0, 4)} holiday list is not confirmed yet: residents read a note on this day.`
            : null,
      quota: cap.per_day,
      capacitySource: store.capacity(date, place) ? 'date' : store.capacity('default', place) ? 'default' : 'file',
      sessions: sessionsOf(cap).map((s) => ({ index: s.index, time: s.time, capacity: s.capacity, taken: counts.get(s.index) ?? 0 })),
      bookings: bookings.map((b) => ({
        code: b.code,
        place: b.place,
        queueNo: b.queue_no,
        session: b.session_time,
        name: b.name,
        nik: maskNik(b.nik),
        reason: b.reason,
        reasonNote: b.reason_note,
        status: b.status,
        note: b.note,
      })),
    };
  }


  /** The coming days with places taken, per place, and the holiday lists' warnings. */
  function calendarReport(n: number) {
    const now = clock.now();
    const today = calendar.today(now);
    const overrides = service.overrides(now);
    const policy = service.policy();
    const counts = new Map(service.places.map((p) => [p.id, store.dayCounts(today, calendar.addDays(today, n), p.id)]));
    const bookable = new Map(service.places.map((p) => [p.id, new Set(service.bookableDays(now, p.id))]));
    const first = service.places[0]!.id;
    const status = service.calendarStatus(now, n);
    return {
      today,
      /** Coming years with no holiday list at all. */
      missingYears: calendar.missingYears(now, n),
      /** Each year's list: confirmed, unconfirmed or none (officers confirm in the dashboard). */
      years: status.years,
      warnings: status.warnings,
      days: Array.from({ length: n }, (_, i) => {
        const date = calendar.addDays(today, i);
        const info = calendar.dayInfo(date, overrides, policy);
        return {
          date,
          kind: info.kind,
          open: info.bookable,
          note: info.note ?? null,
          holidaysKnown: info.holidaysKnown,
          holidayList: info.list,
          quota: service.capacityFor(date, first).per_day,
          taken: counts.get(first)!.get(date) ?? 0,
          // Per place: its own quota and places taken; a place may record on fewer days.
          places: service.places.map((p) => ({
            id: p.id,
            open: info.bookable && (info.kind === 'opened' || p.openDays.has(calendar.weekdayOf(date))),
            quota: service.capacityFor(date, p.id).per_day,
            taken: counts.get(p.id)!.get(date) ?? 0,
            bookableNow: bookable.get(p.id)!.has(date),
          })),
        };
      }),
    };
  }

  /** Codes of the bookings of `date` matching a code, part of a name, or a NIK (full or its last digits). */
  function searchOnDate(date: string, q: string): Set<string> {
    const needle = q.trim().toLowerCase();
    const digits = needle.replace(/[\s.]/g, '');
    const code = normalizeCode(q);
    return new Set(
      store
        .onDate(date)
        .filter((b) => (code && b.code === code) || (needle.length >= 2 && b.name.toLowerCase().includes(needle)) || (/^\d{4,16}$/.test(digits) && b.nik.endsWith(digits)))
        .map((b) => b.code),
    );
  }

  return { dayReport, calendarReport, searchOnDate };
}

export type BookingReports = ReturnType<typeof bookingReports>;

export function mountBookingAdmin(admin: Hono, d: AdminDeps): void {
  const { service, store, calendar, clock } = d;
  const { dayReport, calendarReport } = bookingReports(d);

  admin.get('/booking/days/:date', (c) => {
    const p = dateParam(c);
    if (!p.ok) return p.res;
    const pl = placeParam(c, service);
    if (!pl.ok) return pl.res;
    return c.json(dayReport(p.date, pl.place));
  });

  admin.get('/booking/places', (c) =>
    c.json({
      places: service.places.map((p) => ({
        id: p.id,
        name: p.name,
        address: p.address ?? null,
        map_url: p.map_url ?? null,
        hours: p.hours ?? null,
        quota: p.quota,
        open_days: [...p.openDays].sort(),
      })),
    }),
  );

  admin.get('/booking/calendar', (c) => {
    const days = z.coerce.number().int().min(1).max(120).default(21).safeParse(c.req.query('days') ?? undefined);
    if (!days.success) return c.json({ error: `days: ${days.error.issues[0]!.message}` }, 400);
    return c.json(calendarReport(days.data));
  });

  // ---- holiday lists: officers confirm a year without editing files; a setting for years with no list
  admin.get('/booking/holidays', (c) => c.json(service.calendarStatus(clock.now())));

  const YearParam = z.coerce.number().int().min(2020).max(2100);
  admin.post('/booking/holidays/:year/confirm', async (c) => {
    const year = YearParam.safeParse(c.req.param('year'));
    if (!year.success) return c.json({ error: 'year: expected a year like 2027' }, 400);
    const raw = await c.req.text();
    let note: string | undefined;
    if (raw.trim()) {
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        return c.json({ error: 'The body must be JSON.' }, 400);
      }
      const b = z.object({ note: z.string().trim().max(200).optional() }).strict().safeParse(json);
      if (!b.success) return c.json({ error: problem(b.error.issues[0]) }, 400);
      note = b.data.note || undefined;
    }
    const result = service.confirmHolidayYear(year.data, officer(c), clock.now(), note);
    if (!result.ok) return c.json({ error: result.error }, 404);
    return c.json(result.status);
  });
  admin.delete('/booking/holidays/:year/confirm', (c) => {
    const year = YearParam.safeParse(c.req.param('year'));
    if (!year.success) return c.json({ error: 'year: expected a year like 2027' }, 400);
    const result = service.unconfirmHolidayYear(year.data, officer(c), clock.now());
    if (!result.ok) return c.json({ error: `No officer confirmed ${year.data}.` }, 404);
    return c.json(service.calendarStatus(clock.now()).years.find((y) => y.year === year.data) ?? null);
  });
  admin.put('/booking/settings/unlisted-days', async (c) => {
    const b = await body(c, z.object({ bookable: z.boolean({ message: 'bookable: true or false' }) }).strict());
    if (!b.ok) return b.res;
    service.setUnlistedDaysBookable(b.data.bookable, officer(c), clock.now());
    return c.json({ unlistedDaysBookable: b.data.bookable });
  });

  /** Close or open a day: a valid coming date and a reason, then `change`. */
  const dayChange = (change: (date: string, reason: string, who: string) => Record<string, unknown>) => async (c: Context) => {
    const p = dateParam(c);
    if (!p.ok) return p.res;
    const b = await body(c, ReasonBody);
    if (!b.ok) return b.res;
    if (p.date < calendar.today(clock.now())) return c.json({ error: 'date: this day is already over.' }, 409);
    return c.json({ ...change(p.date, b.data.reason, officer(c)), day: dayReport(p.date) });
  };
  admin.post('/booking/days/:date/close', dayChange((date, reason, who) => service.closeDay(date, reason, who, clock.now())));
  admin.post('/booking/days/:date/open', dayChange((date, reason, who) => (service.openDay(date, reason, who, clock.now()), {})));

  const mark = (status: 'checked_in' | 'no_show') => (c: Context) => {
    const code = normalizeCode(c.req.param('code') ?? '');
    if (!code) return c.json({ error: 'code: expected a 6-character booking code' }, 400);
    const result = service.mark(code, status, officer(c), clock.now(), { confirm: c.req.query('confirm') === 'true' });
    if (!result.ok) return c.json({ error: result.error }, result.status as 404 | 409);
    return c.json({ booking: result.booking });
  };
  admin.post('/booking/bookings/:code/check-in', mark('checked_in'));
  admin.post('/booking/bookings/:code/no-show', mark('no_show'));

  admin.get('/booking/capacity', (c) => {
    const pl = placeParam(c, service);
    if (!pl.ok) return pl.res;
    const today = calendar.today(clock.now());
    return c.json({ place: pl.place, file: service.fileCapacity(pl.place), default: store.capacity('default', pl.place) ?? null, overrides: store.capacityOverrides(today, '9999-12-31', pl.place) });
  });

  admin.put('/booking/capacity/:scope', async (c) => {
    const scope = c.req.param('scope');
    if (scope !== 'default') {
      const p = dateParam(c, 'scope');
      if (!p.ok) return p.res;
    }
    const pl = placeParam(c, service);
    if (!pl.ok) return pl.res;
    const b = await body(c, Capacity);
    if (!b.ok) return b.res;
    const result = service.setCapacity(scope, b.data, officer(c), clock.now(), pl.place);
    if (!result.ok) {
      return c.json({ error: `per_day: fewer places than already booked (${result.conflicts.map((x) => `${x.date}: ${x.taken}`).join(', ')}). Close the day or ask residents to move first.` }, 409);
    }
    return c.json({ scope, place: pl.place, capacity: b.data, sessions: sessionsOf(b.data) });
  });

  admin.delete('/booking/capacity/:date', (c) => {
    const p = dateParam(c);
    if (!p.ok) return p.res;
    const pl = placeParam(c, service);
    if (!pl.ok) return pl.res;
    const result = service.clearCapacity(p.date, officer(c), clock.now(), pl.place);
    if (!result.ok) return c.json({ error: `The default quota is smaller than the ${result.conflicts[0]!.taken} places already booked on ${p.date}.` }, 409);
    return c.json({ date: p.date, place: pl.place, capacity: service.capacityFor(p.date, pl.place) });
  });

  admin.get('/booking/waitlist', (c) => {
    const q = c.req.query('date');
    const parsed = IsoDate.safeParse(q);
    if (!parsed.success) return c.json({ error: `date: ${q === undefined ? 'add ?date=YYYY-MM-DD' : parsed.error.issues[0]!.message}` }, 400);
    return c.json({
      date: parsed.data,
      waitlist: store.waitlistOn(parsed.data).map((w) => ({
        id: w.id,
        place: w.place,
        name: w.name,
        nik: maskNik(w.nik),
        reason: w.reason,
        status: w.status,
        since: w.created_at,
        bookingCode: w.booking_id ? (store.byId(w.booking_id)?.code ?? null) : null,
      })),
    });
  });
}
