// Start-up: the officer-editable booking files are checked (errors name file and field),
// and the log says what officers must know (admin API off, holidays not loaded).
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
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

test('a holiday outside its year in holidays.json is named', () => {
  const dir = contentCopy();
  const file = path.join(dir, 'holidays.json');
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  data.days.push({ date: '2027-01-01', name: 'Tahun Baru 2027 Masehi' });
  fs.writeFileSync(file, JSON.stringify(data));
  expect(() => build(dir)).toThrow(/holidays\.json: field "days\.25\.date": year 2027 is not in "years"/);
});

test('start-up warns when the coming holidays are not loaded', async () => {
  const { app, lines } = build(path.resolve('flows'), new FakeClock('2026-12-14T02:00:00.000Z'));
  await app.startFeatures();
  await app.close();
  const log = lines.join('');
  expect(log).toMatch(/holiday list of the coming period is not loaded/);
  expect(log).toMatch(/"years":\[2027\]/);
});
