// What residents type around "Hubungi petugas", as they really type it, and what officers then
// see: a complaint in the first message (long ones whole), small talk, "tidak" and "min" at
// "Tentang apa?" and "Silakan tulis pesan", "1" and long messages in an open case, a reply to the
// officer typed at the menu, the rating typed after the case is closed, a rating word that is a
// request, unsent drafts, and who may read the residents' rating words (masked everywhere).
import { afterEach, describe, expect, test } from 'vitest';
import { handoffFeature } from '../src/handoff/feature.js';
import { createLogger } from '../src/log.js';
import { addOfficer, Session } from './dashboard-helpers.js';
import { choicesOf, makeTestApp, textOf, type TestApp } from './helpers.js';
import { openWhatsAppApp } from './whatsapp-app.js';
import { text } from './whatsapp-fakes.js';

const ADMIN_TOKEN = 'test-admin-token-handoff-typed';
const NIK = '1803025504950001';
const PHONE = '081234567890';
const officer = { name: 'budi', role: 'petugas' };
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function start(log?: (line: string) => void): Promise<TestApp> {
  t = await makeTestApp({ env: { ADMIN_TOKEN }, ...(log ? { app: { log: createLogger('debug', { write: log }) } } : {}) });
  await t.app.startFeatures();
  return t;
}
const hs = (app: TestApp) => app.ctx.services.handoff!.service;
const residentId = (app: TestApp, address: string) => app.ctx.db.prepare('SELECT id FROM residents WHERE address = ?').pluck().get(address) as number;
const residentTexts = (app: TestApp, id = 1) =>
  hs(app)
    .open(id, officer)
    .messages.filter((m) => m.author === 'resident')
    .map((m) => m.text ?? '');
const rating = (app: TestApp, id = 1) => app.ctx.db.prepare('SELECT rating FROM handoff_cases WHERE id = ?').pluck().get(id);
const cases = (app: TestApp) => app.ctx.db.prepare('SELECT COUNT(*) FROM handoff_cases').pluck().get() as number;

/** A web chat resident with an open case #1 (a question). */
async function openQuestion(app: TestApp, who: string, message = 'Apakah KTP bisa dicetak di kecamatan?') {
  await app.say(who, 'hubungi petugas');
  await app.say(who, 'Pertanyaan');
  expect(textOf(await app.say(who, message))).toContain('kasus #1');
}

async function whatsapp() {
  const opened = await openWhatsAppApp({ features: [handoffFeature] });
  t = opened.t;
  const { socket, clock } = opened;
  const app = t;
  const PN = '6281234567890@s.whatsapp.net';
  const deliver = async () => {
    while (await app.ctx.dispatcher.runOnce());
  };
  const chat = async (body: string) => {
    clock.advance(60_000);
    const before = socket.sent.length;
    await socket.receive(text(PN, body));
    await deliver();
    return socket.sent
      .slice(before)
      .map((s) => s.text)
      .join('\n');
  };
  return { app, chat, deliver };
}

describe('ratings: who reads the words, masked', () => {
  test('a viewer sees the numbers of /admin/stats but not the words, and is refused the satisfaction API (403); petugas read them masked', async () => {
    const app = await start();
    await openQuestion(app, 'rv');
    hs(app).close(1, 'dijawab', officer);
    await app.poll('rv');
    await app.say('rv', '4');
    // A word is masked when it is stored ...
    hs(app).rateWord(residentId(app, 'rv'), 1, `Bagus, WA saya ${PHONE} NIK ${NIK}`);
    const stored = app.ctx.db.prepare('SELECT rating_word FROM handoff_cases WHERE id = 1').pluck().get() as string;
    expect(stored).toContain('Bagus, WA saya');
    expect(stored).not.toContain(NIK);
    expect(stored).not.toContain(PHONE);
    // ... and a word kept before that could hold a number: it is masked wherever shown.
    app.ctx.db.prepare('UPDATE handoff_cases SET rating_word = ? WHERE id = 1').run(`Bagus, WA saya ${PHONE} NIK ${NIK}`);

    await addOfficer(app, 'lihat', 'viewer');
    const viewer = new Session(app);
    await viewer.login('lihat');
    const stats = await viewer.get('/admin/stats');
    expect(stats.status).toBe(200);
    expect(stats.text).toContain('Kepuasan warga');
    expect(stats.text).not.toContain(NIK);
    expect(stats.text).not.toContain(PHONE);
    expect(stats.text).not.toContain('Bagus, WA saya');
    expect(stats.text).toContain('hanya petugas dan admin yang dapat membacanya');

    await addOfficer(app, 'sari', 'petugas');
    const petugas = new Session(app, '10.0.0.2');
    await petugas.login('sari');
    const seen = await petugas.get('/admin/stats');
    expect(seen.text).toContain('Bagus, WA saya');
    expect(seen.text).not.toContain(NIK);
    expect(seen.text).not.toContain(PHONE);
    const closedList = await petugas.get('/admin/inbox?status=closed');
    expect(closedList.text).toContain('Bagus, WA saya');
    expect(closedList.text).not.toContain(NIK);

    const officers = app.ctx.services.officers;
    const v = (await officers.create({ username: 'lihat2', role: 'viewer' }, 'test')) as { ok: true; officer: { id: number } };
    const token = officers.createToken(v.officer.id, 'test', 'test') as { token: string };
    const refused = await app.ctx.http.request('/api/admin/handoff/satisfaction', { headers: { authorization: `Bearer ${token.token}` } });
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain(NIK);

    const admin = await app.ctx.http.request('/api/admin/handoff/satisfaction', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const body = (await admin.json()) as { answers: number; words: Array<{ word: string }> };
    expect(body.answers).toBe(1);
    expect(body.words[0]!.word).toContain('Bagus, WA saya');
    expect(JSON.stringify(body)).not.toContain(NIK);
    expect(JSON.stringify(body)).not.toContain(PHONE);
  });

  test.each(['from=abc', 'to=2026-13-45', 'from=2026-02-31', 'to=2026-11-31T10:00:00Z', 'from=2026-12-01&to=2026-11-01'])('GET /satisfaction?%s answers 400 naming the field, not 500', async (query) => {
    const app = await start();
    const res = await app.ctx.http.request(`/api/admin/handoff/satisfaction?${query}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^(from|to):/);
    const ok = await app.ctx.http.request('/api/admin/handoff/satisfaction?from=2026-11-01&to=2026-12-01', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(ok.status).toBe(200);
    const times = await app.ctx.http.request('/api/admin/handoff/satisfaction?from=2026-11-01T00:00:00%2B07:00&to=2026-12-01T00:00:00Z', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(times.status).toBe(200);
  });

  test('a "rating word" that is a request reaches an officer as a new case, not the statistics', async () => {
    const app = await start();
    await openQuestion(app, 'rr', 'Kapan KTP saya jadi?');
    hs(app).close(1, 'dijawab', officer);
    await app.poll('rr');
    await app.say('rr', '2');
    const request = `Belum jadi juga, NIK saya ${NIK}, tolong telepon ${PHONE}`;
    const r = await app.say('rr', request);
    expect(textOf(r)).toContain('kasus #2');
    expect(rating(app)).toBe(2);
    const second = hs(app).open(2, officer);
    expect(second.messages.map((m) => m.text)).toContain(request);
    expect(second.messages.find((m) => m.author === 'system')?.text).toContain('kasus #1');
    expect(hs(app).satisfaction(new Date(0), new Date('2100-01-01')).words).toEqual([]);
  });

  test.each(['ok pak', 'iya', 'siap bu', 'makasih', 'tidak ada', 'ga ada saran kak', 'tidak ada masukan', 'sudah cukup', 'selesai'])('"%s" at "Ada satu kata atau saran?" ends it politely and is not kept as a suggestion', async (said) => {
    const app = await start();
    await openQuestion(app, 'rk');
    hs(app).close(1, 'dijawab', officer);
    await app.poll('rk');
    await app.say('rk', '4');
    const r = await app.say('rk', said);
    expect(textOf(r)).toContain('Masukan Anda membantu');
    expect(hs(app).satisfaction(new Date(0), new Date('2100-01-01')).words).toEqual([]);
    expect(cases(app)).toBe(1);
  });

  test('"halo" at "Ada satu kata atau saran?" is greeted and asked again, not kept; a word after it is', async () => {
    const app = await start();
    await openQuestion(app, 'rh');
    hs(app).close(1, 'dijawab', officer);
    await app.poll('rh');
    await app.say('rh', '5');
    expect(textOf(await app.say('rh', 'halo'))).toContain('Ada satu kata atau saran');
    expect(hs(app).satisfaction(new Date(0), new Date('2100-01-01')).words).toEqual([]);
    await app.say('rh', 'Mantap, cepat dibalas');
    expect(hs(app).satisfaction(new Date(0), new Date('2100-01-01')).words.map((w) => w.word)).toEqual(['Mantap, cepat dibalas']);
  });

  test('"iya pak, besok saya datang" at "Ada satu kata atau saran?" is an answer to the officer: offered as a new case, not kept as a suggestion', async () => {
    const app = await start();
    await openQuestion(app, 'ro', 'KTP saya kapan jadi?');
    hs(app).reply(1, 'Sudah jadi. Bisa diambil besok pagi di loket 2?', officer);
    hs(app).close(1, 'dijawab', officer);
    await app.poll('ro');
    await app.say('ro', '5');
    const offer = await app.say('ro', 'iya pak, besok saya datang');
    expect(textOf(offer)).toContain('Kirim pesan ini ke petugas sebagai kasus baru?');
    expect(choicesOf(offer)).toEqual(['Ya, kirim ke petugas', 'Tidak usah']);
    expect(hs(app).satisfaction(new Date(0), new Date('2100-01-01')).words).toEqual([]);
    expect(textOf(await app.say('ro', 'ya'))).toContain('kasus #2');
    expect(residentTexts(app, 2)).toEqual(['iya pak, besok saya datang']);
    expect(rating(app)).toBe(5);
  });

  test.each(['Mantap', 'ok, pelayanannya cepat', 'cukup baik'])('"%s" after a rating is a word about the service: kept', async (said) => {
    const app = await start();
    await openQuestion(app, 'rm');
    hs(app).close(1, 'dijawab', officer);
    await app.poll('rm');
    await app.say('rm', '4');
    expect(textOf(await app.say('rm', said))).toContain('Masukan Anda membantu');
    expect(hs(app).satisfaction(new Date(0), new Date('2100-01-01')).words.map((w) => w.word)).toEqual([said]);
  });

  test('a plain rating word is still kept as the word', async () => {
    const app = await start();
    await openQuestion(app, 'rp');
    hs(app).close(1, 'dijawab', officer);
    await app.poll('rp');
    await app.say('rp', '5');
    expect(textOf(await app.say('rp', 'Pelayanan cepat dan ramah'))).toContain('Masukan Anda membantu');
    expect(hs(app).satisfaction(new Date(0), new Date('2100-01-01')).words.map((w) => w.word)).toEqual(['Pelayanan cepat dan ramah']);
    expect(cases(app)).toBe(1);
  });
});

describe('the first message already says what it is about', () => {
  test('a complaint typed as the first message is the case\'s first message, a pungli complaint, not asked again', async () => {
    const app = await start();
    await app.say('f1', 'halo');
    const complaint = 'Saya mau komplain, petugas loket minta uang 50 ribu untuk cetak KK kemarin siang';
    const r = await app.say('f1', complaint);
    expect(textOf(r)).not.toContain('Tentang apa?');
    expect(textOf(r)).toContain('kasus #1');
    const detail = hs(app).open(1, officer);
    expect(detail.messages.filter((m) => m.author === 'resident').map((m) => m.text)).toEqual([complaint]);
    expect(detail).toMatchObject({ topic: 'pengaduan', pungli: true });
  });

  test('a complaint typed as the first message while a case is open: added to that case, and the resident told which', async () => {
    const app = await start();
    await openQuestion(app, 'f3');
    await app.say('f3', 'menu');
    const complaint = 'Saya mau komplain, petugas loket minta uang 50 ribu untuk cetak KK kemarin siang';
    const r = textOf(await app.say('f3', complaint));
    expect(r).toContain('Kasus Anda #1 (Pertanyaan) masih terbuka: pesan ini sudah saya tambahkan');
    expect(r).not.toContain('sudah diteruskan ke petugas');
    expect(cases(app)).toBe(1);
    expect(residentTexts(app)).toEqual(['Apakah KTP bisa dicetak di kecamatan?', complaint]);
    // What is written next goes to that case too.
    expect(await app.say('f3', 'satu lagi')).toEqual([]);
    expect(residentTexts(app)).toEqual(['Apakah KTP bisa dicetak di kecamatan?', complaint, 'satu lagi']);
  });

  test('"saya mau komplain" alone: the complaint question straight away (national channels, pungli option)', async () => {
    const app = await start();
    await app.say('f2', 'halo');
    const r = await app.say('f2', 'saya mau komplain');
    expect(textOf(r)).not.toContain('Tentang apa?');
    expect(textOf(r)).toContain('SP4N-LAPOR!');
    expect(choicesOf(r)).toEqual(['Ada yang minta bayaran']);
    expect(cases(app)).toBe(0);
  });
});

describe('"Tentang apa?" answered with something else', () => {
  test.each([
    ['gak jadi', 'tidak jadi'],
    ['tidak jadi', 'tidak jadi'],
    ['makasih', 'Tentang apa?'],
    ['halo', 'Tentang apa?'],
    ['cek status', 'nomor'],
    ['jam buka?', '07.30'],
  ])('"%s" opens no case; the bot answers ("%s")', async (said, answer) => {
    const app = await start();
    await app.say('tq', 'halo');
    await app.say('tq', 'hubungi petugas');
    const r = await app.say('tq', said);
    expect(textOf(r)).not.toContain('diteruskan ke petugas');
    expect(textOf(r)).toContain(answer);
    expect(cases(app)).toBe(0);
    expect(await app.say('tq', 'syarat kk hilang')).not.toEqual([]);
  });
});

describe('a bare yes or no at "Tentang apa?" carries no message', () => {
  test.each(['udah', 'blm', 'sudah', 'belum', 'iya', 'udah kak'])('"%s" opens no case: one line and the topics again; a real message then opens one', async (said) => {
    const app = await start();
    await app.say('yn', 'hubungi petugas');
    const r = await app.say('yn', said);
    expect(textOf(r)).toBe('Mohon pilih topiknya, atau langsung tulis pesan Anda untuk petugas.\nSaya teruskan ke petugas. Tentang apa?');
    expect(choicesOf(r)).toEqual(['Pertanyaan', 'Pengaduan', 'Dokumen saya', 'Lainnya']);
    expect(cases(app)).toBe(0);
    expect(textOf(await app.say('yn', 'KTP saya belum jadi sudah dua bulan'))).toContain('kasus #1');
    expect(residentTexts(app)).toEqual(['KTP saya belum jadi sudah dua bulan']);
  });

  test.each(['udah', 'iya', 'sudah kak'])('"%s" at "Silakan tulis pesan" asks for the message and opens no case; the message then opens one', async (said) => {
    const app = await start();
    await app.say('ym', 'hubungi petugas');
    await app.say('ym', 'Pertanyaan');
    expect(textOf(await app.say('ym', said))).toBe('Mohon tulis pesan Anda untuk petugas.');
    expect(cases(app)).toBe(0);
    expect(textOf(await app.say('ym', 'Apakah KTP bisa dicetak di kecamatan?'))).toContain('kasus #1');
    expect(residentTexts(app)).toEqual(['Apakah KTP bisa dicetak di kecamatan?']);
  });

  test('"ok" keeps its own short line (an acknowledgement), no case', async () => {
    const app = await start();
    await app.say('yo', 'hubungi petugas');
    const r = textOf(await app.say('yo', 'ok'));
    expect(r).toContain('Tentang apa?');
    expect(r).not.toContain('diteruskan ke petugas');
    expect(cases(app)).toBe(0);
  });
});

test.each([
  ['bisa online gak', 'daring'],
  ['berapa hari prosesnya', 'Lama proses'],
])('"%s" at "Tentang apa?" is answered in place like the other questions answered anywhere; no case ("%s")', async (said, answer) => {
  const app = await start();
  await app.say('tq2', 'hubungi petugas');
  const r = textOf(await app.say('tq2', said));
  expect(r).toContain(answer);
  expect(r).toContain('Tentang apa?');
  expect(cases(app)).toBe(0);
});

describe('"Silakan tulis pesan Anda" answered', () => {
  test.each(['hilang', 'belum', 'salah', 'tidak ada'])('"%s" typed as the message opens a case (it is not "never mind")', async (said) => {
    const app = await start();
    await app.say('wm', 'hubungi petugas');
    expect(textOf(await app.say('wm', 'Pertanyaan'))).toContain('Silakan tulis pesan Anda');
    const r = textOf(await app.say('wm', said));
    expect(r).not.toContain('tidak jadi');
    expect(r).toContain('kasus #1');
    expect(residentTexts(app)).toEqual([said]);
  });

  test.each(['gak jadi', 'tidak usah', 'ga perlu deh'])('"%s" changes the mind: no case', async (said) => {
    const app = await start();
    await app.say('wn', 'hubungi petugas');
    await app.say('wn', 'Pertanyaan');
    expect(textOf(await app.say('wn', said))).toContain('tidak jadi');
    expect(cases(app)).toBe(0);
  });

  test('a message of exactly 4,000 characters is not said to be cut; one over 4,000 is', async () => {
    const app = await start();
    await app.say('wc', 'hubungi petugas');
    await app.say('wc', 'Pertanyaan');
    expect(textOf(await app.say('wc', 'y'.repeat(4000)))).not.toContain('hanya 4.000 karakter pertama');
    expect(textOf(await app.say('wc', 'z'.repeat(4000)))).not.toContain('hanya 4.000 karakter pertama');
    expect(residentTexts(app).map((m) => m.length)).toEqual([4000, 4000]);
    await app.say('wd', 'hubungi petugas');
    await app.say('wd', 'Pertanyaan');
    expect(textOf(await app.say('wd', 'w'.repeat(4001)))).toContain('hanya 4.000 karakter pertama');
  });
});

describe('in the open case every text goes to the officer, whole', () => {
  test('web chat: "1" typed under the officer\'s question reaches the officer, the bot stays quiet', async () => {
    const app = await start();
    await openQuestion(app, 'o1', 'KTP saya mau diambil atau dikirim?');
    hs(app).reply(1, 'Pilih: 1 = ambil di kantor, 2 = dikirim PDF. Balas dengan angkanya.', officer);
    await app.poll('o1');
    expect(await app.say('o1', '1')).toEqual([]);
    expect(residentTexts(app)).toContain('1');
  });

  test('WhatsApp: "1" under the officer\'s numbered answer is the answer, not the "Balas petugas" button', async () => {
    const { app, chat, deliver } = await whatsapp();
    await chat('hubungi petugas');
    await chat('3');
    await chat('Akta kelahiran anak saya sudah jadi?');
    hs(app).reply(1, 'Untuk anak yang keberapa? Ketik angkanya saja.', officer);
    await deliver();
    expect(await chat('1')).toBe('');
    expect(residentTexts(app)).toContain('1');
  });

  test('a 3,000-character message arrives whole; one over 4,000 is kept to 4,000 and the resident is told', async () => {
    const app = await start();
    await app.say('o3', 'hubungi petugas');
    await app.say('o3', 'Pengaduan');
    const long = 'Saya mau melaporkan kejadian di loket. '.repeat(77) + 'AKHIR PESAN';
    expect(long.length).toBeGreaterThan(3000);
    await app.say('o3', long);
    expect(residentTexts(app)[0]).toBe(long);
    const huge = 'x'.repeat(5000);
    expect(textOf(await app.say('o3', huge))).toContain('hanya 4.000 karakter pertama');
    expect(residentTexts(app)[1]).toHaveLength(4000);
  });
});

describe('after the officer closes the case', () => {
  test('WhatsApp: "makasih", then "5": thanks, the rating question once more, the rating recorded', async () => {
    const { app, chat, deliver } = await whatsapp();
    await chat('hubungi petugas');
    await chat('1');
    await chat('Apakah KTP bisa dicetak di kecamatan?');
    hs(app).reply(1, 'Bisa, di kecamatan yang punya printer KTP-el.', officer);
    hs(app).close(1, 'dijawab', officer);
    await deliver();
    const thanks = await chat('makasih');
    expect(thanks).toContain('Sama-sama');
    expect(thanks).toContain('5. Sangat puas');
    expect(await chat('5')).toContain('Ada satu kata');
    expect(rating(app)).toBe(5);
  });

  test.each([
    ['5', 5],
    ['sangat puas', 5],
    ['puas', 4],
    ['mantap, 5', 5],
    ['Mantap!', 5],
    ['kurang puas', 2],
    ['sangat tidak puas', 1],
  ])('"%s" typed under the closing question is the rating %i', async (said, score) => {
    const app = await start();
    await openQuestion(app, 'c1');
    hs(app).close(1, 'dijawab', officer);
    await app.poll('c1');
    expect(textOf(await app.say('c1', said))).toContain('Ada satu kata');
    expect(rating(app)).toBe(score);
  });

  test.each([
    ['sangat puas', 5],
    ['puas', 4],
    ['mantap pak', 5],
    ['kurang puas', 2],
  ])('back at the menu when the case is closed, "%s" answers its closing question: the rating %i', async (said, score) => {
    const app = await start();
    await openQuestion(app, 'cm', 'KTP saya kapan jadi?');
    await app.say('cm', 'menu');
    hs(app).reply(1, 'Sudah jadi, silakan diambil.', officer);
    hs(app).close(1, 'dijawab', officer);
    expect(textOf(await app.poll('cm'))).toContain('Seberapa puas');
    const r = textOf(await app.say('cm', said));
    expect(r).toContain('Ada satu kata');
    expect(r).not.toContain('belum mengerti');
    expect(rating(app)).toBe(score);
    expect(cases(app)).toBe(1);
  });

  test('"makasih" twice: asked once more, then let go (no case, no rating)', async () => {
    const app = await start();
    await openQuestion(app, 'c2');
    hs(app).close(1, 'dijawab', officer);
    await app.poll('c2');
    expect(choicesOf(await app.say('c2', 'makasih'))).toContain('Sangat puas');
    const r = await app.say('c2', 'makasih ya');
    expect(textOf(r)).toContain('Sama-sama');
    expect(choicesOf(r)).not.toContain('Sangat puas');
    expect(rating(app)).toBeNull();
    expect(cases(app)).toBe(1);
  });

  test('a real new message right after the close is offered as a new case, and sent on "ya"', async () => {
    const app = await start();
    await openQuestion(app, 'c3', 'Nama di KK saya salah ketik');
    hs(app).close(1, 'selesai', officer);
    await app.poll('c3');
    const more = 'Tapi tanggal lahir anak saya juga salah di KK yang baru';
    const offer = await app.say('c3', more);
    expect(textOf(offer)).toContain('sudah ditutup');
    expect(choicesOf(offer)).toEqual(['Ya, kirim ke petugas', 'Tidak usah']);
    expect(textOf(await app.say('c3', 'ya'))).toContain('kasus #2');
    const second = hs(app).open(2, officer);
    expect(second.messages.filter((m) => m.author === 'resident').map((m) => m.text)).toEqual([more]);
    expect(second.messages.find((m) => m.author === 'system')?.text).toContain('kasus #1');
  });
});

test('a complaint: the national channels come once, with the question, not again with the receipt', async () => {
  const app = await start();
  await app.say('nc', 'menu');
  await app.say('nc', 'hubungi petugas');
  const ask = textOf(await app.say('nc', 'dua'));
  expect(ask).toContain('SP4N-LAPOR!');
  const receipt = textOf(await app.say('nc', 'petugas loket lambat sekali melayani saya kemarin siang'));
  expect(receipt).toContain('kasus #1');
  expect(receipt).not.toContain('SP4N-LAPOR!');
});

test('a complaint in the first message gets the national channels with its receipt', async () => {
  const app = await start();
  const receipt = textOf(await app.say('nc1', 'Saya mau komplain, petugas loket minta uang 50 ribu untuk cetak KK kemarin siang'));
  expect(receipt).toContain('kasus #1');
  expect(receipt).toContain('SP4N-LAPOR!');
});

describe('a long message typed where the NLU reads only its start', () => {
  const complaint = `Saya mau komplain, petugas loket minta uang untuk cetak KK. ${'Petugasnya tidak ramah dan saya disuruh bolak-balik tiga kali ke kantor. '.repeat(42)}AKHIR PESAN`;

  test.each([
    ['as the very first message', [] as string[]],
    ['at the menu', ['halo']],
  ])('a 3,000-character complaint typed %s reaches the case whole', async (_where, before) => {
    expect(complaint.length).toBeGreaterThan(3000);
    const app = await start();
    for (const said of before) await app.say('lc', said);
    const r = textOf(await app.say('lc', complaint));
    expect(r).toContain('kasus #1');
    expect(r).not.toContain('karakter pertama');
    expect(residentTexts(app)).toEqual([complaint]);
  });

  test('at "Tentang apa?" a 3,000-character message reaches the case whole; one over 4,000 is kept to 4,000 and the resident told', async () => {
    const app = await start();
    await app.say('lt', 'hubungi petugas');
    expect(textOf(await app.say('lt', complaint))).toContain('kasus #1');
    expect(residentTexts(app)).toEqual([complaint]);
    await app.say('lu', 'halo');
    const huge = `${complaint} ${'z'.repeat(2000)}`;
    const r = textOf(await app.say('lu', huge));
    expect(r).toContain('hanya 4.000 karakter pertama');
    expect(residentTexts(app, 2)).toEqual([huge.slice(0, 4000)]);
  });
});

describe('declining, typed', () => {
  test.each(['no', 'tidak', 'ga jadi', 'nggak', 'Tidak.', 'nggak kak', 'tutup aja', 'selesai'])('"%s" at "Silakan tulis pesan Anda" sends nothing: the resident is told, back at the menu', async (said) => {
    const app = await start();
    await app.say('dm', 'hubungi petugas');
    await app.say('dm', 'Pertanyaan');
    const r = await app.say('dm', said);
    expect(textOf(r)).toContain('Baik, tidak jadi');
    expect(choicesOf(r)).toContain('Hubungi petugas');
    expect(cases(app)).toBe(0);
  });

  test.each(['tidak', 'nggak', 'no', 'tutup aja'])('"%s" at "Tentang apa?" opens no case', async (said) => {
    const app = await start();
    await app.say('dt', 'hubungi petugas');
    expect(textOf(await app.say('dt', said))).toContain('Baik, tidak jadi');
    expect(cases(app)).toBe(0);
  });

  test('a longer text with "tidak" is still the message', async () => {
    const app = await start();
    await app.say('dl', 'hubungi petugas');
    await app.say('dl', 'Pertanyaan');
    expect(textOf(await app.say('dl', 'KTP saya tidak bisa dipakai'))).toContain('kasus #1');
    expect(residentTexts(app)).toEqual(['KTP saya tidak bisa dipakai']);
  });

  test.each(['tidak usah', 'Tidak usah', 'ga jadi', 'tutup aja'])('"%s" at "Kirim pesan ini sebagai kasus baru?" does not send it (nor joins it to the message)', async (said) => {
    const app = await start();
    await openQuestion(app, 'dp');
    hs(app).close(1, 'dijawab', officer);
    await app.poll('dp');
    await app.say('dp', 'Tapi tanggal lahir anak saya juga salah di KK');
    expect(textOf(await app.say('dp', said))).toContain('pesan itu tidak dikirim');
    expect(cases(app)).toBe(1);
  });

  test.each(['ga jadi', 'tidak usah', 'tutup aja'])('"%s" under the closing question: thanks, no rating, no new case offered', async (said) => {
    const app = await start();
    await openQuestion(app, 'dr');
    hs(app).close(1, 'dijawab', officer);
    await app.poll('dr');
    const r = textOf(await app.say('dr', said));
    expect(r).toContain('Masukan Anda membantu');
    expect(r).not.toContain('kasus baru');
    expect(rating(app)).toBeNull();
    expect(cases(app)).toBe(1);
  });

  test('"tidak usah" typed as the suggestion after a rating is not kept as the resident\'s word', async () => {
    const app = await start();
    await openQuestion(app, 'dw');
    hs(app).close(1, 'dijawab', officer);
    await app.poll('dw');
    await app.say('dw', '4');
    expect(textOf(await app.say('dw', 'tidak usah'))).toContain('Masukan Anda membantu');
    expect(hs(app).satisfaction(new Date(0), new Date('2100-01-01')).words).toEqual([]);
  });
});

describe('only asking for an officer at the handoff questions', () => {
  test.each(['min', 'mau ngomong sama petugas', 'halo admin ada?'])('"%s" at "Silakan tulis pesan Anda": told this is the way, asked again; typed again, it is sent', async (said) => {
    const app = await start();
    await app.say('qa', 'hubungi petugas');
    await app.say('qa', 'Pertanyaan');
    const r = textOf(await app.say('qa', said));
    expect(r).toContain('petugas akan membaca pesan Anda di sini');
    expect(r).toContain('Silakan tulis pesan Anda');
    expect(cases(app)).toBe(0);
    expect(textOf(await app.say('qa', said))).toContain('kasus #1');
    expect(residentTexts(app)).toEqual([said]);
  });

  test('"min" at "Tentang apa?": told this is the way, the topics again', async () => {
    const app = await start();
    await app.say('qt', 'hubungi petugas');
    const r = await app.say('qt', 'min');
    expect(textOf(r)).toContain('petugas akan membaca pesan Anda di sini');
    expect(choicesOf(r)).toEqual(['Pertanyaan', 'Pengaduan', 'Dokumen saya', 'Lainnya']);
    expect(cases(app)).toBe(0);
  });

  test('"saya mau komplain" at the question of another topic: the complaint\'s question (national channels), no case yet', async () => {
    const app = await start();
    await app.say('qk', 'hubungi petugas');
    await app.say('qk', 'Pertanyaan');
    const r = await app.say('qk', 'saya mau komplain');
    expect(textOf(r)).toContain('SP4N-LAPOR!');
    expect(cases(app)).toBe(0);
    await app.say('qk', 'Petugas loket meminta uang 50 ribu untuk mempercepat KK saya');
    expect(hs(app).open(1, officer)).toMatchObject({ topic: 'pengaduan', pungli: true });
  });

  test.each([
    ['halo admin ada?', 'Tentang apa?'],
    ['Admin, ada?', 'Tentang apa?'],
    ['halo admin', 'Silakan pilih layanan'],
  ])('"%s" as the first message: "%s"', async (said, answer) => {
    const app = await start();
    expect(textOf(await app.say('qf', said))).toContain(answer);
    expect(cases(app)).toBe(0);
  });
});

describe('back at the menu while the case waits for the resident', () => {
  const answer = 'Sudah jadi. Bisa diambil besok pagi di loket 2?';

  test.each([
    ['left the case after the officer answered', 'after'],
    ['left the case before the officer answered', 'before'],
  ])('%s: "iya pak, besok saya datang" reaches the officer, the resident is told, and what follows goes to the case', async (_what, when) => {
    const app = await start();
    await openQuestion(app, 'sa', 'KTP saya kapan jadi?');
    if (when === 'before') await app.say('sa', 'menu');
    hs(app).reply(1, answer, officer);
    await app.poll('sa');
    if (when === 'after') await app.say('sa', 'menu');
    const r = textOf(await app.say('sa', 'iya pak, besok saya datang'));
    expect(r).toContain('sudah saya teruskan ke petugas (kasus #1)');
    expect(r).not.toContain('belum mengerti');
    expect(residentTexts(app)).toEqual(['KTP saya kapan jadi?', 'iya pak, besok saya datang']);
    expect(await app.say('sa', 'jam 8 ya pak')).toEqual([]);
    expect(residentTexts(app).at(-1)).toBe('jam 8 ya pak');
  });

  test('a clear other request at the menu is answered, not sent to the officer', async () => {
    const app = await start();
    await openQuestion(app, 'sb', 'KTP saya kapan jadi?');
    hs(app).reply(1, answer, officer);
    await app.poll('sb');
    await app.say('sb', 'menu');
    expect(textOf(await app.say('sb', 'cek status'))).toContain('nomor');
    expect(textOf(await app.say('sb', 'menu'))).toContain('Silakan pilih layanan');
    expect(textOf(await app.say('sb', 'syarat kk hilang'))).not.toContain('teruskan ke petugas');
    expect(residentTexts(app)).toEqual(['KTP saya kapan jadi?']);
  });

  test('WhatsApp: after "menu", a typed reply to the officer reaches the case', async () => {
    const { app, chat, deliver } = await whatsapp();
    await chat('hubungi petugas');
    await chat('1');
    await chat('KTP saya kapan jadi?');
    hs(app).reply(1, answer, officer);
    await deliver();
    await chat('menu');
    expect(await chat('iya pak, besok saya datang')).toContain('sudah saya teruskan ke petugas (kasus #1)');
    expect(residentTexts(app)).toContain('iya pak, besok saya datang');
  });

  test('"sudah dijawab belum?" while the officer has not answered: told so and asked whether it is for the officer; "ya" sends it', async () => {
    const app = await start();
    await openQuestion(app, 'sc', 'KTP saya kapan jadi?');
    await app.say('sc', 'menu');
    const ask = await app.say('sc', 'sudah dijawab belum?');
    expect(textOf(ask)).toContain('Kasus Anda #1 (Pertanyaan) masih terbuka; petugas belum membalas');
    expect(textOf(ask)).toContain('Selasa, 1 Des 15.30 WIB');
    expect(choicesOf(ask)).toEqual(['Ya, kirim ke petugas', 'Tidak usah']);
    expect(residentTexts(app)).toEqual(['KTP saya kapan jadi?']);
    expect(textOf(await app.say('sc', 'ya'))).toContain('sudah saya teruskan ke petugas (kasus #1)');
    expect(residentTexts(app)).toEqual(['KTP saya kapan jadi?', 'sudah dijawab belum?']);
  });

  test('"tidak" to "is it for the officer?": not sent; a later text is asked about again', async () => {
    const app = await start();
    await openQuestion(app, 'sd', 'KTP saya kapan jadi?');
    await app.say('sd', 'menu');
    await app.say('sd', 'pak saya tunggu kabarnya ya');
    expect(textOf(await app.say('sd', 'tidak'))).toContain('pesan itu tidak dikirim');
    expect(residentTexts(app)).toEqual(['KTP saya kapan jadi?']);
    expect(textOf(await app.say('sd', 'sudah dijawab belum?'))).toContain('Apakah pesan tadi untuk petugas?');
  });

  test.each([
    ['makasih pak', 'Sama-sama'],
    ['ok pak', 'Baik.'],
    ['siap bu', 'Baik.'],
  ])('"%s" at the menu after the officer answered: the bot answers it ("%s") and the officer reads it too', async (said, polite) => {
    const app = await start();
    await openQuestion(app, 'st', 'KTP saya kapan jadi?');
    hs(app).reply(1, answer, officer);
    await app.poll('st');
    await app.say('st', 'menu');
    const r = await app.say('st', said);
    expect(textOf(r)).toContain(polite);
    expect(textOf(r)).toContain('juga saya teruskan ke petugas (kasus #1)');
    expect(choicesOf(r)).toContain('Hubungi petugas');
    expect(residentTexts(app)).toEqual(['KTP saya kapan jadi?', said]);
    // The case still waits on the officer: what the resident writes next is asked about, not lost.
    expect(textOf(await app.say('st', 'pak saya tunggu kabarnya ya'))).toContain('Apakah pesan tadi untuk petugas?');
  });

  test('"makasih pak" at the menu before the officer answered, or once the case is closed: only the bot answers; nothing is reopened', async () => {
    const app = await start();
    await openQuestion(app, 'su', 'KTP saya kapan jadi?');
    await app.say('su', 'menu');
    expect(textOf(await app.say('su', 'makasih pak'))).not.toContain('teruskan ke petugas');
    hs(app).reply(1, answer, officer);
    hs(app).close(1, 'dijawab', officer);
    await app.poll('su');
    const r = textOf(await app.say('su', 'makasih pak'));
    expect(r).toContain('Sama-sama');
    expect(r).not.toContain('teruskan ke petugas');
    expect(textOf(await app.say('su', 'ok pak'))).not.toContain('teruskan ke petugas');
    expect(residentTexts(app)).toEqual(['KTP saya kapan jadi?']);
    expect(cases(app)).toBe(1);
    expect(hs(app).open(1, officer).status).toBe('closed');
  });

  test.each(['tidak', 'ga jadi', 'iya'])('a bare "%s" at the menu after the officer answered is not sent unasked: "is it for the officer?"; "ya" sends it, "tidak usah" does not', async (said) => {
    const app = await start();
    await openQuestion(app, 'sy', 'KTP saya kapan jadi?');
    hs(app).reply(1, answer, officer);
    await app.poll('sy');
    await app.say('sy', 'menu');
    const ask = await app.say('sy', said);
    expect(textOf(ask)).toContain('petugas sudah membalas. Apakah pesan tadi jawaban Anda untuk petugas?');
    expect(choicesOf(ask)).toEqual(['Ya, kirim ke petugas', 'Tidak usah']);
    expect(residentTexts(app)).toEqual(['KTP saya kapan jadi?']);
    expect(textOf(await app.say('sy', 'tidak usah'))).toContain('pesan itu tidak dikirim');
    expect(residentTexts(app)).toEqual(['KTP saya kapan jadi?']);
    await app.say('sy', said);
    expect(textOf(await app.say('sy', 'ya'))).toContain('sudah saya teruskan ke petugas (kasus #1)');
    expect(residentTexts(app)).toEqual(['KTP saya kapan jadi?', said]);
  });

  test('after the case was closed, a text the bot does not understand at the menu is not sent anywhere', async () => {
    const app = await start();
    await openQuestion(app, 'se', 'KTP saya kapan jadi?');
    hs(app).reply(1, answer, officer);
    await app.say('se', 'menu');
    hs(app).close(1, 'dijawab', officer);
    await app.poll('se');
    await app.say('se', 'menu');
    const r = textOf(await app.say('se', 'iya pak, besok saya datang'));
    expect(r).toContain('belum mengerti');
    expect(residentTexts(app)).toEqual(['KTP saya kapan jadi?']);
    expect(cases(app)).toBe(1);
  });
});

describe('a message written and not sent yet', () => {
  const draft = 'Nama ibu saya Sutrisna Wulandari salah tulis di KK';
  const savedState = (app: TestApp, address: string) => app.ctx.db.prepare('SELECT state FROM conversations WHERE resident_id = ?').pluck().get(residentId(app, address)) as string;

  test('is removed from the saved conversation once it went idle, never logged; a late "send" button says so and sends nothing', async () => {
    const lines: string[] = [];
    const app = await start((line) => void lines.push(line));
    await openQuestion(app, 'pd');
    hs(app).close(1, 'dijawab', officer);
    await app.poll('pd');
    const offer = await app.say('pd', draft);
    expect(choicesOf(offer)).toEqual(['Ya, kirim ke petugas', 'Tidak usah']);
    // Kept while the question waits (it is sent whole on "ya") ...
    expect(savedState(app, 'pd')).toContain('Sutrisna');
    await app.app.housekeeping();
    expect(savedState(app, 'pd')).toContain('Sutrisna');
    // ... and gone once the conversation is idle: the next message would start at the menu anyway.
    app.clock.advance(31 * 60_000);
    await app.app.housekeeping();
    expect(savedState(app, 'pd')).not.toContain('Sutrisna');
    const late = textOf(await app.say('pd', { choice: 'hf:new' }));
    expect(late).toContain('pesan itu sudah tidak tersimpan');
    expect(cases(app)).toBe(1);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('Sutrisna');
  });

  test('"is this for the officer?" left unanswered: removed once idle as well', async () => {
    const app = await start();
    await openQuestion(app, 'ps');
    await app.say('ps', 'menu');
    expect(textOf(await app.say('ps', 'pak saya tunggu kabarnya ya, dari Sutrisna Wulandari'))).toContain('Apakah pesan tadi untuk petugas?');
    expect(savedState(app, 'ps')).toContain('Sutrisna');
    app.clock.advance(31 * 60_000);
    await app.app.housekeeping();
    expect(savedState(app, 'ps')).not.toContain('Sutrisna');
    expect(textOf(await app.say('ps', { choice: 'hf:stray:yes' }))).toContain('pesan itu sudah tidak tersimpan');
    expect(residentTexts(app)).toEqual(['Apakah KTP bisa dicetak di kecamatan?']);
  });
});

describe('typed around an open and a closed case', () => {
  test.each([
    ['⭐⭐⭐⭐', 4],
    ['⭐️⭐️⭐️⭐️⭐️', 5],
    ['⭐ ⭐', 2],
  ])('"%s" typed as the rating after the close is that many stars, not a message for a new case', async (said, score) => {
    const app = await start();
    await openQuestion(app, 'st');
    hs(app).reply(1, 'Sudah jadi, silakan ambil.', officer);
    hs(app).close(1, 'dijawab', officer);
    await app.poll('st');
    const r = textOf(await app.say('st', said));
    expect(r).toContain('Terima kasih atas nilainya');
    expect(r).not.toContain('kasus baru');
    expect(rating(app)).toBe(score);
    expect(cases(app)).toBe(1);
  });

  test('"⭐⭐⭐⭐" typed at the menu (the resident had left the case) answers its closing question', async () => {
    const app = await start();
    await openQuestion(app, 'sm');
    await app.say('sm', 'menu');
    hs(app).close(1, 'dijawab', officer);
    await app.poll('sm');
    const r = textOf(await app.say('sm', '⭐⭐⭐⭐'));
    expect(r).toContain('Terima kasih atas nilainya');
    expect(r).not.toContain('belum mengerti');
    expect(rating(app)).toBe(4);
  });

  test.each(['masih bingung', 'kurang jelas pak', 'belum paham'])('"%s" at the menu after the officer\'s answer reaches the officer (not the bot\'s help)', async (said) => {
    const app = await start();
    await openQuestion(app, 'cf');
    await app.say('cf', 'menu');
    hs(app).reply(1, 'Silakan bawa KK asli.', officer);
    await app.poll('cf');
    const r = textOf(await app.say('cf', said));
    expect(r).toContain('sudah saya teruskan ke petugas (kasus #1)');
    expect(r).not.toContain('Cara memakai');
    expect(residentTexts(app)).toEqual(['Apakah KTP bisa dicetak di kecamatan?', said]);
    // In the case again: what comes next goes to the officer too.
    expect(await app.say('cf', 'maksudnya KK yang mana')).toEqual([]);
    expect(residentTexts(app).at(-1)).toBe('maksudnya KK yang mana');
  });

  test('"masih bingung" at the menu before any answer from the officer gets the bot\'s help, and is not sent', async () => {
    const app = await start();
    await openQuestion(app, 'cg');
    await app.say('cg', 'menu');
    expect(textOf(await app.say('cg', 'masih bingung'))).toContain('Cara memakai');
    expect(residentTexts(app)).toEqual(['Apakah KTP bisa dicetak di kecamatan?']);
  });

  test.each(['petugasnya ramah tapi antri lama', 'kecewa, antriannya panjang sekali', 'petugas kurang ramah, statusnya tidak jelas'])(
    '"%s" after the rating is a word about the service (kept), not a new case though it names the officer or the queue',
    async (said) => {
      const app = await start();
      await openQuestion(app, 'cw');
      hs(app).close(1, 'dijawab', officer);
      await app.poll('cw');
      await app.say('cw', '4');
      const r = textOf(await app.say('cw', said));
      expect(r).toContain('Masukan Anda membantu');
      expect(r).not.toContain('kasus baru');
      expect(cases(app)).toBe(1);
      expect(rating(app)).toBe(4);
      expect(hs(app).satisfaction(new Date(0), new Date('2100-01-01')).words.map((w) => w.word)).toEqual([said]);
    },
  );

  test('"tidak puas, mau komplain" after the rating still asks for an officer: a new case', async () => {
    const app = await start();
    await openQuestion(app, 'cx');
    hs(app).close(1, 'dijawab', officer);
    await app.poll('cx');
    await app.say('cx', '2');
    expect(textOf(await app.say('cx', 'tidak puas, mau komplain'))).toContain('saya teruskan sebagai kasus baru');
    expect(cases(app)).toBe(2);
    expect(residentTexts(app, 2)).toEqual(['tidak puas, mau komplain']);
  });
});
