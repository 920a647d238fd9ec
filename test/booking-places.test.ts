// An office that records at several places (the Dinas and the MPP): the resident picks the
// place first (button, number or typed name), each place has its own quota and sessions held
// by the database even across processes, confirmations and reminders name the place and its
// address, and officers see each place. Real SQLite files, injected clock (Monday 30 Nov 2026).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, expect, test } from 'vitest';
import { createApp } from '../src/app.js';
import { bookingFeature, type BookingFeature } from '../src/booking/feature.js';
import { webChatFeature } from '../src/channels/web/feature.js';
import { loadCoreConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { migrate, openDatabase } from '../src/store/db.js';
import { allMigrations } from '../src/store/migrations/index.js';
import { bookingOf, FakeClock, makeTestApp, tempDir, textOf, type TestApp } from './helpers.js';

const TOKEN = 'officer-token-0123456789';
const PLACES = `places:
  - id: dinas
    name: { id: "Kantor Disdukcapil Lampung Utara", en: "Disdukcapil Lampung Utara office" }
    address: { id: "Jl. Contoh No. 1, Kotabumi", en: "Jl. Contoh No. 1, Kotabumi" }
    map_url: "https://maps.example.org/dinas"
    hours: { id: "Senin–Jumat 08.00–10.00", en: "Monday–Friday 08:00–10:00" }
    quota: { per_day: 8, first_session: "08:00", sessions: 4, session_minutes: 30 }
  - id: mpp
    name: { id: "Mal Pelayanan Publik (MPP) Kotabumi", en: "Public Service Mall (MPP) Kotabumi" }
    address: { id: "Jl. Jenderal Sudirman No. 19, Kel. Cempedak, Kotabumi", en: "Jl. Jenderal Sudirman No. 19, Kel. Cempedak, Kotabumi" }
    quota: { per_day: 4, first_session: "09:00", sessions: 4, session_minutes: 30 }
    open_days: [tue, thu]
    keywords: [mpp, mal]
`;

/** A copy of flows/ whose booking.yaml lists two places instead of the one place. */
function twoPlaces(): string {
  const dir = tempDir('places-content-');
  fs.cpSync(path.resolve('flows'), dir, { recursive: true });
  const file = path.join(dir, 'booking.yaml');
  const text = fs.readFileSync(file, 'utf8');
  const replaced = text.replace(/^place:\n(?:  .*\n)+/m, PLACES);
  expect(replaced).not.toBe(text);
  fs.writeFileSync(file, replaced);
  return dir;
}

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function start(contentDir?: string) {
  t = await makeTestApp({ env: { ADMIN_TOKEN: TOKEN, ...(contentDir ? { CONTENT_DIR: contentDir } : {}) }, features: [bookingFeature, webChatFeature], clock: new FakeClock('2026-11-30T02:00:00.000Z') });
  return { t, booking: t.app.features.find((f) => f.name === 'booking') as BookingFeature };
}

async function api(p: string) {
  const res = await t!.ctx.http.request(`/api/admin/booking${p}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: res.status, json: (await res.json()) as any };
}

test('one place keeps today\'s behaviour: no question about the place', async () => {
  const { t } = await start();
  await t.say('resident-one-place', 'menu');
  const intro = await t.say('resident-one-place', { choice: 'm:book' });
  expect(intro.flatMap((r) => r.choices ?? []).map((c) => c.id.replace(/~[^~]*$/, ''))).toContain('r:bpjs');
  expect(textOf(intro)).not.toMatch(/Pilih tempatnya/);
});

test('a reason said with the request ("rekam ktp darurat buat rumah sakit") is kept through the place question', async () => {
  const { t } = await start(twoPlaces());
  const first = await t.say('resident-reason-place', 'rekam ktp darurat buat rumah sakit');
  expect(textOf(first)).toMatch(/Pilih tempatnya/);
  const next = textOf(await t.say('resident-reason-place', 'mpp'));
  expect(next).toContain('Keperluan: Rumah sakit / rujukan medis.');
  expect(next).toContain('Ketik NIK');
  expect(next).not.toContain('Apa keperluan mendesak');
});

test('"any place" takes the place with the nearest free day', async () => {
  const { t, booking } = await start(twoPlaces());
  const now = t.clock.now();
  // The Dinas is full today and tomorrow (1 place each, taken); the MPP has room tomorrow.
  for (const [i, date] of ['2026-11-30', '2026-12-01'].entries()) {
    booking.service.setCapacity(date, { per_day: 1, first_session: '10:30', sessions: 1, session_minutes: 30 }, 'test', now, 'dinas');
    const r = t.ctx.store.upsertResident('web', `resident-filler-${i}`, undefined, 'id', now);
    expect(booking.service.reserve({ residentId: r.id, nik: `180302120495${String(20 + i).padStart(4, '0')}`, name: 'Warga Lain', reason: 'bpjs', reasonNote: null, date, session: 0, place: 'dinas' }, now).ok).toBe(true);
  }
  const addr = 'resident-any-place';
  await t.say(addr, 'menu');
  await t.say(addr, { choice: 'm:book' });
  await t.say(addr, { choice: 'pl:*' });
  await t.say(addr, { choice: 'r:bpjs' });
  await t.say(addr, '1803021204950007');
  const days = await t.say(addr, 'Siti Aminah');
  expect(textOf(days)).toContain('Tempat: Mal Pelayanan Publik (MPP) Kotabumi');
  expect(days.flatMap((r) => r.choices ?? []).find((c) => c.id.startsWith('d:'))!.id.replace(/~[^~]*$/, '')).toBe('d:2026-12-01');
  await t.say(addr, { choice: 'd:2026-12-01' });
  await t.say(addr, { choice: 's:0' });
  expect(textOf(await t.say(addr, { choice: 'bk:yes' }))).toContain('Jl. Jenderal Sudirman No. 19');
  expect(t.ctx.db.prepare(`SELECT place FROM booking WHERE resident_id = (SELECT id FROM residents WHERE address = ?)`).pluck().get(addr)).toBe('mpp');
});

test('two places: a typed number picks the place', async () => {
  const { t } = await start(twoPlaces());
  await t.say('resident-by-number', 'menu');
  await t.say('resident-by-number', { choice: 'm:book' });
  const reason = await t.say('resident-by-number', '1');
  expect(reason.flatMap((r) => r.choices ?? []).map((c) => c.id.replace(/~[^~]*$/, ''))).toContain('r:bpjs');
  await t.say('resident-by-number', { choice: 'r:bpjs' });
  await t.say('resident-by-number', '1803021204950007');
  expect(textOf(await t.say('resident-by-number', 'Siti Aminah'))).toContain('Tempat: Kantor Disdukcapil Lampung Utara');
});

test('two places: the resident picks the place first (typed name works), sees only its days and sessions; confirmation and reminders name place and address', async () => {
  const { t, booking } = await start(twoPlaces());
  const addr = 'resident-two-places';
  await t.say(addr, 'menu');
  const intro = await t.say(addr, { choice: 'm:book' });
  expect(textOf(intro)).toContain('Kuota terbatas: 4–8 orang per hari');
  expect(textOf(intro)).toContain('Di mana Anda ingin merekam?');
  expect(textOf(intro)).toContain('2. Mal Pelayanan Publik (MPP) Kotabumi\n   Jl. Jenderal Sudirman No. 19, Kel. Cempedak, Kotabumi');
  expect(intro.flatMap((r) => r.choices ?? []).map((c) => c.id.replace(/~[^~]*$/, ''))).toEqual(['pl:dinas', 'pl:mpp', 'pl:*']);
  // Typed instead of tapped.
  const reason = await t.say(addr, 'di mpp saja');
  expect(reason.flatMap((r) => r.choices ?? []).map((c) => c.id.replace(/~[^~]*$/, ''))).toContain('r:bpjs');
  await t.say(addr, { choice: 'r:bpjs' });
  await t.say(addr, '1803021204950007');
  const days = await t.say(addr, 'Siti Aminah');
  expect(textOf(days)).toContain('Tempat: Mal Pelayanan Publik (MPP) Kotabumi');
  // The MPP records on Tuesdays and Thursdays only, 4 a day.
  const dayIds = days.flatMap((r) => r.choices ?? []).filter((c) => c.id.startsWith('d:')).map((c) => c.id.replace(/~[^~]*$/, ''));
  expect(dayIds).toEqual(['d:2026-12-01', 'd:2026-12-03', 'd:2026-12-08', 'd:2026-12-10', 'd:2026-12-15']);
  expect(days.flatMap((r) => r.choices ?? []).find((c) => c.id.replace(/~[^~]*$/, '') === 'd:2026-12-01')!.label).toBe('Selasa, 1 Des — sisa 4');
  const sessions = await t.say(addr, { choice: 'd:2026-12-01' });
  expect(sessions.flatMap((r) => r.choices ?? []).map((c) => c.label)).toContain('Pukul 09.00 — sisa 1');
  const confirm = await t.say(addr, { choice: 's:0' });
  expect(textOf(confirm)).toContain('Tempat: Mal Pelayanan Publik (MPP) Kotabumi');
  const done = await t.say(addr, { choice: 'bk:yes' });
  expect(textOf(done)).toContain('Tempat: Mal Pelayanan Publik (MPP) Kotabumi, Jl. Jenderal Sudirman No. 19, Kel. Cempedak, Kotabumi');

  const row = t.ctx.db.prepare('SELECT place, queue_no FROM booking').get();
  expect(row).toEqual({ place: 'mpp', queue_no: 1 });
  // The Dinas still has all its places that day.
  expect(booking.service.freeSessions('2026-12-01', t.clock.now(), undefined, 'dinas').reduce((n, s) => n + s.free, 0)).toBe(8);

  // The reminder the afternoon before names place and address too.
  t.clock.set('2026-11-30T08:00:00.000Z'); // 15:00 WIB
  booking.tick(t.clock.now());
  const reminder = t.ctx.db.prepare(`SELECT payload FROM outbox WHERE kind = 'reminder'`).pluck().get() as string;
  expect(JSON.parse(reminder).text).toContain('di Mal Pelayanan Publik (MPP) Kotabumi, Jl. Jenderal Sudirman No. 19');

  // Officers see each place.
  const dinasDay = await api('/days/2026-12-01?place=dinas');
  expect(dinasDay.json).toMatchObject({ place: 'dinas', quota: 8, bookings: [] });
  const mppDay = await api('/days/2026-12-01?place=mpp');
  expect(mppDay.json).toMatchObject({ place: 'mpp', quota: 4, bookings: [expect.objectContaining({ place: 'mpp', queueNo: 1 })] });
  expect((await api('/days/2026-12-01?place=kecamatan')).status).toBe(400);
  const cal = await api('/calendar?days=3');
  expect(cal.json.days.find((d: { date: string }) => d.date === '2026-11-30').places).toEqual([
    expect.objectContaining({ id: 'dinas', open: true, quota: 8, taken: 0 }),
    expect.objectContaining({ id: 'mpp', open: false, quota: 4, taken: 0 }),
  ]);
  expect(cal.json.days.find((d: { date: string }) => d.date === '2026-12-01').places[1]).toMatchObject({ id: 'mpp', open: true, taken: 1 });
  expect((await api('/places')).json.places.map((p: { id: string }) => p.id)).toEqual(['dinas', 'mpp']);

  // Moving the booking stays at the MPP: only its days are offered.
  t.clock.set('2026-11-30T02:00:00.000Z');
  const list = await t.say(addr, { choice: 'm:mybook' });
  const pick = list.flatMap((r) => r.choices ?? []).find((c) => c.id.startsWith('bk:pick:'))!;
  await t.say(addr, { choice: pick.id });
  const moveDays = await t.say(addr, { choice: 'bk:resched' });
  expect(moveDays.flatMap((r) => r.choices ?? []).filter((c) => c.id.startsWith('d:')).map((c) => c.id.replace(/~[^~]*$/, ''))).toEqual(['d:2026-12-01', 'd:2026-12-03', 'd:2026-12-08', 'd:2026-12-10', 'd:2026-12-15']);
});

test('a duplicate place id stops start-up naming the field', () => {
  const dir = twoPlaces();
  const file = path.join(dir, 'booking.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('  - id: mpp', '  - id: dinas'));
  const env = { DATA_DIR: tempDir(), CONTENT_DIR: dir, LOG_LEVEL: 'silent' };
  expect(() => createApp(loadCoreConfig(env), { clock: new FakeClock(), env, log: createLogger('silent'), features: [bookingFeature] })).toThrow(
    /booking\.yaml: field "places\.1\.id": duplicate place id "dinas"/,
  );
});

test('the database holds each place to its own quota', () => {
  const db = openDatabase(path.join(tempDir('places-guard-'), 'adminduk.db'));
  try {
    const now = new Date().toISOString();
    const cap = db.prepare(`INSERT INTO booking_capacity (place, scope, per_day, first_session, sessions, session_minutes, updated_by, updated_at) VALUES (?, 'file', ?, '08:00', 1, 30, 't', ?)`);
    cap.run('dinas', 2, now);
    cap.run('mpp', 1, now);
    db.prepare(`INSERT INTO residents (channel, address, created_at) VALUES ('web', 'places-guard', ?)`).run(now);
    const insert = db.prepare(
      `INSERT INTO booking (code, resident_id, nik, name, reason, place, date, session, session_time, queue_no, status, created_at, updated_at)
       VALUES (?, 1, ?, 'Uji Coba', 'bpjs', ?, '2026-12-01', 0, '08:00', ?, 'active', ?, ?)`,
    );
    insert.run('AAAAAA', '1803021204950001', 'mpp', 1, now, now);
    insert.run('AAAAAB', '1803021204950002', 'dinas', 1, now, now); // same queue number, other place: fine
    insert.run('AAAAAC', '1803021204950003', 'dinas', 2, now, now);
    expect(() => insert.run('AAAAAD', '1803021204950004', 'mpp', 2, now, now)).toThrow(/booking quota exceeded/);
    expect(() => insert.run('AAAAAE', '1803021204950005', 'dinas', 3, now, now)).toThrow(/booking quota exceeded/);
    expect(() => insert.run('AAAAAF', '1803021204950006', 'dinas', 2, now, now)).toThrow(/UNIQUE/);
  } finally {
    db.close();
  }
});

test('two places under concurrency: 3 processes × 8 residents, each place gets exactly its quota (8 and 4)', { timeout: 120_000 }, async () => {
  const contentDir = twoPlaces();
  const dir = tempDir('places-multi-');
  openDatabase(path.join(dir, 'adminduk.db')).close();
  const DATE = '2026-12-01'; // a Tuesday: both places record
  const children = Array.from({ length: 3 }, (_, n) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/fixtures/booking-child.ts'), dir, String(n), '8', DATE, contentDir, 'dinas,mpp'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const lines = readline.createInterface({ input: child.stdout! });
    let onReady!: () => void;
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    const result = new Promise<Array<{ clientId: string; place: string; status: number; text: string }>>((resolve, reject) => {
      lines.on('line', (line) => {
        if (line === 'ready') onReady();
        else if (line.startsWith('[')) resolve(JSON.parse(line));
      });
      child.on('exit', (code) => reject(new Error(`child ${n} exited with ${code}: ${stderr}`)));
    });
    return { child, ready, result };
  });
  await Promise.all(children.map((c) => c.ready));
  for (const c of children) c.child.stdin!.write('go\n');
  const replies = (await Promise.all(children.map((c) => c.result))).flat();

  expect(replies).toHaveLength(24);
  for (const r of replies) expect(r.text).not.toMatch(/gangguan|error|SQLITE|constraint|undefined/i);
  const confirmed = (place: string) => replies.filter((r) => r.place === place && /Booking berhasil/.test(r.text));
  expect(confirmed('dinas')).toHaveLength(8);
  expect(confirmed('mpp')).toHaveLength(4);
  for (const r of confirmed('mpp')) expect(r.text).toContain('Jl. Jenderal Sudirman No. 19');

  const db = openDatabase(path.join(dir, 'adminduk.db'));
  try {
    const rows = db.prepare(`SELECT place, COUNT(*) AS n, MAX(queue_no) AS top FROM booking WHERE date = ? AND status = 'active' GROUP BY place ORDER BY place`).all(DATE);
    expect(rows).toEqual([
      { place: 'dinas', n: 8, top: 8 },
      { place: 'mpp', n: 4, top: 4 },
    ]);
  } finally {
    db.close();
  }
});

test('a database from before places keeps its bookings and quotas under the place "main"', async () => {
  const dir = tempDir('places-upgrade-');
  const db = openDatabase(path.join(dir, 'adminduk.db'), { migrations: allMigrations.filter((m) => m.version < 102) });
  const now = new Date('2026-11-30T02:00:00.000Z').toISOString();
  db.prepare(`INSERT INTO booking_capacity (scope, per_day, first_session, sessions, session_minutes, updated_by, updated_at) VALUES ('2026-12-01', 2, '08:00', 1, 30, 'Budi', ?)`).run(now);
  db.prepare(`INSERT INTO residents (channel, address, created_at) VALUES ('web', 'resident-before-places', ?)`).run(now);
  db.prepare(
    `INSERT INTO booking (code, resident_id, nik, name, reason, date, session, session_time, queue_no, status, created_at, updated_at)
     VALUES ('AAAAAA', 1, '1803021204950001', 'Uji Coba', 'bpjs', '2026-12-01', 0, '08:00', 1, 'active', ?, ?)`,
  ).run(now, now);
  migrate(db, allMigrations);
  db.close();
  t = await makeTestApp({ dir, features: [bookingFeature, webChatFeature], clock: new FakeClock('2026-11-30T02:00:00.000Z') });
  const booking = bookingOf(t);
  expect(t.ctx.db.prepare('SELECT place FROM booking').pluck().get()).toBe('main');
  expect(booking.service.capacityFor('2026-12-01').per_day).toBe(2);
  expect(booking.service.freeSessions('2026-12-01', t.clock.now())).toEqual([{ index: 0, time: '08:00', free: 1 }]);
});
