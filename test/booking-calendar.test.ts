import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { OfficeCalendar, type DayOverride } from '../src/booking/calendar.js';
import { Holidays } from '../src/booking/settings.js';

const holidays = Holidays.parse(JSON.parse(fs.readFileSync('flows/holidays.json', 'utf8')));
const cal = new OfficeCalendar(holidays, 'Asia/Jakarta');
const opts = { horizon: 10, cutoff: '10:00' };
/** An instant given as office (WIB, UTC+7) wall-clock time. */
const wib = (local: string) => new Date(`${local}+07:00`);
const overrides = (list: DayOverride[]) => (date: string) => list.find((o) => o.date === date);

describe('what kind of day it is', () => {
  test.each([
    ['2026-11-28', 'weekend'],
    ['2026-11-29', 'weekend'],
    ['2026-11-30', 'working'],
    ['2026-08-17', 'holiday'],
    ['2026-12-25', 'holiday'],
    ['2026-12-24', 'cuti_bersama'],
    ['2026-03-23', 'cuti_bersama'],
    ['2026-05-15', 'cuti_bersama'],
  ])('%s is %s', (date, kind) => {
    expect(cal.dayInfo(date).kind).toBe(kind);
    expect(cal.dayInfo(date).bookable).toBe(kind === 'working');
  });
});

test('the office date follows Asia/Jakarta, not UTC', () => {
  // 23:30 UTC on Sunday is already Monday 06:30 in Kotabumi.
  expect(cal.today(new Date('2026-11-29T23:30:00Z'))).toBe('2026-11-30');
});

test('Christmas week: cuti bersama and the holiday are skipped, the horizon counts working days', () => {
  const days = cal.bookableDays(wib('2026-12-21T08:00:00'), opts);
  expect(days).toEqual(['2026-12-21', '2026-12-22', '2026-12-23', '2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01', '2027-01-04', '2027-01-05']);
});

test('same-day cut-off: before it today is offered, after it not', () => {
  expect(cal.bookableDays(wib('2026-11-30T09:59:00'), opts)[0]).toBe('2026-11-30');
  expect(cal.bookableDays(wib('2026-11-30T10:00:00'), opts)[0]).toBe('2026-12-01');
});

test('horizon: never more than N working days ahead', () => {
  expect(cal.bookableDays(wib('2026-11-30T08:00:00'), { horizon: 3, cutoff: '10:00' })).toEqual(['2026-11-30', '2026-12-01', '2026-12-02']);
});

test('officers close a working day and open a Saturday or a cuti bersama day', () => {
  const o = overrides([
    { date: '2026-12-01', open: false, reason: 'listrik padam' },
    { date: '2026-12-05', open: true, reason: 'layanan Sabtu' },
  ]);
  const days = cal.bookableDays(wib('2026-11-30T08:00:00'), { horizon: 4, cutoff: '10:00' }, o);
  expect(days).toEqual(['2026-11-30', '2026-12-02', '2026-12-03', '2026-12-04']);
  expect(cal.bookableDays(wib('2026-12-04T11:00:00'), { horizon: 1, cutoff: '10:00' }, o)).toEqual(['2026-12-05']);
  expect(cal.dayInfo('2026-12-24', overrides([{ date: '2026-12-24', open: true, reason: 'buka saat cuti bersama' }])).bookable).toBe(true);
});

test('a year whose holidays are not loaded is reported, and residents still get correct weekdays', () => {
  const now = wib('2026-12-28T08:00:00');
  expect(cal.missingYears(now, 10)).toEqual([2027]);
  expect(cal.dayInfo('2027-01-01').holidaysKnown).toBe(false);
  // 2 January 2027 is a Saturday: still excluded.
  expect(cal.bookableDays(now, opts)).not.toContain('2027-01-02');
  expect(cal.bookableDays(now, opts)).not.toContain('2027-01-03');
});

test('labels are Indonesian first', () => {
  expect(cal.label('2026-11-30', 'id')).toBe('Senin, 30 Nov');
  expect(cal.label('2026-11-30', 'en')).toBe('Monday, 30 Nov');
});
