// The holiday calendar as residents and officers notice it: the 2027 list is loaded but
// unconfirmed, an officer confirms it without editing files, a year with no list keeps
// fixed-date holidays closed and follows the officers' setting, and a cuti bersama day
// officers open shows their reason. Web chat + admin API on a real SQLite file, injected clock.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { bookingFeature, type BookingFeature } from '../src/booking/feature.js';
import { webChatFeature } from '../src/channels/web/feature.js';
import type { Reply } from '../src/core/types.js';
import { FakeClock, makeTestApp, tempDir, textOf, type TestApp } from './helpers.js';

const TOKEN = 'officer-token-0123456789';
let t: TestApp;
afterEach(() => t?.close());

/** A copy of flows/ where one list shows 9 days (so January shows from 18 December), optionally edited. */
function content(edit?: (holidays: any) => void): string {
  const dir = tempDir('holidays-content-');
  fs.cpSync(path.resolve('flows'), dir, { recursive: true });
  const yaml = path.join(dir, 'booking.yaml');
  fs.writeFileSync(yaml, fs.readFileSync(yaml, 'utf8').replace('days_shown: 5', 'days_shown: 9'));
  if (edit) {
    const file = path.join(dir, 'holidays.json');
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    edit(data);
    fs.writeFileSync(file, JSON.stringify(data));
  }
  return dir;
}

async function start(iso: string, dir = content(), dataDir?: string) {
  t = await makeTestApp({ env: { ADMIN_TOKEN: TOKEN, CONTENT_DIR: dir }, features: [bookingFeature, webChatFeature], clock: new FakeClock(iso), dir: dataDir });
  return t.app.features.find((f) => f.name === 'booking') as BookingFeature;
}

async function api(method: string, p: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await t.ctx.http.request(`/api/admin/booking${p}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json().catch(() => null)) as any };
}

/** The day list a resident gets after rules, reason, NIK and name. */
async function dayList(addr: string): Promise<Reply[]> {
  await t.say(addr, 'menu');
  await t.say(addr, { choice: 'm:book' });
  await t.say(addr, { choice: 'r:bpjs' });
  await t.say(addr, '1803021204950007');
  return t.say(addr, 'Siti Aminah');
}

const dayChoices = (replies: Reply[]) => replies.flatMap((r) => r.choices ?? []).filter((c) => c.id.startsWith('d:'));

test('18 Dec 2026: neither 1 nor 5 Jan 2027 is offered, 4 Jan carries the note; after an officer confirms 2027 the note is gone', async () => {
  // Friday 18 December 2026, 09:00 WIB.
  const booking = await start('2026-12-18T02:00:00.000Z');
  const days = booking.service.bookableDays(t.clock.now());
  expect(days).toEqual(['2026-12-18', '2026-12-21', '2026-12-22', '2026-12-23', '2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-04', '2027-01-06']);

  const before = await dayList('res-dec18');
  const labels = dayChoices(before).map((c) => c.label);
  expect(labels).not.toContainEqual(expect.stringContaining('1 Jan'));
  expect(labels).not.toContainEqual(expect.stringContaining('5 Jan'));
  expect(labels).toContain('Senin, 4 Jan — sisa 20 *');
  expect(labels).toContain('Kamis, 31 Des — sisa 20');
  expect(textOf(before)).toContain('* Hari libur 2027 belum dipastikan kantor.');

  // The session question repeats the note for a 2027 day.
  expect(textOf(await t.say('res-dec18', { choice: 'd:2027-01-04' }))).toContain('Hari libur 2027 belum dipastikan kantor');

  const status = await api('GET', '/holidays');
  expect(status.json.years).toEqual([
    expect.objectContaining({ year: 2026, status: 'confirmed', fileStatus: 'confirmed', days: 25 }),
    expect.objectContaining({ year: 2027, status: 'unconfirmed', fileStatus: 'unconfirmed', days: 26, confirmedBy: null }),
    // The coming months reach into 2028, which has no list yet.
    expect.objectContaining({ year: 2028, status: 'none', fileStatus: null, days: 0 }),
  ]);
  expect(status.json.unlistedDaysBookable).toBe(false);

  const confirmed = await api('POST', '/holidays/2027/confirm', { note: 'dicek dengan salinan SKB' }, { 'X-Officer': 'Rina' });
  expect(confirmed.status).toBe(200);
  expect(confirmed.json).toMatchObject({ year: 2027, status: 'confirmed', confirmedBy: 'Rina' });
  const audit = t.ctx.db.prepare(`SELECT actor, subject FROM audit_log WHERE action = 'booking.holidays.confirm'`).all();
  expect(audit).toEqual([{ actor: 'Rina', subject: '2027' }]);

  const after = await dayList('res-dec18-b');
  expect(dayChoices(after).map((c) => c.label)).toContain('Senin, 4 Jan — sisa 20');
  expect(textOf(after)).not.toContain('belum dipastikan');
  expect((await api('GET', '/calendar?days=30')).json.warnings).toEqual([]);

  // Taking the confirmation back brings the note back.
  expect((await api('DELETE', '/holidays/2027/confirm')).json).toMatchObject({ status: 'unconfirmed' });
  expect(textOf(await dayList('res-dec18-c'))).toContain('belum dipastikan');
});

test('a confirmation holds for the list it was given to: an edited 2027 list needs confirming again', async () => {
  const dir = content();
  const dataDir = tempDir();
  let booking = await start('2026-12-18T02:00:00.000Z', dir, dataDir);
  expect((await api('POST', '/holidays/2027/confirm')).json.status).toBe('confirmed');
  await t.close();
  // After the isbat, Idulfitri moves by a day in the file.
  const file = path.join(dir, 'holidays.json');
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  data.years[1].days.find((d: { date: string }) => d.date === '2027-03-11').date = '2027-03-16';
  fs.writeFileSync(file, JSON.stringify(data));
  booking = await start('2026-12-18T02:00:00.000Z', dir, dataDir);
  const y2027 = (await api('GET', '/holidays')).json.years.find((y: { year: number }) => y.year === 2027);
  expect(y2027).toMatchObject({ status: 'unconfirmed', confirmationOutdated: true });
  expect(booking.service.calendarStatus(t.clock.now(), 30).warnings).toEqual([expect.stringMatching(/2027 holidays are loaded but not confirmed \(the list changed since it was confirmed\)/)]);
  expect((await api('POST', '/holidays/2029/confirm')).status).toBe(404);
});

test('no 2028 list: 1 Jan 2028 and the other fixed-date holidays stay closed; the other 2028 days follow the officers\' setting', async () => {
  // Monday 27 December 2027, 09:00 WIB.
  const booking = await start('2027-12-27T02:00:00.000Z');
  const now = () => t.clock.now();
  expect(booking.service.bookableDays(now())).toEqual(['2027-12-27', '2027-12-28', '2027-12-29', '2027-12-30', '2027-12-31']);
  const cal = await api('GET', '/calendar?days=14');
  expect(cal.json.warnings).toContainEqual(expect.stringMatching(/2028 national holidays and cuti bersama are not loaded.*not offered/));
  expect(cal.json.days.find((d: { date: string }) => d.date === '2028-01-03')).toMatchObject({ kind: 'no_list', open: false, holidayList: 'none' });

  const set = await api('PUT', '/settings/unlisted-days', { bookable: true }, { 'X-Officer': 'Budi' });
  expect(set.status).toBe(200);
  const days = booking.service.bookableDays(now());
  expect(days).toContain('2028-01-03');
  expect(days).not.toContain('2028-01-01');
  const info = booking.calendar.dayInfo('2028-08-17', booking.service.overrides(now()), booking.service.policy());
  expect(info).toMatchObject({ kind: 'holiday', bookable: false });
  expect(booking.calendar.dayInfo('2028-01-01', undefined, booking.service.policy()).bookable).toBe(false);
  // Residents see the 2028 days (no note: the note is about an unconfirmed list, not a missing one).
  const list = await dayList('resident-2028');
  expect(dayChoices(list).map((c) => c.label)).toContain('Senin, 3 Jan — sisa 20');
  expect(t.ctx.db.prepare(`SELECT actor FROM audit_log WHERE action = 'booking.setting.unlisted_days_bookable'`).all()).toEqual([{ actor: 'Budi' }]);

  expect((await api('PUT', '/settings/unlisted-days', { bookable: 'ya' })).status).toBe(400);
  await api('PUT', '/settings/unlisted-days', { bookable: false });
  expect(booking.service.bookableDays(now())).not.toContain('2028-01-03');
});

test('officers open a cuti bersama day with a reason, and residents read that reason', async () => {
  // Monday 1 February 2027, 09:00 WIB; Friday 5 February is cuti bersama (Imlek).
  const booking = await start('2027-02-01T02:00:00.000Z');
  expect(booking.service.bookableDays(t.clock.now())).not.toContain('2027-02-05');
  const opened = await api('POST', '/days/2027-02-05/open', { reason: 'tetap melayani sesuai surat edaran Bupati' });
  expect(opened.json.day).toMatchObject({ kind: 'opened', open: true, holidayList: 'unconfirmed' });
  const list = await dayList('resident-february');
  expect(dayChoices(list).map((c) => c.label)).toContain('Jumat, 5 Feb — sisa 20 (buka khusus)');
  expect(textOf(list)).toContain('Jumat, 5 Feb: kantor buka khusus (tetap melayani sesuai surat edaran Bupati).');
  expect(textOf(await t.say('resident-february', { choice: 'd:2027-02-05' }))).toContain('kantor buka khusus (tetap melayani sesuai surat edaran Bupati)');
});

test('a booking made before its day became a holiday is closed at start-up: the resident is told and offered other days', async () => {
  // 23 Dec 2026, an office still without the 2027 list whose officers let 2027 weekdays be booked.
  const dataDir = tempDir();
  let booking = await start('2026-12-23T02:00:00.000Z', content((h) => (h.years = h.years.filter((y: { year: number }) => y.year === 2026))), dataDir);
  booking.service.setUnlistedDaysBookable(true, 'Budi', t.clock.now());
  const resident = t.ctx.store.upsertResident('web', 'resident-isra-mikraj', undefined, 'id', t.clock.now());
  const made = booking.service.reserve({ residentId: resident.id, nik: '1803021204950007', name: 'Siti Aminah', reason: 'bpjs', reasonNote: null, date: '2027-01-05', session: 0 }, t.clock.now());
  expect(made.ok).toBe(true);
  await t.close();

  // The 2027 list arrives: 5 January is Isra Mikraj.
  booking = await start('2026-12-23T03:00:00.000Z', content(), dataDir);
  await t.app.startFeatures();
  expect(t.ctx.db.prepare(`SELECT status, note FROM booking`).get()).toEqual({ status: 'closed', note: 'Isra Mikraj Nabi Muhammad SAW 1448 H' });
  const notice = JSON.parse(t.ctx.db.prepare(`SELECT payload FROM outbox WHERE kind = 'notification'`).pluck().get() as string);
  expect(notice.text).toMatch(/kantor tutup pada Selasa, 5 Januari 2027 \(Isra Mikraj Nabi Muhammad SAW 1448 H\)/);
  expect(notice.text).toContain('• Senin, 28 Des — sisa 20');
  expect(t.ctx.db.prepare(`SELECT actor FROM audit_log WHERE action = 'booking.day.close'`).pluck().all()).toEqual(['system:holidays']);
  // A second start changes nothing.
  await t.close();
  booking = await start('2026-12-23T04:00:00.000Z', content(), dataDir);
  await t.app.startFeatures();
  expect(t.ctx.db.prepare(`SELECT COUNT(*) FROM outbox WHERE kind = 'notification'`).pluck().get()).toBe(1);
});
