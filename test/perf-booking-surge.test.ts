// The "day full, here are other days" answer is computed once per state of the bookings (the
// surge path), yet every refused resident sees the days that have room at that moment, a press
// gets a place as soon as one is made (by this process or another), and officers' text edits
// show at once.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { bookingFeature, type BookingFeature } from '../src/booking/feature.js';
import { webChatFeature } from '../src/channels/web/feature.js';
import { BookingVersion } from '../src/store/booking-version.js';
import { openDatabase } from '../src/store/db.js';
import { choiceIds, makeBookingApp, FakeClock, makeTestApp, tempDir, testNik as nikOf, textOf, walkToConfirm, type TestApp } from './helpers.js';

let t: TestApp;
let booking: BookingFeature;

beforeEach(async () => {
  ({ t, booking } = await makeBookingApp());
});
afterEach(() => t.close());

const tinyDay = (date: string) => booking.service.setCapacity(date, { per_day: 1, first_session: '08:00', sessions: 1, session_minutes: 30 }, 'test', t.clock.now());

/** Up to the confirm button for `date`, session 0. */
const toConfirm = (addr: string, nik: string, date: string) => walkToConfirm(t, addr, nik, date);

test('refused presses are offered only days that still have room, even within the same minute', async () => {
  tinyDay('2026-12-01');
  tinyDay('2026-12-02');
  // Four residents reach the confirm button of 1 Dec (one place) at the same time.
  for (const [i, addr] of ['resident-a', 'resident-b', 'resident-c', 'resident-d'].entries()) await toConfirm(addr, nikOf(i + 1), '2026-12-01');
  expect(textOf(await t.say('resident-a', { choice: 'bk:yes' }))).toMatch(/Kode booking/);

  const b = await t.say('resident-b', { choice: 'bk:yes' });
  expect(textOf(b)).toMatch(/penuh/);
  expect(choiceIds(b)).toContain('d:2026-12-02');
  // The same answer again for the next refused press while nothing changed.
  const c = await t.say('resident-c', { choice: 'bk:yes' });
  expect(choiceIds(c)).toEqual(choiceIds(b));

  // Someone takes the one place of 2 Dec (same minute on the clock).
  await toConfirm('resident-e', nikOf(5), '2026-12-02');
  expect(textOf(await t.say('resident-e', { choice: 'bk:yes' }))).toMatch(/Kode booking/);
  const d = await t.say('resident-d', { choice: 'bk:yes' });
  expect(textOf(d)).toMatch(/penuh/);
  expect(choiceIds(d)).not.toContain('d:2026-12-02');
  expect(choiceIds(d).some((id) => id.startsWith('d:'))).toBe(true);
});

test('a refused press is confirmed once officers add room, from this process or another, within the same minute', async () => {
  tinyDay('2026-12-01');
  for (const [i, addr] of ['resident-a', 'resident-b', 'resident-c', 'resident-d', 'resident-e'].entries()) await toConfirm(addr, nikOf(i + 1), '2026-12-01');
  expect(textOf(await t.say('resident-a', { choice: 'bk:yes' }))).toMatch(/Kode booking/);
  expect(textOf(await t.say('resident-b', { choice: 'bk:yes' }))).toMatch(/penuh/);

  // An officer makes room for one more on the dashboard (this process): the next press gets it.
  booking.service.setCapacity('2026-12-01', { per_day: 2, first_session: '08:00', sessions: 1, session_minutes: 30 }, 'test', t.clock.now());
  expect(textOf(await t.say('resident-c', { choice: 'bk:yes' }))).toMatch(/Kode booking/);
  // Full again: the refusal is remembered for the presses that follow.
  expect(textOf(await t.say('resident-e', { choice: 'bk:yes' }))).toMatch(/penuh/);

  // Another process sharing the database file makes room for one more: this one sees it too.
  const other = await makeTestApp({ dir: t.dir, features: [bookingFeature], clock: t.clock });
  try {
    const otherBooking = other.app.features.find((f) => f.name === 'booking') as BookingFeature;
    otherBooking.service.setCapacity('2026-12-01', { per_day: 3, first_session: '08:00', sessions: 1, session_minutes: 30 }, 'test', t.clock.now());
  } finally {
    await other.close();
  }
  expect(textOf(await t.say('resident-d', { choice: 'bk:yes' }))).toMatch(/Kode booking/);
});

test('the refusal read by many presses follows an officer\'s text edit at once', async () => {
  await t.close();
  const content = tempDir('surge-content-');
  fs.cpSync(path.resolve('flows'), content, { recursive: true });
  t = await makeTestApp({ features: [bookingFeature, webChatFeature], clock: new FakeClock('2026-11-30T02:00:00.000Z'), env: { CONTENT_DIR: content } });
  booking = t.app.features.find((f) => f.name === 'booking') as BookingFeature;
  tinyDay('2026-12-01');
  for (const [i, addr] of ['resident-a', 'resident-b', 'resident-c'].entries()) await toConfirm(addr, nikOf(i + 1), '2026-12-01');
  expect(textOf(await t.say('resident-a', { choice: 'bk:yes' }))).toMatch(/Kode booking/);
  expect(textOf(await t.say('resident-b', { choice: 'bk:yes' }))).toMatch(/sudah penuh/);

  const file = path.join(content, 'texts', 'booking.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('Maaf, kuota {day} sudah penuh.', 'Mohon maaf, tempat pada {day} sudah habis.'));
  expect(t.ctx.services.content!.reload('officer-test').ok).toBe(true);
  const c = textOf(await t.say('resident-c', { choice: 'bk:yes' }));
  expect(c).toMatch(/Mohon maaf, tempat pada Selasa, 1 Desember 2026 sudah habis\./);
  expect(c).not.toMatch(/sudah penuh/);
});

test('the booking tables\' version never comes back after a rolled-back write', () => {
  const db = openDatabase(path.join(tempDir('booking-version-'), 'adminduk.db'));
  try {
    const version = new BookingVersion(db);
    const setting = db.prepare('INSERT OR REPLACE INTO booking_setting (key, value, updated_by, updated_at) VALUES (?, ?, ?, ?)');
    const before = version.current();
    let inside = '';
    try {
      db.transaction(() => {
        setting.run('calendar.unlisted_days_bookable', 'true', 'test', '2026-11-30T00:00:00.000Z');
        inside = version.current();
        throw new Error('rolled back');
      })();
    } catch {
      // The engine's batch failed and is run again message by message.
    }
    expect(inside).not.toBe(before);
    // A different write now must not read as the state seen inside the rolled-back one.
    setting.run('calendar.unlisted_days_bookable', 'false', 'test', '2026-11-30T00:00:00.000Z');
    expect(version.current()).not.toBe(inside);
    expect(version.current()).not.toBe(before);
    // A second reader on the same connection shares the count.
    expect(new BookingVersion(db).current()).toBe(version.current());
  } finally {
    db.close();
  }
});

test('at the press itself: one live booking per NIK, the per-chat limit and a no-show ban still refuse, each with its reason', async () => {
  const direct = (addr: string, nik: string, date: string, session: number) => {
    const resident = t.ctx.store.upsertResident('web', addr, undefined, 'id', t.clock.now());
    const r = booking.service.reserve({ residentId: resident.id, nik, name: 'Warga Lain', reason: 'bpjs', reasonNote: null, date, session }, t.clock.now());
    if (!r.ok) throw new Error(r.why);
    return r.booking.code;
  };
  // The same NIK at the confirm button in two chats: the second press is told about the first booking.
  await toConfirm('press-a', nikOf(40), '2026-12-02');
  await toConfirm('press-b', nikOf(40), '2026-12-02');
  const code = textOf(await t.say('press-a', { choice: 'bk:yes' })).match(/Kode booking\W+([A-Z0-9]{6})/)?.[1];
  expect(code).toBeTruthy();
  expect(textOf(await t.say('press-b', { choice: 'bk:yes' }))).toMatch(new RegExp(`sudah punya booking aktif: ${code}`));

  // A chat that came to hold three bookings meanwhile.
  await toConfirm('press-c', nikOf(41), '2026-12-02');
  for (const i of [42, 43, 44]) direct('press-c', nikOf(i), '2026-12-03', 0);
  expect(textOf(await t.say('press-c', { choice: 'bk:yes' }))).toMatch(/sudah ada 3 booking aktif/);

  // The NIK was booked elsewhere this morning and marked as not come: banned.
  await toConfirm('press-d', nikOf(45), '2026-12-02');
  const noShow = direct('press-elsewhere', nikOf(45), '2026-11-30', 3);
  expect(booking.service.mark(noShow, 'no_show', 'Petugas A', t.clock.now()).ok).toBe(true);
  expect(textOf(await t.say('press-d', { choice: 'bk:yes' }))).toMatch(/tidak datang pada jadwal Senin, 30 November 2026/);
  expect(t.ctx.db.prepare(`SELECT COUNT(*) FROM booking WHERE status = 'active' AND nik IN (?, ?)`).pluck().get(nikOf(41), nikOf(45))).toBe(0);
});
