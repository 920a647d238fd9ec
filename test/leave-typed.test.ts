// "Leave it for your new question?" (asked when a new request is typed while a booking or a
// checklist is half-finished), answered by typing as residents do: a clear yes leaves, a clear no
// stays, and an answer to the question underneath ("ada", "belum ada", a NIK, "besok") is taken
// there. Monday 30 Nov 2026, 09:00 WIB (makeBookingApp).
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { choicesOf, makeBookingApp, testNik, textOf, type TestApp } from './helpers.js';

let t: TestApp;
beforeEach(async () => {
  ({ t } = await makeBookingApp());
});
afterEach(() => t.close());

let n = 0;
/** A new resident types each line in turn; what they read after each. */
async function chat(lines: string[]): Promise<Array<Awaited<ReturnType<TestApp['say']>>>> {
  const addr = `leave-${++n}`;
  const all = [];
  for (const line of lines) all.push(await t.say(addr, line));
  return all;
}
const last = <T>(all: T[]): T => all.at(-1)!;

/** The KTP-el checklist at its first question (the KK copy), then a new request: "leave it?". */
const CHECKLIST_LEAVE = ['ktp baru', '1', 'ktp saya hilang'];
/** A booking at the NIK question, then a new request: "leave it?". */
const NIK_LEAVE = ['booking', 'bpjs', 'syarat kk'];

describe('at the checklist', () => {
  test('the leave question is asked first', async () => {
    const ask = last(await chat(CHECKLIST_LEAVE));
    expect(textOf(ask)).toContain('Tinggalkan dulu');
    expect(choicesOf(ask)).toEqual(['Ya, tanya dulu', 'Lanjutkan cek dokumen']);
  });

  test.each(['ada', 'ada kak', 'udah', 'punya', 'ya ada', 'udah ada'])('"%s" answers the KK question underneath, the checklist goes on', async (typed) => {
    const reply = textOf(last(await chat([...CHECKLIST_LEAVE, typed])));
    expect(reply).toContain('Baik, kita lanjutkan cek dokumen.');
    expect(reply).toContain('(2/2)');
    expect(reply).not.toContain('KTP-el hilang atau rusak');
    expect(reply).not.toContain('saya simpan');
  });

  test('"belum ada" is a no to the KK copy: it is listed as missing at the end', async () => {
    const all = await chat([...CHECKLIST_LEAVE, 'belum ada', 'tidak perlu']);
    expect(textOf(all[3]!)).toContain('(2/2)');
    expect(textOf(last(all))).toContain('Yang masih kurang:\n• Fotokopi Kartu Keluarga (KK)');
  });

  test.each(['ya', 'iya', 'boleh', 'ya tinggalkan', 'Ya, tanya dulu', 'ok kak'])('"%s" leaves for the new request and keeps the checklist', async (typed) => {
    const all = await chat([...CHECKLIST_LEAVE, typed, 'lanjut']);
    const left = textOf(all[3]!);
    expect(left).toContain('Jawaban cek dokumen Anda saya simpan');
    expect(left).toContain('KTP-el hilang atau rusak');
    expect(textOf(last(all))).toContain('(1/2)');
  });

  test.each(['tidak', 'lanjut', 'lanjutkan cek dokumen', 'nanti aja', 'ga usah'])('"%s" stays at the same question, unanswered', async (typed) => {
    const reply = textOf(last(await chat([...CHECKLIST_LEAVE, typed])));
    expect(reply).toContain('Baik, kita lanjutkan cek dokumen.');
    expect(reply).toContain('(1/2)');
    expect(reply).toContain('Fotokopi Kartu Keluarga');
  });

  test('something unclear asks again in one short line; the answer underneath still counts after it', async () => {
    const all = await chat([...CHECKLIST_LEAVE, 'hmm gimana ya', 'ada']);
    const again = all[3]!;
    expect(again).toHaveLength(1);
    expect(textOf(again)).toBe('Maaf, belum jelas. Ketik ya untuk pertanyaan baru, atau lanjut untuk meneruskan cek dokumen.');
    expect(choicesOf(again)).toEqual(['Ya, tanya dulu', 'Lanjutkan cek dokumen']);
    expect(textOf(last(all))).toContain('(2/2)');
  });
});

describe('at the booking', () => {
  test('a NIK typed at "leave it?" answers the NIK question; the booking is made with it', async () => {
    const all = await chat([...NIK_LEAVE, testNik(1), 'Siti Aminah', 'besok', 'jam 9', 'ya']);
    expect(textOf(all[3]!)).toContain('Baik, kita lanjutkan booking.');
    expect(textOf(all[3]!)).toContain('NIK terbaca');
    const code = /Kode booking: ([A-Z0-9]{6})/.exec(textOf(last(all)))?.[1];
    expect(t.ctx.db.prepare('SELECT nik, name FROM booking WHERE code = ?').get(code)).toEqual({ nik: testNik(1), name: 'Siti Aminah' });
  });

  test('"ada" or "udah" at the NIK question is no answer there: asked again in one line, the booking still waits', async () => {
    for (const typed of ['ada', 'udah']) {
      const all = await chat([...NIK_LEAVE, typed, 'lanjut']);
      expect(textOf(all[3]!), typed).toBe('Maaf, belum jelas. Ketik ya untuk pertanyaan baru, atau lanjut untuk meneruskan booking.');
      expect(textOf(last(all)), typed).toContain('Ketik NIK');
    }
  });

  test('a day typed at "leave it?" under the day list picks it', async () => {
    const all = await chat(['booking', 'bpjs', testNik(2), 'Siti Aminah', 'cek status', 'besok']);
    expect(textOf(all[4]!)).toContain('Tinggalkan dulu');
    expect(textOf(last(all))).toContain('Baik, kita lanjutkan booking.');
    expect(textOf(last(all))).toContain('Selasa, 1 Desember 2026. Pilih jam kedatangan');
  });

  test('"lanjut" at "leave it?" goes on with this booking, not with a checklist set aside before it', async () => {
    const all = await chat(['ktp baru', '1', 'menu', ...NIK_LEAVE, 'lanjut']);
    expect(textOf(last(all))).toContain('Baik, kita lanjutkan booking.');
    expect(textOf(last(all))).toContain('Ketik NIK');
    expect(textOf(last(all))).not.toContain('(1/2)');
  });
});

describe('"batalin booking saya" while making a new booking', () => {
  /** Books tomorrow 09.00 for `nik`; the booking code. */
  async function booked(addr: string, nik: string): Promise<string> {
    for (const line of ['booking', 'bpjs', nik, 'Siti Aminah', 'besok', 'jam 9']) await t.say(addr, line);
    return /Kode booking: ([A-Z0-9]{6})/.exec(textOf(await t.say(addr, 'ya')))![1]!;
  }
  const status = (code: string) => t.ctx.db.prepare('SELECT status FROM booking WHERE code = ?').pluck().get(code);

  test.each(['batalin booking saya', 'batal booking yang kemarin'])('"%s" offers the booking already made; the new one is kept and comes back with "lanjut"', async (typed) => {
    const addr = `mine-${++n}`;
    const code = await booked(addr, testNik(30 + n));
    for (const line of ['booking', 'bpjs', testNik(60 + n)]) await t.say(addr, line);
    const ask = await t.say(addr, typed);
    expect(textOf(ask)).toBe('Booking yang sedang Anda isi belum selesai. Simpan dulu dan buka booking Anda yang sudah ada?');
    expect(choicesOf(ask)).toEqual(['Ya, buka booking saya', 'Lanjutkan mengisi']);
    // Yes: the booking made before, to cancel (it is the only one); the new one is kept.
    const open = textOf(await t.say(addr, 'ya'));
    expect(open).toContain('Isian booking baru Anda saya simpan. Ketik lanjut untuk kembali mengisi.');
    expect(open).toContain(`Batalkan booking ${code}`);
    const cancelled = await t.say(addr, 'ya');
    expect(textOf(cancelled)).toContain(`Booking ${code} sudah dibatalkan`);
    expect(choicesOf(cancelled)[0]).toBe('Lanjutkan booking');
    expect(status(code)).toBe('cancelled');
    // The new booking where it was: the name question.
    const back = textOf(await t.say(addr, 'lanjut'));
    expect(back).toContain('Kita lanjutkan booking Anda.');
    expect(back).toContain('Ketik nama lengkap');
  });

  test('"lanjut" at "Batalkan booking …?" (as the note said) brings the new booking back and cancels nothing', async () => {
    const addr = `mine-${++n}`;
    const code = await booked(addr, testNik(30 + n));
    for (const line of ['booking', 'bpjs', testNik(60 + n), 'batalin booking saya', 'ya']) await t.say(addr, line);
    const back = textOf(await t.say(addr, 'lanjut'));
    expect(back).toContain(`Booking ${code} tetap berlaku`);
    expect(back).toContain('Ketik nama lengkap');
    expect(status(code)).toBe('active');
  });

  test('"lanjutkan mengisi" stays at the question of the new booking', async () => {
    const addr = `mine-${++n}`;
    await booked(addr, testNik(30 + n));
    for (const line of ['booking', 'bpjs', testNik(60 + n), 'batalin booking saya']) await t.say(addr, line);
    const stay = textOf(await t.say(addr, 'lanjutkan mengisi'));
    expect(stay).toContain('Baik, kita lanjutkan booking.');
    expect(stay).toContain('Ketik nama lengkap');
  });
});

describe('the new request said again at "leave it?"', () => {
  test.each(['syarat akta kelahiran', 'iya, syarat akta lahir', 'ya syaratnya apa'])('"%s" after "syarat akta kelahiran" is a yes: the birth certificate, the booking kept', async (typed) => {
    const all = await chat(['booking', 'bpjs', 'syarat akta kelahiran', typed, 'lanjut']);
    expect(textOf(all[3]!)).toContain('Booking Anda saya simpan');
    expect(textOf(all[3]!)).toContain('Akta kelahiran');
    expect(textOf(last(all))).toContain('Ketik NIK');
  });

  test('"ya, syarat kk" answers yes for the request as typed now', async () => {
    const all = await chat(['booking', 'bpjs', 'syarat akta kelahiran', 'ya, syarat kk']);
    expect(textOf(last(all))).toContain('Booking Anda saya simpan');
    expect(choicesOf(last(all))).toContain('KK hilang/rusak');
  });
});

describe('"batal" at "leave it?" drops the new request, not the half-finished one under it', () => {
  test('at the checklist: the same question, the answers kept, the status not asked; "batal" once more cancels the checklist', async () => {
    const all = await chat(['kk hilang', '1', 'ada', 'cek status', 'batal']);
    const stayed = last(all);
    expect(textOf(stayed)).toBe(
      'Baik, pertanyaan barunya tidak saya lanjutkan. Kita lanjutkan cek dokumen; ketik batal sekali lagi jika ingin berhenti.\n(2/2) Apakah Anda sudah punya:\nKTP-el kepala keluarga atau pemohon (asli)?',
    );
    expect(choicesOf(stayed)).toEqual(['Ya, ada', 'Tidak ada', 'Belum tahu']);
    // The answer given before the leave question still counts.
    expect(textOf(await t.say(`leave-${n}`, 'ada'))).toContain('Lengkap!');
    const again = await chat(['kk hilang', '1', 'cek status', 'batal', 'batal']);
    expect(textOf(last(again))).toContain('Baik, dibatalkan.');
    expect(choicesOf(last(again))).not.toContain('Lanjutkan cek dokumen');
  });

  test('at a booking: the NIK question again, the booking kept', async () => {
    const reply = textOf(last(await chat([...NIK_LEAVE, 'batal'])));
    expect(reply).toContain('Kita lanjutkan booking; ketik batal sekali lagi');
    expect(reply).toContain('Ketik NIK');
  });
});

test('"ga jadi booking" at "leave it?" stops the booking, saying so, and answers the request asked about', async () => {
  const all = await chat([...NIK_LEAVE, 'ga jadi booking', 'menu']);
  const stopped = textOf(all[3]!);
  expect(stopped).toContain('Baik, booking tidak jadi dibuat.');
  expect(stopped).not.toContain('kita lanjutkan booking');
  expect(choicesOf(all[3]!)).toContain('KK hilang/rusak');
  expect(choicesOf(last(all))).not.toContain('Lanjutkan booking');
});

describe('a request for an officer waiting behind the leave question', () => {
  const COMPLAINT = 'saya mau komplain petugasnya kasar';
  test.each([
    ['udah', ['ktp baru', '1', COMPLAINT, 'udah']],
    ['menu', ['booking', 'bpjs', COMPLAINT, 'menu']],
    ['lanjutkan booking', ['booking', 'bpjs', COMPLAINT, 'lanjutkan booking']],
    ['batal', ['booking', 'bpjs', COMPLAINT, 'batal']],
  ])('not passed on by "%s": the resident is told so, never silently', async (_said, lines) => {
    expect(textOf(last(await chat(lines)))).toContain('Permintaan Anda untuk petugas belum saya teruskan');
  });

  test('passed on by "ya": no such line, the case is opened', async () => {
    const reply = textOf(last(await chat(['booking', 'bpjs', COMPLAINT, 'ya'])));
    expect(reply).not.toContain('belum saya teruskan');
  });
});
