// Start-up: the officer-editable booking files are checked (errors name file and field),
// and the log says what officers must know (admin API off, holidays not loaded).
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { createApp } from '../src/app.js';
import { bookingFeature } from '../src/booking/feature.js';
import { loadCoreConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { FakeClock, tempDir } from './helpers.js';

function contentCopy(): string {
  const dir = tempDir('booking-content-');
  fs.cpSync(path.resolve('flows'), dir, { recursive: true });
  return dir;
}

function build(contentDir: string, clock = new FakeClock(), env: Record<string, string> = {}) {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  const all = { DATA_DIR: tempDir(), CONTENT_DIR: contentDir, LOG_LEVEL: 'info', ...env };
  const app = createApp(loadCoreConfig(all), { clock, env: all, log: createLogger('info', sink), features: [bookingFeature] });
  return { app, lines };
}

test.each([
  ['quota:\n  per_day: 20', 'quota:\n  per_day: "twenty"', /booking\.yaml: field "quota\.per_day"/],
  ['same_day_cutoff: "10:00"', 'same_day_cutoff: "10 pagi"', /booking\.yaml: field "same_day_cutoff": expected a time like 08:00/],
  ['  - id: other', '  - id: bpjs', /booking\.yaml: field "reasons\.4\.id": duplicate reason id "bpjs"/],
])('a mistake in flows/booking.yaml stops start-up naming the field (%s → %s)', (from, to, error) => {
  const dir = contentCopy();
  const file = path.join(dir, 'booking.yaml');
  const text = fs.readFileSync(file, 'utf8');
  expect(text).toContain(from);
  fs.writeFileSync(file, text.replace(from, to));
  expect(() => build(dir)).toThrow(error);
});

describe('every holiday entry is checked at start-up, naming the file and the entry', () => {
  const cases: Array<[string, (data: any) => void, RegExp]> = [
    ['an impossible date', (d) => (d.years[0].days[24].date = '2026-13-25'), /holidays\.json: field "years\.0\.days\.24\.date": entry "2026-13-25 Kelahiran Yesus Kristus \(Hari Raya Natal\)": no such date/],
    ['29 February of a common year', (d) => (d.years[1].days[0].date = '2027-02-29'), /field "years\.1\.days\.0\.date": entry "2027-02-29 Tahun Baru 2027 Masehi": no such date/],
    ['a date listed twice', (d) => d.years[1].days.push({ date: '2027-01-05', kind: 'libur_nasional', name: 'Isra Mikraj' }), /field "years\.1\.days\.26\.date": entry "2027-01-05 Isra Mikraj": the date is already listed/],
    ['an unknown kind', (d) => (d.years[1].days[2].kind = 'CB'), /field "years\.1\.days\.2\.kind": entry "2027-02-05 Cuti Bersama Tahun Baru Imlek 2578 Kongzili": unknown kind "CB"/],
    ['a date in the wrong year', (d) => d.years[0].days.push({ date: '2027-01-01', kind: 'libur_nasional', name: 'Tahun Baru 2027' }), /field "years\.0\.days\.25\.date": entry "2027-01-01 Tahun Baru 2027": not in the list of 2026/],
    ['a year without status', (d) => delete d.years[1].status, /field "years\.1\.status"/],
  ];
  test.each(cases)('%s stops start-up', (_what, change, error) => {
    const dir = contentCopy();
    const file = path.join(dir, 'holidays.json');
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    change(data);
    fs.writeFileSync(file, JSON.stringify(data));
    expect(() => build(dir)).toThrow(error);
  });
});

test('start-up warns that the coming 2027 holidays are not confirmed', async () => {
  const { app, lines } = build(path.resolve('flows'), new FakeClock('2026-12-14T02:00:00.000Z'));
  await app.startFeatures();
  await app.close();
  const log = lines.join('');
  expect(log).toMatch(/holiday list of the coming period is not confirmed/);
  expect(log).toMatch(/"years":\[2027\]/);
  expect(log).not.toMatch(/is not loaded/);
});

test('a coming year with no list at all is warned about, saying what residents get', async () => {
  const dir = contentCopy();
  const file = path.join(dir, 'holidays.json');
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  data.years = data.years.filter((y: { year: number }) => y.year === 2026);
  fs.writeFileSync(file, JSON.stringify(data));
  const { app, lines } = build(dir, new FakeClock('2026-12-14T02:00:00.000Z'));
  await app.startFeatures();
  await app.close();
  expect(lines.join('')).toMatch(/holiday list of the coming period is not loaded; fixed-date holidays are closed and the other weekdays are not offered/);
});
