// Talking to an officer over the web chat: what the resident reads and what the officer sees,
// through the real HTTP routes, on a real SQLite file, with an injected clock.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { webChatFeature } from '../src/channels/web/feature.js';
import { createHandoffFeature } from '../src/handoff/feature.js';
import { makeTestApp, textOf, choicesOf, type TestApp } from './helpers.js';

const ADMIN_TOKEN = 'test-admin-token-handoff-01';
let t: TestApp;

beforeEach(async () => {
  t = await makeTestApp({ env: { ADMIN_TOKEN } });
  await t.app.startFeatures();
});
afterEach(async () => {
  await t.close();
});

async function admin(method: string, path: string, officer = 'budi', body?: unknown) {
  const res = await t.ctx.http.request(`/api/admin/handoff${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'x-officer': officer },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const R = 'resident-handoff-1';

async function openCase(address = R, message = 'KK saya sudah 2 minggu belum jadi, NIK 1803025504950001') {
  await t.say(address, 'halo');
  let r = await t.say(address, 'hubungi petugas');
  expect(choicesOf(r)).toEqual(['Pertanyaan', 'Pengaduan', 'Dokumen saya', 'Lainnya']);
  r = await t.say(address, '3');
  expect(textOf(r)).toContain('tulis pesan Anda untuk petugas');
  r = await t.say(address, message);
  return r;
}

describe('resident side', () => {
  test('asks for an officer, writes, is told honestly when an answer comes, and the bot stays quiet', async () => {
    const r = await openCase();
    const said = textOf(r);
    expect(said).toContain('kasus #1');
    // Monday 30 Nov 09:00 WIB: officers are at work; "dokumen" has 2 working days → Wednesday at closing time.
    expect(said).toContain('sampai pukul 15.30 WIB');
    expect(said).toContain('Rabu, 2 Des 15.30 WIB');
    expect(said).toContain('saya tidak menjawabnya');
    // Free text while the case is open goes to the case, with no answer from the bot.
    expect(await t.say(R, 'syarat ktp hilang apa saja?')).toEqual([]);
    expect(await t.say(R, '2')).toEqual([]);
    const { body } = await admin('GET', '/cases');
    expect(body.cases).toHaveLength(1);
    expect(body.cases[0]).toMatchObject({ topic: 'dokumen', channel: 'web', assignedTo: null, overdue: false });
    // Masked until opened.
    expect(body.cases[0].preview.join(' ')).toContain('1803**********01');
    expect(body.cases[0].preview.join(' ')).not.toContain('1803025504950001');
  });

  test('hours later the resident is still in the case: no idle restart, the message reaches the officer', async () => {
    await openCase();
    t.clock.advance(5 * 3_600_000);
    expect(await t.say(R, 'Maaf baru sempat, ini nomor KK saya 1803020101010001')).toEqual([]);
    const detail = (await admin('GET', '/cases/1')).body;
    expect(detail.messages.at(-1).text).toContain('1803020101010001');
    expect(detail.waitingMinutes).toBe(0);
  });

  test('outside office hours the resident hears when officers read it', async () => {
    t.clock.set('2026-11-28T05:00:00.000Z'); // Saturday 12:00 WIB
    const r = await openCase();
    expect(textOf(r)).toContain('di luar jam layanan');
    expect(textOf(r)).toContain('mulai Senin, 30 Nov pukul 07.30 WIB');
    // 2 working days counting Monday: Tuesday 1 Dec at closing time.
    expect(textOf(r)).toContain('Selasa, 1 Des 15.30 WIB');
  });

  test('menu leaves the case (it stays open) and the bot answers normally again', async () => {
    await openCase();
    let r = await t.say(R, 'menu');
    expect(textOf(r)).toContain('Kasus #1 tetap terbuka untuk petugas');
    expect(choicesOf(r)).toContain('Cek status permohonan');
    r = await t.say(R, 'syarat ktp hilang');
    expect(textOf(r)).toMatch(/KTP/);
    // Asking again shows the open case rather than a second one.
    r = await t.say(R, 'hubungi petugas');
    expect(textOf(r)).toContain('Kasus Anda #1 (Dokumen saya) masih terbuka');
    expect(await t.say(R, 'ini tambahan info')).toEqual([]);
    expect((await admin('GET', '/counts')).body).toMatchObject({ new: 1, open: 1 });
  });

  test('a complaint shows the national channels and a pungli route', async () => {
    await t.say(R, 'halo');
    // "ada yang minta bayaran" already says what it is about: straight to the pungli question.
    expect(textOf(await t.say('resident-handoff-2', 'ada yang minta bayaran'))).toContain('GRATIS');
    let r = await t.say(R, 'hubungi petugas');
    expect(choicesOf(r)).toContain('Pengaduan');
    r = await t.say(R, 'Pengaduan');
    expect(textOf(r)).toContain('SP4N-LAPOR!');
    expect(textOf(r)).toContain('1500537');
    expect(textOf(r)).toContain('0811-8005-373');
    expect(choicesOf(r)).toEqual(['Ada yang minta bayaran']);
    r = await t.say(R, '1');
    expect(textOf(r)).toContain('GRATIS');
    r = await t.say(R, 'Di loket diminta 50 ribu untuk KK');
    expect(textOf(r)).toContain('kasus #1');
    expect(textOf(r)).toContain('1500537');
    const { body } = await admin('GET', '/cases');
    expect(body.cases[0]).toMatchObject({ topic: 'pengaduan', pungli: true });
  });

  test('complaint phrases lead to the officer', async () => {
    await t.say(R, 'halo');
    // Said with what it is about: that is the case's first message (a complaint), not asked again.
    expect(textOf(await t.say(R, 'sudah seminggu kok belum ada kabar'))).toContain('kasus #1');
    expect((await admin('GET', '/cases')).body.cases[0]).toMatchObject({ topic: 'pengaduan', preview: ['sudah seminggu kok belum ada kabar'] });
    expect(textOf(await t.say('resident-handoff-2', 'mau ngomong sama petugas'))).toContain('Saya teruskan ke petugas');
  });

  test('a message typed straight at the topic question opens the case with the topic it reads like', async () => {
    await t.say(R, 'halo');
    await t.say(R, 'hubungi petugas');
    const r = await t.say(R, 'Saya kecewa, sudah lama sekali tidak ada kabar');
    expect(textOf(r)).toContain('kasus #1');
    expect((await admin('GET', '/cases')).body.cases[0].topic).toBe('pengaduan');
  });
});

describe('officer side', () => {
  test('open (audited), reply, the resident answers with the button after leaving, close, rating', async () => {
    await openCase();
    await t.say(R, 'menu');
    // Opening shows the text in full and is audited.
    const opened = await admin('GET', '/cases/1');
    expect(opened.status).toBe(200);
    expect(opened.body.messages.map((m: any) => m.text)).toContain('KK saya sudah 2 minggu belum jadi, NIK 1803025504950001');
    expect(opened.body.context.length).toBeGreaterThan(0);
    const audit = t.ctx.db.prepare("SELECT actor, action, subject FROM audit_log WHERE action LIKE 'handoff.%'").all();
    expect(audit).toContainEqual({ actor: 'budi', action: 'handoff.case_opened', subject: 'case:1' });

    expect((await admin('POST', '/cases/1/reply', 'budi', { text: 'KK Anda sudah dicetak, silakan ambil besok.' })).status).toBe(200);
    let got = await t.poll(R);
    expect(textOf(got)).toContain('Balasan petugas (budi) untuk kasus #1:\nKK Anda sudah dicetak');
    expect(choicesOf(got)).toEqual(['Balas petugas']);
    // The resident is at the menu; "1" answers the officer's message.
    let r = await t.say(R, '1');
    expect(textOf(r)).toContain('tulis balasan Anda untuk petugas (kasus #1)');
    expect(await t.say(R, 'Baik, terima kasih. Jam berapa bisa ambil?')).toEqual([]);
    const detail = await admin('GET', '/cases/1');
    expect(detail.body.messages.filter((m: any) => m.author === 'resident').map((m: any) => m.text)).toContain('Baik, terima kasih. Jam berapa bisa ambil?');
    expect(detail.body.assignedTo).toBe('budi');

    expect((await admin('POST', '/cases/1/close', 'budi', { outcome: 'dijawab' })).status).toBe(200);
    got = await t.poll(R);
    expect(textOf(got)).toContain('Kasus #1 sudah ditutup oleh petugas: Pertanyaan sudah dijawab');
    expect(choicesOf(got)).toEqual(['Sangat tidak puas', 'Kurang puas', 'Cukup', 'Puas', 'Sangat puas']);
    r = await t.say(R, '4');
    expect(textOf(r)).toContain('Terima kasih atas nilainya');
    r = await t.say(R, 'Cepat dan ramah');
    expect(textOf(r)).toContain('Masukan Anda membantu');
    // The bot answers again.
    r = await t.say(R, 'syarat ktp hilang');
    expect(textOf(r)).toMatch(/KTP/);
    const sat = await admin('GET', '/satisfaction');
    expect(sat.body).toMatchObject({ answers: 1, average: 4, byScore: { 4: 1 } });
    expect(sat.body.words[0].word).toBe('Cepat dan ramah');
  });

  test('a resident still in the case after it was closed is told so and gets the bot back', async () => {
    await openCase();
    await admin('POST', '/cases/1/close', 'budi', { outcome: 'selesai' });
    const r = await t.say(R, 'halo masih ada?');
    expect(textOf(r)).toContain('Kasus #1 sudah ditutup');
    // Asked once more for the rating, then the bot answers as usual.
    expect(choicesOf(r)).toContain('Sangat puas');
    expect(textOf(await t.say(R, 'syarat kk hilang'))).toContain('KK');
    expect(t.ctx.services.handoff!.service.openCaseOf(1)).toBeUndefined();
  });

  test('a second officer cannot take an assigned case without reassigning', async () => {
    await openCase();
    expect((await admin('POST', '/cases/1/assign', 'budi')).status).toBe(200);
    const taken = await admin('POST', '/cases/1/assign', 'sari');
    expect(taken.status).toBe(409);
    expect(taken.body.error).toContain('assigned to budi');
    expect((await admin('POST', '/cases/1/reply', 'sari', { text: 'Halo' })).status).toBe(409);
    expect((await admin('POST', '/cases/1/close', 'sari', { outcome: 'dijawab' })).status).toBe(409);
    const moved = await admin('POST', '/cases/1/reassign', 'sari', { to: 'sari' });
    expect(moved.status).toBe(200);
    expect(moved.body.assignedTo).toBe('sari');
    expect((await admin('POST', '/cases/1/reply', 'sari', { text: 'Halo, saya Sari.' })).status).toBe(200);
    expect(textOf(await t.poll(R))).toContain('Balasan petugas (sari)');
    const audit = t.ctx.db.prepare("SELECT detail FROM audit_log WHERE action = 'handoff.reassigned'").pluck().get();
    expect(JSON.parse(audit as string)).toEqual({ from: 'budi', to: 'sari' });
  });

  test('take next gives the most urgent unassigned case; deadlines highlight with the clock', async () => {
    await openCase('resident-a', 'pertanyaan saya'); // dokumen: 2 days → Wed 2 Dec 15:30
    await t.say('resident-b', 'halo');
    await t.say('resident-b', 'hubungi petugas');
    await t.say('resident-b', 'Pertanyaan');
    await t.say('resident-b', 'Apakah KIA bisa online?'); // pertanyaan: 1 day → Tue 1 Dec 15:30
    let list = (await admin('GET', '/cases')).body.cases;
    expect(list.map((c: any) => c.topic)).toEqual(['pertanyaan', 'dokumen']);
    expect(list.every((c: any) => !c.overdue)).toBe(true);

    t.clock.set('2026-12-01T09:00:00.000Z'); // Tue 16:00 WIB: the question is past its target
    list = (await admin('GET', '/cases')).body.cases;
    expect(list.map((c: any) => c.overdue)).toEqual([true, false]);
    expect((await admin('GET', '/counts')).body).toMatchObject({ open: 2, new: 2, overdue: 1 });
    expect(list[0].waitingMinutes).toBe(31 * 60);

    const next = await admin('POST', '/next', 'sari');
    expect(next.body).toMatchObject({ id: 2, topic: 'pertanyaan', assignedTo: 'sari' });
    expect((await admin('GET', '/counts', 'sari')).body).toMatchObject({ new: 1, mine: 1 });

    // Officers change a topic's target; new cases use it.
    const changed = await admin('PUT', '/deadlines/pertanyaan', 'admin', { workingDays: 3 });
    expect(changed.body.deadlines.find((d: any) => d.topic === 'pertanyaan').workingDays).toBe(3);
  });

  test('canned replies can be edited; notes stay with officers', async () => {
    const seeded = (await admin('GET', '/canned')).body.canned;
    expect(seeded.length).toBeGreaterThan(0);
    const made = await admin('POST', '/canned', 'budi', { title: 'Jam ambil', text: 'Dokumen bisa diambil pukul 08.00–14.00.' });
    expect(made.status).toBe(201);
    await admin('PUT', `/canned/${made.body.id}`, 'budi', { title: 'Jam ambil', text: 'Dokumen bisa diambil pukul 08.00–15.00.' });
    expect((await admin('GET', '/canned')).body.canned.find((c: any) => c.id === made.body.id).text).toContain('15.00');
    expect((await admin('DELETE', `/canned/${made.body.id}`)).status).toBe(200);

    await openCase();
    await admin('POST', '/cases/1/notes', 'budi', { text: 'Cek di SIAK dulu' });
    expect(await t.poll(R)).toEqual([]);
  });

  test('only petugas and admin see cases: a viewer account is refused', async () => {
    await openCase();
    const officers = t.ctx.services.officers;
    const made = await officers.create({ username: 'lihat', role: 'viewer' }, 'test');
    if (!made.ok) throw new Error(made.error);
    const token = officers.createToken(made.officer.id, 'test', 'test');
    if (!token.ok) throw new Error(token.error);
    const res = await t.ctx.http.request('/api/admin/handoff/cases/1', { headers: { authorization: `Bearer ${token.token}` } });
    expect(res.status).toBe(403);
    const petugas = await officers.create({ username: 'rina', role: 'petugas' }, 'test');
    if (!petugas.ok) throw new Error(petugas.error);
    const pt = officers.createToken(petugas.officer.id, 'test', 'test');
    if (!pt.ok) throw new Error(pt.error);
    const ok = await t.ctx.http.request('/api/admin/handoff/cases/1', { headers: { authorization: `Bearer ${pt.token}` } });
    expect(ok.status).toBe(200);
    // The audit names the account, not a typed name.
    expect(t.ctx.db.prepare("SELECT actor FROM audit_log WHERE action = 'handoff.case_opened'").pluck().all()).toEqual(['rina']);
  });

  test('old closed cases lose their texts; statistics stay', async () => {
    await openCase();
    await admin('POST', '/cases/1/close', 'budi', { outcome: 'selesai' });
    t.clock.advance(91 * 86_400_000);
    const handoff = t.app.features.find((f) => f.name === 'handoff')!;
    handoff.housekeeping!(t.clock.now());
    const detail = (await admin('GET', '/cases/1')).body;
    expect(detail.forgotten).toBe(true);
    expect(detail.messages.every((m: any) => m.text === null)).toBe(true);
    expect(detail.outcome).toBe('selesai');
  });
});

test('a photo sent on a case is listed and the officer can view it (fetched from the channel by reference)', async () => {
  const fetched: string[] = [];
  const app = await makeTestApp({
    env: { ADMIN_TOKEN },
    features: [
      (ctx) =>
        createHandoffFeature(ctx, {
          fetchers: [
            async (file) => {
              fetched.push(`${file.channel}:${file.ref}`);
              return file.ref === 'tg-file-1' ? { bytes: new TextEncoder().encode('JPEGDATA'), mime: 'image/jpeg', name: 'kk.jpg' } : undefined;
            },
          ],
        }),
      webChatFeature,
    ],
  });
  await app.app.startFeatures();
  try {
    const send = (id: string, input: any) => app.ctx.engine.handle({ id, channel: 'telegram', address: '777001', input });
    await send('1', { type: 'text', text: 'hubungi petugas' });
    await send('2', { type: 'choice', id: 'hf:t:dokumen' });
    await send('3', { type: 'text', text: 'Ini KK saya yang salah' });
    const r = await send('4', { type: 'media', media: 'photo', ref: 'tg-file-1', caption: 'KK halaman depan' });
    expect(textOf(r.replies)).toBe('Berkas diterima dan diteruskan ke petugas.');
    const call = (path: string) => app.ctx.http.request(`/api/admin/handoff${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-officer': 'budi' } });
    const detail = (await (await call('/cases/1')).json()) as any;
    expect(detail.fileList).toHaveLength(1);
    expect(detail.fileList[0]).toMatchObject({ media: 'photo', caption: 'KK halaman depan' });
    const res = await call(`/cases/1/files/${detail.fileList[0].id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(await res.text()).toBe('JPEGDATA');
    expect(fetched).toEqual(['telegram:tg-file-1']);
    // A file of another case is not reachable through this one.
    expect((await call(`/cases/2/files/${detail.fileList[0].id}`)).status).toBe(404);
    expect(app.ctx.db.prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'handoff.file_viewed'").pluck().get()).toBe(1);
  } finally {
    await app.close();
  }
});

test('another flow can hand over with a topic and a line for the officer (e.g. a special case in booking)', async () => {
  const app = await makeTestApp({
    env: { ADMIN_TOKEN },
    features: [
      (ctx) => createHandoffFeature(ctx),
      webChatFeature,
      () => ({
        name: 'special',
        flows: [
          {
            id: 'special',
            version: 1,
            routeWords: { 'kasus khusus': undefined },
            start: () => ({ goto: 'officer', params: { topic: 'pertanyaan', note: 'Dari booking: pemohon di bawah 16 tahun' } }),
            onInput: () => ({ unhandled: true }),
            prompt: () => [],
          },
        ],
      }),
    ],
  });
  await app.app.startFeatures();
  try {
    await app.say('special-1', 'halo');
    const r = await app.say('special-1', 'kasus khusus');
    expect(textOf(r)).toContain('tulis pesan Anda untuk petugas');
    await app.say('special-1', 'Anak saya 15 tahun perlu KTP untuk sekolah');
    const res = await app.ctx.http.request('/api/admin/handoff/cases/1', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const detail = (await res.json()) as any;
    expect(detail.topic).toBe('pertanyaan');
    expect(detail.messages.map((m: any) => m.text)).toEqual(['Dari booking: pemohon di bawah 16 tahun', 'Anak saya 15 tahun perlu KTP untuk sekolah']);
  } finally {
    await app.close();
  }
});

test('HANDOFF=off: "hubungi petugas" shows the office contacts as before', async () => {
  const app = await makeTestApp({ env: { HANDOFF: 'off' } });
  try {
    await app.say('off-resident-1', 'halo');
    const r = await app.say('off-resident-1', 'hubungi petugas');
    expect(textOf(r)).toContain('Kotabumi');
    expect(textOf(r)).not.toContain('Tentang apa?');
  } finally {
    await app.close();
  }
});

test('Telegram files are fetched from the Bot API by file id (getFile, then the file URL)', async () => {
  const { createServer } = await import('node:http');
  const { telegramFetcher } = await import('../src/handoff/files.js');
  const token = '123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456';
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url!);
    if (req.url === `/bot${token}/getFile?file_id=AgAC-photo-1`) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, result: { file_id: 'AgAC-photo-1', file_path: 'photos/file_7.jpg' } }));
    } else if (req.url === `/file/bot${token}/photos/file_7.jpg`) {
      res.setHeader('content-type', 'application/octet-stream');
      res.end(Buffer.from('JPEG!'));
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ ok: false }));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    const root = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const fetchFile = telegramFetcher(token, root + '/');
    const got = await fetchFile({ channel: 'telegram', media: 'photo', ref: 'AgAC-photo-1', caption: null });
    expect(got).toMatchObject({ mime: 'image/jpeg', name: 'file_7.jpg' });
    expect(Buffer.from(got!.bytes).toString()).toBe('JPEG!');
    expect(await fetchFile({ channel: 'telegram', media: 'photo', ref: 'gone', caption: null })).toBeUndefined();
    expect(await fetchFile({ channel: 'whatsapp', media: 'photo', ref: 'whatsapp:X', caption: null })).toBeUndefined();
    expect(seen).toHaveLength(3);
  } finally {
    server.close();
  }
});
