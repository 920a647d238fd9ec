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

/** What officers see of a day and of the coming weeks (the JSON API and the dashboard share it). */
export function bookingReports(d: AdminDeps) {
  const { service, store, calendar, clock } = d;

  /** One day as officers see it: open or not, quota per session, who comes when. */
  function dayReport(date: string) {
    const now = clock.now();
    const info = calendar.dayInfo(date, service.overrides(now));
    const cap = service.capacityFor(date);
    const counts = store.sessionCounts(date);
    const bookings = store.onDate(date);
    return {
      date,
      kind: info.kind,
      open: info.bookable,
      note: info.note ?? null,
      holidaysKnown: info.holidaysKnown,
      warning: info.holidaysKnown ? null : `The ${date.slice(0, 4)} holiday list is not loaded: only weekends are known for this day. Add it to holidays.json.`,
      quota: cap.per_day,
      capacitySource: store.capacity(date) ? 'date' : store.capacity('default') ? 'default' : 'file',
      sessions: sessionsOf(cap).map((s) => ({ index: s.index, time: s.time, capacity: s.capacity, taken: counts.get(s.index) ?? 0 })),
      bookings: bookings.map((b) => ({
        code: b.code,
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


  /** The coming days with places taken and warnings (holiday years not loaded). */
  function calendarReport(n: number) {
    const now = clock.now();
    const today = calendar.today(now);
    const overrides = service.overrides(now);
    const counts = store.dayCounts(today, calendar.addDays(today, n));
    const missing = calendar.missingYears(now, n);
    return {
      today,
      missingYears: missing,
      warnings: missing.map((y) => `The ${y} national holidays and cuti bersama are not loaded (holidays.json): residents are offered every weekday of ${y}.`),
      days: Array.from({ length: n }, (_, i) => {
        const date = calendar.addDays(today, i);
        const info = calendar.dayInfo(date, overrides);
        return { date, kind: info.kind, open: info.bookable, note: info.note ?? null, holidaysKnown: info.holidaysKnown, quota: service.capacityFor(date).per_day, taken: counts.get(date) ?? 0 };
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
    return c.json(dayReport(p.date));
  });

  admin.get('/booking/calendar', (c) => {
    const days = z.coerce.number().int().min(1).max(120).default(21).safeParse(c.req.query('days') ?? undefined);
    if (!days.success) return c.json({ error: `days: ${days.error.issues[0]!.message}` }, 400);
    return c.json(calendarReport(days.data));
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
    const today = calendar.today(clock.now());
    return c.json({ file: service.fileCapacity(), default: store.capacity('default') ?? null, overrides: store.capacityOverrides(today, '9999-12-31') });
  });

  admin.put('/booking/capacity/:scope', async (c) => {
    const scope = c.req.param('scope');
    if (scope !== 'default') {
      const p = dateParam(c, 'scope');
      if (!p.ok) return p.res;
    }
    const b = await body(c, Capacity);
    if (!b.ok) return b.res;
    const result = service.setCapacity(scope, b.data, officer(c), clock.now());
    if (!result.ok) {
      return c.json({ error: `per_day: fewer places than already booked (${result.conflicts.map((x) => `${x.date}: ${x.taken}`).join(', ')}). Close the day or ask residents to move first.` }, 409);
    }
    return c.json({ scope, capacity: b.data, sessions: sessionsOf(b.data) });
  });

  admin.delete('/booking/capacity/:date', (c) => {
    const p = dateParam(c);
    if (!p.ok) return p.res;
    const result = service.clearCapacity(p.date, officer(c), clock.now());
    if (!result.ok) return c.json({ error: `The default quota is smaller than the ${result.conflicts[0]!.taken} places already booked on ${p.date}.` }, 409);
    return c.json({ date: p.date, capacity: service.capacityFor(p.date) });
  });

  admin.get('/booking/waitlist', (c) => {
    const q = c.req.query('date');
    const parsed = IsoDate.safeParse(q);
    if (!parsed.success) return c.json({ error: `date: ${q === undefined ? 'add ?date=YYYY-MM-DD' : parsed.error.issues[0]!.message}` }, 400);
    return c.json({
      date: parsed.data,
      waitlist: store.waitlistOn(parsed.data).map((w) => ({
        id: w.id,
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
