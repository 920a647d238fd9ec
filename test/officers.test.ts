// Officer accounts and the dashboard's security, over the real HTTP app: the first admin from
// the CLI, login and its limits, sessions, CSRF, roles, personal API tokens (ADMIN_TOKEN kept
// working but deprecated, never echoed), and the service fixes the dashboard needs.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { bookingFeature, type BookingFeature } from '../src/booking/feature.js';
import { applicationsFeature } from '../src/applications/feature.js';
import { webChatFeature } from '../src/channels/web/feature.js';
import { ConfigError, loadCoreConfig } from '../src/config.js';
import { dashboardFeature } from '../src/dashboard/feature.js';
import { runOfficerCli } from '../src/officers/cli.js';
import { addOfficer, contentCopy, PASSWORD, Session } from './dashboard-helpers.js';
import { FakeClock, makeTestApp, tempDir, textOf, type TestApp } from './helpers.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const features = [bookingFeature, applicationsFeature, webChatFeature, dashboardFeature];
async function start(env: Record<string, string> = {}) {
  t = await makeTestApp({ env: { ADMIN_TRUST_PROXY: 'on', CONTENT_DIR: contentCopy(), ...env }, features, clock: new FakeClock('2026-11-30T02:00:00.000Z') });
  return t;
}
const booking = (t: TestApp) => t.app.features.find((f) => f.name === 'booking') as BookingFeature;
function seed(t: TestApp, i: number, date: string, session = 0) {
  const resident = t.ctx.store.upsertResident('web', `resident-dash-${i}`, undefined, 'id', t.clock.now());
  const r = booking(t).service.reserve({ residentId: resident.id, nik: `180302120495${String(i).padStart(4, '0')}`, name: `Warga Nomor ${'ABCDEFGHIJ'[i % 10]}`, reason: 'hospital', reasonNote: null, date, session }, t.clock.now());
  if (!r.ok) throw new Error(r.why);
  return r.booking.code;
}
const audit = (t: TestApp, action: string) => t.ctx.db.prepare('SELECT actor, subject FROM audit_log WHERE action = ? ORDER BY id').all(action) as Array<{ actor: string; subject: string }>;

describe('accounts', () => {
  test('the first admin comes from the CLI with a one-time password that must be changed at the first login', async () => {
    const dir = tempDir();
    const out: string[] = [];
    expect(await runOfficerCli(['add', 'Rina', '--role', 'admin'], { DATA_DIR: dir, LOG_LEVEL: 'silent' }, (s) => out.push(s))).toBe(0);
    const otp = /shown once[^:]*: (\S+)/.exec(out.join('\n'))![1]!;
    expect(otp).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(await runOfficerCli(['add', 'rina', '--role', 'admin'], { DATA_DIR: dir, LOG_LEVEL: 'silent' }, (s) => out.push(s))).toBe(1);
    expect(out.at(-1)).toMatch(/sudah dipakai/);

    t = await makeTestApp({ dir, env: { CONTENT_DIR: contentCopy() }, features });
    const s = new Session(t);
    const res = await s.login('rina', otp);
    expect(res.location).toBe('/admin/password');
    // Any page leads to the password change first.
    expect((await s.get('/admin/today')).location).toBe('/admin/password');
    const changed = await s.post('/admin/password', { current: otp, next: 'sandi-baru-rina-2026', again: 'sandi-baru-rina-2026' });
    expect(changed.location).toBe('/admin');
    expect((await s.get('/admin/today')).status).toBe(200);
    // The old password no longer works.
    expect((await new Session(t).login('rina', otp)).status).toBe(401);
  });

  test('the session cookie is HttpOnly and SameSite=Strict (Secure with ADMIN_COOKIE_SECURE); logout and the idle timeout end it', async () => {
    await start({ ADMIN_COOKIE_SECURE: 'on', ADMIN_SESSION_IDLE_MINUTES: '30' });
    await addOfficer(t!, 'budi', 'petugas');
    const page = await t!.ctx.http.request('/admin/login');
    const token = /name="_login" value="([^"]+)"/.exec(await page.text())![1]!;
    const loginCookie = page.headers.getSetCookie()[0]!.split(';')[0]!;
    const res = await t!.ctx.http.request('/admin/login', { method: 'POST', headers: { cookie: loginCookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `_login=${token}&username=budi&password=${PASSWORD}` });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('adm_sid='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Secure/);

    const s = new Session(t!);
    await s.login('budi');
    expect((await s.get('/admin/today')).status).toBe(200);
    t!.clock.advance(29 * 60_000);
    expect((await s.get('/admin/today')).status).toBe(200);
    t!.clock.advance(31 * 60_000);
    expect((await s.get('/admin/today')).location).toMatch(/^\/admin\/login/);

    await s.login('budi');
    await s.post('/admin/logout', {});
    expect((await s.get('/admin/today')).location).toMatch(/^\/admin\/login/);
  });

  test('five wrong passwords lock the account (even the right one is refused); an admin reset lifts it', async () => {
    await start();
    const id = await addOfficer(t!, 'budi', 'petugas');
    await addOfficer(t!, 'admin1', 'admin');
    for (let i = 0; i < 5; i++) expect((await new Session(t!, `10.0.0.${i + 10}`).login('budi', 'salah-salah-salah')).text).toMatch(/Nama pengguna atau kata sandi salah/);
    const locked = await new Session(t!).login('budi');
    expect(locked.status).toBe(429);
    expect(locked.text).toMatch(/Akun dikunci sementara/);
    expect(audit(t!, 'officer.locked')).toEqual([expect.objectContaining({ subject: 'budi' })]);
    // An unknown name gets the same answer as a wrong password (no hint which accounts exist).
    expect((await new Session(t!, '10.0.1.1').login('tidakada', 'x')).text).toMatch(/Nama pengguna atau kata sandi salah/);

    const admin = new Session(t!);
    await admin.login('admin1');
    const reset = await admin.post(`/admin/officers/${id}/reset`, {});
    const otp = /<code class="once">([^<]+)<\/code>/.exec(reset.text)![1]!;
    expect((await new Session(t!).login('budi', otp)).location).toBe('/admin/password');
  });

  test('an account lock ends by itself after ADMIN_LOCK_MINUTES', async () => {
    await start({ ADMIN_LOCK_MINUTES: '15' });
    await addOfficer(t!, 'budi', 'petugas');
    for (let i = 0; i < 5; i++) await new Session(t!, `10.0.2.${i}`).login('budi', 'salah-salah');
    t!.clock.advance(14 * 60_000);
    expect((await new Session(t!).login('budi')).status).toBe(429);
    t!.clock.advance(2 * 60_000);
    expect((await new Session(t!).login('budi')).location).toBe('/admin');
  });

  test('twenty failures from one address lock that address for every account', async () => {
    await start({ ADMIN_LOGIN_MAX_FAILURES_PER_IP: '20' });
    await addOfficer(t!, 'budi', 'petugas');
    for (let i = 0; i < 20; i++) await new Session(t!, '192.0.2.7').login(`orang${i}`, 'salah');
    const res = await new Session(t!, '192.0.2.7').login('budi');
    expect(res.status).toBe(429);
    expect(res.text).toMatch(/Terlalu banyak percobaan dari perangkat ini/);
    expect((await new Session(t!, '192.0.2.8').login('budi')).location).toBe('/admin');
    t!.clock.advance(16 * 60_000);
    expect((await new Session(t!, '192.0.2.7').login('budi')).location).toBe('/admin');
  });
});

describe('CSRF and roles', () => {
  test('a form without the session’s CSRF token is refused and changes nothing', async () => {
    await start();
    await addOfficer(t!, 'budi', 'petugas');
    const code = seed(t!, 1, '2026-11-30', 3);
    const s = new Session(t!);
    await s.login('budi');
    const none = await s.post('/admin/today/check-in', { code, date: '2026-11-30' }, { csrf: null });
    expect(none.status).toBe(403);
    expect(none.text).toMatch(/token CSRF/);
    const wrong = await s.post('/admin/today/check-in', { code, date: '2026-11-30' }, { csrf: 'x'.repeat(32) });
    expect(wrong.status).toBe(403);
    expect(booking(t!).store.byCode(code)!.status).toBe('active');
    const ok = await s.post('/admin/today/check-in', { code, date: '2026-11-30' });
    expect(ok.status).toBe(303);
    expect(booking(t!).store.byCode(code)!.status).toBe('checked_in');
    expect(audit(t!, 'booking.check_in')).toEqual([{ actor: 'budi', subject: code }]);
  });

  test('a viewer sees the day but is refused every change; the Petugas page is for admins only', async () => {
    await start();
    await addOfficer(t!, 'lihat', 'viewer');
    const code = seed(t!, 1, '2026-11-30', 3);
    const s = new Session(t!);
    await s.login('lihat');
    const day = await s.get('/admin/today');
    expect(day.text).toContain('Warga Nomor B');
    expect(day.text).not.toContain('/admin/today/check-in');
    const refused = await s.post('/admin/today/check-in', { code, date: '2026-11-30' });
    expect(refused.status).toBe(403);
    expect(refused.text).toMatch(/hanya bisa melihat/);
    expect(booking(t!).store.byCode(code)!.status).toBe('active');
    expect((await s.get('/admin/officers')).status).toBe(403);
    expect((await s.get('/admin/today')).text).not.toContain('href="/admin/officers"');
  });

  test('a checked-in booking becomes a no-show only after a confirmation', async () => {
    await start();
    await addOfficer(t!, 'budi', 'petugas');
    const code = seed(t!, 1, '2026-11-30', 3);
    const s = new Session(t!);
    await s.login('budi');
    await s.post('/admin/today/check-in', { code, date: '2026-11-30' });
    t!.clock.set('2026-11-30T09:00:00.000Z'); // 16:00 WIB: every session is over
    await s.login('budi'); // the idle timeout ended the morning's session
    const page = await s.get('/admin/today');
    expect(page.text).toContain(`/admin/today/no-show?code=${code}`);
    const plain = await s.post('/admin/today/no-show', { code, date: '2026-11-30' });
    await s.get(plain.location!);
    expect(booking(t!).store.byCode(code)!.status).toBe('checked_in');
    const confirm = await s.get(`/admin/today/no-show?code=${code}&date=2026-11-30`);
    expect(confirm.text).toMatch(/sudah dicatat datang/);
    await s.post('/admin/today/no-show', { code, date: '2026-11-30', confirm: 'yes' });
    expect(booking(t!).store.byCode(code)!.status).toBe('no_show');
  });
});

describe('API tokens', () => {
  test('an officer’s token names the officer in the audit log (X-Officer is ignored); a revoked token is refused; a viewer token only reads', async () => {
    await start();
    const budi = await addOfficer(t!, 'budi', 'petugas');
    const lihat = await addOfficer(t!, 'lihat', 'viewer');
    const officers = t!.ctx.services.officers;
    const token = officers.createToken(budi, 'skrip', 'test');
    if (!token.ok) throw new Error(token.error);
    expect(t!.ctx.db.prepare('SELECT count(*) FROM officer_tokens WHERE token_hash = ?').pluck().get(token.token)).toBe(0);
    const code = seed(t!, 1, '2026-11-30', 3);
    const api = (path: string, secret: string, method = 'POST', headers: Record<string, string> = {}) =>
      t!.ctx.http.request(`/api/admin${path}`, { method, headers: { authorization: `Bearer ${secret}`, ...headers } });
    expect((await api(`/booking/bookings/${code}/check-in`, token.token, 'POST', { 'X-Officer': 'Bupati' })).status).toBe(200);
    expect(audit(t!, 'booking.check_in')).toEqual([{ actor: 'budi', subject: code }]);

    const view = officers.createToken(lihat, 'baca', 'test');
    if (!view.ok) throw new Error(view.error);
    expect((await api('/booking/days/2026-11-30', view.token, 'GET')).status).toBe(200);
    expect((await api(`/booking/bookings/${code}/no-show`, view.token)).status).toBe(403);

    const id = t!.ctx.db.prepare('SELECT id FROM officer_tokens WHERE prefix = ?').pluck().get(token.prefix) as number;
    expect(officers.revokeToken(id, 'test')).toBe(true);
    expect((await api('/booking/days/2026-11-30', token.token, 'GET')).status).toBe(401);
  });

  test('ADMIN_TOKEN keeps working with a deprecation warning; a bad one is never echoed', async () => {
    await start({ ADMIN_TOKEN: 'shared-token-0123456789' });
    expect((await t!.ctx.http.request('/api/admin/booking/calendar', { headers: { authorization: 'Bearer shared-token-0123456789' } })).status).toBe(200);
    expect(() => loadCoreConfig({ ADMIN_TOKEN: 'rahasia' })).toThrow(ConfigError);
    try {
      loadCoreConfig({ ADMIN_TOKEN: 'rahasia' });
    } catch (err) {
      expect((err as Error).message).toMatch(/ADMIN_TOKEN/);
      expect((err as Error).message).not.toContain('rahasia');
    }
  });
});

describe('pages that change what residents get', () => {
  test('CSV from Excel (semicolons, BOM): the preview saves nothing, unknown services are refused per line, then the good rows are saved', async () => {
    await start();
    await addOfficer(t!, 'budi', 'petugas');
    const s = new Session(t!);
    await s.login('budi');
    const csv = '\uFEFFtracking_no;service;applicant_name;nik;contact_channel;contact_address\nLU-X-0001;kk_hilang_rusak;Andi Saputra;1803020101900001;;\nLU-X-0002;kk_baru;Dewi;1803020101900002;;\n';
    const preview = await s.post('/admin/applications/import', { csv });
    expect(preview.text).toMatch(/<strong class="good-rows">1<\/strong> baris siap disimpan/);
    expect(preview.text).toMatch(/&quot;kk_baru&quot; tidak dikenal/);
    expect(t!.ctx.services.applications!.lookupForOfficer('LU-X-0001')).toBeUndefined();
    const saved = await s.post('/admin/applications/import', { csv, save: 'yes' });
    expect(saved.text).toMatch(/<strong class="good-rows">1<\/strong> permohonan disimpan/);
    expect(t!.ctx.services.applications!.lookupForOfficer('LU-X-0001')!.service).toBe('kk_hilang_rusak');
    expect(t!.ctx.services.applications!.lookupForOfficer('LU-X-0002')).toBeUndefined();
  });

  test('an office fact edited on the Konten page changes the bot’s answer at once; an invalid edit keeps the old content', async () => {
    await start();
    await addOfficer(t!, 'admin1', 'admin');
    const s = new Session(t!);
    await s.login('admin1');
    const o = t!.ctx.content.office;
    const form = { name: o.name, short_name: o.short_name, 'address.id': o.address.id, 'address.en': o.address.en, 'hours.id': 'Senin–Kamis 08.00–14.00 WIB', 'hours.en': 'Monday–Thursday 08:00–14:00 WIB', unverified: '' };
    const res = await s.post('/admin/content/office', form);
    expect(res.location).toBe('/admin/content');
    expect(textOf(await t!.say('warga-konten-1', 'jam buka kantor'))).toContain('Senin–Kamis 08.00–14.00 WIB');
    expect(audit(t!, 'content.office')).toEqual([{ actor: 'admin1', subject: 'office' }]);
    const bad = await s.post('/admin/content/office', { ...form, 'hours.id': '' });
    expect(bad.location).toBe('/admin/content');
    expect((await s.get('/admin/content')).text).toMatch(/Belum disimpan: hours.id/);
    expect(t!.ctx.content.office.hours.id).toBe('Senin–Kamis 08.00–14.00 WIB');
  });

  test('a service’s document edited in its form reaches the bot at once; the YAML file keeps its comments', async () => {
    await start();
    await addOfficer(t!, 'admin1', 'admin');
    const s = new Session(t!);
    await s.login('admin1');
    // A resident reads the service first (its summary is built and kept), the officer then edits it.
    const shownBefore = textOf(await t!.say('warga-konten-2', 'ktp hilang')) + textOf(await t!.say('warga-konten-2', '1'));
    expect(shownBefore).toContain('Surat keterangan kehilangan dari polisi (asli)');
    expect(shownBefore).not.toContain('asli, terbaru');
    await t!.say('warga-konten-2', 'menu');
    const page = await s.get('/admin/content/service/ktp_el_hilang_rusak');
    const unescape = (v: string) => v.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const form: Record<string, string> = {};
    for (const m of page.text.matchAll(/<input name="([^"]+)" value="([^"]*)"/g)) form[m[1]!] = unescape(m[2]!);
    for (const m of page.text.matchAll(/<textarea name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) form[m[1]!] = unescape(m[2]!);
    for (const m of page.text.matchAll(/<select name="([^"]+)">([\s\S]*?)<\/select>/g)) form[m[1]!] = /<option value="([^"]+)" selected/.exec(m[2]!)?.[1] ?? '';
    const before = t!.ctx.content.servicesById.get('ktp_el_hilang_rusak')!;
    expect(form['docs.0.item.id']).toBe(before.documents[0]!.item.id);
    form['docs.0.item.id'] = 'Surat keterangan hilang dari kepolisian (asli, terbaru)';
    form.unverified = '';
    const res = await s.post('/admin/content/service/ktp_el_hilang_rusak', form);
    expect(res.location).toBe('/admin/content/service/ktp_el_hilang_rusak');
    const after = t!.ctx.content.servicesById.get('ktp_el_hilang_rusak')!;
    expect(after.documents[0]!.item.id).toBe('Surat keterangan hilang dari kepolisian (asli, terbaru)');
    expect(after.documents.length).toBe(before.documents.length);
    expect(after.eligibility).toEqual(before.eligibility);
    expect(after.keywords).toEqual(before.keywords);
    expect(after.unverified).toEqual([]);
    const yaml = fs.readFileSync(path.join(t!.ctx.config.CONTENT_DIR, 'services', 'ktp_el_hilang_rusak.yaml'), 'utf8');
    expect(yaml).toContain('Surat keterangan hilang dari kepolisian (asli, terbaru)');
    expect(yaml.startsWith('#')).toBe(true);
    const chat = textOf(await t!.say('warga-konten-2', 'ktp hilang'));
    expect(chat).toContain('1. Surat keterangan hilang dari kepolisian (asli, terbaru)');
    expect(chat + textOf(await t!.say('warga-konten-2', '1'))).toContain('asli, terbaru');
  });

  test('statistics count messages per channel and keep questions not understood with digits masked', async () => {
    await start();
    await t!.say('warga-stat-1', 'halo');
    await t!.say('warga-stat-1', 'qwerty zxcv 081234567890');
    const rep = t!.ctx.services.stats.report('2026-11-30', '2026-11-30');
    expect(rep.messages.web).toEqual([2]);
    expect(rep.activeResidents).toEqual([1]);
    expect(rep.unknownQuestions).toEqual([expect.objectContaining({ text: expect.stringContaining('0812******90'), count: 1 })]);
    expect(JSON.stringify(rep)).not.toContain('081234567890');
    const id = await addOfficer(t!, 'lihat', 'viewer');
    const token = t!.ctx.services.officers.createToken(id, 'stats', 'test');
    if (!token.ok) throw new Error(token.error);
    const res = await t!.ctx.http.request('/api/admin/stats?from=2026-11-30&to=2026-11-30', { headers: { authorization: `Bearer ${token.token}` } });
    expect(((await res.json()) as { totalMessages: number }).totalMessages).toBe(2);
    // Reloading content is an admin's change: a viewer's token is refused.
    expect((await t!.ctx.http.request('/api/admin/content/reload', { method: 'POST', headers: { authorization: `Bearer ${token.token}` } })).status).toBe(403);
  });
});
