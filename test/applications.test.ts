// Applications as officers and residents meet them: the status graph, the admin API, the
// "Cek status" conversation (wrong checks, cool-down), following, quiet hours, CSV import.
import { afterEach, describe, expect, test } from 'vitest';
import { applicationsFeature, applicationsSettings } from '../src/applications/feature.js';
import { checkTransition, nextStatuses } from '../src/applications/graph.js';
import { quietHoursEnd, QuietHoursSetting } from '../src/applications/quiet-hours.js';
import { webChatFeature } from '../src/channels/web/feature.js';
import { choicesOf, FakeClock, makeTestApp, textOf, type TestApp } from './helpers.js';

const TOKEN = 'test-admin-token-0123456789';
const NIK = '1803025504950001';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function start(env: Record<string, string> = {}, clock?: FakeClock): Promise<TestApp> {
  t = await makeTestApp({ env: { ADMIN_TOKEN: TOKEN, ...env }, clock, features: [applicationsFeature, webChatFeature] });
  return t;
}

async function api(app: TestApp, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await app.ctx.http.request(`/api/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function createApp(app: TestApp, trackingNo = 'LU-261130-AAAAA', extra: Record<string, unknown> = {}) {
  const res = await api(app, 'POST', '/applications', { trackingNo, service: 'ktp_el_hilang_rusak', applicantName: 'Siti Aminah', nik: NIK, officer: 'budi', ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function setStatus(app: TestApp, trackingNo: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return api(app, 'POST', `/applications/${trackingNo}/status`, { officer: 'budi', ...body }, headers);
}

/** Pulls what the web chat would show the resident now (notifications arrive this way on the web). */
async function inbox(app: TestApp, clientId: string): Promise<string> {
  const res = await app.ctx.http.request('/api/chat/messages', { headers: app.headers(clientId) });
  const { messages } = (await res.json()) as { messages: { text: string }[] };
  return messages.map((m) => m.text).join('\n');
}

async function checkStatus(app: TestApp, who: string, trackingNo: string, check: string) {
  await app.say(who, 'cek status');
  await app.say(who, trackingNo);
  return app.say(who, check);
}

describe('status graph', () => {
  test('only the documented transitions are allowed, with notes where they are needed', () => {
    expect(nextStatuses('diterima')).toEqual(['diverifikasi', 'perlu_perbaikan', 'ditolak']);
    expect(checkTransition('diterima', 'diverifikasi', undefined, undefined)).toEqual({ ok: true });
    expect(checkTransition('diverifikasi', 'diproses', undefined, undefined)).toEqual({ ok: true });
    expect(checkTransition('diproses', 'selesai', undefined, 'pickup')).toEqual({ ok: true });
    expect(checkTransition('perlu_perbaikan', 'diverifikasi', undefined, undefined)).toEqual({ ok: true });

    const skip = checkTransition('diterima', 'selesai', undefined, 'pickup');
    expect(skip.ok).toBe(false);
    expect(!skip.ok && skip.error).toContain('diverifikasi, perlu_perbaikan, ditolak');
    expect(checkTransition('selesai', 'diproses', undefined, undefined)).toMatchObject({ ok: false, error: expect.stringContaining('final') });
    expect(checkTransition('ditolak', 'diterima', undefined, undefined).ok).toBe(false);
    expect(checkTransition('diterima', 'diterima', undefined, undefined)).toMatchObject({ ok: false, error: expect.stringContaining('already') });
    expect(checkTransition('diterima', 'perlu_perbaikan', '  ', undefined)).toMatchObject({ ok: false, error: expect.stringContaining('missing') });
    expect(checkTransition('diverifikasi', 'ditolak', undefined, undefined)).toMatchObject({ ok: false, error: expect.stringContaining('reason') });
    expect(checkTransition('diproses', 'selesai', undefined, undefined)).toMatchObject({ ok: false, error: expect.stringContaining('pickup') });
  });
});

describe('officers API', () => {
  test('create, look up (NIK masked), list by status, refused transitions, retried request changes once', async () => {
    const app = await start();
    const created = await createApp(app);
    expect(created).toMatchObject({ trackingNo: 'LU-261130-AAAAA', status: 'diterima', nik: '1803**********01' });
    expect(JSON.stringify(created)).not.toContain(NIK);

    expect((await createApp(app, 'LU-261130-BBBBB')).status).toBe('diterima');
    const dup = await api(app, 'POST', '/applications', { trackingNo: 'lu 261130 aaaaa', service: 'kk_hilang_rusak', applicantName: 'A B', nik: NIK, officer: 'budi' });
    expect(dup.status).toBe(409);
    const badNik = await api(app, 'POST', '/applications', { service: 'kk_hilang_rusak', applicantName: 'A B', nik: '123', officer: 'budi' });
    expect(badNik).toMatchObject({ status: 400, body: { error: expect.stringContaining('16 digits') } });
    const generated = await api(app, 'POST', '/applications', { service: 'kk_hilang_rusak', applicantName: 'A B', nik: NIK, officer: 'budi' });
    expect(generated.body.trackingNo).toMatch(/^LU-261130-[A-Z2-9]{5}$/);

    const refused = await setStatus(app, 'LU-261130-AAAAA', { status: 'selesai', delivery: 'pickup' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toContain('Cannot change "diterima" to "selesai"');

    const first = await setStatus(app, 'LU-261130-AAAAA', { status: 'diverifikasi' }, { 'idempotency-key': 'req-1' });
    expect(first.status).toBe(200);
    const retried = await setStatus(app, 'LU-261130-AAAAA', { status: 'diverifikasi' }, { 'idempotency-key': 'req-1' });
    expect(retried.status).toBe(200);
    expect(retried.body.change.historyId).toBe(first.body.change.historyId);
    expect(retried.body.replayed).toBe(true);
    // Without the key, the same request again is refused by the graph (already in that status).
    expect((await setStatus(app, 'LU-261130-AAAAA', { status: 'diverifikasi' })).status).toBe(409);

    const one = await api(app, 'GET', '/applications/lu261130aaaaa');
    expect(one.body.history.map((h: { status: string }) => h.status)).toEqual(['diterima', 'diverifikasi']);
    expect(one.body.history[1].officer).toBe('budi');

    const verified = await api(app, 'GET', '/applications?status=diverifikasi');
    expect(verified.body.total).toBe(1);
    expect(verified.body.items[0]).toMatchObject({ trackingNo: 'LU-261130-AAAAA', applicantName: 'S*** A*****' });
    expect((await api(app, 'GET', '/applications?status=nope')).status).toBe(400);
    expect((await api(app, 'GET', '/applications/NOPE1234')).status).toBe(404);

    const audit = app.ctx.db.prepare("SELECT action, actor FROM audit_log WHERE action LIKE 'application.%' ORDER BY id").all();
    expect(audit).toEqual(expect.arrayContaining([{ action: 'application.create', actor: 'budi' }, { action: 'application.status', actor: 'budi' }]));
    expect(app.ctx.db.prepare("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%" + NIK + "%'").pluck().get()).toBe(0);
  });

  test('the API needs the token', async () => {
    const app = await start();
    const res = await app.ctx.http.request('/api/admin/applications', { method: 'GET' });
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain('trackingNo');
  });

  test('CSV import keeps good rows and reports bad ones by line', async () => {
    const app = await start();
    await createApp(app, 'LU-EXIST-0001');
    const csv = [
      'tracking_no,service,applicant_name,nik,contact_channel,contact_address',
      'LU-CSV-0001,kk_baru_perkawinan,Andi Saputra,1803020101900001,,',
      'LU-CSV-0002,akta_kelahiran,Dewi Lestari,12345,,', // line 3: NIK too short
      'LU-CSV-0003,kia,,1803020101900003,,', // line 4: no name
      '',
      'LU-EXIST-0001,kk_baru_perkawinan,Rina Wati,1803020101900004,,', // line 6: exists
      'LU-CSV-0005,kk_baru_perkawinan,"Budi ""Bud"" Santoso",1803020101900005,telegram,12345678', // line 7: fine (quotes)
      'LU-CSV-0006,kk_baru_perkawinan,Tono,1803020101900006,fax,999', // line 8: unknown channel
    ].join('\n');
    const res = await api(app, 'POST', '/applications/import?officer=budi', csv);
    expect(res.status).toBe(200);
    expect(res.body.imported).toBe(2);
    expect(res.body.trackingNos).toEqual(['LU-CSV-0001', 'LU-CSV-0005']);
    expect(res.body.errors.map((e: { line: number }) => e.line)).toEqual([3, 4, 6, 8]);
    expect(res.body.errors[0].error).toContain('16 digits');
    expect(res.body.errors[2].error).toContain('already exists');
    expect((await api(app, 'GET', '/applications/LU-CSV-0005')).body.applicantName).toBe('Budi "Bud" Santoso');

    const noNik = await api(app, 'POST', '/applications/import?officer=budi', 'service,applicant_name\nkk_baru,Ani Sari\n');
    expect(noNik.body).toMatchObject({ imported: 0, errors: [{ line: 1, error: expect.stringContaining('missing column(s): nik') }] });

    const viaJson = await api(app, 'POST', '/applications/import', { officer: 'budi', csv: 'service,applicant_name,nik\nkk_baru_perkawinan,Ani Sari,1803020101900009\n"unclosed,x,y\n' });
    expect(viaJson.body.imported).toBe(1);
    expect(viaJson.body.errors.length).toBeGreaterThan(0);
  });
});

describe('Cek status conversation', () => {
  test('number + last 4 NIK digits → status, meaning, next step, history; follow; notification arrives once', async () => {
    const app = await start();
    await createApp(app);
    await setStatus(app, 'LU-261130-AAAAA', { status: 'perlu_perbaikan', note: 'Surat kehilangan dari polisi belum dilampirkan' });

    const menu = await app.say('resident-a', 'halo');
    expect(choicesOf(menu)).toContain('Cek status permohonan');
    const asked = await app.say('resident-a', 'cek status');
    expect(textOf(asked)).toContain('nomor permohonan');
    expect(textOf(await app.say('resident-a', 'lu-261130-aaaaa'))).toContain('4 angka terakhir NIK');
    expect(textOf(await app.say('resident-a', '12 3'))).toContain('4 angka saja');
    const shown = await app.say('resident-a', '0001');
    const text = textOf(shown);
    expect(text).toContain('Status sekarang: Perlu perbaikan');
    expect(text).toContain('Silakan lengkapi atau perbaiki');
    expect(text).toContain('Catatan petugas: Surat kehilangan dari polisi belum dilampirkan');
    expect(text).toContain('Riwayat:');
    expect(text).toContain('Pemohon: S*** A*****');
    expect(text).not.toContain(NIK);
    expect(choicesOf(shown)).toContain('Ikuti permohonan ini');

    const followed = await app.say('resident-a', { choice: 'st:follow' });
    expect(textOf(followed)).toContain('chat ini mengikuti permohonan LU-261130-AAAAA');
    expect(choicesOf(followed)).toContain('Berhenti mengikuti');

    const change = await setStatus(app, 'LU-261130-AAAAA', { status: 'diverifikasi', note: 'Berkas lengkap' });
    expect(change.body.notifications.queued).toBe(1);
    // The web chat shows it with the next exchange…
    const note = textOf(await app.say('resident-a', 'menu'));
    expect(note).toContain('Kabar permohonan LU-261130-AAAAA');
    expect(note).toContain('Status sekarang: Diverifikasi');
    expect(note).toContain('Catatan petugas: Berkas lengkap');
    // …once: after the chat acknowledged it, it does not come again.
    const after = await app.say('resident-a', 'menu');
    expect(textOf(after)).not.toContain('Kabar permohonan');
    expect(app.ctx.db.prepare("SELECT COUNT(*) FROM outbox WHERE kind = 'notification'").pluck().get()).toBe(1);
  });

  test('a chat may follow several applications and stop following each', async () => {
    const app = await start();
    await createApp(app, 'LU-A-0001');
    await createApp(app, 'LU-B-0002');
    for (const no of ['LU-A-0001', 'LU-B-0002']) {
      await checkStatus(app, 'resident-b', no, '0001');
      await app.say('resident-b', { choice: 'st:follow' });
    }
    const list = await app.say('resident-b', 'berhenti ikuti');
    expect(textOf(list)).toContain('LU-A-0001');
    expect(textOf(list)).toContain('LU-B-0002');
    const dropped = await app.say('resident-b', { choice: choicesIdOf(app, 'resident-b', 'LU-A-0001') });
    expect(textOf(dropped)).toContain('tidak lagi mengikuti permohonan LU-A-0001');

    await setStatus(app, 'LU-A-0001', { status: 'diverifikasi' });
    await setStatus(app, 'LU-B-0002', { status: 'diverifikasi' });
    const got = await inbox(app, 'resident-b');
    expect(got).toContain('LU-B-0002');
    expect(got).not.toContain('Kabar permohonan LU-A-0001');

    // Unfollow from the result too.
    await checkStatus(app, 'resident-b', 'LU-B-0002', '0001');
    expect(textOf(await app.say('resident-b', { choice: 'st:unfollow' }))).toContain('tidak lagi mengikuti permohonan LU-B-0002');
    expect(textOf(await app.say('resident-b', 'berhenti ikuti'))).toContain('belum mengikuti permohonan apa pun');
  });

  test('a wrong check answers like an unknown number; repeated tries end in a cool-down', async () => {
    const clock = new FakeClock();
    const app = await start({ STATUS_CHECK_TRIES: '3', STATUS_CHECK_COOLDOWN_MINUTES: '15' }, clock);
    await createApp(app);

    const wrong = textOf(await checkStatus(app, 'resident-c', 'LU-261130-AAAAA', '9999'));
    const unknown = textOf(await checkStatus(app, 'resident-c', 'LU-999999-ZZZZZ', '0001'));
    expect(wrong).toContain('tidak kami temukan');
    expect(wrong).toBe(unknown);
    expect(wrong).not.toContain('Siti');

    const third = textOf(await checkStatus(app, 'resident-c', 'LU-261130-AAAAA', '1234'));
    expect(third).toContain('coba lagi dalam 15 menit');
    // Even the right check is refused during the cool-down (otherwise the cool-down would leak it).
    expect(textOf(await checkStatus(app, 'resident-c', 'LU-261130-AAAAA', '0001'))).toContain('coba lagi dalam 15 menit');
    // Another chat is not punished for this one's tries.
    expect(textOf(await checkStatus(app, 'resident-d', 'LU-261130-AAAAA', '0001'))).toContain('Status sekarang: Diterima');

    clock.advance(16 * 60_000);
    expect(textOf(await checkStatus(app, 'resident-c', 'LU-261130-AAAAA', '0001'))).toContain('Status sekarang: Diterima');
  });

  test('many chats guessing one number lock that number for a while', async () => {
    const app = await start({ STATUS_CHECK_TRIES: '3' });
    await createApp(app);
    // 3 tries × factor 2 = 6 wrong checks on one number, each from a fresh chat.
    for (let i = 0; i < 6; i++) await checkStatus(app, `guesser-${i}`, 'LU-261130-AAAAA', String(1000 + i));
    expect(textOf(await checkStatus(app, 'guesser-x', 'LU-261130-AAAAA', '0001'))).toContain('coba lagi dalam');
  });

  test('"status?" works any time: first message, inside another flow, after a long pause', async () => {
    const clock = new FakeClock();
    const app = await start({}, clock);
    expect(textOf(await app.say('resident-s', 'status?'))).toContain('nomor permohonan');
    await app.say('resident-s', 'syarat kk hilang');
    expect(textOf(await app.say('resident-s', 'Status?'))).toContain('nomor permohonan');
    clock.advance(3 * 60 * 60_000);
    expect(textOf(await app.say('resident-s', 'sudah jadi belum?'))).toContain('nomor permohonan');
  });

  test('a restart between the number and the check strands nobody', async () => {
    const first = await start();
    await createApp(first);
    await first.say('resident-r', 'cek status');
    await first.say('resident-r', 'LU-261130-AAAAA');
    const dir = first.dir;
    await first.close();
    t = await makeTestApp({ dir, env: { ADMIN_TOKEN: TOKEN }, features: [applicationsFeature, webChatFeature] });
    expect(textOf(await t.say('resident-r', '0001'))).toContain('Status sekarang: Diterima');
  });

  test('English residents read the status in English', async () => {
    const app = await start();
    await createApp(app);
    await app.say('resident-en', 'halo');
    await app.say('resident-en', { choice: 'lang:en' });
    const shown = textOf(await checkStatus(app, 'resident-en', 'LU-261130-AAAAA', '0001'));
    expect(shown).toContain('Current status: Received');
  });
});

describe('settings', () => {
  test('a bad value stops start-up naming the variable', () => {
    expect(() => applicationsSettings({ QUIET_HOURS: '21-6' }, 'Asia/Jakarta')).toThrow(/Invalid QUIET_HOURS: expected HH:MM-HH:MM/);
    expect(() => applicationsSettings({ BROADCAST_RATE: '100' }, 'Asia/Jakarta')).toThrow(/Invalid BROADCAST_RATE/);
    expect(() => applicationsSettings({ STATUS_CHECK_TRIES: 'five' }, 'Asia/Jakarta')).toThrow(/Invalid STATUS_CHECK_TRIES/);
    expect(applicationsSettings({}, 'Asia/Jakarta')).toMatchObject({ quietHours: { start: 21 * 60, end: 6 * 60 }, broadcastRate: 20, maxTries: 5, cooldownMinutes: 15 });
    expect(applicationsSettings({ QUIET_HOURS: 'off' }, 'Asia/Jakarta').quietHours).toBeUndefined();
  });
});

describe('quiet hours', () => {
  test('the setting parses and computes the morning in office time', () => {
    const quiet = QuietHoursSetting.parse('21:00-06:00');
    const tz = 'Asia/Jakarta';
    // 22:30 WIB → 06:00 WIB next day.
    expect(quietHoursEnd(new Date('2026-11-30T15:30:00Z'), quiet, tz).toISOString()).toBe('2026-11-30T23:00:00.000Z');
    // 02:00 WIB → 06:00 WIB the same day.
    expect(quietHoursEnd(new Date('2026-11-30T19:00:00Z'), quiet, tz).toISOString()).toBe('2026-11-30T23:00:00.000Z');
    // 09:00 WIB → now.
    expect(quietHoursEnd(new Date('2026-11-30T02:00:00Z'), quiet, tz).toISOString()).toBe('2026-11-30T02:00:00.000Z');
    expect(QuietHoursSetting.parse('off')).toBeUndefined();
    expect(QuietHoursSetting.safeParse('25:00-06:00').success).toBe(false);
  });

  test('a change at 22:00 WIB reaches the resident at 06:00, an urgent one at once', async () => {
    const clock = new FakeClock('2026-11-30T02:00:00Z'); // 09:00 WIB
    const app = await start({}, clock);
    await createApp(app);
    await checkStatus(app, 'resident-q', 'LU-261130-AAAAA', '0001');
    await app.say('resident-q', { choice: 'st:follow' });
    const seen = await inbox(app, 'resident-q'); // everything so far

    clock.set('2026-11-30T15:00:00Z'); // 22:00 WIB
    const res = await setStatus(app, 'LU-261130-AAAAA', { status: 'diverifikasi' });
    expect(res.body.notifications.notBefore).toBe('2026-11-30T23:00:00.000Z');
    expect((await inbox(app, 'resident-q')).replace(seen, '')).not.toContain('Kabar permohonan');
    clock.set('2026-11-30T22:59:00Z'); // 05:59 WIB
    expect((await inbox(app, 'resident-q')).replace(seen, '')).not.toContain('Kabar permohonan');
    clock.set('2026-11-30T23:00:00Z'); // 06:00 WIB
    expect(await inbox(app, 'resident-q')).toContain('Status sekarang: Diverifikasi');

    clock.set('2026-12-01T15:00:00Z'); // 22:00 WIB next night
    await setStatus(app, 'LU-261130-AAAAA', { status: 'diproses', urgent: true });
    expect(await inbox(app, 'resident-q')).toContain('Status sekarang: Diproses');
  });
});

/** The choice id of the "stop following <tracking>" button from the resident's last list. */
function choicesIdOf(app: TestApp, clientId: string, tracking: string): string {
  const row = app.ctx.db
    .prepare("SELECT payload FROM outbox WHERE channel = 'web' AND address = ? AND payload LIKE '%st:unf:%' ORDER BY id DESC LIMIT 1")
    .pluck()
    .get(clientId) as string;
  const choice = (JSON.parse(row) as { choices: { id: string; label: string }[] }).choices.find((c) => c.label.includes(tracking));
  return choice!.id;
}

describe('personal data is kept only while needed', () => {
  test('a finished application loses NIK, name and contact after APPLICATIONS_KEEP_DAYS; open ones keep them', async () => {
    const clock = new FakeClock('2026-11-30T02:00:00.000Z');
    const app = await start({ APPLICATIONS_KEEP_DAYS: '30' }, clock);
    await createApp(app, 'LU-261130-DONE1');
    await createApp(app, 'LU-261130-OPEN1');
    for (const status of ['diverifikasi', 'diproses']) expect((await setStatus(app, 'LU-261130-DONE1', { status })).status).toBe(200);
    expect((await setStatus(app, 'LU-261130-DONE1', { status: 'selesai', delivery: 'pickup' })).status).toBe(200);
    const feature = app.app.features.find((f) => f.name === 'applications')!;
    const withNik = () => app.ctx.db.prepare('SELECT tracking_no FROM applications WHERE nik = ? ORDER BY id').pluck().all(NIK);
    clock.advance(29 * 86_400_000);
    feature.housekeeping!(clock.now());
    expect(withNik()).toEqual(['LU-261130-DONE1', 'LU-261130-OPEN1']);
    clock.advance(2 * 86_400_000);
    feature.housekeeping!(clock.now());
    expect(withNik()).toEqual(['LU-261130-OPEN1']);
    expect(app.ctx.db.prepare("SELECT nik, applicant_name FROM applications WHERE tracking_no = 'LU-261130-DONE1'").get()).toEqual({ nik: '1803**********01', applicant_name: '-' });
  });
});
