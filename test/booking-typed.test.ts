// Typed booking conversations (WhatsApp has no buttons): what a resident reads when they type
// the answers the way people do. Monday 30 Nov 2026, 09:00 WIB (makeBookingApp).
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { bookingFeature, type BookingFeature } from '../src/booking/feature.js';
import { webChatFeature } from '../src/channels/web/feature.js';
import { handoffFeature } from '../src/handoff/feature.js';
import { choicesOf, makeBookingApp, testNik, textOf, type TestApp } from './helpers.js';

let t: TestApp;
let booking: BookingFeature;
beforeEach(async () => {
  ({ t, booking } = await makeBookingApp());
});
afterEach(() => t.close());

const NIK = testNik(1);

/** The name stored with the booking whose code the resident was given last. */
function storedName(text: string): unknown {
  const code = /Kode booking: ([A-Z0-9]{6})/.exec(text)?.[1];
  return t.ctx.db.prepare('SELECT name FROM booking WHERE code = ?').pluck().get(code);
}

/** An arrival time of tomorrow for the i-th resident of a test (5 places per session). */
const AT = (i: number) => ['jam 8', 'jam 8.30', 'jam 9', 'jam 9.30'][i % 4]!;

/** Types each text in turn; returns what the resident read after the last one. */
async function typed(addr: string, inputs: string[]): Promise<{ text: string; choices: string[] }> {
  let last: Awaited<ReturnType<TestApp['say']>> = [];
  for (const text of inputs) last = await t.say(addr, text);
  return { text: textOf(last), choices: choicesOf(last) };
}

describe('the name question', () => {
  test('a yes/no, day or thanks word is not taken as the name: the question again with a hint', async () => {
    for (const [i, word] of ['iya', 'tidak', 'sudah', 'belum tau', 'besok', 'Lanjut', 'terima kasih banyak kak'].entries()) {
      const r = await typed(`name-${i}`, ['booking', 'bpjs', NIK, word]);
      expect(r.text, word).not.toMatch(/Pilih tanggal/);
      expect(r.text, word).toMatch(/Ketik nama lengkap sesuai Kartu Keluarga/);
      if (word !== 'terima kasih banyak kak') expect(r.text, word).toMatch(/Itu sepertinya bukan nama/);
    }
    // And the real name after it is taken.
    const r = await typed('name-0', ['Siti Aminah', 'besok', 'jam 9']);
    expect(r.text).toMatch(/Nama: Siti Aminah\n/);
  });

  test('a thanks or an "oke" before the name ("makasih, nama saya Siti Aminah", "siap, Budi Santoso") is not part of it', async () => {
    const names: Record<string, string> = {
      'makasih, nama saya Siti Aminah': 'Siti Aminah',
      'oke, nama saya Budi': 'Budi',
      'siap, Budi Santoso': 'Budi Santoso',
      'terima kasih. Nama: Rina': 'Rina',
      'siap Budi Santoso': 'Budi Santoso',
      'makasih banyak ya kak, nama saya Siti': 'Siti',
      'halo kak, nama saya Dewi': 'Dewi',
      'Siti Aminah terima kasih': 'Siti Aminah',
    };
    for (const [i, [said, name]] of Object.entries(names).entries()) {
      const summary = await typed(`thanks-${i}`, ['booking', 'bpjs', testNik(10 + i), said, 'besok', AT(i)]);
      expect(summary.text, said).toContain(`Nama: ${name}\n`);
      const done = await typed(`thanks-${i}`, ['ya']);
      expect(storedName(done.text), said).toBe(name);
    }
  });

  test('one word that is a name is the name, even one letter from a greeting ("Salim", "Slamet"); a greeting itself is small talk', async () => {
    for (const [i, name] of ['Salim', 'salim', 'Slamet', 'Selamet'].entries()) {
      const r = await typed(`one-${i}`, ['booking', 'bpjs', testNik(20 + i), name]);
      expect(r.text, name).not.toMatch(/Halo/);
      expect(r.text, name).toMatch(/Pilih tanggal/);
      const done = await typed(`one-${i}`, ['besok', AT(i), 'ya']);
      expect(storedName(done.text), name).toBe(name === 'salim' ? 'Salim' : name);
    }
    // Exactly a greeting or a thanks: answered, and the name asked again (the booking goes on).
    for (const [i, said] of ['Malam', 'makasih', 'terima kasih banyak kak'].entries()) {
      const r = await typed(`social-${i}`, ['booking', 'bpjs', NIK, said]);
      expect(r.text, said).toMatch(/^(Halo|Sama-sama)/);
      expect(r.text, said).toMatch(/Ketik nama lengkap/);
    }
  });

  test('real names with a greeting word in them are names; a greeting alone is small talk', async () => {
    for (const [i, name] of ['Ahmad Selamat', 'Siti Malam', 'Dewi Pagi', 'Selamat Riyadi'].entries()) {
      const r = await typed(`greet-${i}`, ['booking', 'bpjs', NIK, name]);
      expect(r.text, name).not.toMatch(/Halo/);
      expect(r.text, name).toMatch(/Pilih tanggal/);
    }
    const r = await typed('greet-9', ['booking', 'bpjs', NIK, 'selamat pagi kak']);
    expect(r.text).toMatch(/Halo/);
    expect(r.text).toMatch(/Ketik nama lengkap/);
  });
});

describe('a name typed in small letters at the name question', () => {
  test('"siti aminah", "muhammad bin abdullah": shown and stored capitalised, "bin" small', async () => {
    for (const [i, [said, name]] of Object.entries({ 'siti aminah': 'Siti Aminah', 'muhammad bin abdullah': 'Muhammad bin Abdullah' }).entries()) {
      const summary = await typed(`small-${i}`, ['booking', 'bpjs', testNik(40 + i), said, 'besok', AT(i)]);
      expect(summary.text, said).toContain(`Nama: ${name}\n`);
      const done = await typed(`small-${i}`, ['ya']);
      expect(storedName(done.text), said).toBe(name);
    }
  });
});

describe('correcting the name at the summary', () => {
  test('"namanya salah" asks for the right name; "nama nya salah, harusnya Siti Aisyah" takes only the name', async () => {
    const asked = await typed('fix', ['booking', 'bpjs', NIK, 'Siti Aminah', 'besok', 'jam 9', 'namanya salah']);
    expect(asked.text).not.toMatch(/Nama: Salah/);
    expect(asked.text).toMatch(/Ketik nama lengkap yang benar/);
    const fixed = await typed('fix', ['Siti Aisyah']);
    expect(fixed.text).toMatch(/Nama: Siti Aisyah\n/);
    const again = await typed('fix', ['nama nya salah, harusnya Siti Rahma']);
    expect(again.text).toMatch(/Nama: Siti Rahma\n/);
  });
});

describe('a typed day that is not among the days shown', () => {
  const START = ['booking', 'bpjs', NIK, 'Siti Aminah'];

  test('bookable but further ahead than the list ("senin depan", "tgl 7", "7 des"): its times, not "terlalu jauh"', async () => {
    const shown = await typed('far-0', START);
    expect(shown.choices.join(' ')).not.toMatch(/7 Des/);
    for (const [i, day] of ['senin depan', 'tgl 7', '7 des'].entries()) {
      const r = await typed(`far-${i}`, i ? [...START, day] : [day]);
      expect(r.text, day).not.toMatch(/terlalu jauh/);
      expect(r.text, day).toMatch(/Senin, 7 Desember 2026/);
      expect(r.choices[0], day).toMatch(/^Pukul 08\.00/);
    }
    // Really beyond the horizon (10 working days): said so.
    const r = await typed('far-9', [...START, '30 des']);
    expect(r.text).toMatch(/Rabu, 30 Desember 2026 belum bisa dipesan \(terlalu jauh\)/);
  });

  test('a typed full day offers its waitlist, as its button does; a day officers closed says their reason', async () => {
    booking.service.setCapacity('2026-12-01', { per_day: 1, first_session: '08:00', sessions: 1, session_minutes: 30 }, 'test', t.clock.now());
    await typed('fill', ['booking', 'bpjs', testNik(5), 'Budi Santoso', 'besok', '1', 'ya']);
    const full = await typed('full', [...START, 'besok']);
    expect(full.text).toMatch(/kuota Selasa, 1 Desember 2026 sudah penuh/);
    expect(full.choices).toContain('Daftar tunggu Selasa, 1 Des');
    booking.service.closeDay('2026-12-02', 'rapat dinas', 'test', t.clock.now());
    const closed = await typed('closed', [...START, 'rabu']);
    expect(closed.text).toMatch(/kantor tutup pada Rabu, 2 Desember 2026 \(rapat dinas\)/);
    expect(closed.choices.join(' ')).not.toMatch(/2 Des/);
  });
});

describe('a closed day typed at the day question', () => {
  test('a weekend, a holiday, a day officers closed: said closed, and the same list of open days again (not a shorter one)', async () => {
    booking.service.closeDay('2026-12-02', 'rapat dinas', 'test', t.clock.now());
    const shown = await typed('closed-day', ['booking', 'bpjs', NIK, 'Siti Aminah']);
    expect(shown.choices).toHaveLength(6);
    const lines: Record<string, RegExp> = {
      sabtu: /Sabtu, 5 Desember 2026 kantor libur \(akhir pekan\)/,
      'minggu aja': /Minggu, 6 Desember 2026 kantor libur \(akhir pekan\)/,
      '25 des': /Jumat, 25 Desember 2026 libur \(/,
      rabu: /kantor tutup pada Rabu, 2 Desember 2026 \(rapat dinas\)/,
    };
    for (const [said, line] of Object.entries(lines)) {
      const r = await typed('closed-day', [said]);
      expect(r.text, said).toMatch(line);
      expect(r.choices, said).toEqual(shown.choices);
    }
    // The list still answers.
    const picked = await typed('closed-day', ['kamis']);
    expect(picked.text).toMatch(/Kamis, 3 Desember 2026\. Pilih jam kedatangan/);
  });
});

describe('another day typed at the summary', () => {
  const START = ['booking', 'bpjs', NIK, 'Siti Aminah', 'besok jam 9'];

  test('"kamis aja": the time chosen stays on that day, said so, and the booking is made at it', async () => {
    const summary = await typed('keep', START);
    expect(summary.text).toMatch(/Tanggal: Selasa, 1 Desember 2026\nJam datang: 09\.00/);
    const moved = await typed('keep', ['kamis aja']);
    expect(moved.text).toMatch(/^Hari diganti ke Kamis, 3 Desember 2026\. Jam datang tetap 09\.00\./);
    expect(moved.text).toMatch(/Tanggal: Kamis, 3 Desember 2026\nJam datang: 09\.00/);
    expect(moved.choices[0]).toBe('Ya, pesan');
    const done = await typed('keep', ['ya']);
    expect(done.text).toMatch(/Kode booking: [A-Z0-9]{6}/);
    expect(done.text).toMatch(/Kamis, 3 Desember 2026/);
    expect(done.text).toMatch(/Datang pukul: 09\.00/);
  });

  test('"rabu saja" where that time is not free that day: said plainly, and that day\'s times to pick from', async () => {
    // Wednesday has a single session, at 08.00.
    booking.service.setCapacity('2026-12-02', { per_day: 5, first_session: '08:00', sessions: 1, session_minutes: 30 }, 'test', t.clock.now());
    await typed('gone', START);
    const moved = await typed('gone', ['rabu saja']);
    expect(moved.text).toMatch(/^Hari diganti ke Rabu, 2 Desember 2026, tetapi jam 09\.00 di hari itu tidak tersedia\. Silakan pilih jam lain:/);
    expect(moved.choices).toEqual(['Pukul 08.00 — sisa 5', 'Pilih hari lain']);
    const summary = await typed('gone', ['jam 8']);
    expect(summary.text).toMatch(/Tanggal: Rabu, 2 Desember 2026\nJam datang: 08\.00/);
  });
});

describe('the urgent reason, typed', () => {
  test('as people say it: "buat bpjs kak", "untuk berobat ke rumah sakit", "rs", "bansos", "buat melamar kerja"', async () => {
    const proofs: Record<string, RegExp> = {
      'buat bpjs kak': /BPJS Kesehatan/,
      'untuk berobat ke rumah sakit': /Surat rujukan/,
      rs: /Surat rujukan/,
      bansos: /tentang bantuan/,
      'buat melamar kerja': /Bukti pendaftaran/,
    };
    for (const [i, [said, proof]] of Object.entries(proofs).entries()) {
      const r = await typed(`reason-${i}`, ['booking', said]);
      expect(r.text, said).toMatch(/Bukti yang perlu dibawa/);
      expect(r.text, said).toMatch(proof);
      expect(r.text, said).toMatch(/Ketik NIK/);
    }
    // Two reasons named: which one, with just those two.
    const both = await typed('reason-both', ['booking', 'berobat pakai bpjs']);
    expect(both.text).toMatch(/Maksud Anda yang mana/);
    expect(both.choices).toEqual(['BPJS / JKN', 'Rumah sakit / rujukan medis']);
  });

  test('at the main menu, first message or later ("untuk bpjs", "buat bpjs", "untuk berobat"): the booking, that reason taken', async () => {
    const said: Array<[string[], RegExp]> = [
      [['untuk bpjs'], /Keperluan: BPJS \/ JKN\./],
      [['halo', 'buat bpjs'], /Keperluan: BPJS \/ JKN\./],
      [['untuk berobat'], /Keperluan: Rumah sakit \/ rujukan medis\./],
      [['menu', 'untuk bpjs kak'], /Keperluan: BPJS \/ JKN\./],
    ];
    for (const [i, [lines, reason]] of said.entries()) {
      const r = await typed(`menu-reason-${i}`, lines);
      expect(r.text, lines.join(' | ')).toMatch(/Booking perekaman KTP-el darurat/);
      expect(r.text, lines.join(' | ')).toMatch(reason);
      expect(r.text, lines.join(' | ')).toMatch(/Ketik NIK/);
    }
    // Asking for the requirements is still that, and a purpose word without a reason is not understood.
    expect((await typed('menu-reason-req', ['syarat ktp untuk bpjs'])).text).not.toMatch(/Ketik NIK/);
    expect((await typed('menu-reason-none', ['menu', 'untuk apa'])).text).toMatch(/belum mengerti/);
  });

  test('"Lainnya": small talk and questions are answered, not kept as the need', async () => {
    await typed('other', ['booking', 'lainnya']);
    for (const said of ['makasih', 'halo kak', 'bayar ga?']) {
      const r = await typed('other', [said]);
      expect(r.text, said).not.toMatch(/Bukti yang perlu dibawa/);
      expect(r.text, said).toMatch(/Tuliskan keperluan Anda/);
    }
    const r = await typed('other', ['mengurus paspor untuk umroh minggu ini']);
    expect(r.text).toMatch(/Bukti yang perlu dibawa/);
    const summary = await typed('other', [NIK, 'Siti Aminah', 'besok', 'jam 9']);
    expect(summary.text).toMatch(/Lainnya \(mengurus paspor untuk umroh minggu ini\)/);
  });

  test('"Lainnya": questions answered in place elsewhere ("berapa lama prosesnya?", "bisa online gak", "bingung kak") are not kept as the need either', async () => {
    await typed('other-asks', ['booking', 'lainnya']);
    for (const said of ['berapa lama prosesnya?', 'bisa online gak', 'bingung kak']) {
      const r = await typed('other-asks', [said]);
      expect(r.text, said).not.toMatch(/Bukti yang perlu dibawa/);
      expect(r.text, said).toMatch(/Tuliskan keperluan Anda/);
    }
  });
});

describe('typed days and times (answers.ts date/time readers)', () => {
  const START = ['booking', 'bpjs', NIK, 'Siti Aminah'];

  test('"kemarin" and "29 nov" (today 30 Nov) are past days; "minggu depan" is next week, "jumat ini" this Friday', async () => {
    for (const [i, said] of ['kemarin', '29 nov'].entries()) {
      const r = await typed(`past-${i}`, [...START, said]);
      expect(r.text, said).toMatch(/Minggu, 29 November 2026 sudah lewat/);
      expect(r.text, said).not.toMatch(/2027|Tinggalkan dulu/);
    }
    const next = await typed('next-week', [...START, 'minggu depan']);
    expect(next.text).not.toMatch(/Minggu, 13 Desember/);
    expect(next.text).toMatch(/Senin, 7 Desember 2026/);
    const friday = await typed('this-friday', [...START, 'jumat ini']);
    expect(friday.text).toMatch(/Jumat, 4 Desember 2026/);
    expect(friday.choices[0]).toMatch(/^Pukul 08\.00/);
  });

  test('a day or time asked about ("hari jumat bisa?", "kalau kamis gimana?", "jam 9 masih ada ga?") is that day or time; "jumat ga bisa" is not Friday', async () => {
    for (const [i, [said, day]] of [['hari jumat bisa?', 'Jumat, 4 Desember 2026'], ['kalau kamis gimana?', 'Kamis, 3 Desember 2026'], ['bisa hari rabu?', 'Rabu, 2 Desember 2026']].entries()) {
      const r = await typed(`ask-${i}`, [...START, said!]);
      expect(r.text, said).toMatch(new RegExp(`^${day}\\. Pilih jam kedatangan`));
    }
    const time = await typed('ask-time', [...START, 'besok', 'jam 9 masih ada ga?']);
    expect(time.text).toMatch(/Jam datang: 09\.00/);
    const both = await typed('ask-both', [...START, 'besok bisa jam 8?']);
    expect(both.text).toMatch(/Tanggal: Selasa, 1 Desember 2026\nJam datang: 08\.00/);
    const not = await typed('ask-not', [...START, 'jumat ga bisa']);
    expect(not.text).not.toMatch(/Jumat, 4 Desember 2026\. Pilih jam/);
    expect(not.text).toMatch(/Pilih tanggal kedatangan/);
  });

  test('a time typed at the day list ("jam 9 pagi aja") is kept for the day then picked, not taken as a greeting', async () => {
    const r = await typed('time-first', [...START, 'jam 9 pagi aja']);
    expect(r.text).not.toMatch(/Halo/);
    expect(r.text).toMatch(/jam itu saya catat. Pilih harinya dulu/);
    expect(r.choices[0]).toMatch(/^Senin, 30 Nov/);
    const summary = await typed('time-first', ['kamis']);
    expect(summary.text).toMatch(/Tanggal: Kamis, 3 Desember 2026\nJam datang: 09\.00/);
    // A greeting there is still one.
    const hello = await typed('time-hello', [...START, 'pagi kak']);
    expect(hello.text).toMatch(/^Halo/);
  });

  test('"ganti hari" at the times shows the days again; "ganti ke kamis aja" is Thursday; after booking, "ganti hari" moves it', async () => {
    const again = await typed('change', [...START, 'besok', 'ganti hari']);
    expect(again.text).toMatch(/^Pilih tanggal kedatangan/);
    const thursday = await typed('change', ['besok', 'ganti ke kamis aja']);
    expect(thursday.text).toMatch(/^Kamis, 3 Desember 2026\. Pilih jam kedatangan/);
    const done = await typed('change', ['jam 8', 'ya']);
    const code = /Kode booking: ([A-Z0-9]{6})/.exec(done.text)![1];
    const move = await typed('change', ['ganti hari']);
    expect(move.text).toMatch(/^Pilih tanggal baru/);
    await typed('change', ['jumat', 'jam 9', 'ok']);
    expect(t.ctx.db.prepare('SELECT date FROM booking WHERE code = ?').pluck().get(code)).toBe('2026-12-04');
  });

  test('"jam setengah 9" and "jam 8 30" are 08.30', async () => {
    for (const [i, said] of ['jam setengah 9', 'jam 8 30'].entries()) {
      const r = await typed(`half-${i}`, [...START, 'besok', said]);
      expect(r.text, said).toMatch(/Jam datang: 08\.30/);
    }
  });
});

describe('"ga jadi" while booking', () => {
  const bookings = () => t.ctx.db.prepare('SELECT COUNT(*) FROM booking').pluck().get();

  test('at the name question, the day or time list: the booking is not made, and the resident is told so', async () => {
    const steps = ['booking', 'bpjs', NIK, 'Siti Aminah', 'besok', 'jam 9'];
    for (const [i, [at, said]] of ([[3, 'ga jadi'], [5, 'gak jadi deh kak'], [4, 'ga jadi booking'], [1, 'tidak jadi']] as const).entries()) {
      const r = await typed(`stop-${i}`, [...steps.slice(0, at), said]);
      expect(r.text, said).toMatch(/Baik, booking tidak jadi dibuat/);
      expect(r.text, said).not.toMatch(/bukan nama|belum mengerti/);
      expect(r.choices, said).toContain('Booking rekam KTP-el (darurat)');
    }
    expect(bookings()).toBe(0);
    // At the summary it is a "no" to it: the way to another day or back to the start is explained.
    const no = await typed('stop-no', [...steps, 'ga jadi']);
    expect(no.text).toMatch(/Pilih hari lain, atau ketik batal/);
  });

  test('while moving a booking: it stays as it was', async () => {
    const done = await typed('move-stop', ['booking', 'bpjs', NIK, 'Siti Aminah', 'besok', 'jam 9', 'ya']);
    const code = /Kode booking: ([A-Z0-9]{6})/.exec(done.text)![1];
    await typed('move-stop', ['ganti jadwal']);
    const r = await typed('move-stop', ['ga jadi kak']);
    expect(r.text).toContain(`Booking ${code} tetap berlaku`);
    expect(t.ctx.db.prepare('SELECT date, status FROM booking WHERE code = ?').get(code)).toEqual({ date: '2026-12-01', status: 'active' });
  });
});

describe('a booking code typed with the request', () => {
  const status = (code: string) => t.ctx.db.prepare('SELECT status FROM booking WHERE code = ?').pluck().get(code);
  const codeOf = (text: string) => /Kode booking: ([A-Z0-9]{6})/.exec(text)![1]!;

  test('with two bookings, "kode booking saya K7QX4M mau batal" and "undur K7QX4M ke kamis jam 9" act on that one', async () => {
    const first = codeOf((await typed('codes', ['booking', 'bpjs', testNik(30), 'Siti Aminah', 'besok', 'jam 9', 'ya'])).text);
    const second = codeOf((await typed('codes', ['booking', 'bpjs', testNik(31), 'Budi Santoso', 'lusa', 'jam 8', 'ya'])).text);
    const move = await typed('codes', [`undur ${second} ke kamis jam 9`]);
    expect(move.text).toMatch(new RegExp(`Pindahkan booking ${second} ke:\\nKamis, 3 Desember 2026, pukul 09\\.00`));
    await typed('codes', ['menu']);
    const cancel = await typed('codes', [`kode booking saya ${second} mau batal`]);
    expect(cancel.text).toMatch(new RegExp(`^Batalkan booking ${second} \\(Rabu, 2 Desember 2026`));
    await typed('codes', ['ya']);
    expect([status(first), status(second)]).toEqual(['active', 'cancelled']);
  });

  test('a code that is none of this chat\'s ("ABC123") is said so, and the only booking is not offered for cancelling in its place', async () => {
    const only = codeOf((await typed('not-mine', ['booking', 'bpjs', NIK, 'Siti Aminah', 'besok', 'jam 9', 'ya'])).text);
    for (const said of ['kode booking saya ABC123 mau batal', 'mau batal ABC123']) {
      const r = await typed('not-mine', [said]);
      expect(r.text, said).toMatch(/^Kode ABC123 tidak ada di antara booking chat ini/);
      expect(r.text, said).not.toMatch(/Batalkan booking/);
      expect(r.choices, said).toContain(`${only} · Selasa, 1 Des 09.00`);
      await typed('not-mine', ['ya']);
      expect(status(only), said).toBe('active');
      await typed('not-mine', ['menu']);
    }
  });
});

describe('a request at the NIK question', () => {
  test('a complaint with a small number in it ("minta uang 50 ribu") asks before leaving and reaches the officer whole, never read as a short NIK', async () => {
    await t.close();
    ({ t } = await makeBookingApp({ features: [bookingFeature, webChatFeature, handoffFeature] }));
    const r = await typed('nik-complaint', ['booking', 'bpjs', 'Saya mau komplain, petugas loket minta uang 50 ribu']);
    expect(r.text).not.toMatch(/NIK harus 16 angka/);
    expect(r.choices).toEqual(['Ya, tanya dulu', 'Lanjutkan booking']);
    await t.say('nik-complaint', 'ya');
    const said = t.ctx.db.prepare('SELECT text FROM handoff_messages ORDER BY id DESC LIMIT 1').pluck().get();
    expect(said).toBe('Saya mau komplain, petugas loket minta uang 50 ribu');
    // A NIK typed short is still told how many digits are missing.
    expect((await typed('nik-short', ['booking', 'bpjs', 'nik saya 1803 02'])).text).toMatch(/baru 6 angka/);
  });
});

describe('typed answers to "Batalkan booking …?"', () => {
  const status = (code: string) => t.ctx.db.prepare('SELECT status FROM booking WHERE code = ?').pluck().get(code);
  /** Books tomorrow at the i-th time and asks to cancel it; returns the code. */
  async function askingToCancel(addr: string, i: number): Promise<string> {
    const done = await typed(addr, ['booking', 'bpjs', testNik(40 + i), 'Siti Aminah', 'besok', AT(i), 'ya']);
    const code = /Kode booking: ([A-Z0-9]{6})/.exec(done.text)![1]!;
    expect((await typed(addr, ['batalin booking saya'])).text).toMatch(new RegExp(`^Batalkan booking ${code}`));
    return code;
  }

  test('a bare "ok", "oke", "siap", "sip" is small talk: the booking stays and the question is asked again', async () => {
    for (const [i, said] of ['ok', 'oke', 'siap', 'sip'].entries()) {
      const code = await askingToCancel(`cancel-ack-${i}`, i);
      const r = await typed(`cancel-ack-${i}`, [said]);
      expect(r.text, said).not.toMatch(/sudah dibatalkan/);
      expect(r.text, said).toMatch(new RegExp(`Batalkan booking ${code}`));
      expect(r.choices, said).toEqual(['Ya, batalkan', 'Tidak']);
      expect(status(code), said).toBe('active');
    }
  });

  test('"eh jangan", "ga jadi batal", "jangan dibatalkan" keep it; "iya batalin" cancels it', async () => {
    for (const [i, said] of ['eh jangan', 'ga jadi batal', 'jangan dibatalkan', 'tetap datang'].entries()) {
      const code = await askingToCancel(`cancel-keep-${i}`, i);
      const r = await typed(`cancel-keep-${i}`, [said]);
      expect(r.text, said).not.toMatch(/belum mengerti|sudah dibatalkan/);
      expect(r.text, said).toMatch(/^Booking Anda:/);
      expect(status(code), said).toBe('active');
    }
    const code = await askingToCancel('cancel-yes', 4);
    expect((await typed('cancel-yes', ['iya batalin'])).text).toMatch(new RegExp(`^Booking ${code} sudah dibatalkan`));
    expect(status(code)).toBe('cancelled');
  });
});

describe('moving a booking, typed as people say it', () => {
  test('"majuin", "bisa diundur?", "majuin ke rabu", "berhalangan hadir" at the menu open one\'s bookings; nothing is changed', async () => {
    for (const [i, said] of ['majuin', 'bisa diundur?', 'majuin ke rabu', 'berhalangan hadir'].entries()) {
      const done = await typed(`move-words-${i}`, ['booking', 'bpjs', testNik(50 + i), 'Siti Aminah', 'besok', AT(i), 'ya']);
      const code = /Kode booking: ([A-Z0-9]{6})/.exec(done.text)![1]!;
      const r = await typed(`move-words-${i}`, [said]);
      expect(r.text, said).toMatch(/^Booking Anda:/);
      expect(r.choices.some((c) => c.startsWith(code)), said).toBe(true);
      expect(t.ctx.db.prepare('SELECT date, status FROM booking WHERE code = ?').get(code), said).toEqual({ date: '2026-12-01', status: 'active' });
    }
  });
});
