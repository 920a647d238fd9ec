// The officer-editable booking data (flows/booking.yaml, holidays.json, regions.json),
// validated at start-up: a typo stops the bot with the file and field named.
import path from 'node:path';
import { z } from 'zod';
import { ContentError, loadDataFile } from '../content/load.js';
import { Bilingual } from '../content/schema.js';
import type { Regions } from './nik.js';

export const Clock24 = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time like 08:00');

/** How a day's quota is split into arrival sessions. */
export const Capacity = z
  .object({
    per_day: z.number().int().min(1).max(500),
    first_session: Clock24,
    sessions: z.number().int().min(1).max(24),
    session_minutes: z.number().int().min(5).max(240),
  })
  .strict()
  .refine((c) => c.sessions <= c.per_day, { message: 'more sessions than places: each session needs at least one place', path: ['sessions'] })
  .refine((c) => minutesOf(c.first_session) + (c.sessions - 1) * c.session_minutes < 24 * 60, {
    message: 'the last session would start after midnight',
    path: ['session_minutes'],
  });
export type Capacity = z.infer<typeof Capacity>;

export const Reason = z
  .object({
    id: z.string().regex(/^[a-z0-9_]{1,20}$/, 'use lower-case letters, digits and _ (at most 20)'),
    label: Bilingual,
    /** What to bring as proof of the urgency. */
    proof: Bilingual,
    /** Ask the resident to describe the need in a sentence ("other"). */
    describe: z.boolean().default(false),
    /** Words residents type for it ("bpjs", "rs", "berobat", "melamar kerja"), matched as whole words. */
    keywords: z.array(z.string().min(2)).default([]),
  })
  .strict();
export type Reason = z.infer<typeof Reason>;

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** A place where recording is done (the Dinas, the MPP, a kecamatan office), with its own quota. */
export const Place = z
  .object({
    id: z.string().regex(/^[a-z0-9_]{1,20}$/, 'use lower-case letters, digits and _ (at most 20)'),
    name: Bilingual,
    address: Bilingual,
    /** A map link residents can open. */
    map_url: z.url({ message: 'expected a full address (https://…)' }).optional(),
    hours: Bilingual.optional(),
    /** Its own daily quota and sessions (default: `quota`). */
    quota: Capacity.optional(),
    /** Weekdays it records (default Monday–Friday); holidays and officers' closures still apply. */
    open_days: z.array(z.enum(WEEKDAYS, { message: 'use sun, mon, tue, wed, thu, fri, sat' })).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
    /** Words residents may type to pick it ("mpp", "mal"). */
    keywords: z.array(z.string().min(2)).default([]),
  })
  .strict();
export type Place = z.infer<typeof Place>;

/** The place of a one-place office: its id in the database. */
export const MAIN_PLACE = 'main';

export const BookingSettings = z
  .object({
    quota: Capacity,
    /** How far ahead residents may book, in working days (today counts when before the cut-off). */
    horizon_working_days: z.number().int().min(1).max(60),
    /** How many free days one list shows. */
    days_shown: z.number().int().min(1).max(9),
    /** After this time, today is no longer offered. */
    same_day_cutoff: Clock24,
    max_active_per_chat: z.number().int().min(1).max(20),
    no_show_ban_days: z.number().int().min(0).max(365),
    /** Days after a booking's date until its NIK and name are masked (UU 27/2022: keep personal data only while needed). */
    keep_personal_data_days: z.number().int().min(1).max(3650),
    waitlist_hold_minutes: z.number().int().min(5).max(24 * 60),
    reminders: z.object({ afternoon_before: Clock24, morning_of: Clock24 }).strict(),
    min_age: z.number().int().min(0).max(30),
    /** The one place of a one-place office (used when `places` is not given). */
    place: Bilingual.optional(),
    /** Several places: the resident picks one first; each has its own quota. */
    places: z.array(Place).min(1).max(9).optional(),
    bring: z.array(Bilingual).min(1),
    reasons: z.array(Reason).min(1).max(9),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (!s.place && !s.places) ctx.addIssue({ code: 'custom', message: 'say where recording is done: "place" (one place) or "places" (several)', path: ['place'] });
    const placeIds = new Set<string>();
    s.places?.forEach((p, i) => {
      if (placeIds.has(p.id)) ctx.addIssue({ code: 'custom', message: `duplicate place id "${p.id}"`, path: ['places', i, 'id'] });
      placeIds.add(p.id);
    });
    if (s.keep_personal_data_days <= s.no_show_ban_days) {
      ctx.addIssue({ code: 'custom', message: 'must be longer than no_show_ban_days (a no-show is matched by NIK)', path: ['keep_personal_data_days'] });
    }
    const seen = new Set<string>();
    s.reasons.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', message: `duplicate reason id "${r.id}"`, path: ['reasons', i, 'id'] });
      seen.add(r.id);
    });
  });
export type BookingSettings = z.infer<typeof BookingSettings>;

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date like 2026-12-24');

/** Whether "YYYY-MM-DD" is a date that exists (no 2026-13-25, no 2027-02-29). */
export function isRealDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

export const HOLIDAY_KINDS = ['libur_nasional', 'cuti_bersama'] as const;
export type HolidayKind = (typeof HOLIDAY_KINDS)[number];

const HolidayEntry = z
  .object({
    date: z.string(),
    /** libur_nasional (national holiday) or cuti_bersama (joint leave; some offices open by circular). */
    kind: z.string(),
    name: z.string().min(1),
  })
  .strict();

const HolidayYear = z
  .object({
    year: z.number().int().min(2020).max(2100),
    /** confirmed: checked against the published SKB; unconfirmed: taken from secondary sources, officers confirm it (dashboard or here). */
    status: z.enum(['confirmed', 'unconfirmed'], { message: 'expected "confirmed" or "unconfirmed"' }),
    /** Where the list comes from: the decree and the pages it was checked against. */
    source: z.string().min(5, 'say where the list comes from (the SKB and its numbers)'),
    days: z.array(HolidayEntry).min(1),
  })
  .strict();

/** flows/holidays.json: one list per year. Every entry is checked: a real date of its year, once, a known kind. */
export const Holidays = z
  .object({
    _help: z.string().optional(),
    years: z.array(HolidayYear).min(1),
  })
  .strict()
  .superRefine((h, ctx) => {
    const years = new Set<number>();
    const seen = new Map<string, string>();
    h.years.forEach((y, yi) => {
      if (years.has(y.year)) ctx.addIssue({ code: 'custom', message: `year ${y.year} is listed twice`, path: ['years', yi, 'year'] });
      years.add(y.year);
      y.days.forEach((d, di) => {
        const entry = `entry "${d.date} ${d.name}"`;
        const at = (field: string) => ['years', yi, 'days', di, field];
        if (!IsoDate.safeParse(d.date).success) ctx.addIssue({ code: 'custom', message: `${entry}: expected a date like 2027-01-01`, path: at('date') });
        else if (!isRealDate(d.date)) ctx.addIssue({ code: 'custom', message: `${entry}: no such date`, path: at('date') });
        else if (Number(d.date.slice(0, 4)) !== y.year) ctx.addIssue({ code: 'custom', message: `${entry}: not in the list of ${y.year}`, path: at('date') });
        else if (seen.has(d.date)) ctx.addIssue({ code: 'custom', message: `${entry}: the date is already listed (${seen.get(d.date)})`, path: at('date') });
        if (!(HOLIDAY_KINDS as readonly string[]).includes(d.kind)) {
          ctx.addIssue({ code: 'custom', message: `${entry}: unknown kind "${d.kind}" (use ${HOLIDAY_KINDS.join(' or ')})`, path: at('kind') });
        }
        seen.set(d.date, d.name);
      });
    });
  });
export type Holidays = z.infer<typeof Holidays>;

const RegionsSchema = z
  .object({
    _source: z.string().optional(),
    provinces: z.record(z.string().regex(/^\d{2}$/), z.string().min(1)),
    regencies: z.record(z.string().regex(/^\d{2}$/), z.record(z.string().regex(/^\d{4}$/), z.string().min(1))),
    districts: z.record(z.string().regex(/^\d{4}$/), z.record(z.string().regex(/^\d{6}$/), z.string().min(1))),
  })
  .strict();

export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** The places of the office, as the booking code uses them: one place keeps today's behaviour. */
export interface PlaceInfo {
  id: string;
  name: Bilingual;
  address?: Bilingual;
  map_url?: string;
  hours?: Bilingual;
  quota: Capacity;
  /** Weekday numbers (0 = Sunday) it records. */
  openDays: ReadonlySet<number>;
  keywords: string[];
}

export function placesOf(s: BookingSettings): PlaceInfo[] {
  if (!s.places) return [{ id: MAIN_PLACE, name: s.place!, quota: s.quota, openDays: new Set([1, 2, 3, 4, 5]), keywords: [] }];
  return s.places.map((p) => ({
    id: p.id,
    name: p.name,
    address: p.address,
    map_url: p.map_url,
    hours: p.hours,
    quota: p.quota ?? s.quota,
    openDays: new Set(p.open_days.map((d) => WEEKDAYS.indexOf(d))),
    keywords: p.keywords,
  }));
}

/** "Name, address · map link": how confirmations and reminders name a place. */
export function placeText(p: PlaceInfo, lang: 'id' | 'en'): string {
  return [p.name[lang], p.address?.[lang]].filter(Boolean).join(', ') + (p.map_url ? ` (${p.map_url})` : '');
}

export interface BookingData {
  settings: BookingSettings;
  holidays: Holidays;
  regions: Regions;
}

export function loadBookingData(contentDir: string): BookingData {
  const settings = loadDataFile(path.join(contentDir, 'booking.yaml'), BookingSettings);
  const holidays = loadDataFile(path.join(contentDir, 'holidays.json'), Holidays);
  const regionsFile = path.join(contentDir, 'regions.json');
  const regions = loadDataFile(regionsFile, RegionsSchema);
  if (Object.keys(regions.provinces).length < 30) throw new ContentError(`${regionsFile}: field "provinces": the list looks incomplete`);
  return { settings, holidays, regions };
}
