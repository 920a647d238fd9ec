// Which days the office records: Monday–Friday, minus national holidays and cuti bersama,
// minus days officers close, plus days officers open. A year's list may be unconfirmed (its
// dates closed, its other days offered with a note) or missing (fixed-date holidays closed,
// other weekdays as officers set). Pure: the clock and the officers'
// overrides are passed in; every date is a calendar date in the office time zone.
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import 'dayjs/locale/id.js';
import type { Holidays } from './settings.js';
import { minutesOf } from './settings.js';

dayjs.extend(utc);
dayjs.extend(timezone);

export interface DayOverride {
  date: string;
  /** true: officers opened a day that is normally off; false: officers closed it. */
  open: boolean;
  reason: string;
}

/**
 * working: an ordinary weekday; no_list: a weekday of a year without a holiday list that
 * officers keep closed (the setting "days of a year with no list").
 */
export type DayKind = 'working' | 'weekend' | 'holiday' | 'cuti_bersama' | 'closed' | 'opened' | 'no_list';

/** How sure the calendar is about a year: its list is confirmed, loaded but unconfirmed, or missing. */
export type YearListStatus = 'confirmed' | 'unconfirmed' | 'none';

export interface DayInfo {
  date: string;
  kind: DayKind;
  bookable: boolean;
  /** Holiday name or the officers' reason. */
  note?: string;
  /** False when the holiday list of that year is not loaded: only weekends and fixed-date holidays are known. */
  holidaysKnown: boolean;
  /** The state of that year's holiday list (residents see a note on days of an unconfirmed year). */
  list: YearListStatus;
}

/** What officers decided in the database (not in files): read per request by the booking service. */
export interface CalendarPolicy {
  /** Years whose list an officer confirmed (in the dashboard), with the list as it was then. */
  confirmedYears: ReadonlyMap<number, string>;
  /** Weekdays of a year with no holiday list: bookable or not (default not). */
  unlistedBookable: boolean;
}

export const DEFAULT_POLICY: CalendarPolicy = { confirmedYears: new Map(), unlistedBookable: false };

/** Holidays on the same date every year: closed even in a year with no list. */
export const FIXED_HOLIDAYS: Record<string, string> = {
  '01-01': 'Tahun Baru Masehi',
  '05-01': 'Hari Buruh Internasional',
  '06-01': 'Hari Lahir Pancasila',
  '08-17': 'Hari Kemerdekaan Republik Indonesia',
  '12-25': 'Hari Raya Natal',
};

export interface HolidayYearInfo {
  year: number;
  fileStatus: 'confirmed' | 'unconfirmed';
  source: string;
  /** A fingerprint of the year's dates: a confirmation holds only for the list it was given to. */
  fingerprint: string;
  days: number;
}

export type OverrideLookup = (date: string) => DayOverride | undefined;

const noOverrides: OverrideLookup = () => undefined;

/** Remembers up to `max` results; dayjs with time zones is slow enough to matter in a surge. */
function memo<K, V>(fn: (key: K) => V, max = 5000): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      if (cache.size >= max) cache.clear();
      value = fn(key);
      cache.set(key, value);
    }
    return value;
  };
}

export class OfficeCalendar {
  private readonly holidays: Map<string, { name: string; kind: 'libur_nasional' | 'cuti_bersama' }>;
  private readonly years: Map<number, HolidayYearInfo>;
  /** Office date and minute of day of an instant, by the minute. */
  private readonly local = memo((minute: number) => {
    const d = dayjs(minute * 60_000).tz(this.tz);
    return { date: d.format('YYYY-MM-DD'), minute: d.hour() * 60 + d.minute() };
  });
  private readonly instant = memo((dateTime: string) => dayjs.tz(dateTime, 'YYYY-MM-DD HH:mm', this.tz).valueOf());
  private readonly shifted = memo((key: string) => {
    const [date, days] = key.split('|') as [string, string];
    return dayjs.utc(date).add(Number(days), 'day').format('YYYY-MM-DD');
  });
  private readonly weekday = memo((date: string) => dayjs.utc(date).day());

  constructor(
    data: Holidays,
    readonly tz: string,
  ) {
    this.holidays = new Map(data.years.flatMap((y) => y.days.map((d) => [d.date, { name: d.name, kind: d.kind as 'libur_nasional' | 'cuti_bersama' }] as const)));
    this.years = new Map(
      data.years.map((y) => [
        y.year,
        {
          year: y.year,
          fileStatus: y.status,
          source: y.source,
          fingerprint: y.days.map((d) => `${d.date}:${d.kind}`).sort().join(','),
          days: y.days.length,
        },
      ]),
    );
  }

  /** The office's calendar date at `now`. */
  today(now: Date): string {
    return this.local(Math.floor(now.getTime() / 60_000)).date;
  }

  /** Minutes since the office's midnight at `now`. */
  minuteOfDay(now: Date): number {
    return this.local(Math.floor(now.getTime() / 60_000)).minute;
  }

  /** The instant of `hhmm` office time on `date`. */
  at(date: string, hhmm: string): Date {
    return new Date(this.instant(`${date} ${hhmm}`));
  }

  addDays(date: string, days: number): string {
    return this.shifted(`${date}|${days}`);
  }

  /** 0 = Sunday … 6 = Saturday. */
  weekdayOf(date: string): number {
    return this.weekday(date);
  }

  holidaysKnown(date: string): boolean {
    return this.years.has(Number(date.slice(0, 4)));
  }

  /** The years with a list in holidays.json, oldest first. */
  listedYears(): HolidayYearInfo[] {
    return [...this.years.values()].sort((a, b) => a.year - b.year);
  }

  yearInfo(year: number): HolidayYearInfo | undefined {
    return this.years.get(year);
  }

  /** The dates on a year's list (national holidays and cuti bersama, weekends included), by date: what officers check against the SKB. */
  listOf(year: number): Array<{ date: string; kind: 'libur_nasional' | 'cuti_bersama'; name: string }> {
    const prefix = `${year}-`;
    return [...this.holidays].filter(([date]) => date.startsWith(prefix)).map(([date, h]) => ({ date, ...h })).sort((a, b) => a.date.localeCompare(b.date));
  }

  /** Confirmed in the file, or by an officer for exactly this list; unconfirmed; or no list at all. */
  yearStatus(year: number, policy: CalendarPolicy = DEFAULT_POLICY): YearListStatus {
    const info = this.years.get(year);
    if (!info) return 'none';
    if (info.fileStatus === 'confirmed' || policy.confirmedYears.get(year) === info.fingerprint) return 'confirmed';
    return 'unconfirmed';
  }

  dayInfo(date: string, overrides: OverrideLookup = noOverrides, policy: CalendarPolicy = DEFAULT_POLICY): DayInfo {
    const holidaysKnown = this.holidaysKnown(date);
    const list = this.yearStatus(Number(date.slice(0, 4)), policy);
    const override = overrides(date);
    if (override && !override.open) return { date, kind: 'closed', bookable: false, note: override.reason, holidaysKnown, list };
    if (override?.open) return { date, kind: 'opened', bookable: true, note: override.reason, holidaysKnown, list };
    const weekday = this.weekday(date);
    if (weekday === 0 || weekday === 6) return { date, kind: 'weekend', bookable: false, holidaysKnown, list };
    const holiday = this.holidays.get(date);
    if (holiday) return { date, kind: holiday.kind === 'cuti_bersama' ? 'cuti_bersama' : 'holiday', bookable: false, note: holiday.name, holidaysKnown, list };
    // A fixed-date holiday is closed even when a list forgot it or there is no list.
    const fixed = FIXED_HOLIDAYS[date.slice(5)];
    if (fixed) return { date, kind: 'holiday', bookable: false, note: fixed, holidaysKnown, list };
    if (list === 'none' && !policy.unlistedBookable) return { date, kind: 'no_list', bookable: false, holidaysKnown, list };
    return { date, kind: 'working', bookable: true, holidaysKnown, list };
  }

  /**
   * The bookable days from today on, `horizon` of them at most. Today counts only before
   * the same-day cut-off.
   */
  bookableDays(
    now: Date,
    opts: { horizon: number; cutoff: string },
    overrides: OverrideLookup = noOverrides,
    policy: CalendarPolicy = DEFAULT_POLICY,
    /** A place's own open days (a kecamatan desk on Tuesdays only); officers' "opened" days count for every place. */
    openDays?: ReadonlySet<number>,
  ): string[] {
    const today = this.today(now);
    const days: string[] = [];
    const start = this.minuteOfDay(now) < minutesOf(opts.cutoff) ? 0 : 1;
    // A long closure (or a stretch of holidays) must not make this loop forever.
    for (let i = start; i < start + opts.horizon * 4 + 30 && days.length < opts.horizon; i++) {
      const date = this.addDays(today, i);
      const info = this.dayInfo(date, overrides, policy);
      if (info.bookable && (!openDays || info.kind === 'opened' || openDays.has(this.weekday(date)))) days.push(date);
    }
    return days;
  }

  /** Whether `date` can still be booked at `now` (bookable, within the horizon, before the cut-off). */
  isBookable(date: string, now: Date, opts: { horizon: number; cutoff: string }, overrides: OverrideLookup = noOverrides, policy: CalendarPolicy = DEFAULT_POLICY): boolean {
    return this.bookableDays(now, opts, overrides, policy).includes(date);
  }

  /** Years the coming `days` calendar days touch whose holiday list is not loaded. */
  missingYears(now: Date, days: number): number[] {
    const today = this.today(now);
    const missing = new Set<number>();
    for (let i = 0; i <= days; i++) {
      const date = this.addDays(today, i);
      if (!this.holidaysKnown(date)) missing.add(Number(date.slice(0, 4)));
    }
    return [...missing].sort();
  }

  /** Years the coming `days` calendar days touch whose list is loaded but not confirmed. */
  unconfirmedYears(now: Date, days: number, policy: CalendarPolicy = DEFAULT_POLICY): number[] {
    const first = Number(this.today(now).slice(0, 4));
    const last = Number(this.addDays(this.today(now), days).slice(0, 4));
    const out: number[] = [];
    for (let y = first; y <= last; y++) if (this.yearStatus(y, policy) === 'unconfirmed') out.push(y);
    return out;
  }

  private readonly formatted = memo((key: string) => {
    const [date, lang, format] = key.split('|') as [string, string, string];
    return dayjs.utc(date).locale(lang).format(format);
  });

  /** "Senin, 30 Nov" / "Monday, 30 Nov". */
  label(date: string, lang: 'id' | 'en'): string {
    return this.formatted(`${date}|${lang}|dddd, D MMM`);
  }

  /** "Senin, 30 November 2026". */
  longLabel(date: string, lang: 'id' | 'en'): string {
    return this.formatted(`${date}|${lang}|dddd, D MMMM YYYY`);
  }

  /** "10.45" office time (the Indonesian way) or "10:45". */
  timeLabel(instant: Date, lang: 'id' | 'en'): string {
    return dayjs(instant).tz(this.tz).format(lang === 'id' ? 'HH.mm' : 'HH:mm');
  }
}
