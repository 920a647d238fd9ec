// The dashboard wired to the holiday calendar and to WhatsApp's reliability, as officers use it in
// Chromium: confirming the 2027 holiday list removes the residents' "belum dipastikan" note (seen
// through the web chat), and a WhatsApp alert shows as a red banner on every page, with the
// unanswered messages of an outage listed (numbers masked). Injected clock, real SQLite files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { hasChromium, launchChromium, warnIfNoChromium } from './chromium.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { applicationsFeature } from '../src/applications/feature.js';
import { bookingFeature, type BookingFeature } from '../src/booking/feature.js';
import { webChatFeature } from '../src/channels/web/feature.js';
import { createWhatsAppFeature, type WhatsAppFeature } from '../src/channels/whatsapp/feature.js';
import type { Reply } from '../src/core/types.js';
import { dashboardFeature } from '../src/dashboard/feature.js';
import { handoffFeature } from '../src/handoff/feature.js';
import { maskAuditDetail } from '../src/ops/retention.js';
import { addOfficer, contentCopy, loggedIn, PASSWORD, Session, shots } from './dashboard-helpers.js';
import { FakeClock, makeTestApp, textOf, type TestApp } from './helpers.js';
import { FakeSocket, text } from './whatsapp-fakes.js';

warnIfNoChromium('dashboard: holidays and WhatsApp');
const SHOTS = path.join(os.tmpdir(), 'adminduk-dashboard');
const PN = '6281234567890@s.whatsapp.net';

/** A copy of flows/ whose day list shows 9 days (so 4 January shows from 18 December), optionally edited. */
function content(edit?: (yaml: string) => string): string {
  const dir = contentCopy();
  const file = path.join(dir, 'booking.yaml');
  let yaml = fs.readFileSync(file, 'utf8').replace('days_shown: 5', 'days_shown: 9');
  if (edit) yaml = edit(yaml);
  fs.writeFileSync(file, yaml);
  return dir;
}

const dayChoices = (replies: Reply[]) => replies.flatMap((r) => r.choices ?? []).filter((c) => c.id.startsWith('d:'));

describe.skipIf(!hasChromium)('dashboard: holiday lists and WhatsApp alerts in Chromium', { timeout: 30_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const sockets: FakeSocket[] = [];
  const wa = () => t.app.features.find((f) => f.name === 'whatsapp') as WhatsAppFeature;

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    t = await makeTestApp({
      env: { PORT: '0', HOST: '127.0.0.1', WHATSAPP: 'on', CONTENT_DIR: content() },
      // Friday 18 December 2026, 09:00 WIB: the coming days reach into 2027, whose list is not confirmed.
      clock: new FakeClock('2026-12-18T02:00:00.000Z'),
      features: [bookingFeature, webChatFeature, createWhatsAppFeature({ makeSocket: (o) => (sockets.push(new FakeSocket(o)), sockets.at(-1)!), print: () => {}, sleep: async () => {} }), dashboardFeature],
    });
    base = `http://127.0.0.1:${await t.app.listen()}`;
    await addOfficer(t, 'budi', 'petugas');
    await addOfficer(t, 'lihat', 'viewer');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });



  /** The day list a resident gets in the web chat after the rules, reason, NIK and name. */
  async function dayList(addr: string): Promise<Reply[]> {
    await t.say(addr, 'menu');
    await t.say(addr, { choice: 'm:book' });
    await t.say(addr, { choice: 'r:bpjs' });
    await t.say(addr, '1803021204950007');
    return t.say(addr, 'Siti Aminah');
  }

  test('confirming the 2027 list in the browser: the bot’s 4 January loses its "belum dipastikan" note; undo brings it back', async () => {
    const before = await dayList('web-dec18-a');
    expect(dayChoices(before).map((c) => c.label)).toContain('Senin, 4 Jan — sisa 20 *');
    expect(textOf(before)).toContain('belum dipastikan');

    const { context, page } = await loggedIn(browser, base, 'budi');
    await page.goto(`${base}/admin/calendar`);
    // The day rows say what residents read.
    expect(await page.locator('tr[data-date="2027-01-04"]').textContent()).toContain('Warga membaca: libur 2027 belum dipastikan');
    expect(await page.locator('tr[data-date="2026-12-31"]').textContent()).not.toContain('belum dipastikan');
    const y2027 = page.locator('tr[data-year="2027"]');
    expect(await y2027.getAttribute('data-status')).toBe('unconfirmed');
    expect(await y2027.textContent()).toContain('Belum dipastikan');
    expect(await page.locator('tr[data-year="2028"]').textContent()).toContain('Tidak ada');
    expect(await page.locator('.calendar-warning').first().textContent()).toContain('Daftar libur 2027 sudah dimuat tetapi belum dipastikan');
    // The old "year not loaded" warning is gone (2027 is loaded).
    expect(await page.locator('main').textContent()).not.toContain('belum dimuat');
    // Weekdays of a year without a list: not bookable by default.
    expect(await page.locator('input[name=bookable][value=no]').isChecked()).toBe(true);
    await shots(page, SHOTS, 'calendar-holidays', 'section.holidays');

    await y2027.getByRole('link', { name: 'Pastikan daftar libur 2027' }).click();
    expect(await page.locator('.confirm-year .flash.warn').textContent()).toContain('cocokkan setiap tanggal di bawah dengan SKB');
    // The dates to check: the 2027 list (26 dates), New Year first.
    expect(await page.locator('table.holiday-dates tbody tr').count()).toBe(26);
    expect(await page.locator('table.holiday-dates tbody tr').first().textContent()).toContain('1 Januari 2027');
    await shots(page, SHOTS, 'calendar-confirm-year');
    await page.fill('input[name=note]', 'dicocokkan dengan SKB 2027');
    await page.getByRole('button', { name: 'Pastikan daftar libur 2027' }).click();
    await expect.poll(() => page.locator('.flash.ok').textContent()).toContain('Daftar libur 2027 sudah dipastikan');
    expect(await y2027.getAttribute('data-status')).toBe('confirmed');
    expect(await y2027.textContent()).toContain('budi');
    await shots(page, SHOTS, 'calendar-confirmed', 'section.holidays');
    expect(await page.locator('.calendar-warning').count()).toBe(0);
    expect(await page.locator('tr[data-date="2027-01-04"]').textContent()).not.toContain('belum dipastikan');
    expect(t.ctx.db.prepare(`SELECT actor, subject FROM audit_log WHERE action = 'booking.holidays.confirm'`).all()).toEqual([{ actor: 'budi', subject: '2027' }]);

    const after = await dayList('web-dec18-b');
    expect(dayChoices(after).map((c) => c.label)).toContain('Senin, 4 Jan — sisa 20');
    expect(textOf(after)).not.toContain('belum dipastikan');

    await y2027.getByRole('button', { name: 'Batalkan pemastian' }).click();
    await expect.poll(() => page.locator('.flash.ok').textContent()).toContain('dibatalkan');
    expect(await y2027.getAttribute('data-status')).toBe('unconfirmed');
    expect(textOf(await dayList('web-dec18-c'))).toContain('belum dipastikan');
    await context.close();
  });

  test('the setting for years without a list: a viewer cannot change it, a petugas can', async () => {
    const { context, page } = await loggedIn(browser, base, 'lihat');
    await page.goto(`${base}/admin/calendar`);
    expect(await page.getByRole('link', { name: 'Pastikan daftar libur 2027' }).count()).toBe(0);
    expect(await page.locator('input[name=bookable][value=yes]').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Simpan pengaturan' }).count()).toBe(0);
    await context.close();
    const s = new Session(t);
    await s.login('budi');
    await s.get('/admin/calendar');
    const saved = await s.post('/admin/calendar/unlisted', { bookable: 'yes' });
    expect(saved.status).toBe(303);
    expect((await s.get('/admin/calendar')).text).toMatch(/value="yes" checked/);
    expect(t.ctx.db.prepare(`SELECT actor FROM audit_log WHERE action = 'booking.setting.unlisted_days_bookable'`).pluck().all()).toEqual(['budi']);
    await s.post('/admin/calendar/unlisted', { bookable: 'no' });
  });

  test('WhatsApp: an alert shows as a red banner on every page; the page lists the outage’s unanswered messages, masked', async () => {
    await expect.poll(() => sockets.length).toBeGreaterThan(0);
    sockets.at(-1)!.open();
    // A resident wrote 30 hours ago while the bot was offline: too old to answer.
    const old = text(PN, 'syarat kk hilang, NIK saya 1803015501900002');
    old.messageTimestamp = Math.floor((t.clock.now().getTime() - 30 * 3_600_000) / 1000);
    sockets.at(-1)!.ev.emit('messages.upsert', { type: 'append', messages: [old] });
    await expect.poll(() => wa().service!.unanswered().length).toBe(1);

    let { context, page } = await loggedIn(browser, base, 'budi');
    expect(await page.locator('.wa-banner').count()).toBe(0);
    // Five failed reconnects in a row.
    for (const code of [403, 411, 500, 503]) {
      sockets.at(-1)!.close(code);
      wa().service!.reconnect();
    }
    sockets.at(-1)!.close(500);
    expect(wa().service!.status().alert).toBeDefined();

    await page.goto(`${base}/admin/calendar`);
    expect(await page.locator('.wa-banner').textContent()).toContain('WhatsApp terus terputus (5 kali berturut-turut)');
    await page.locator('.wa-banner').getByRole('link', { name: 'Buka halaman WhatsApp' }).click();
    await page.waitForURL(/\/admin\/whatsapp$/);
    expect(await page.locator('.wa-alert').textContent()).toContain('Periksa internet server');
    // Said once on the WhatsApp page itself (no banner repeating it).
    expect(await page.locator('.wa-banner').count()).toBe(0);
    const row = page.locator('table.unanswered tbody tr');
    expect(await row.count()).toBe(1);
    const shown = (await row.textContent())!;
    expect(shown).toContain('syarat kk hilang');
    expect(shown).toContain('+6281');
    expect(shown).not.toContain('1234567');
    expect(shown).not.toContain('1803015501900002');
    await shots(page, SHOTS, 'whatsapp-alert');

    // Back online: the banner goes.
    wa().service!.reconnect();
    sockets.at(-1)!.open();
    await page.goto(`${base}/admin/today`);
    expect(await page.locator('.wa-banner').count()).toBe(0);

    // WhatsApp restricts the number and caps new chats: a notification to a resident who has not written is refused.
    await page.goto(`${base}/admin/whatsapp`);
    expect(await page.locator('.wa-restriction, .wa-limit').count()).toBe(0);
    expect(await page.locator('.wa-failures').textContent()).toContain('Tidak ada');
    // A resident who last wrote two days ago.
    const quiet = t.ctx.store.upsertResident('whatsapp', '6287777777777@s.whatsapp.net', undefined, 'id', t.clock.now());
    t.clock.advance(2 * 24 * 3_600_000);
    const now = t.clock.now().getTime();
    sockets.at(-1)!.ev.emit('connection.update', { reachoutTimeLock: { isActive: true, timeEnforcementEnds: new Date(now + 3_600_000), enforcementType: 'DEFAULT' as never } });
    sockets.at(-1)!.ev.emit('message-capping.update', { capping_status: 'CAPPED' as never, used_quota: 250, total_quota: 250, cycle_end_timestamp: String(Math.floor(now / 1000) + 86_400) });
    t.ctx.store.enqueue({ residentId: quiet.id, channel: 'whatsapp', address: quiet.address, reply: { text: 'Permohonan Anda selesai' }, kind: 'notification' }, t.clock.now());
    for (let i = 0; i < 5 && (await t.ctx.dispatcher.runOnce()); i++);
    expect(wa().service!.status().sendFailures.failed).toEqual({ restricted: 1 });
    // Two days on, the officer logs in again.
    await context.close();
    ({ context, page } = await loggedIn(browser, base, 'budi'));
    await page.goto(`${base}/admin/whatsapp`);
    expect(await page.locator('.wa-restriction').textContent()).toContain('WhatsApp sedang membatasi nomor kantor');
    expect(await page.locator('.wa-limit').textContent()).toContain('Batas pesan ke chat baru sudah habis: 250/250');
    expect(await page.locator('table.failures tbody tr').first().textContent()).toMatch(/Nomor kantor sedang dibatasi WhatsApp\s*1/);
    await shots(page, SHOTS, 'whatsapp-limits');
    await context.close();
  });
});

describe('Kalender with several places', { timeout: 30_000 }, () => {
  test('each day row shows every place’s taken/quota; a place that does not record that day says so', async () => {
    const places = `places:
  - id: main
    name: { id: "Kantor Disdukcapil", en: "Disdukcapil office" }
    address: { id: "Kotabumi", en: "Kotabumi" }
  - id: mpp
    name: { id: "MPP Kotabumi", en: "MPP Kotabumi" }
    address: { id: "Jl. Jenderal Sudirman No. 19", en: "Jl. Jenderal Sudirman No. 19" }
    quota: { per_day: 10, first_session: "09:00", sessions: 2, session_minutes: 60 }
    open_days: [tue, thu]
`;
    fs.mkdirSync(SHOTS, { recursive: true });
    const t = await makeTestApp({
      env: { PORT: '0', HOST: '127.0.0.1', CONTENT_DIR: content((y) => y.replace(/^place:\n(  .*\n)+/m, places)) },
      clock: new FakeClock('2026-12-18T02:00:00.000Z'),
      features: [bookingFeature, webChatFeature, dashboardFeature],
    });
    try {
      await addOfficer(t, 'budi', 'petugas');
      const s = new Session(t);
      await s.login('budi');
      const html = (await s.get('/admin/calendar')).text;
      // Tuesday 22 December: both places record.
      const tue = /<tr data-date="2026-12-22">[\s\S]*?<\/tr>/.exec(html)![0];
      expect(tue).toMatch(/data-place="main"><span class="place-name">Kantor Disdukcapil<\/span> <span class="figure">0\/20<\/span>/);
      expect(tue).toMatch(/data-place="mpp"><span class="place-name">MPP Kotabumi<\/span> <span class="figure">0\/10<\/span>/);
      // Monday 21 December: the MPP does not record on Mondays.
      const mon = /<tr data-date="2026-12-21">[\s\S]*?<\/tr>/.exec(html)![0];
      expect(mon).toMatch(/data-place="mpp"><span class="place-name">MPP Kotabumi<\/span> <small>tidak melayani<\/small>/);
      // In English: the report's own warning, the panel and the per-place note.
      expect(html).toContain('Daftar libur 2027 sudah dimuat tetapi belum dipastikan');
      await s.post('/admin/lang', { lang: 'en' });
      const en = (await s.get('/admin/calendar')).text;
      expect(en).toContain('The 2027 holidays are loaded but not confirmed');
      expect(en).toContain('Confirm the 2027 list');
      expect(en).toContain('not recording');
      await s.post('/admin/lang', { lang: 'id' });
      if (hasChromium) {
        // A look at the rows (screenshots to read, no assertion on pixels).
        const base = `http://127.0.0.1:${await t.app.listen()}`;
        const browser = await launchChromium();
        try {
          const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
          await page.goto(`${base}/admin/login`);
          await page.fill('input[name=username]', 'budi');
          await page.fill('input[name=password]', PASSWORD);
          await page.click('button[type=submit]');
          await page.waitForURL(/\/admin\/(?!login)/);
          await page.goto(`${base}/admin/calendar`);
          for (const width of [1280, 390]) {
            await page.setViewportSize({ width, height: 900 });
            expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
            await page.screenshot({ path: path.join(SHOTS, `calendar-places-${width}-top.png`) });
            await page.locator('tr[data-date="2026-12-22"]').screenshot({ path: path.join(SHOTS, `calendar-places-${width}-row.png`) });
          }
        } finally {
          await browser.close();
        }
      }
    } finally {
      await t.close();
    }
  });
});

describe('what officers read: the audit in words, dates written out in Indonesian', { timeout: 30_000 }, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({
      env: { CONTENT_DIR: contentCopy() },
      clock: new FakeClock('2026-11-30T02:00:00.000Z'),
      features: [bookingFeature, applicationsFeature, webChatFeature, dashboardFeature],
    });
    await addOfficer(t, 'rina', 'admin');
  });
  afterAll(async () => {
    await t?.close();
  });

  test('the audit page shows each entry in Indonesian words, no JSON; masked personal data stays masked', async () => {
    const now = t.clock.now();
    t.ctx.store.audit('budi', 'application.status', 'LU-1', { from: 'diproses', to: 'selesai', historyId: 4, notifications: 2 }, now);
    t.ctx.store.audit('budi', 'handoff.case_opened', 'case:3', undefined, now);
    t.ctx.store.audit('budi', 'booking.day.close', '2026-12-02', { reason: 'Alat perekaman rusak', cancelled: ['ABC234', 'XYZ789'], waitlist: 0 }, now);
    t.ctx.store.audit('budi', 'booking.capacity.set', 'default', { place: 'main', before: { per_day: 20, first_session: '08:00', sessions: 4, session_minutes: 60 }, after: { per_day: 25, first_session: '08:00', sessions: 4, session_minutes: 60 } }, now);
    // An entry as retention left it after 90 days (the real masking), and its subject's phone.
    const personal = { trackingNo: 'LU-2', applicantName: 'Rina Wati', nik: '1803020101900001', contact: { channel: 'whatsapp', address: '6281234567890' } };
    t.ctx.db.prepare('INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)').run(now.toISOString(), 'budi', 'application.create', '6281*******90', maskAuditDetail(JSON.stringify(personal)));
    const s = new Session(t);
    await s.login('rina');
    const page = (await s.get('/admin/audit')).text;
    const table = /<table class="rows audit">[\s\S]*<\/table>/.exec(page)![0];
    expect(table).toContain('Status permohonan LU-1 diubah');
    expect(table).toContain('status: diproses → selesai');
    expect(table).toContain('notifikasi: 2');
    expect(table).toContain('Kasus #3 dibuka');
    expect(table).toContain('Hari 02/12/2026 ditutup');
    expect(table).toContain('alasan: Alat perekaman rusak');
    expect(table).toContain('dibatalkan: ABC234, XYZ789');
    expect(table).toContain('Kuota bawaan diubah');
    expect(table).toContain('tempat per hari: 20 → 25');
    expect(table).toContain('Akun petugas rina dibuat');
    expect(table).toContain('peran: admin');
    expect(table).toContain('Masuk ke dasbor');
    // The action's code stays, for the "Tindakan" filter.
    expect(table).toContain('<code class="action">application.status</code>');
    // Masked as it was stored: "***", the phone's middle digits hidden.
    expect(table).toContain('nama pemohon: ***');
    expect(table).toContain('NIK: ***');
    expect(table).toContain('6281*******90');
    expect(table).not.toMatch(/Rina Wati|1803020101900001|6281234567890/);
    // No JSON: neither raw nor HTML-escaped.
    expect(table).not.toContain('{"');
    expect(table).not.toContain('{&quot;');
    expect(table).not.toContain('historyId');
    // In English too.
    await s.post('/admin/lang', { lang: 'en' });
    const en = (await s.get('/admin/audit')).text;
    expect(en).toContain('Case #3 opened');
    expect(en).toContain('status: diproses → selesai');
    await s.post('/admin/lang', { lang: 'id' });
  });

  test('date filters say the chosen day in Indonesian beside the field (Statistik, Audit, Permohonan, Hari ini)', async () => {
    const s = new Session(t);
    await s.login('rina');
    const read = (html: string, name: string) => new RegExp(`<label class="date-field">[^<]*<small class="date-read" data-date-read>([^<]*)</small><input type="date" name="${name}"`).exec(html)?.[1];
    const stats = (await s.get('/admin/stats?from=2026-11-17&to=2026-12-01')).text;
    expect(read(stats, 'from')).toBe('Selasa, 17 November 2026');
    expect(read(stats, 'to')).toBe('Selasa, 1 Desember 2026');
    // The default period (the last two weeks) is written out too.
    expect(read((await s.get('/admin/stats')).text, 'to')).toBe('Senin, 30 November 2026');
    const audit = (await s.get('/admin/audit?from=2026-11-30&to=2026-12-25')).text;
    expect(read(audit, 'from')).toBe('Senin, 30 November 2026');
    expect(read(audit, 'to')).toBe('Jumat, 25 Desember 2026');
    // No date chosen: nothing written.
    expect(read((await s.get('/admin/audit')).text, 'from')).toBe('');
    const apps = (await s.get('/admin/applications?from=2026-08-17')).text;
    expect(read(apps, 'from')).toBe('Senin, 17 Agustus 2026');
    expect(read((await s.get('/admin/today?date=2026-12-02')).text, 'date')).toBe('Rabu, 2 Desember 2026');
    await s.post('/admin/lang', { lang: 'en' });
    expect(read((await s.get('/admin/stats?from=2026-11-17&to=2026-12-01')).text, 'to')).toBe('Tuesday, 1 December 2026');
    await s.post('/admin/lang', { lang: 'id' });
  });
});

describe('an officer’s day on a phone: taps sent twice, refusals in Indonesian, pages that work without JavaScript', { timeout: 30_000 }, () => {
  // Monday 30 November 2026, 07:30 WIB: every session of the day is still ahead.
  async function day() {
    const t = await makeTestApp({
      env: { PORT: '0', HOST: '127.0.0.1', CONTENT_DIR: contentCopy() },
      clock: new FakeClock('2026-11-30T00:30:00.000Z'),
      features: [bookingFeature, applicationsFeature, webChatFeature, handoffFeature, dashboardFeature],
    });
    await addOfficer(t, 'budi', 'petugas');
    const booking = t.app.features.find((f) => f.name === 'booking') as BookingFeature;
    let seq = 0;
    const seed = (session: number) => {
      const resident = t.ctx.store.upsertResident('web', `web-day-${++seq}`, undefined, 'id', t.clock.now());
      const r = booking.service.reserve({ residentId: resident.id, nik: `180302120495${String(1000 + seq)}`, name: `Warga Hari ${seq}`, reason: 'hospital', reasonNote: null, date: '2026-11-30', session }, t.clock.now());
      if (!r.ok) throw new Error(r.why);
      return r.booking;
    };
    const s = new Session(t);
    await s.login('budi');
    return { t, s, seed };
  }
  const flash = async (s: Session, res: { location: string | null }) =>
    /<p class="flash (ok|err)"[^>]*>([^<]*)<\/p>/.exec((await s.get(res.location!)).text)?.slice(1).map((x) => x.replaceAll('&quot;', '"').replaceAll('&amp;', '&'));
  const audits = (t: TestApp, action: string) => t.ctx.db.prepare('SELECT subject FROM audit_log WHERE action = ?').pluck().all(action);

  test('a check-in sent twice is recorded once, and the officer reads who it was', async () => {
    const { t, s, seed } = await day();
    try {
      const b = seed(0);
      const first = await s.post('/admin/today/check-in', { code: b.code, date: '2026-11-30' });
      expect(await flash(s, first)).toEqual(['ok', `No. ${b.queueNo} Warga Hari 1 (${b.code}): sudah datang (check-in dicatat).`]);
      const again = await s.post('/admin/today/check-in', { code: b.code, date: '2026-11-30' });
      expect(await flash(s, again)).toEqual(['ok', `No. ${b.queueNo} Warga Hari 1 (${b.code}): sudah dicatat datang sebelumnya (tidak dicatat dua kali).`]);
      expect(audits(t, 'booking.check_in')).toEqual([b.code]);
    } finally {
      await t.close();
    }
  });

  test('a no-show (a booking ban) always asks first, names the resident and the ban; a no-show checks in again the same day', async () => {
    const { t, s, seed } = await day();
    try {
      const b = seed(0);
      t.clock.set('2026-11-30T01:35:00.000Z'); // 08:35: the 08:00 session is over
      await s.login('budi');
      const today = (await s.get('/admin/today')).text;
      const row = new RegExp(`<tr class="st-active" data-code="${b.code}">[\\s\\S]*?</tr>`).exec(today)![0];
      // No one-tap form that bans: a link to the confirmation (works without JavaScript).
      expect(row).not.toContain('action="/admin/today/no-show"');
      expect(row).toContain(`href="/admin/today/no-show?code=${b.code}&date=2026-11-30"`);
      const confirm = (await s.get(`/admin/today/no-show?code=${b.code}&date=2026-11-30`)).text;
      expect(confirm).toContain(`Tandai No. ${b.queueNo} Warga Hari 1 (${b.code}) tidak datang? Warga ini tidak bisa booking lagi selama`);
      await s.post('/admin/today/no-show', { code: b.code, date: '2026-11-30', confirm: 'yes' });
      expect(audits(t, 'booking.no_show')).toEqual([b.code]);
      // The resident comes late after all: Check-in is still there and undoes the no-show.
      const after = (await s.get('/admin/today')).text;
      const noShowRow = new RegExp(`<tr class="st-no_show" data-code="${b.code}">[\\s\\S]*?</tr>`).exec(after)![0];
      expect(noShowRow).toContain('action="/admin/today/check-in"');
      await s.post('/admin/today/check-in', { code: b.code, date: '2026-11-30' });
      expect(t.ctx.db.prepare('SELECT status FROM booking WHERE code = ?').pluck().get(b.code)).toBe('checked_in');
    } finally {
      await t.close();
    }
  });

  test('a status change sent twice changes and notifies once and says it is done; a refused change keeps what the officer chose and typed', async () => {
    const { t, s } = await day();
    try {
      const apps = t.ctx.services.applications!;
      t.ctx.store.upsertResident('web', 'web-day-app', undefined, 'id', t.clock.now());
      const made = apps.create({ service: 'ktp_el_baru', applicantName: 'Siti Aminah', nik: '1803021204960007', contact: { channel: 'web', address: 'web-day-app' } }, 'budi');
      if (!made.ok) throw new Error(made.error);
      const url = `/admin/applications/${made.value.trackingNo}`;
      const form = (await s.get(url)).text;
      expect(form).toContain('<input type="hidden" name="from" value="diterima">');
      const change = { from: 'diterima', status: 'diverifikasi', note: '', delivery: '', action: 'save' };
      const first = await s.post(`${url}/status`, change);
      expect((await flash(s, first))![0]).toBe('ok');
      const again = await s.post(`${url}/status`, change);
      expect(await flash(s, again)).toEqual(['ok', 'Status sudah "Diverifikasi" (perubahan ini sudah tersimpan; pesan tidak dikirim dua kali).']);
      expect(apps.lookupForOfficer(made.value.trackingNo)!.history.map((h) => h.status)).toEqual(['diterima', 'diverifikasi']);
      expect(t.ctx.db.prepare(`SELECT COUNT(*) FROM outbox WHERE address = 'web-day-app'`).pluck().get()).toBe(1);
      // Perlu perbaikan without its note: refused, on the same page, the choice and the other fields kept.
      const refused = await s.post(`${url}/status`, { from: 'diverifikasi', status: 'perlu_perbaikan', note: '', delivery: '', urgent: 'yes', action: 'save' });
      expect(refused.status).toBe(200);
      expect(refused.text).toContain('Belum diubah: Permintaan perbaikan wajib diberi catatan apa yang kurang atau salah.');
      expect(refused.text).toMatch(/<option value="perlu_perbaikan" selected>/);
      expect(refused.text).toMatch(/name="urgent" value="yes" checked/);
    } finally {
      await t.close();
    }
  });

  test('an answer sent twice reaches the resident once; a second “close” reads in Indonesian', async () => {
    const { t, s } = await day();
    try {
      for (const m of ['hubungi petugas', 'Pertanyaan', 'Apakah KTP bisa dicetak di kecamatan?']) await t.say('web-day-case', m);
      const id = t.ctx.db.prepare('SELECT MAX(id) FROM handoff_cases').pluck().get() as number;
      await s.get(`/admin/inbox/${id}`);
      const answer = { text: 'Bisa, di kecamatan Abung Selatan setiap Selasa.' };
      await s.post(`/admin/inbox/${id}/reply`, answer);
      await s.post(`/admin/inbox/${id}/reply`, answer);
      const sent = () => t.ctx.db.prepare(`SELECT COUNT(*) FROM outbox WHERE address = 'web-day-case' AND idempotency_key LIKE 'handoff:reply:%'`).pluck().get();
      expect(sent()).toBe(1);
      // The same words later are a new answer (the resident asked again).
      t.clock.advance(3 * 60_000);
      await s.post(`/admin/inbox/${id}/reply`, answer);
      expect(sent()).toBe(2);
      await s.post(`/admin/inbox/${id}/close`, { outcome: 'dijawab' });
      const twice = await s.post(`/admin/inbox/${id}/close`, { outcome: 'dijawab' });
      expect(await flash(s, twice)).toEqual(['err', `Kasus #${id} sudah ditutup.`]);
    } finally {
      await t.close();
    }
  });

  test('Kalender lists the days before the holiday lists; Statistik shows its figures as tables without JavaScript', async () => {
    const { t, s, seed } = await day();
    try {
      seed(1);
      const cal = (await s.get('/admin/calendar')).text;
      expect(cal.indexOf('<table class="rows calendar">')).toBeGreaterThan(0);
      expect(cal.indexOf('<table class="rows calendar">')).toBeLessThan(cal.indexOf('<section class="card holidays">'));
      const stats = (await s.get('/admin/stats')).text;
      const quota = /Kuota terpakai dan tidak datang<\/h2>[\s\S]*?<\/section>/.exec(stats)![0];
      expect(quota).toMatch(/<noscript><table class="rows figures">[\s\S]*<td data-label="Hari"><div>30\/11<\/div><\/td><td data-label="terpesan"><div>1<\/div>/);
    } finally {
      await t.close();
    }
  });
});

describe('Statistik: an admin teaches the bot a question it did not understand, effective at once', { timeout: 30_000 }, () => {
  const flash = async (s: Session, res: { location: string | null }) =>
    /<p class="flash (ok|err)"[^>]*>([^<]*)<\/p>/.exec((await s.get(res.location!)).text)?.slice(1).map((x) => x.replaceAll('&quot;', '"').replaceAll('&amp;', '&'));
  const row = (html: string, question: string) => new RegExp(`<tr><td data-label="Pertanyaan"><div><span class="question">${question}</span>[\\s\\S]*?</tr>`).exec(html)?.[0];

  test('“Ajari bot” on Statistik: the next resident typing the phrase gets that service’s requirements; viewers refused; numbers refused; audited', async () => {
    const flows = contentCopy();
    const t = await makeTestApp({ env: { CONTENT_DIR: flows }, clock: new FakeClock('2026-11-30T02:00:00.000Z'), features: [webChatFeature, dashboardFeature] });
    try {
      await addOfficer(t, 'rina', 'admin');
      await addOfficer(t, 'lihat', 'viewer');
      await addOfficer(t, 'budi', 'petugas');
      // A resident's words the bot does not know.
      await t.say('web-lelayu-1', 'halo');
      const before = textOf(await t.say('web-lelayu-1', 'surat lelayu bapak'));
      expect(before).not.toContain('Fotokopi surat kematian');

      // The viewer sees the question, no form; a post made anyway is refused and changes nothing.
      const viewer = new Session(t, '10.0.0.2');
      await viewer.login('lihat');
      const seen = (await viewer.get('/admin/stats')).text;
      expect(row(seen, 'surat lelayu bapak')).toBeDefined();
      expect(seen).not.toContain('action="/admin/content/teach"');
      expect(seen).not.toContain('flows/nlu.yaml');
      for (const [s, who] of [[viewer, 'lihat'], [new Session(t, '10.0.0.3'), 'budi']] as const) {
        if (who === 'budi') await s.login('budi');
        await s.get('/admin/stats');
        const refused = await s.post('/admin/content/teach', { phrase: 'surat lelayu bapak', service: 'akta_kematian' });
        expect(refused.status).toBe(403);
      }
      expect(t.ctx.content.servicesById.get('akta_kematian')!.keywords).not.toContain('surat lelayu bapak');

      // The admin: the form beside the question, then "Ajari bot".
      const s = new Session(t);
      await s.login('rina');
      const page = (await s.get('/admin/stats')).text;
      const form = row(page, 'surat lelayu bapak')!;
      expect(form).toContain('action="/admin/content/teach"');
      expect(form).toContain('<option value="akta_kematian">Akta kematian</option>');
      expect(form).toContain('name="_csrf"');
      // Without the CSRF token: refused.
      expect((await s.post('/admin/content/teach', { phrase: 'surat lelayu bapak', service: 'akta_kematian' }, { csrf: null })).status).toBe(403);
      // A number (typed, or as the list masks it) or too many words: refused in plain words, nothing saved.
      for (const phrase of ['surat lelayu 1803021204950007', 'surat lelayu 1803**********07']) {
        const res = await s.post('/admin/content/teach', { phrase, service: 'akta_kematian' });
        expect((await flash(s, res))).toEqual(['err', 'Belum diajarkan: kalimat ini berisi nomor (NIK, KK, telepon atau nomor yang disamarkan). Nomor tidak pernah dijadikan kata kunci: tulis kata-katanya saja, tanpa nomor.']);
      }
      const long = await s.post('/admin/content/teach', { phrase: 'tolong kak bapak saya meninggal kemarin sore', service: 'akta_kematian' });
      expect((await flash(s, long))![1]).toBe('Belum diajarkan: paling banyak 6 kata. Singkat menjadi kata-kata intinya, misalnya "ktp ilang".');
      expect(t.ctx.content.servicesById.get('akta_kematian')!.keywords.some((k) => /lelayu|meninggal kemarin/.test(k))).toBe(false);

      const taught = await s.post('/admin/content/teach', { phrase: '  Surat LELAYU, bapak! ', service: 'akta_kematian', from: '2026-11-17', to: '2026-11-30' });
      expect(taught.location).toBe('/admin/stats?from=2026-11-17&to=2026-11-30');
      expect(await flash(s, taught)).toEqual(['ok', 'Bot sekarang mengerti "surat lelayu bapak" sebagai Akta kematian.']);
      // Marked learnt on the list, without the form.
      const after = row((await s.get('/admin/stats')).text, 'surat lelayu bapak')!;
      expect(after).toContain('✓ Sudah diajarkan: Akta kematian');
      expect(after).not.toContain('<form');
      // Saved in the service's file (lower case, punctuation gone).
      expect(fs.readFileSync(path.join(flows, 'services', 'akta_kematian.yaml'), 'utf8')).toMatch(/- surat lelayu bapak\n/);

      // No restart: residents typing it now get the death certificate's requirements.
      await t.say('web-lelayu-2', 'halo');
      expect(textOf(await t.say('web-lelayu-2', 'surat lelayu bapak'))).toContain('Fotokopi surat kematian dari dokter atau kepala desa/lurah');
      expect(textOf(await t.say('web-lelayu-1', 'surat lelayu bapak'))).toContain('Fotokopi surat kematian dari dokter atau kepala desa/lurah');

      // Words that also name another service: saved, and the officer is told the bot will ask which.
      const shared = await s.post('/admin/content/teach', { phrase: 'akta lelayu', service: 'akta_kematian' });
      expect((await flash(s, shared))![0]).toBe('ok');
      const both = await s.post('/admin/content/teach', { phrase: 'akta lelayu', service: 'akta_kelahiran' });
      expect(await flash(s, both)).toEqual(['ok', 'Disimpan sebagai kata Akta kelahiran, tetapi "akta lelayu" juga cocok dengan Akta kematian: bot akan menanyakan yang mana.']);

      // Audited, and read in words on the Audit page.
      const audit = t.ctx.db.prepare(`SELECT actor, subject, detail FROM audit_log WHERE action = 'content.keyword'`).all();
      expect(audit).toEqual([
        { actor: 'rina', subject: 'akta_kematian', detail: JSON.stringify({ added: 'surat lelayu bapak' }) },
        { actor: 'rina', subject: 'akta_kematian', detail: JSON.stringify({ added: 'akta lelayu' }) },
        { actor: 'rina', subject: 'akta_kelahiran', detail: JSON.stringify({ added: 'akta lelayu' }) },
      ]);
      const words = (await s.get('/admin/audit')).text;
      expect(words).toContain('Bot diajari kata baru untuk layanan akta_kematian');
      expect(words).toContain('kata yang diajarkan: surat lelayu bapak');

      // The Konten service form lists the keyword; ticking "hapus" removes it, and the bot forgets it at once.
      const konten = (await s.get('/admin/content/service/akta_kematian')).text;
      const i = /name="kw\.remove\.(\d+)" value="surat lelayu bapak"/.exec(konten)![1]!;
      const svc = t.ctx.content.servicesById.get('akta_kematian')!;
      const keep: Record<string, string> = {
        'name.id': svc.name.id, 'name.en': svc.name.en, 'short_name.id': svc.short_name.id, 'short_name.en': svc.short_name.en,
        'fee.id': svc.fee.id, 'fee.en': svc.fee.en, 'processing_time.id': svc.processing_time.id, 'processing_time.en': svc.processing_time.en,
        unverified: svc.unverified.join('\n'),
        ...Object.fromEntries(svc.eligibility.flatMap((e, j) => [[`elig.${j}.id`, e.id], [`elig.${j}.en`, e.en]])),
        ...Object.fromEntries(svc.documents.flatMap((d, j) => [[`docs.${j}.item.id`, d.item.id], [`docs.${j}.item.en`, d.item.en], [`docs.${j}.kind`, d.kind], [`docs.${j}.how_to_get.id`, d.how_to_get.id], [`docs.${j}.how_to_get.en`, d.how_to_get.en], ...(d.condition ? [[`docs.${j}.condition.id`, d.condition.id], [`docs.${j}.condition.en`, d.condition.en]] : [])])),
      };
      const removed = await s.post('/admin/content/service/akta_kematian', { ...keep, [`kw.remove.${i}`]: 'surat lelayu bapak' });
      expect((await flash(s, removed))![0]).toBe('ok');
      expect(t.ctx.content.servicesById.get('akta_kematian')!.keywords).not.toContain('surat lelayu bapak');
      expect(t.ctx.content.servicesById.get('akta_kematian')!.keywords).toEqual(svc.keywords.filter((k) => k !== 'surat lelayu bapak'));
      await t.say('web-lelayu-3', 'halo');
      expect(textOf(await t.say('web-lelayu-3', 'surat lelayu bapak'))).not.toContain('Fotokopi surat kematian');
    } finally {
      await t.close();
    }
  });
});
