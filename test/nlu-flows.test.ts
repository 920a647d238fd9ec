// Whole conversations through the web chat: what a resident notices when they answer the
// way people chat (issue 10's "Why" examples, and the photo/sticker answer of issue 16).
import { afterEach, describe, expect, test } from 'vitest';
import { makeTestApp, textOf, choicesOf, type TestApp } from './helpers.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const NIK = '1803021204950001';
const ids = (replies: Array<{ choices?: Array<{ id: string }> }>) => replies.flatMap((r) => r.choices ?? []).map((c) => c.id.replace(/~[^~]*$/, ''));

async function toConfirm(addr: string) {
  await t!.say(addr, 'booking');
  await t!.say(addr, 'rumah sakit');
  await t!.say(addr, `nik saya ${NIK}`);
  const days = await t!.say(addr, 'nama saya Siti Aminah');
  expect(textOf(days)).toContain('Pilih tanggal');
  const sessions = await t!.say(addr, 'besok');
  expect(textOf(sessions)).toContain('Selasa, 1 Desember 2026');
  const confirm = await t!.say(addr, 'pagi');
  expect(textOf(confirm)).toContain('Siti Aminah');
  expect(textOf(confirm)).toContain('08.00');
  return confirm;
}

describe('never lose a booking to a misreading', () => {
  test('"siap" and "oke lanjut" at "Sudah benar?" book; the name is stored without "nama saya"', async () => {
    t = await makeTestApp();
    await toConfirm('resident-siap1');
    const done = await t.say('resident-siap1', 'siap');
    expect(textOf(done)).toContain('Booking berhasil');
    expect(textOf(done)).not.toContain('Sama-sama');
    const row = t.ctx.db.prepare('SELECT name FROM booking').get() as { name: string };
    expect(row.name).toBe('Siti Aminah');
  });

  test('"oke lanjut" books too', async () => {
    t = await makeTestApp();
    await toConfirm('resident-lanjut');
    expect(textOf(await t.say('resident-lanjut', 'oke lanjut'))).toContain('Booking berhasil');
  });

  test('greetings and thanks mid-flow: one line and the question again, the booking kept', async () => {
    t = await makeTestApp();
    await t.say('resident-greet', 'booking');
    await t.say('resident-greet', 'bpjs');
    const hi = await t.say('resident-greet', 'selamat pagi');
    expect(textOf(hi)).toContain('Kita lanjutkan');
    expect(textOf(hi)).toContain('Ketik NIK');
    expect(textOf(hi)).not.toContain('Silakan pilih layanan');
    const thanks = await t.say('resident-greet', 'makasih');
    expect(textOf(thanks)).toContain('Sama-sama');
    expect(textOf(thanks)).toContain('Ketik NIK');
    expect(textOf(await t.say('resident-greet', NIK))).toContain('NIK terbaca');
  });

  test('a new request asks whether to leave the booking; the resident comes back where they were', async () => {
    t = await makeTestApp();
    await t.say('resident-leave', 'booking');
    await t.say('resident-leave', 'bpjs');
    await t.say('resident-leave', NIK);
    const ask = await t.say('resident-leave', 'kalau kk hilang syaratnya apa');
    expect(textOf(ask)).toContain('Booking Anda belum selesai');
    expect(choicesOf(ask)).toEqual(['Ya, tanya dulu', 'Lanjutkan booking']);
    const answered = await t.say('resident-leave', 'ya');
    expect(textOf(answered)).toContain('Booking Anda saya simpan');
    expect(textOf(answered)).toContain('KK hilang atau rusak');
    const menu = await t.say('resident-leave', 'menu');
    expect(choicesOf(menu)[0]).toBe('Lanjutkan booking');
    const back = await t.say('resident-leave', 'lanjut');
    expect(textOf(back)).toContain('Kita lanjutkan booking');
    expect(textOf(back)).toContain('nama lengkap');
    const days = await t.say('resident-leave', 'Siti Aminah');
    expect(textOf(days)).toContain('Pilih tanggal');
  });

  test('"menu" typed mid-booking keeps the booking to come back to; "lanjut" brings it back where it was', async () => {
    t = await makeTestApp();
    await t.say('resident-menu', 'booking');
    await t.say('resident-menu', 'bpjs');
    await t.say('resident-menu', NIK);
    const menu = await t.say('resident-menu', 'menu');
    expect(textOf(menu)).toContain('Booking Anda saya simpan');
    expect(choicesOf(menu)[0]).toBe('Lanjutkan booking');
    const back = await t.say('resident-menu', 'lanjut');
    expect(textOf(back)).toContain('Kita lanjutkan booking');
    expect(textOf(back)).toContain('nama lengkap');
    expect(textOf(await t.say('resident-menu', 'Siti Aminah'))).toContain('Pilih tanggal');
  });

  test('a menu button tapped mid-booking keeps it too; "batal" drops it and says so', async () => {
    t = await makeTestApp();
    await t.say('resident-tap', 'booking');
    await t.say('resident-tap', 'bpjs');
    const requirements = await t.say('resident-tap', { choice: 'm:req' });
    expect(textOf(requirements)).toContain('Booking Anda saya simpan');
    expect(textOf(requirements)).toContain('Dokumen apa yang ingin Anda urus?');
    expect(choicesOf(await t.say('resident-tap', 'menu'))[0]).toBe('Lanjutkan booking');
    expect(textOf(await t.say('resident-tap', 'lanjut'))).toContain('Ketik NIK');
    const cancelled = await t.say('resident-tap', 'batal');
    expect(textOf(cancelled)).not.toContain('saya simpan');
    expect(choicesOf(await t.say('resident-tap', 'menu'))).not.toContain('Lanjutkan booking');
  });

  test('"Lanjutkan booking" at the leave question stays; "bayar ga?" is answered in place', async () => {
    t = await makeTestApp();
    await t.say('resident-stay', 'booking');
    await t.say('resident-stay', 'bpjs');
    const fee = await t.say('resident-stay', 'bayar ga?');
    expect(textOf(fee)).toMatch(/gratis|biaya/i);
    expect(textOf(fee)).toContain('Ketik NIK');
    await t.say('resident-stay', 'cek status');
    const stay = await t.say('resident-stay', 'lanjutkan booking');
    expect(textOf(stay)).toContain('kita lanjutkan booking');
    expect(textOf(stay)).toContain('Ketik NIK');
  });

  test('corrections at the summary change that field and show the summary again', async () => {
    t = await makeTestApp();
    await toConfirm('resident-fix');
    const renamed = await t.say('resident-fix', 'eh namanya Siti Aisyah');
    expect(textOf(renamed)).toContain('Siti Aisyah');
    expect(textOf(renamed)).toContain('Sudah benar');
    const renik = await t.say('resident-fix', 'salah, nik nya 1803025504950002');
    expect(textOf(renik)).toContain('NIK terbaca');
    expect(textOf(renik)).toContain('Sudah benar');
    const redate = await t.say('resident-fix', 'ganti tanggal');
    expect(textOf(redate)).toContain('Pilih tanggal');
  });
});

describe('in English', () => {
  test('a whole booking typed in English chat style', async () => {
    t = await makeTestApp();
    await t.say('resident-en', 'english');
    await t.say('resident-en', 'booking');
    expect(textOf(await t.say('resident-en', 'hospital'))).toContain('NIK');
    expect(textOf(await t.say('resident-en', `my nik is ${NIK}`))).toContain('NIK read');
    expect(textOf(await t.say('resident-en', 'my name is siti aminah'))).toMatch(/day|date/i);
    expect(textOf(await t.say('resident-en', 'tomorrow'))).toContain('Tuesday, 1 December 2026');
    const confirm = await t.say('resident-en', '9 am');
    expect(textOf(confirm)).toContain('09:00');
    expect(textOf(confirm)).toContain('Siti Aminah');
    expect(textOf(await t.say('resident-en', 'hello'))).toContain("Let's carry on");
    expect(textOf(await t.say('resident-en', 'yes please'))).toMatch(/Booking code|booked/i);
  });
});

describe('short re-asks and the officer route', () => {
  test('not understood twice at the same question offers an officer, in one line each time', async () => {
    t = await makeTestApp();
    await t.say('resident-miss', 'booking');
    await t.say('resident-miss', 'bpjs');
    const first = await t.say('resident-miss', 'qwerty zxcv');
    expect(textOf(first)).toContain('Ketik NIK Anda: 16 angka');
    expect(ids(first)).not.toContain('m:officer');
    const second = await t.say('resident-miss', 'asdf ghjk');
    expect(textOf(second)).toContain('petugas kami siap membantu');
    expect(ids(second)).toContain('m:officer');
    const officer = await t.say('resident-miss', { choice: second.flatMap((r) => r.choices ?? []).find((c) => c.id === 'm:officer')!.id });
    expect(textOf(officer)).toMatch(/petugas/);
  });

  test('a typed label picks its option; a miss at a service never resends the long text', async () => {
    t = await makeTestApp();
    const detail = await t.say('resident-label', 'syarat ktp baru');
    expect(textOf(detail)).toContain('Dokumen yang dibawa');
    const miss = await t.say('resident-label', 'qwerty');
    expect(textOf(miss)).not.toContain('Dokumen yang dibawa');
    expect(choicesOf(miss)).toContain('Cek kelengkapan');
    const check = await t.say('resident-label', 'cek kelengkapan');
    expect(textOf(check)).toContain('(1/');
    expect(textOf(await t.say('resident-label', 'udah ada'))).toContain('(2/');
  });

  test('an unclear option gets "which one?" with just the candidates', async () => {
    t = await makeTestApp();
    await t.say('resident-amb', 'syarat kk');
    const which = await t.say('resident-amb', 'anggota');
    expect(textOf(which)).toContain('Maksud Anda yang mana');
    expect([...choicesOf(which)].sort()).toEqual(['Kurangi anggota KK', 'Tambah anggota KK']);
    const second = choicesOf(which)[1]!;
    expect(textOf(await t.say('resident-amb', '2'))).toContain(second.replace(' KK', ''));
  });

  test('a holiday typed at the day list gets the reason and the free days', async () => {
    t = await makeTestApp();
    await t.say('resident-hol', 'booking');
    await t.say('resident-hol', 'bpjs');
    await t.say('resident-hol', NIK);
    await t.say('resident-hol', 'Siti Aminah');
    const sunday = await t.say('resident-hol', 'minggu');
    expect(textOf(sunday)).toContain('akhir pekan');
    expect(choicesOf(sunday).some((c) => /sisa/.test(c))).toBe(true);
  });
});

describe('photos and stickers: one short line and the current question', () => {
  test('a photo at a service detail does not resend the requirements', async () => {
    t = await makeTestApp();
    await t.say('resident-photo', 'syarat ktp baru');
    const row = t.ctx.db.prepare("SELECT id FROM residents WHERE address = 'resident-photo'").get() as { id: number };
    expect(row.id).toBeGreaterThan(0);
    const photo = t.ctx.engine.handleNow({ id: 'ph1', channel: 'web', address: 'resident-photo', input: { type: 'media', media: 'photo', ref: 'web:ph1' } });
    expect(textOf(photo.replies)).toContain('berkas Anda sudah kami terima');
    expect(textOf(photo.replies)).not.toContain('Dokumen yang dibawa');
    expect(photo.replies.at(-1)!.choices!.length).toBeGreaterThan(0);
    const sticker = t.ctx.engine.handleNow({ id: 'st1', channel: 'web', address: 'resident-photo', input: { type: 'media', media: 'sticker' } });
    expect(sticker.replies).toHaveLength(2);
    expect(textOf(sticker.replies)).not.toContain('Dokumen yang dibawa');
  });
});

describe('the checklist follows the case', () => {
  test('"ktp ilang": only the police letter is asked, not the damaged card', async () => {
    t = await makeTestApp();
    await t.say('resident-case', 'ktp ilang');
    const q1 = await t.say('resident-case', 'cek kelengkapan');
    expect(textOf(q1)).toContain('Surat keterangan kehilangan');
    expect(textOf(q1)).not.toContain('jika KTP-el hilang');
    const all: string[] = [textOf(q1)];
    let r = q1;
    for (let i = 0; i < 6 && /Apakah Anda/.test(textOf(r)); i++) all.push(textOf((r = await t.say('resident-case', 'ya'))));
    expect(all.join('\n')).not.toContain('KTP-el yang rusak');
  });

  test('a missing KK photocopy is told to copy the original first, replacing the KK only if it is lost', async () => {
    t = await makeTestApp();
    await t.say('resident-copy', 'ktp rusak');
    await t.say('resident-copy', 'cek kelengkapan');
    let r = await t.say('resident-copy', 'ya'); // the damaged card: has it
    expect(textOf(r)).toContain('Fotokopi Kartu Keluarga');
    r = await t.say('resident-copy', 'belum ada');
    for (let i = 0; i < 4 && /Apakah Anda/.test(textOf(r)); i++) r = await t.say('resident-copy', 'ya');
    expect(textOf(r)).toMatch(/Fotokopi Kartu Keluarga \(KK\): buat fotokopi dari aslinya.*Jika KK hilang atau rusak/);
  });
});
