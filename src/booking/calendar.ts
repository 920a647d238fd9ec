// Which days the office records: Monday–Friday, minus national holidays and cuti bersama,
// minus days officers close, plus days officers open. Pure: the clock and the officers'
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

export type DayKind = 'working' | 'weekend' | 'holiday' | 'cuti_bersama' | 'closed' | 'opened';

export interface DayInfo {
  date: string;
  kind: DayKind;
  bookable: boolean;
  /** Holiday name or the officers' reason. */
  note?: string;
  /** False when the holiday list of that year is not loaded: only weekends are known. */
  holidaysKnown: boolean;
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
  private readonly holidays: Map<string, string>;
  private readonly years: Set<number>;
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
    this.holidays = new Map(data.days.map((d) => [d.date, d.name]));
    this.years = new Set(data.years);
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

  holidaysKnown(date: string): boolean {
    return this.years.has(Number(date.slice(0, 4)));
  }

  dayInfo(date: string, overrides: OverrideLookup = noOverrides): DayInfo {
    const holidaysKnown = this.holidaysKnown(date);
    const override = overrides(date);
    if (override && !override.open) return { date, kind: 'closed', bookable: false, note: override.reason, holidaysKnown };
    if (override?.open) return { date, kind: 'opened', bookable: true, note: override.reason, holidaysKnown };
    const weekday = this.weekday(date);
    if (weekday === 0 || weekday === 6) return { date, kind: 'weekend', bookable: false, holidaysKnown };
    const holiday = this.holidays.get(date);
    if (holiday) {
      const kind = /^cuti bersama/i.test(holiday) ? 'cuti_bersama' : 'holiday';
      return { date, kind, bookable: false, note: holiday, holidaysKnown };
    }
    return { date, kind: 'working', bookable: true, holidaysKnown };
  }

  /**
   * The bookable days from today on, `horizon` of them at most. Today counts only before
   * the same-day cut-off.
   */
  bookableDays(now: Date, opts: { horizon: number; cutoff: string }, overrides: OverrideLookup = noOverrides): string[] {
    const today = this.today(now);
    const days: string[] = [];
    const start = this.minuteOfDay(now) < minutesOf(opts.cutoff) ? 0 : 1;
    // A long closure (or a stretch of holidays) must not make this loop forever.
    for (let i = start; i < start + opts.horizon * 4 + 30 && days.length < opts.horizon; i++) {
      const date = this.addDays(today, i);
      if (this.dayInfo(date, overrides).bookable) days.push(date);
    }
    return days;
  }

  /** Whether `date` can still be booked at `now` (bookable, within the horizon, before the cut-off). */
  isBookable(date: string, now: Date, opts: { horizon: number; cutoff: string }, overrides: OverrideLookup = noOverrides): boolean {
    return this.bookableDays(now, opts, overrides).includes(date);
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
