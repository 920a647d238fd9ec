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
