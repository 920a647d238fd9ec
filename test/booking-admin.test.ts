// The officers' JSON API for bookings, over the same HTTP app, with a real token.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { bookingFeature, type BookingFeature } from '../src/booking/feature.js';
import { webChatFeature } from '../src/channels/web/feature.js';
import { makeBookingApp, makeTestApp, type TestApp } from './helpers.js';

const TOKEN = 'officer-token-0123456789';
let t: TestApp;
let booking: BookingFeature;

beforeEach(async () => {
  ({ t, booking } = await makeBookingApp({ env: { ADMIN_TOKEN: TOKEN } }));
});
afterEach(() => t.close());

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await t.ctx.http.request(`/api/admin/booking${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json().catch(() => null)) as any };
}

/** Books directly through the service, as a resident's chat would. */
function seed(i: number, date: string, session = 0) {
  const resident = t.ctx.store.upsertResident('web', `resident-admin-${i}`, undefined, 'id', t.clock.now());
  const r = booking.service.reserve({ residentId: resident.id, nik: `180302120495${String(i).padStart(4, '0')}`, name: `Warga Nomor ${'ABCDEFGHIJ'[i % 10]}`, reason: 'hospital', reasonNote: null, date, session }, t.clock.now());
  if (!r.ok) throw new Error(r.why);
  return r.booking.code;
}

function audit(action: string) {
  return t.ctx.db.prepare('SELECT actor, action, subject, detail FROM audit_log WHERE action = ? ORDER BY id').all(action) as Array<{ actor: string; subject: string; detail: string }>;
}

test('without the token the API answers 401; without ADMIN_TOKEN it still needs an officer\'s API token', async () => {
  const res = await t.ctx.http.request('/api/admin/booking/days/2026-12-01');
  expect(res.status).toBe(401);
  expect(((await res.json()) as { error: string }).error).toMatch(/Authorization: Bearer/);
  const wrong = await t.ctx.http.request('/api/admin/booking/days/2026-12-01', { headers: { authorization: 'Bearer not-the-token-at-all' } });
  expect(wrong.status).toBe(401);

  const off = await makeTestApp({ features: [bookingFeature, webChatFeature] });
  try {
    const r = await off.ctx.http.request('/api/admin/booking/days/2026-12-01');
    expect(r.status).toBe(401);
    expect(((await r.json()) as { error: string }).error).toMatch(/API token/);
  } finally {
    await off.close();
  }
});

test('a day lists name, masked NIK, reason, session and status; the full NIK never leaves', async () => {
  const code = seed(1, '2026-12-01', 1);
  const { status, json } = await api('GET', '/days/2026-12-01');
  expect(status).toBe(200);
  expect(json).toMatchObject({ date: '2026-12-01', kind: 'working', open: true, quota: 20 });
  expect(json.sessions).toEqual([
    { index: 0, time: '08:00', capacity: 5, taken: 0 },
    { index: 1, time: '08:30', capacity: 5, taken: 1 },
    { index: 2, time: '09:00', capacity: 5, taken: 0 },
    { index: 3, time: '09:30', capacity: 5, taken: 0 },
  ]);
  expect(json.bookings).toEqual([expect.objectContaining({ code, queueNo: 6, session: '08:30', name: 'Warga Nomor B', nik: '1803**********01', reason: 'hospital', status: 'active' })]);
  expect(JSON.stringify(json)).not.toContain('1803021204950001');
});

test('check-in and no-show are recorded with the officer name in the audit log', async () => {
  const a = seed(1, '2026-11-30', 3);
  const b = seed(2, '2026-11-30', 3);
  const future = seed(3, '2026-12-01', 0);
  expect((await api('POST', `/bookings/${a}/check-in`, undefined, { 'X-Officer': 'Rina' })).json.booking.status).toBe('checked_in');
  expect((await api('POST', `/bookings/${b}/no-show`)).json.booking.status).toBe('no_show');
  const early = await api('POST', `/bookings/${future}/no-show`);
  expect(early.status).toBe(409);
  expect(early.json.error).toMatch(/only be marked on or after that day/);
  expect((await api('POST', `/bookings/${future}/check-in`)).json.error).toMatch(/check-in is on that day only/);
  expect((await api('POST', '/bookings/ZZZZZZ/check-in')).status).toBe(404);
  expect((await api('POST', '/bookings/not-a-code/check-in')).json.error).toMatch(/6-character booking code/);
  expect(audit('booking.check_in')).toEqual([expect.objectContaining({ actor: 'Rina', subject: a })]);
  expect(audit('booking.no_show')).toEqual([expect.objectContaining({ actor: 'admin', subject: b })]);
});

describe('quota and sessions', () => {
  test('a per-date override changes what residents are offered; going below the booked count is refused', async () => {
    for (let i = 1; i <= 3; i++) seed(i, '2026-12-02', 0);
    const ok = await api('PUT', '/capacity/2026-12-02', { per_day: 6, first_session: '08:00', sessions: 2, session_minutes: 60 }, { 'X-Officer': 'Kasi Pendaftaran' });
    expect(ok.status).toBe(200);
    expect(ok.json.sessions.map((s: { time: string; capacity: number }) => `${s.time}×${s.capacity}`)).toEqual(['08:00×3', '09:00×3']);
    expect(booking.service.freeSessions('2026-12-02', t.clock.now())).toEqual([
      { index: 0, time: '08:00', free: 0 },
      { index: 1, time: '09:00', free: 3 },
    ]);
    const tooSmall = await api('PUT', '/capacity/2026-12-02', { per_day: 2, first_session: '08:00', sessions: 1, session_minutes: 60 });
    expect(tooSmall.status).toBe(409);
    expect(tooSmall.json.error).toMatch(/fewer places than already booked \(2026-12-02: 3\)/);
    expect(audit('booking.capacity.set')).toEqual([expect.objectContaining({ actor: 'Kasi Pendaftaran', subject: '2026-12-02' })]);

    const dflt = await api('PUT', '/capacity/default', { per_day: 10, first_session: '08:30', sessions: 2, session_minutes: 45 });
    expect(dflt.status).toBe(200);
    expect(booking.service.capacityFor('2026-12-03')).toMatchObject({ per_day: 10, first_session: '08:30' });
    expect(booking.service.capacityFor('2026-12-02')).toMatchObject({ per_day: 6 }); // the override still wins
    expect((await api('DELETE', '/capacity/2026-12-02')).json.capacity).toMatchObject({ per_day: 10 });
  });

  test('bad bodies get a 400 that names the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{not json', /must be JSON/],
      [{}, /^per_day: /],
      [{ per_day: 'twenty', first_session: '08:00', sessions: 4, session_minutes: 30 }, /^per_day: /],
      [{ per_day: 20, first_session: '8 pagi', sessions: 4, session_minutes: 30 }, /^first_session: expected a time like 08:00/],
      [{ per_day: 3, first_session: '08:00', sessions: 4, session_minutes: 30 }, /^sessions: more sessions than places/],
      [{ per_day: 20, first_session: '23:00', sessions: 4, session_minutes: 30 }, /^session_minutes: the last session would start after midnight/],
      [{ per_day: 20, first_session: '08:00', sessions: 4, session_minutes: 30, extra: 1 }, /extra|Unrecognized/i],
    ];
    for (const [body, error] of cases) {
      const r = await api('PUT', '/capacity/2026-12-02', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error).toMatch(error);
    }
    expect((await api('PUT', '/capacity/2026-02-30', { per_day: 20, first_session: '08:00', sessions: 4, session_minutes: 30 })).json.error).toMatch(/^date: no such date/);
    expect((await api('POST', '/days/2026-12-02/close', { reason: '' })).json.error).toMatch(/^reason: /);
    expect((await api('POST', '/days/2026-12-02/close', 'null')).status).toBe(400);
    expect((await api('GET', '/waitlist')).json.error).toMatch(/date: add \?date=YYYY-MM-DD/);
  });
});

describe('closing and opening days', () => {
  test('closing a day with bookings notifies each resident; the day disappears from the offer; audit says who', async () => {
    seed(1, '2026-12-03', 0);
    seed(2, '2026-12-03', 2);
    const r = await api('POST', '/days/2026-12-03/close', { reason: 'Rapat koordinasi' }, { 'X-Officer': 'Budi' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ affected: 2, day: { kind: 'closed', open: false, note: 'Rapat koordinasi' } });
    expect(r.json.day.bookings.map((b: { status: string }) => b.status)).toEqual(['closed', 'closed']);
    const notes = t.ctx.db.prepare(`SELECT payload FROM outbox WHERE kind = 'notification'`).all() as Array<{ payload: string }>;
    expect(notes).toHaveLength(2);
    expect(JSON.parse(notes[0]!.payload).text).toMatch(/kantor tutup pada Kamis, 3 Desember 2026 \(Rapat koordinasi\)/);
    expect(booking.service.bookableDays(t.clock.now())).not.toContain('2026-12-03');
    expect(audit('booking.day.close')).toEqual([expect.objectContaining({ actor: 'Budi', subject: '2026-12-03' })]);
  });

  test('opening a Saturday makes it bookable; the calendar view warns about the unconfirmed 2027 list', async () => {
    const r = await api('POST', '/days/2026-12-05/open', { reason: 'Layanan Sabtu untuk BPJS' });
    expect(r.json.day).toMatchObject({ kind: 'opened', open: true });
    expect(booking.service.bookableDays(t.clock.now())).toContain('2026-12-05');

    const cal = await api('GET', '/calendar?days=40');
    expect(cal.json.warnings).toEqual([expect.stringMatching(/2027 holidays are loaded but not confirmed/)]);
    expect(cal.json.days.find((d: { date: string }) => d.date === '2026-12-24')).toMatchObject({ kind: 'cuti_bersama', open: false });
    expect((await api('POST', '/days/2026-11-27/close', { reason: 'terlambat' })).status).toBe(409);
  });
});

test('the waitlist of a day, with masked NIKs', async () => {
  await api('PUT', '/capacity/2026-12-01', { per_day: 1, first_session: '08:00', sessions: 1, session_minutes: 30 });
  seed(1, '2026-12-01');
  const resident = t.ctx.store.upsertResident('web', 'resident-admin-wait', undefined, 'id', t.clock.now());
  const w = booking.service.joinWaitlist({ residentId: resident.id, nik: '1803025504950009', name: 'Siti Menunggu', reason: 'bpjs', reasonNote: null, date: '2026-12-01' }, t.clock.now());
  expect(w).toMatchObject({ ok: true, position: 1 });
  const r = await api('GET', '/waitlist?date=2026-12-01');
  expect(r.json.waitlist).toEqual([expect.objectContaining({ name: 'Siti Menunggu', nik: '1803**********09', status: 'waiting', bookingCode: null })]);
});
