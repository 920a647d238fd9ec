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

test('Christmas week: cuti bersama and the holidays (also of 2027) are skipped, the horizon counts working days', () => {
  const days = cal.bookableDays(wib('2026-12-21T08:00:00'), opts);
  expect(days).toEqual(['2026-12-21', '2026-12-22', '2026-12-23', '2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-04', '2027-01-06', '2027-01-07']);
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

test('a year whose holidays are not loaded is reported; its fixed-date holidays are closed, its other weekdays follow the setting', () => {
  const only2026 = new OfficeCalendar({ years: holidays.years.filter((y) => y.year === 2026) }, 'Asia/Jakarta');
  const now = wib('2026-12-28T08:00:00');
  expect(only2026.missingYears(now, 10)).toEqual([2027]);
  expect(only2026.dayInfo('2027-01-01')).toMatchObject({ kind: 'holiday', bookable: false, holidaysKnown: false, list: 'none' });
  // Default: no weekday of a year without a list is offered.
  expect(only2026.dayInfo('2027-01-04')).toMatchObject({ kind: 'no_list', bookable: false });
  expect(only2026.bookableDays(now, opts)).toEqual(['2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31']);
  // Officers allow them: weekdays yes, 1 January and weekends still no.
  const allow = { confirmedYears: new Map<number, string>(), unlistedBookable: true };
  const days = only2026.bookableDays(now, opts, undefined, allow);
  expect(days).toContain('2027-01-04');
  expect(days).not.toContain('2027-01-01');
  expect(days).not.toContain('2027-01-02');
  expect(only2026.dayInfo('2027-08-17', undefined, allow)).toMatchObject({ kind: 'holiday', bookable: false });
});

test('2027 is loaded but unconfirmed: its dates are closed, its other days carry the flag until an officer confirms that very list', () => {
  expect(cal.yearStatus(2026)).toBe('confirmed');
  expect(cal.yearStatus(2027)).toBe('unconfirmed');
  expect(cal.yearStatus(2028)).toBe('none');
  expect(cal.dayInfo('2027-01-05')).toMatchObject({ kind: 'holiday', bookable: false, note: 'Isra Mikraj Nabi Muhammad SAW 1448 H' });
  expect(cal.dayInfo('2027-02-05')).toMatchObject({ kind: 'cuti_bersama', bookable: false });
  expect(cal.dayInfo('2027-01-04')).toMatchObject({ kind: 'working', bookable: true, list: 'unconfirmed' });
  const fingerprint = cal.yearInfo(2027)!.fingerprint;
  expect(cal.dayInfo('2027-01-04', undefined, { confirmedYears: new Map([[2027, fingerprint]]), unlistedBookable: false }).list).toBe('confirmed');
  // A confirmation of an earlier list (an isbat moved a date) no longer counts.
  expect(cal.dayInfo('2027-01-04', undefined, { confirmedYears: new Map([[2027, 'old list']]), unlistedBookable: false }).list).toBe('unconfirmed');
  expect(cal.unconfirmedYears(wib('2026-12-18T08:00:00'), 30)).toEqual([2027]);
});

test('labels are Indonesian first', () => {
  expect(cal.label('2026-11-30', 'id')).toBe('Senin, 30 Nov');
  expect(cal.label('2026-11-30', 'en')).toBe('Monday, 30 Nov');
});
