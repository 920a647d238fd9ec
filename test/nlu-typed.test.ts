// Typed the way residents chat on WhatsApp (no buttons), found by exploratory testing:
// numbers written out, cancel words that answer the question, languages by name, 👍, idle
// pauses mid-booking, "1" after a notification without options.
import { afterEach, describe, expect, test } from 'vitest';
import { bookingOf, choicesOf, makeBookingApp, makeTestApp, textOf, type TestApp } from './helpers.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const NIK = '1803021204950001';

/** The opening of a booking up to the day list (reason BPJS, NIK, name). */
async function toDays(addr: string) {
  await t!.say(addr, 'booking');
  await t!.say(addr, 'bpjs');
  await t!.say(addr, NIK);
  expect(textOf(await t!.say(addr, 'Siti Aminah'))).toContain('Pilih tanggal');
}

/** On to "Sudah benar?" for tomorrow at 09.00. */
async function toSummary(addr: string) {
  await toDays(addr);
  await t!.say(addr, 'besok');
  expect(textOf(await t!.say(addr, 'jam 9'))).toContain('Sudah benar');
}

/** A booking made for tomorrow at 09.00. */
async function bookedBy(addr: string) {
  await toSummary(addr);
  expect(textOf(await t!.say(addr, 'ya'))).toContain('Booking berhasil');
}

describe('numbers as people type them pick the option with that number', () => {
  test.each(['pilih 2', '2.', '2)', 'no 2', 'nomor 2', 'yang kedua', 'yg ke 2', 'kedua', 'dua'])('"%s" at the document list picks the second (KK)', async (typed) => {
    t = await makeTestApp();
    await t.say('resident-n', 'syarat dokumen');
    const picked = await t.say('resident-n', typed);
    expect(textOf(picked)).toContain('Pilih layanan');
    expect(choicesOf(picked).join(' ')).toMatch(/KK/);
    expect(textOf(picked)).not.toContain('Dokumen apa yang ingin Anda urus?');
  });

  test('a number word where no options are shown is text, and a number past the list says how many there are', async () => {
    t = await makeTestApp();
    await t.say('resident-n2', 'syarat dokumen');
    expect(textOf(await t.say('resident-n2', 'yang kesembilan'))).toMatch(/angka 1 sampai 6/);
  });
});

describe('a cancel word answers the question first', () => {
  test('"batal" at "Batalkan booking …?" cancels the booking, and "booking saya" shows none', async () => {
    ({ t } = await makeBookingApp());
    await bookedBy('resident-cancel');
    const list = await t.say('resident-cancel', 'booking saya');
    // One booking: its line, then what to do with it.
    const manage = await t.say('resident-cancel', '1');
    const ask = textOf(manage).includes('Batalkan booking') ? manage : await t.say('resident-cancel', 'batalkan');
    expect(textOf(ask)).toContain('Batalkan booking');
    expect(textOf(list)).toContain('Booking');
    const done = await t.say('resident-cancel', 'batal');
    expect(textOf(done)).toContain('sudah dibatalkan');
    expect(t.ctx.db.prepare(`SELECT COUNT(*) FROM booking WHERE status = 'active'`).pluck().get()).toBe(0);
  });

  test('"batal" while moving a booking says the booking stands; "Sudah benar?" re-asks for yes or no only', async () => {
    ({ t } = await makeBookingApp());
    await toSummary('resident-move');
    const unclear = await t.say('resident-move', 'hmm entahlah ya kak gimana');
    expect(textOf(unclear)).toContain('Jawab saja ya atau tidak');
    expect(textOf(await t.say('resident-move', 'ya'))).toContain('Booking berhasil');
    await t.say('resident-move', 'booking saya');
    const manage = await t.say('resident-move', '1');
    expect(choicesOf(manage)).toContain('Pindah jadwal');
    const moving = await t.say('resident-move', 'pindah jadwal');
    expect(textOf(moving)).toMatch(/hari|tanggal/i);
    const left = await t.say('resident-move', 'batal');
    expect(textOf(left)).toMatch(/tetap berlaku/);
    expect(textOf(left)).not.toContain('Baik, dibatalkan.');
    expect(t.ctx.db.prepare(`SELECT COUNT(*) FROM booking WHERE status = 'active'`).pluck().get()).toBe(1);
  });

  test('"keluar" at the moving list picks "Pindah keluar daerah"; "batal" where no option says so still cancels', async () => {
    t = await makeTestApp();
    await t.say('resident-out', 'syarat pindah');
    const out = await t.say('resident-out', 'keluar');
    expect(textOf(out)).not.toContain('dibatalkan');
    expect(textOf(out)).toMatch(/[Pp]indah keluar/);
    expect(textOf(await t.say('resident-out', 'batal'))).toContain('Baik, dibatalkan.');
  });
});

describe('languages by name set that language', () => {
  test('"english" twice stays English; "bahasa indonesia" comes back; "bahasa" switches', async () => {
    t = await makeTestApp();
    await t.say('resident-lang', 'menu');
    expect(textOf(await t.say('resident-lang', 'english'))).toContain('Language: English.');
    expect(textOf(await t.say('resident-lang', 'english'))).toContain('Language: English.');
    expect(textOf(await t.say('resident-lang', 'bahasa indonesia'))).toContain('Bahasa: Indonesia.');
    expect(textOf(await t.say('resident-lang', 'bahasa indonesia'))).toContain('Bahasa: Indonesia.');
    expect(textOf(await t.say('resident-lang', 'bahasa'))).toContain('Language: English.');
  });
});

describe('short answers of chat', () => {
  test('👍 at "Sudah benar?" books; "gak jadi" is a no', async () => {
    ({ t } = await makeBookingApp());
    await toSummary('resident-thumb');
    const no = await t.say('resident-thumb', 'gak jadi');
    expect(textOf(no)).not.toContain('belum mengerti');
    expect(textOf(no)).not.toContain('Booking berhasil');
    expect(textOf(await t.say('resident-thumb', '👍'))).toContain('Booking berhasil');
  });

  test('"ya makasih" at "Sudah benar?" books; "makasih" alone is small talk', async () => {
    ({ t } = await makeBookingApp());
    await toSummary('resident-thanks');
    const thanks = await t.say('resident-thanks', 'makasih');
    expect(textOf(thanks)).toContain('Sama-sama');
    expect(textOf(thanks)).not.toContain('Booking berhasil');
    expect(textOf(await t.say('resident-thanks', 'ya makasih'))).toContain('Booking berhasil');
  });

  test('"saya mau booking" starts a booking, not the list of one\'s bookings', async () => {
    ({ t } = await makeBookingApp());
    await t.say('resident-want', 'menu');
    const r = await t.say('resident-want', 'saya mau booking');
    expect(textOf(r)).not.toContain('belum punya booking aktif');
    expect(textOf(r)).toMatch(/keperluan/i);
  });

  test('"booking saya" typed at the bookings list shows the list again, not a new booking', async () => {
    ({ t } = await makeBookingApp());
    await toSummary('resident-mine');
    await t.say('resident-mine', 'ya');
    expect(textOf(await t.say('resident-mine', 'booking saya'))).toContain('Booking Anda');
    const again = await t.say('resident-mine', 'booking saya');
    expect(textOf(again)).toContain('Booking Anda');
    expect(textOf(again)).not.toMatch(/keperluan mendesak/i);
  });
});

describe('a long pause mid-booking keeps the booking aside', () => {
  test('after 35 minutes the menu says the booking is kept, and "lanjut" brings back the same question', async () => {
    ({ t } = await makeBookingApp());
    await t.say('resident-idle', 'booking');
    await t.say('resident-idle', 'bpjs');
    t.clock.advance(35 * 60_000);
    const back = await t.say('resident-idle', NIK);
    expect(textOf(back)).toContain('lama tidak aktif');
    expect(textOf(back)).toContain('Booking Anda saya simpan');
    expect(choicesOf(back)[0]).toBe('Lanjutkan booking');
    const resumed = await t.say('resident-idle', 'lanjut');
    expect(textOf(resumed)).toContain('Kita lanjutkan booking');
    expect(textOf(await t.say('resident-idle', NIK))).toContain('NIK terbaca');
  });
});

describe('"1" after a notification without options', () => {
  test('does not act on the older options: the question comes again, then "1" answers it', async () => {
    ({ t } = await makeBookingApp());
    await t.say('resident-notice', 'menu');
    const resident = t.ctx.store.findResident('web', 'resident-notice')!;
    t.clock.advance(60_000);
    t.ctx.store.enqueue({ residentId: resident.id, channel: 'web', address: 'resident-notice', reply: { text: 'Status permohonan Anda: sedang diproses.' }, kind: 'notification' }, t.clock.now());
    expect(textOf(await t.poll('resident-notice'))).toContain('sedang diproses');
    t.clock.advance(60_000);
    const again = await t.say('resident-notice', '1');
    expect(textOf(again)).not.toContain('Dokumen apa yang ingin Anda urus?');
    expect(choicesOf(again)).toContain('Syarat dokumen');
    expect(textOf(await t.say('resident-notice', '1'))).toContain('Dokumen apa yang ingin Anda urus?');
    expect(bookingOf(t)).toBeDefined();
  });
});

describe('a first message written in English is answered in English', () => {
  test.each(['I lost my ID card', 'requirements for ID card', 'what do I need for a family card'])('"%s"', async (first) => {
    t = await makeTestApp();
    const r = await t.say('resident-english', first);
    expect(textOf(r)).toMatch(/digital assistant/i);
    expect(textOf(r)).not.toMatch(/asisten digital/i);
  });

  test('Indonesian with an English word stays Indonesian', async () => {
    t = await makeTestApp();
    expect(textOf(await t.say('resident-mixed', 'saya lost ktp, gimana ya'))).toMatch(/asisten digital/i);
  });

  test('English written after an Indonesian "halo" switches the conversation to English and answers there; "thank you" does not switch', async () => {
    t = await makeTestApp();
    await t.say('resident-later-en', 'halo');
    expect(textOf(await t.say('resident-later-en', 'thank you'))).toContain('Sama-sama');
    const r = await t.say('resident-later-en', 'I lost my ID card');
    expect(textOf(r)).toContain('Continuing in English');
    expect(textOf(r)).toContain('Lost or damaged e-ID card');
    expect(choicesOf(r)).toContain('Check what I have');
    // The next question is in English too.
    expect(textOf(await t.say('resident-later-en', 'check what I have'))).toMatch(/Do you have/i);
  });

  test('a resident who chose Indonesian by name stays in Indonesian when writing English', async () => {
    t = await makeTestApp();
    await t.say('resident-chose-id', 'halo');
    await t.say('resident-chose-id', 'bahasa indonesia');
    const r = textOf(await t.say('resident-chose-id', 'what do I need for a birth certificate'));
    expect(r).toContain('Akta kelahiran');
    expect(r).not.toContain('Continuing in English');
  });

  test('the language chosen stays chosen after a long pause restarts the conversation', async () => {
    t = await makeTestApp();
    await t.say('resident-chose-pause', 'halo');
    await t.say('resident-chose-pause', 'bahasa indonesia');
    // In a flow, so the pause restarts the conversation at the menu.
    await t.say('resident-chose-pause', 'syarat kk hilang');
    t.clock.advance(40 * 60_000);
    await t.say('resident-chose-pause', 'halo');
    expect(textOf(await t.say('resident-chose-pause', 'I lost my ID card'))).not.toContain('Continuing in English');
  });
});

describe('asking for a person or a status the way people write it', () => {
  test.each(['tolong hubungi saya', 'wa admin', 'nomor admin', 'minta ditelpon', 'ada admin?', 'I want to talk to someone', 'admin', 'min', 'ada orang?', 'saya kecewa pelayanan lambat sekali'])('"%s" reaches the officer flow', async (typed) => {
    t = await makeTestApp();
    await t.say('resident-person', 'menu');
    const r = textOf(await t.say('resident-person', typed));
    expect(r).not.toMatch(/belum mengerti|did not understand/);
    expect(r).toMatch(/petugas|officer/i);
  });

  test('"makasih admin" and "halo admin" stay small talk', async () => {
    t = await makeTestApp();
    await t.say('resident-polite', 'menu');
    expect(textOf(await t.say('resident-polite', 'makasih admin'))).toContain('Sama-sama');
    expect(textOf(await t.say('resident-polite', 'halo admin'))).not.toMatch(/petugas kami|Tentang apa/);
  });
});

describe('saying one is done: a polite closing, not the office hours', () => {
  const hours = 'Jam layanan';
  const closing = 'terima kasih sudah menghubungi kami';
  test.each(['tutup aja', 'sudah cukup', 'selesai', 'udah cukup makasih kak'])('"%s" at the menu and as a first message closes politely, with no menu after it', async (typed) => {
    t = await makeTestApp();
    const first = await t.say('resident-done-1', typed);
    expect(textOf(first)).toContain(closing);
    expect(textOf(first)).not.toContain(hours);
    await t.say('resident-done-2', 'menu');
    const later = await t.say('resident-done-2', typed);
    expect(textOf(later)).toContain(closing);
    expect(textOf(later)).not.toContain(hours);
    expect(textOf(later)).not.toContain('Ada lagi yang bisa saya bantu');
  });

  test.each(['jam tutup', 'tutup jam berapa', 'kantor tutup?'])('"%s" still gets the office hours', async (typed) => {
    t = await makeTestApp();
    await t.say('resident-hours', 'menu');
    const r = textOf(await t.say('resident-hours', typed));
    expect(r).toContain(hours);
    expect(r).not.toContain(closing);
  });

  test('"selesai" mid-booking does not end it: one line, the same question', async () => {
    ({ t } = await makeBookingApp());
    await toDays('resident-done-b');
    const r = await t.say('resident-done-b', 'selesai');
    expect(textOf(r)).toContain('Ketik batal jika ingin berhenti');
    expect(textOf(r)).not.toContain(hours);
    expect(choicesOf(r).join(' ')).toMatch(/sisa/);
    expect(textOf(await t.say('resident-done-b', 'besok'))).toContain('Pilih jam kedatangan');
  });
});

describe('a half-finished checklist is kept like a booking', () => {
  test('a new request asks first (in the checklist\'s words); "menu" keeps it aside; "lanjut" comes back to the same question', async () => {
    t = await makeTestApp();
    await t.say('resident-check', 'kk saya hilang');
    await t.say('resident-check', 'cek kelengkapan');
    const second = await t.say('resident-check', 'ada');
    expect(textOf(second)).toContain('(2/');
    const ask = await t.say('resident-check', 'syarat akta kelahiran apa');
    expect(textOf(ask)).toContain('Cek kelengkapan dokumen Anda belum selesai');
    expect(textOf(ask)).not.toContain('Booking');
    expect(choicesOf(ask)).toEqual(['Ya, tanya dulu', 'Lanjutkan cek dokumen']);
    const answered = await t.say('resident-check', 'ya');
    expect(textOf(answered)).toContain('Jawaban cek dokumen Anda saya simpan');
    expect(choicesOf(await t.say('resident-check', 'menu'))[0]).toBe('Lanjutkan cek dokumen');
    const back = await t.say('resident-check', 'lanjut');
    expect(textOf(back)).toContain('Kita lanjutkan cek dokumen');
    expect(textOf(back)).toContain('(2/');
  });
});

describe('managing the only booking by typing', () => {
  async function booked() {
    ({ t } = await makeBookingApp());
    await bookedBy('resident-one');
  }

  test('"batalin booking saya" asks to cancel that booking at once; "ya" cancels it', async () => {
    await booked();
    await t!.say('resident-one', 'menu');
    const ask = await t!.say('resident-one', 'batalin booking saya');
    expect(textOf(ask)).toContain('Batalkan booking');
    expect(textOf(await t!.say('resident-one', 'ya'))).toContain('sudah dibatalkan');
    expect(t!.ctx.db.prepare(`SELECT COUNT(*) FROM booking WHERE status = 'active'`).pluck().get()).toBe(0);
  });

  test.each([['batal', 'Batalkan booking', 'Ya, batalkan'], ['cancel', 'Cancel booking', 'Yes, cancel it']])('"%s" typed at the list of one\'s bookings asks to cancel that booking; it stays until the yes', async (word, asked, yes) => {
    await booked();
    if (word === 'cancel') await t!.say('resident-one', 'english');
    await t!.say('resident-one', word === 'cancel' ? 'my bookings' : 'booking saya');
    const ask = await t!.say('resident-one', word);
    expect(textOf(ask)).toContain(asked);
    expect(textOf(ask)).not.toMatch(/dibatalkan\.|cancelled\./);
    expect(choicesOf(ask)).toContain(yes);
    expect(t!.ctx.db.prepare(`SELECT COUNT(*) FROM booking WHERE status = 'active'`).pluck().get()).toBe(1);
  });

  test('"batal" at the list with two bookings asks which, and cancels none', async () => {
    await booked();
    // A second booking from the same chat, for someone else.
    await t!.say('resident-one', 'booking');
    await t!.say('resident-one', 'bpjs');
    await t!.say('resident-one', '1803025505000002');
    await t!.say('resident-one', 'Ani Lestari');
    await t!.say('resident-one', 'kamis');
    await t!.say('resident-one', 'jam 8');
    expect(textOf(await t!.say('resident-one', 'ya'))).toContain('Booking berhasil');
    await t!.say('resident-one', 'booking saya');
    const which = await t!.say('resident-one', 'batal');
    expect(textOf(which)).toContain('Booking yang mana yang ingin dibatalkan?');
    expect(choicesOf(which).filter((c) => /Des/.test(c))).toHaveLength(2);
    expect(t!.ctx.db.prepare(`SELECT COUNT(*) FROM booking WHERE status = 'active'`).pluck().get()).toBe(2);
  });

  test('"undur ke hari kamis" and "pindah jadwal" at the list go to moving that booking', async () => {
    await booked();
    await t!.say('resident-one', 'menu');
    const move = await t!.say('resident-one', 'undur ke hari kamis');
    // The day said is taken: Thursday's times for the move.
    expect(textOf(move)).toContain('Kamis, 3 Desember 2026');
    expect(choicesOf(move).some((c) => /\d\d[.:]\d\d/.test(c))).toBe(true);
    await t!.say('resident-one', 'batal');
    const moveAt = await t!.say('resident-one', 'undur ke kamis jam 9');
    expect(textOf(moveAt)).toMatch(/Kamis, 3 Desember 2026[\s\S]*09\.00/);
    await t!.say('resident-one', 'batal');
    await t!.say('resident-one', 'booking saya');
    const typed = await t!.say('resident-one', 'pindah jadwal');
    expect(choicesOf(typed).some((c) => /Des/.test(c))).toBe(true);
  });
});

test('at the summary, "namanya salah" then "nama nya salah, harusnya Siti Aisyah" keeps only the name', async () => {
  ({ t } = await makeBookingApp());
  await toSummary('resident-rename');
  await t.say('resident-rename', 'namanya salah');
  expect(textOf(await t.say('resident-rename', 'nama nya salah, harusnya siti aisyah'))).toMatch(/Nama: Siti Aisyah\n/);
});

test.each([
  ['besok jam 9', /Selasa, 1 Desember 2026[\s\S]*09\.00/],
  ['1 des jam 8.30', /Selasa, 1 Desember 2026[\s\S]*08\.30/],
  ['besok pagi jam 9', /Selasa, 1 Desember 2026[\s\S]*09\.00/],
  ['kamis pagi', /Kamis, 3 Desember 2026[\s\S]*08\.00/],
])('"%s" at the day list picks the day and that time: the summary comes at once', async (typed, summary) => {
  ({ t } = await makeBookingApp());
  await toDays('resident-daytime');
  const r = await t.say('resident-daytime', typed);
  expect(textOf(r)).toMatch(summary);
  expect(textOf(r)).toMatch(/Sudah benar/);
});

test('another day typed at the times ("kamis aja") or at the summary ("lusa", "jam 8 aja") changes it', async () => {
  ({ t } = await makeBookingApp());
  await toDays('resident-change');
  await t.say('resident-change', 'besok');
  const thursday = await t.say('resident-change', 'kamis aja');
  expect(textOf(thursday)).toContain('Kamis, 3 Desember 2026');
  expect(textOf(thursday)).toMatch(/jam/i);
  const summary = await t.say('resident-change', 'jam 9');
  expect(textOf(summary)).toMatch(/Kamis, 3 Desember 2026[\s\S]*09\.00/);
  const eight = await t.say('resident-change', 'jam 8 aja');
  expect(textOf(eight)).toMatch(/Kamis, 3 Desember 2026[\s\S]*08\.00[\s\S]*Sudah benar/);
  const other = await t.say('resident-change', 'lusa aja');
  expect(textOf(other)).toContain('Rabu, 2 Desember 2026');
  expect(textOf(await t.say('resident-change', 'pagi'))).toMatch(/Rabu, 2 Desember 2026[\s\S]*Sudah benar/);
  expect(textOf(await t.say('resident-change', 'ya'))).toContain('Booking berhasil');
});

test('"ya semua ada" at a checklist question ticks every document left: the result comes at once', async () => {
  t = await makeTestApp();
  await t.say('resident-all', 'syarat bikin ktp');
  const first = await t.say('resident-all', 'cek kelengkapan');
  expect(textOf(first)).toContain('(1/');
  const done = await t.say('resident-all', 'ya semua ada');
  expect(textOf(done)).not.toContain('(2/');
  expect(textOf(done)).toMatch(/Lengkap!/);
});

test('"iya cek" at a service summary starts the checklist; another document of it named at its first question is noted, the question stays', async () => {
  t = await makeTestApp();
  await t.say('resident-cek', 'kk saya hilang');
  const first = await t.say('resident-cek', 'iya cek');
  expect(textOf(first)).toContain('(1/');
  const other = await t.say('resident-cek', 'ktp nya ada');
  expect(textOf(other)).toContain('• KTP-el kepala keluarga atau pemohon: sudah ada');
  expect(textOf(other)).toContain('(1/2)');
  // The police letter is answered; the KTP-el, noted already, is not asked again.
  const result = textOf(await t.say('resident-cek', 'tidak'));
  expect(result).toContain('Yang masih kurang:\n• Surat keterangan kehilangan dari polisi');
  expect(result).not.toContain('(2/2)');
});

describe('two things set aside: a booking under a checklist', () => {
  test('both are kept; "lanjut" brings back the checklist, then the booking', async () => {
    ({ t } = await makeBookingApp());
    await toDays('resident-two');
    await t.say('resident-two', 'syarat ktp baru');
    expect(textOf(await t.say('resident-two', 'ya'))).toContain('Booking Anda saya simpan');
    await t.say('resident-two', 'cek kelengkapan');
    await t.say('resident-two', 'ada');
    const menu = await t.say('resident-two', 'menu');
    expect(textOf(menu)).toContain('Jawaban cek dokumen Anda saya simpan');
    expect(choicesOf(menu)[0]).toBe('Lanjutkan cek dokumen');
    expect(textOf(await t.say('resident-two', 'lanjut'))).toContain('Kita lanjutkan cek dokumen');
    await t.say('resident-two', 'menu');
    await t.say('resident-two', 'lanjut');
    const menu2 = await t.say('resident-two', 'batal');
    expect(textOf(menu2)).toBeTruthy();
    // The checklist dropped with "batal"; the booking set aside before it is dropped too (batal drops all).
    expect(choicesOf(await t.say('resident-two', 'menu'))).not.toContain('Lanjutkan booking');
  });

  test('"lanjut" typed in a new booking brings back the checklist and keeps the booking begun', async () => {
    ({ t } = await makeBookingApp());
    await t.say('resident-swap', 'syarat ktp baru');
    await t.say('resident-swap', 'cek kelengkapan');
    await t.say('resident-swap', 'ada');
    await t.say('resident-swap', 'booking');
    expect(textOf(await t.say('resident-swap', 'ya'))).toContain('Jawaban cek dokumen Anda saya simpan');
    await t.say('resident-swap', 'bpjs');
    const back = await t.say('resident-swap', 'lanjut');
    expect(textOf(back)).toContain('Kita lanjutkan cek dokumen');
    const menu = await t.say('resident-swap', 'menu');
    expect(choicesOf(menu)[0]).toMatch(/Lanjutkan/);
  });
});

test.each(['lanjut', 'lanjut booking', 'mau lanjut booking yang tadi', 'lanjutin booking nya'])('"%s" after a long pause mid-booking brings the booking back at once', async (typed) => {
  ({ t } = await makeBookingApp());
  await t.say('resident-pause', 'booking');
  await t.say('resident-pause', 'bpjs');
  await t.say('resident-pause', NIK);
  t.clock.advance(40 * 60_000);
  const back = await t.say('resident-pause', typed);
  expect(textOf(back)).toContain('Kita lanjutkan booking');
  expect(textOf(back)).toContain('nama lengkap');
  expect(textOf(back)).not.toMatch(/keperluan mendesak/i);
});

test.each([
  ['nama lengkapnya Siti Aminah', 'Siti Aminah'],
  ['Siti Aminah kak', 'Siti Aminah'],
  ['siti aminah ya kak', 'Siti Aminah'],
  ['nama saya siti aminah, ktp belum ada', 'Siti Aminah'],
  ["I'm Siti Aminah", 'Siti Aminah'],
])('the name "%s" is stored as %s', async (typed, name) => {
  ({ t } = await makeBookingApp());
  await t.say('resident-name', 'booking');
  await t.say('resident-name', 'bpjs');
  await t.say('resident-name', NIK);
  await t.say('resident-name', typed);
  await t.say('resident-name', 'besok');
  expect(textOf(await t.say('resident-name', 'jam 9'))).toContain(`Nama: ${name}\n`);
});

test('real words are not read as other words: "saya warga abung selatan mau bikin ktp" is a KTP request, not a fee question', async () => {
  t = await makeTestApp();
  const r = textOf(await t.say('resident-warga', 'saya warga abung selatan mau bikin ktp'));
  expect(r).toMatch(/KTP-el baru/);
  expect(r).toMatch(/Siapa yang bisa mengajukan/);
});

test.each([
  ['tomorrow 9am', /Tuesday, 1 December 2026[\s\S]*09:00/],
  ['thursday at 8', /Thursday, 3 December 2026[\s\S]*08:00/],
])('English "%s" at the day list picks the day and the time', async (typed, summary) => {
  ({ t } = await makeBookingApp());
  await t.say('resident-en-day', 'english');
  await t.say('resident-en-day', 'book');
  await t.say('resident-en-day', 'bpjs');
  await t.say('resident-en-day', NIK);
  await t.say('resident-en-day', 'Siti Aminah');
  expect(textOf(await t.say('resident-en-day', typed))).toMatch(summary);
});

test('"ok" or "siap" at a typed question is an acknowledgement ("Baik, kita lanjutkan"), "makasih" gets "Sama-sama"', async () => {
  ({ t } = await makeBookingApp());
  await t.say('resident-ok', 'booking');
  await t.say('resident-ok', 'bpjs');
  const ok = textOf(await t.say('resident-ok', 'ok'));
  expect(ok).toContain('Baik, kita lanjutkan ya.');
  expect(ok).not.toContain('Sama-sama');
  expect(ok).toContain('Ketik NIK');
  expect(textOf(await t.say('resident-ok', 'siap kak'))).not.toContain('Sama-sama');
  expect(textOf(await t.say('resident-ok', 'makasih'))).toContain('Sama-sama');
});

test('"oh gitu" at a checklist question is an acknowledgement and the question comes again; "tidak paham" is a cry for help, not "no"', async () => {
  t = await makeTestApp();
  await t.say('resident-gitu', 'syarat ktp baru');
  await t.say('resident-gitu', 'cek kelengkapan');
  const gitu = textOf(await t.say('resident-gitu', 'oh gitu'));
  expect(gitu).toContain('Baik, kita lanjutkan ya.');
  expect(gitu).toContain('(1/2)');
  const lost = textOf(await t.say('resident-gitu', 'tidak paham'));
  expect(lost).toContain('Cara memakai');
  expect(lost).toContain('(1/2)');
  expect(lost).not.toContain('Baik, kita lanjutkan');
  // Nothing was ticked by either: "ya" answers the first document still.
  expect(textOf(await t.say('resident-gitu', 'ya'))).toContain('(2/2)');
});

test('"berapa lama prosesnya", "bisa online gak", "biayanya berapa" mid-checklist are answered for that service, and the question comes again', async () => {
  t = await makeTestApp();
  await t.say('resident-facts', 'kk saya hilang');
  await t.say('resident-facts', 'cek kelengkapan');
  const long = textOf(await t.say('resident-facts', 'berapa lama prosesnya'));
  expect(long).toContain('KK hilang');
  expect(long).toContain('(1/');
  const online = textOf(await t.say('resident-facts', 'bisa online gak'));
  expect(online).toMatch(/KK hilang[^\n]*: [^\n]*(daring|online)/i);
  expect(online).toContain('(1/');
  expect(textOf(await t.say('resident-facts', 'biayanya berapa'))).toMatch(/KK hilang[^\n]*: /);
});

test('"semua ada kecuali buku nikah" at a checklist: every document left is there but that one, which is listed', async () => {
  t = await makeTestApp();
  await t.say('resident-except', 'syarat bikin ktp');
  expect(textOf(await t.say('resident-except', 'cek kelengkapan'))).toContain('(1/');
  const done = textOf(await t.say('resident-except', 'semua ada kecuali buku nikah'));
  expect(done).not.toContain('(2/');
  expect(done).not.toContain('Tinggalkan dulu');
  expect(done).toMatch(/buku nikah/i);
  expect(done).not.toMatch(/Yang masih kurang:[\s\S]*Kartu Keluarga/);
});

test('a time typed with a refused day is not applied to the day picked next; "besok setengah 9" and the same day with a new time at the summary work', async () => {
  ({ t } = await makeBookingApp());
  await toDays('resident-time-once');
  expect(textOf(await t.say('resident-time-once', 'sabtu jam 9'))).not.toContain('Sudah benar');
  const tuesday = await t.say('resident-time-once', 'selasa');
  expect(textOf(tuesday)).toContain('Selasa, 1 Desember 2026');
  expect(textOf(tuesday)).not.toContain('Sudah benar');
  expect(textOf(await t.say('resident-time-once', 'besok setengah 9'))).toMatch(/Selasa, 1 Desember 2026[\s\S]*08\.30[\s\S]*Sudah benar/);
  expect(textOf(await t.say('resident-time-once', 'selasa jam 9'))).toMatch(/Selasa, 1 Desember 2026[\s\S]*09\.00[\s\S]*Sudah benar/);
});

test('"nama saya" alone at the name question asks for the name again instead of storing "Nama Saya"', async () => {
  ({ t } = await makeBookingApp());
  await t.say('resident-noname', 'booking');
  await t.say('resident-noname', 'bpjs');
  await t.say('resident-noname', NIK);
  const again = textOf(await t.say('resident-noname', 'nama saya'));
  expect(again).toContain('Ketik nama lengkap');
  expect(again).not.toContain('Pilih tanggal');
});

describe('"pindah ke jumat" moves the booking, "pindah ke kotabumi" is still moving house', () => {
  test.each(['pindah ke jumat', 'pindah ke hari jumat', 'bisa pindah ke jumat aja?'])('"%s" with a booking: Friday\'s times for the move, the booking kept until then', async (text) => {
    ({ t } = await makeBookingApp());
    await bookedBy('resident-one');
    await t!.say('resident-one', 'menu');
    const move = await t!.say('resident-one', text);
    expect(textOf(move)).toContain('Jumat, 4 Desember 2026');
    expect(choicesOf(move).some((c) => /\d\d[.:]\d\d/.test(c))).toBe(true);
    expect(t!.ctx.db.prepare(`SELECT COUNT(*) FROM booking WHERE status = 'active'`).pluck().get()).toBe(1);
  });

  test('"pindah ke kotabumi" asks which moving service, as before', async () => {
    ({ t } = await makeBookingApp());
    await bookedBy('resident-one');
    await t!.say('resident-one', 'menu');
    const moving = await t!.say('resident-one', 'pindah ke kotabumi');
    expect(textOf(moving)).not.toContain('Jumat');
    expect(choicesOf(moving).join(' ')).toMatch(/[Pp]indah/);
  });
});

// An English-speaking resident who types everything (exploration of 1 December, English):
// English words in English texts, English answers read where the Indonesian ones are.
describe('an English resident typing', () => {
  /** "english", then each text in turn; what the resident read after the last one. */
  async function inEnglish(addr: string, inputs: string[]): Promise<string> {
    await t!.say(addr, 'english');
    let last = '';
    for (const text of inputs) last = textOf(await t!.say(addr, text));
    return last;
  }
  const toBooked = ['book', 'bpjs', NIK, 'Siti Aminah', 'tomorrow at 9', 'yes'];

  test('English texts name the English words: "type cancel" after a no at the summary, "cancel = stop, help = …" in the help', async () => {
    ({ t } = await makeBookingApp());
    const no = await inEnglish('en-words', ['book', 'bpjs', NIK, 'Siti Aminah', 'tomorrow at 9', 'no']);
    expect(no).toContain('type cancel to start again');
    expect(no).not.toMatch(/\bbatal\b/);
    const help = textOf(await t.say('en-words', 'help'));
    expect(help).toContain('cancel = stop, help = this help, language = Bahasa Indonesia');
    expect(help).not.toMatch(/\b(batal|bantuan)\b/);
  });

  test('"not sure" at a service summary is not read as a greeting ("sure" is not "sore")', async () => {
    t = await makeTestApp();
    const r = await inEnglish('en-notsure', ['lost ktp', 'not sure']);
    expect(r).not.toContain('Hello!');
    expect(r).toContain('What next?');
  });

  test('"what documents do i need?" at a service summary sends its full list', async () => {
    t = await makeTestApp();
    const r = await inEnglish('en-docs', ['lost ktp', 'what documents do i need?']);
    expect(r).toContain('Documents to bring');
    expect(r).not.toContain('Sorry, I did not understand');
  });

  test.each([
    ['i have all of them', 'Complete! You have every document'],
    ['i have everything', 'Complete! You have every document'],
    ['none of them', 'Still missing'],
  ])('"%s" at a checklist question answers for every document left', async (said, result) => {
    t = await makeTestApp();
    const r = await inEnglish('en-all', ['birth certificate', 'check what i have', said]);
    expect(r).toContain(result);
    expect(r).not.toContain('Do you have');
  });

  test('"is thursday available?" at the day list is Thursday; "the first one" at its times is the first session', async () => {
    ({ t } = await makeBookingApp());
    const thursday = await inEnglish('en-avail', ['book', 'bpjs', NIK, 'Siti Aminah', 'is thursday available?']);
    expect(thursday).toContain('Thursday, 3 December 2026. Choose your arrival time');
    expect(textOf(await t.say('en-avail', 'the first one'))).toMatch(/Date: Thursday, 3 December 2026\nArrival: 08:00[\s\S]*Is this right\?/);
  });

  test('"i can\'t come" after booking asks to cancel that booking (not the main menu: "come" is not "home")', async () => {
    ({ t } = await makeBookingApp());
    expect(await inEnglish('en-cantcome', toBooked)).toContain('Booked');
    expect(textOf(await t.say('en-cantcome', "i can't come"))).toMatch(/Cancel booking [A-Z0-9]{6} \(Tuesday, 1 December 2026 at 09:00\)\?/);
  });

  test('"move my booking to friday" shows Friday\'s times; "can i move my booking to thursday at 8:30?" the move\'s summary', async () => {
    ({ t } = await makeBookingApp());
    expect(await inEnglish('en-move', toBooked)).toContain('Booked');
    expect(textOf(await t.say('en-move', 'move my booking to friday'))).toContain('Friday, 4 December 2026. Choose your arrival time');
    await t.say('en-move', 'menu');
    expect(textOf(await t.say('en-move', 'can i move my booking to thursday at 8:30?'))).toMatch(/Move booking [A-Z0-9]{6} to:\nThursday, 3 December 2026 at 08:30/);
  });
});
