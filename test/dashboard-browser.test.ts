// The officers' dashboard in Debian's Chromium (playwright-core): each page's main task as an
// officer does it, and screenshots at 1280 px and 390 px with no horizontal scroll.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { hasChromium, launchChromium, warnIfNoChromium } from './chromium.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { applicationsFeature } from '../src/applications/feature.js';
import { bookingFeature, type BookingFeature } from '../src/booking/feature.js';
import { webChatFeature } from '../src/channels/web/feature.js';
import { createWhatsAppFeature } from '../src/channels/whatsapp/feature.js';
import { dashboardFeature } from '../src/dashboard/feature.js';
import { addOfficer, contentCopy, loggedIn, PASSWORD, shots } from './dashboard-helpers.js';
import { FakeClock, makeTestApp, textOf, type TestApp } from './helpers.js';
import { FakeSocket } from './whatsapp-fakes.js';

warnIfNoChromium("officers' dashboard in Chromium");
const SHOTS = path.join(os.tmpdir(), 'adminduk-dashboard');
/**
 * Waits for what the officer sees, generous as in browser.test.ts: on a loaded 2-core CI machine a
 * form post and its page can take longer than expect.poll's default second (no timing is asserted).
 */
const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 100 });

describe.skipIf(!hasChromium)('officers’ dashboard in Chromium', { timeout: 60_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const sockets: FakeSocket[] = [];
  let seq = 0;
  const booking = () => t.app.features.find((f) => f.name === 'booking') as BookingFeature;

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    t = await makeTestApp({
      env: { PORT: '0', HOST: '127.0.0.1', WHATSAPP: 'on', CONTENT_DIR: contentCopy() },
      clock: new FakeClock('2026-11-30T02:00:00.000Z'),
      features: [bookingFeature, applicationsFeature, webChatFeature, createWhatsAppFeature({ makeSocket: (o) => (sockets.push(new FakeSocket(o)), sockets.at(-1)!), print: () => {}, sleep: async () => {} }), dashboardFeature],
    });
    base = `http://127.0.0.1:${await t.app.listen()}`;
    for (const [u, role] of [['rina', 'admin'], ['budi', 'petugas'], ['lihat', 'viewer'], ['kunci', 'petugas']] as const) await addOfficer(t, u, role);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  function seed(date: string, session: number, address = `web-resident-${++seq}`) {
    const resident = t.ctx.store.upsertResident('web', address, undefined, 'id', t.clock.now());
    const r = booking().service.reserve({ residentId: resident.id, nik: `18030212049${String(50000 + ++seq)}`, name: `Warga Uji ${seq}`, reason: 'hospital', reasonNote: null, date, session }, t.clock.now());
    if (!r.ok) throw new Error(r.why);
    return { code: r.booking.code, address };
  }



  test('log in and check in a booking (Hari ini)', async () => {
    const { code } = seed('2026-11-30', 3);
    const { context, page } = await loggedIn(browser, base, 'budi');
    expect(page.url()).toMatch(/\/admin\/today$/);
    const row = page.locator(`tr[data-code="${code}"]`);
    await poll(() => row.locator('.badge').textContent()).toBe('Menunggu');
    await shots(page, SHOTS, 'today');
    await row.getByRole('button', { name: 'Check-in' }).click();
    await poll(() => page.locator('.flash.ok').textContent()).toContain('sudah datang');
    expect(await page.locator(`tr[data-code="${code}"] .badge`).textContent()).toBe('Sudah datang');
    // Search by code finds it; the printable list has no buttons.
    await page.fill('input[name=q]', code.toLowerCase());
    await page.click('form.toolbar button:not([type=button])');
    // The day had one booking before the search too: wait for the search's own page.
    await poll(() => page.locator('main p', { hasText: 'hasil untuk' }).textContent()).toContain(`1 hasil untuk “${code.toLowerCase()}”`);
    expect(await page.locator('tr[data-code]').count()).toBe(1);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible()).toBe(false);
    await page.screenshot({ path: path.join(SHOTS, 'today-print.png'), fullPage: true });
    await context.close();
  });

  test('close a day: the page says how many residents will be told, and they are', async () => {
    const { address } = seed('2026-12-02', 1);
    const { context, page } = await loggedIn(browser, base, 'budi');
    await page.goto(`${base}/admin/calendar`);
    await shots(page, SHOTS, 'calendar');
    await page.locator('tr[data-date="2026-12-02"]').getByRole('link', { name: 'Tutup hari' }).click();
    expect(await page.locator('.affected').textContent()).toBe('1');
    await page.fill('input[name=reason]', 'Alat perekaman rusak');
    await page.getByRole('button', { name: 'Tutup hari dan beri tahu warga' }).click();
    await poll(() => page.locator('.flash.ok').textContent()).toContain('1 warga diberi tahu');
    // The day as officers read it, not "2026-12-02".
    expect(await page.locator('.flash.ok').textContent()).toContain('Rabu, 2 Desember 2026 ditutup');
    expect(await page.locator('tr[data-date="2026-12-02"] .badge').textContent()).toBe('Ditutup');
    const told = textOf(await t.poll(address));
    expect(told).toContain('Alat perekaman rusak');
    await context.close();
  });

  test('change a status: preview the message, save, and the web-chat resident gets it', async () => {
    const address = 'web-follower-0001';
    await t.say(address, 'halo');
    await t.poll(address);
    const made = t.ctx.services.applications!.create({ trackingNo: 'LU-261130-BRWS1', service: 'kk_hilang_rusak', applicantName: 'Siti Aminah', nik: '1803025504950001', contact: { channel: 'web', address } }, 'test');
    expect(made.ok).toBe(true);
    const { context, page } = await loggedIn(browser, base, 'budi');
    await page.goto(`${base}/admin/applications`);
    await page.getByRole('link', { name: 'LU-261130-BRWS1' }).click();
    // Only the allowed next statuses are offered.
    expect(await page.locator('select[name=status] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['diverifikasi', 'perlu_perbaikan', 'ditolak']);
    await page.selectOption('select[name=status]', 'perlu_perbaikan');
    await page.fill('textarea[name=note]', 'Surat kehilangan dari kepolisian belum ada');
    await page.getByRole('button', { name: 'Pratinjau pesan' }).click();
    await poll(() => page.locator('.preview').textContent()).toContain('Surat kehilangan dari kepolisian belum ada');
    await shots(page, SHOTS, 'application');
    await page.getByRole('button', { name: 'Simpan dan kirim' }).click();
    await poll(() => page.locator('.flash.ok').textContent()).toContain('diantrekan ke 1 chat');
    expect(await page.locator('.current-status').textContent()).toBe('Perlu perbaikan');
    const got = textOf(await t.poll(address));
    expect(got).toContain('LU-261130-BRWS1');
    expect(got).toContain('Surat kehilangan dari kepolisian belum ada');
    await context.close();
  });

  test('import a CSV from Excel with a bad row: preview first, then save the good ones', async () => {
    const { context, page } = await loggedIn(browser, base, 'budi');
    await page.goto(`${base}/admin/applications/import`);
    const csv = '\uFEFFtracking_no;service;applicant_name;nik;contact_channel;contact_address\r\nLU-CSV-B001;akta_kelahiran;Dewi Lestari;1803020101900011;;\r\nLU-CSV-B002;akta_lahir;Andi;1803020101900012;;\r\n';
    await page.setInputFiles('input[type=file]', { name: 'permohonan.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByRole('button', { name: 'Periksa (pratinjau)' }).click();
    await poll(() => page.locator('.good-rows').textContent()).toBe('1');
    expect(await page.locator('.bad-rows').textContent()).toBe('1');
    expect(await page.locator('table.errors').textContent()).toContain('akta_lahir');
    expect(t.ctx.services.applications!.lookupForOfficer('LU-CSV-B001')).toBeUndefined();
    await shots(page, SHOTS, 'import');
    await page.getByRole('button', { name: 'Simpan 1 baris yang benar' }).click();
    await poll(() => page.locator('.preview-result h2').textContent()).toBe('Hasil impor');
    expect(t.ctx.services.applications!.lookupForOfficer('LU-CSV-B001')?.applicantName).toBe('Dewi Lestari');
    await context.close();
  });

  test('send an announcement: preview, send, progress, cancel what is still waiting', async () => {
    t.ctx.store.upsertResident('telegram', '777001', undefined, 'id', t.clock.now());
    const { context, page } = await loggedIn(browser, base, 'budi');
    await page.goto(`${base}/admin/broadcasts`);
    await page.fill('textarea[name=text_id]', 'Kantor tutup Jumat karena pemadaman listrik.');
    await page.fill('textarea[name=text_en]', 'The office is closed on Friday (power cut).');
    await page.getByRole('button', { name: 'Pratinjau' }).click();
    await poll(() => page.locator('.preview').first().textContent()).toContain('pemadaman listrik');
    await page.getByRole('button', { name: 'Kirim pengumuman' }).click();
    await poll(() => page.locator('.flash.ok').textContent()).toContain('diantrekan ke 1 chat');
    await shots(page, SHOTS, 'broadcasts');
    // No Telegram bot runs in this test: the message waits, and can be cancelled.
    await page.getByRole('button', { name: 'Batalkan' }).first().click();
    await poll(() => page.locator('.flash.ok').textContent()).toContain('Dibatalkan: 1 pesan');
    await context.close();
  });

  test('WhatsApp: the QR shows in the browser and the page follows the link state by itself', async () => {
    await poll(() => sockets.length).toBeGreaterThan(0);
    sockets.at(-1)!.showQr();
    const { context, page } = await loggedIn(browser, base, 'rina');
    await page.goto(`${base}/admin/whatsapp`);
    await poll(() => page.locator('.qr svg').count()).toBe(1);
    await shots(page, SHOTS, 'whatsapp');
    sockets.at(-1)!.open();
    await poll(() => page.locator('.wa-state').getAttribute('data-state')).toBe('open');
    expect(await page.locator('.qr svg').count()).toBe(0);
    await context.close();
  });

  test('edit an office fact on Konten: the bot’s answer in the web chat changes at once', async () => {
    const { context, page } = await loggedIn(browser, base, 'rina');
    await page.goto(`${base}/admin/content`);
    expect(await page.locator('.unverified li').count()).toBeGreaterThan(0);
    await shots(page, SHOTS, 'content');
    await page.fill('input[name="hours.id"]', 'Senin–Jumat 08.00–15.00 WIB (Sabtu tutup)');
    await page.getByRole('button', { name: 'Simpan profil kantor' }).click();
    await poll(() => page.locator('.flash.ok').textContent()).toContain('bot langsung memakai isi baru');
    const chat = await context.newPage();
    await chat.goto(base);
    await chat.fill('#text', 'jam buka kantor');
    await chat.press('#text', 'Enter');
    await poll(() => chat.locator('.msg.bot', { hasText: 'Sabtu tutup' }).count()).toBe(1);
    await context.close();
  });

  test('five wrong passwords lock the account', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
    const page = await context.newPage();
    for (let i = 0; i < 5; i++) {
      await page.goto(`${base}/admin/login`);
      await page.fill('input[name=username]', 'kunci');
      await page.fill('input[name=password]', `salah-${i}`);
      await page.click('button[type=submit]');
      await poll(() => page.locator('.flash.err').textContent()).toContain('salah');
    }
    await page.goto(`${base}/admin/login`);
    await page.fill('input[name=username]', 'kunci');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await poll(() => page.locator('.flash.err').textContent()).toContain('Akun dikunci sementara');
    await shots(page, SHOTS, 'login-locked');
    await context.close();
  });

  test('a form with a wrong CSRF token is refused', async () => {
    const { code } = seed('2026-11-30', 3);
    const { context, page } = await loggedIn(browser, base, 'budi');
    await page.evaluate(() => document.querySelectorAll<HTMLInputElement>('input[name=_csrf]').forEach((i) => (i.value = 'forged-token-from-another-site')));
    await page.locator(`tr[data-code="${code}"]`).getByRole('button', { name: 'Check-in' }).click();
    await poll(() => page.locator('h1').textContent()).toBe('Permintaan ditolak');
    expect(booking().store.byCode(code)!.status).toBe('active');
    await context.close();
  });

  test('a viewer sees the day without buttons and is refused a change', async () => {
    const { code } = seed('2026-11-30', 3);
    const { context, page } = await loggedIn(browser, base, 'lihat');
    expect(await page.locator(`tr[data-code="${code}"]`).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Check-in' }).count()).toBe(0);
    // A forged form with the viewer's own valid token.
    await page.evaluate((c) => {
      const f = document.createElement('form');
      f.method = 'post';
      f.action = '/admin/today/check-in';
      const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content;
      f.innerHTML = `<input name="_csrf" value="${csrf}"><input name="code" value="${c}"><input name="date" value="2026-11-30">`;
      document.body.append(f);
      f.submit();
    }, code);
    await poll(() => page.locator('.flash.err').textContent()).toContain('hanya bisa melihat');
    expect(booking().store.byCode(code)!.status).toBe('active');
    await context.close();
  });

  test('on a 360 px phone the header is one short row; "Menu" opens every page, big enough to tap, without JavaScript too; at 1280 px the menu shows as before', async () => {
    const phone = async (page: Page) => {
      await page.goto(`${base}/admin/stats`);
      const header = (await page.locator('header.top').boundingBox())!;
      expect(header.height, 'header height at 360 px').toBeLessThanOrEqual(60);
      // The page starts right under it.
      expect((await page.locator('h1').boundingBox())!.y).toBeLessThan(header.height + 40);
      const links = page.locator('header.top nav a');
      expect(await links.count()).toBe(10);
      expect(await links.first().isVisible()).toBe(false);
      await page.locator('label.menu-button').click();
      for (const link of await links.all()) {
        expect(await link.isVisible()).toBe(true);
        const box = (await link.boundingBox())!;
        expect(box.height, `${await link.textContent()} is tall enough to tap`).toBeGreaterThanOrEqual(40);
        expect(box.x + box.width).toBeLessThanOrEqual(360);
      }
      expect(await page.getByRole('button', { name: 'Keluar' }).isVisible()).toBe(true);
      expect(await page.getByRole('link', { name: 'Kata sandi' }).isVisible()).toBe(true);
      await links.filter({ hasText: 'Audit' }).click();
      await page.waitForURL(/\/admin\/audit$/);
      expect(await page.locator('h1').textContent()).toBe('Audit');
      // The menu is folded again on the next page.
      expect(await links.first().isVisible()).toBe(false);
    };
    const { context, page } = await loggedIn(browser, base, 'rina', 360);
    await phone(page);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${base}/admin/stats`);
    expect(await page.locator('label.menu-button').isVisible()).toBe(false);
    for (const link of await page.locator('header.top nav a').all()) expect(await link.isVisible()).toBe(true);
    await context.close();
    // Without JavaScript (an old phone, a script that did not load).
    const bare = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'id-ID', javaScriptEnabled: false });
    const p = await bare.newPage();
    p.setDefaultTimeout(15_000);
    await p.goto(`${base}/admin/login`);
    await p.fill('input[name=username]', 'rina');
    await p.fill('input[name=password]', PASSWORD);
    await p.click('button[type=submit]');
    await p.waitForURL(/\/admin\/(?!login)/);
    await phone(p);
    await bare.close();
  });

  test('a date field writes the chosen day in Indonesian: as sent, and as soon as another is picked', async () => {
    const { context, page } = await loggedIn(browser, base, 'rina');
    await page.goto(`${base}/admin/stats?from=2026-11-17&to=2026-11-30`);
    const field = (name: string) => page.locator('label.date-field', { has: page.locator(`input[name=${name}]`) });
    expect(await field('from').locator('.date-read').textContent()).toBe('Selasa, 17 November 2026');
    expect(await field('to').locator('.date-read').textContent()).toBe('Senin, 30 November 2026');
    await field('to').locator('input').fill('2026-12-01');
    await poll(() => field('to').locator('.date-read').textContent()).toBe('Selasa, 1 Desember 2026');
    await page.getByRole('button', { name: 'Tampilkan' }).click();
    await page.waitForURL(/to=2026-12-01/);
    expect(await field('to').locator('.date-read').textContent()).toBe('Selasa, 1 Desember 2026');
    // Audit: nothing chosen, nothing written; a picked day is.
    await page.goto(`${base}/admin/audit`);
    const to = field('to');
    expect(await to.locator('.date-read').textContent()).toBe('');
    await to.locator('input').fill('2026-12-25');
    await poll(() => to.locator('.date-read').textContent()).toBe('Jumat, 25 Desember 2026');
    await context.close();
  });

  test('every page fits a phone and a desktop, in Indonesian and in English', async () => {
    await t.say('web-stats-1', 'halo');
    await t.say('web-stats-1', 'blablabla qwerty');
    const { context, page } = await loggedIn(browser, base, 'rina');
    const links = await page.locator('header.top nav a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname));
    expect(links).toEqual(['/admin/today', '/admin/calendar', '/admin/applications', '/admin/broadcasts', '/admin/failed', '/admin/whatsapp', '/admin/stats', '/admin/content', '/admin/officers', '/admin/audit']);
    for (const link of links) {
      await page.goto(`${base}${link}`);
      expect(await page.locator('h1').count()).toBe(1);
      await shots(page, SHOTS, `page${link.replace(/\//g, '-')}`);
    }
    await page.goto(`${base}/admin/stats`);
    await poll(() => page.evaluate(() => document.querySelectorAll('canvas[data-chart]').length)).toBe(6);
    // Days day first, as read in Indonesia: "17/11 … 30/11" (not "11-17").
    const days = (JSON.parse((await page.locator('canvas#messages').getAttribute('data-chart'))!) as { data: { labels: string[] } }).data.labels;
    expect(days).toHaveLength(14);
    expect([days[0], days.at(-1)]).toEqual(['17/11', '30/11']);
    expect(await page.locator('table.unknown-questions').textContent()).toContain('blablabla qwerty');
    await page.goto(`${base}/admin/audit?actor=rina&action=officer.login`);
    expect(await page.locator('table.audit').textContent()).toContain('officer.login');
    await page.getByRole('button', { name: 'English' }).click();
    await poll(() => page.locator('header.top nav a').first().textContent()).toBe('Today');
    await shots(page, SHOTS, 'audit-en');
    await context.close();
  });
  test('on a slow network a second tap on a sent form sends nothing: one check-in reaches the server', async () => {
    const { code } = seed('2026-11-30', 3);
    const { context, page } = await loggedIn(browser, base, 'budi', 360);
    // The network holds the check-in until the test lets it through (no timer): meanwhile the officer taps again.
    let reached = 0;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/admin/today/check-in', async (route) => {
      reached++;
      await held;
      // A request the browser gave up for a newer one cannot continue any more.
      await route.continue().catch(() => {});
    });
    const button = page.locator(`tr[data-code="${code}"] button`, { hasText: 'Check-in' });
    await button.scrollIntoViewIfNeeded();
    const box = (await button.boundingBox())!;
    // Taps as a finger makes them (the mouse does not wait for the page the first tap asked for).
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await poll(() => reached).toBe(1);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    release();
    await poll(() => page.locator('.flash.ok').textContent()).toContain('sudah datang (check-in dicatat)');
    expect(reached).toBe(1);
    expect(t.ctx.db.prepare(`SELECT COUNT(*) FROM audit_log WHERE action = 'booking.check_in' AND subject = ?`).pluck().get(code)).toBe(1);
    await page.unroute('**/admin/today/check-in');
    await context.close();
  });

  test('on a 360 px phone Kalender shows the days (and "Tutup hari") on the first screen, the holiday lists below', async () => {
    const { context, page } = await loggedIn(browser, base, 'budi', 360);
    await page.goto(`${base}/admin/calendar`);
    const close = page.locator('table.calendar a', { hasText: 'Tutup hari' }).first();
    const box = (await close.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(900);
    expect(box.height).toBeGreaterThanOrEqual(40);
    await context.close();
  });
});
