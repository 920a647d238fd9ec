// When officers read a case: office hours (flows/office.yaml) on working days (the booking
// calendar: Monday–Friday minus holidays and cuti bersama). Pure; time is passed in.
import type { OfficeCalendar } from '../booking/calendar.js';
import type { OfficeHours } from './settings.js';

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

export class OfficeTime {
  constructor(
    readonly calendar: OfficeCalendar,
    readonly hours: OfficeHours,
  ) {}

  isWorkingDay(date: string): boolean {
    const kind = this.calendar.dayInfo(date).kind;
    return kind === 'working' || kind === 'opened';
  }

  /** Officers are at work at `now`. */
  inHours(now: Date): boolean {
    const minute = this.calendar.minuteOfDay(now);
    return this.isWorkingDay(this.calendar.today(now)) && minute >= this.hours.open && minute < this.hours.close;
  }

  /** The first working day after `date`. */
  nextWorkingDay(date: string): string {
    let d = date;
    for (let i = 0; i < 60; i++) {
      d = this.calendar.addDays(d, 1);
      if (this.isWorkingDay(d)) return d;
    }
    return d;
  }

  /** `now` when officers are at work, otherwise the next opening time. */
  nextOpening(now: Date): Date {
    if (this.inHours(now)) return now;
    const today = this.calendar.today(now);
    const day = this.isWorkingDay(today) && this.calendar.minuteOfDay(now) < this.hours.open ? today : this.nextWorkingDay(today);
    return this.calendar.at(day, hhmm(this.hours.open));
  }

  /**
   * The deadline of a case opened at `now` with a target of `workingDays` full working days:
   * the closing time of the last of them. The day a case arrives during office hours does
   * not count (a question at 10:00 on Monday with 1 day is due Tuesday at closing time).
   */
  due(now: Date, workingDays: number): Date {
    const today = this.calendar.today(now);
    let day = this.isWorkingDay(today) && this.calendar.minuteOfDay(now) < this.hours.open ? today : this.nextWorkingDay(today);
    for (let i = 1; i < workingDays; i++) day = this.nextWorkingDay(day);
    return this.calendar.at(day, hhmm(this.hours.close));
  }

  closeLabel(): string {
    return hhmm(this.hours.close).replace(':', '.');
  }

  openLabel(): string {
    return hhmm(this.hours.open).replace(':', '.');
  }
}
