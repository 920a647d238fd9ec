// A name typed together with the NIK at the NIK question ("Budi, NIK 1803…", "1803… a.n. Siti
// Aminah"): kept, said in one line, and not asked for again; words that are no name are not
// taken for one. Monday 30 Nov 2026, 09:00 WIB (makeBookingApp).
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { makeBookingApp, testNik, textOf, type TestApp } from './helpers.js';

let t: TestApp;
beforeEach(async () => {
  ({ t } = await makeBookingApp());
});
afterEach(() => t.close());

let n = 0;
/** A new resident types each line in turn; what they read after each. */
async function chat(lines: string[]): Promise<string[]> {
  const addr = `nik-name-${++n}`;
  const all: string[] = [];
  for (const line of lines) all.push(textOf(await t.say(addr, line)));
  return all;
}
const storedName = (text: string) => t.ctx.db.prepare('SELECT name FROM booking WHERE code = ?').pluck().get(/Kode booking: ([A-Z0-9]{6})/.exec(text)?.[1]);

describe('the name typed with the NIK', () => {
  const nik = testNik(7); // 1803021204950007
  const dotted = `${nik.slice(0, 4)}.${nik.slice(4, 8)}.${nik.slice(8, 12)}.${nik.slice(12)}`;
  const typed: Record<string, string> = {
    [`Budi, NIK ${dotted}`]: 'Budi',
    [`${nik} a.n. Siti Aminah`]: 'Siti Aminah',
    [`nik ${nik} nama Rina`]: 'Rina',
    [`Nama: Budi Santoso NIK: ${nik}`]: 'Budi Santoso',
    [`${nik} Siti Aminah kak`]: 'Siti Aminah',
    [`ini nik saya ${nik}, atas nama SITI AMINAH`]: 'Siti Aminah',
  };

  test.each(Object.entries(typed))('"%s": the name is kept, the days come next, and the booking is made with it', async (said, name) => {
    const all = await chat(['booking', 'bpjs', said, 'besok', 'jam 9', 'ya']);
    expect(all[2]).toContain('NIK terbaca');
    expect(all[2]).toContain(`Nama: ${name}. Kalau salah, bisa diganti di ringkasan nanti.`);
    expect(all[2]).not.toContain('Ketik nama lengkap');
    expect(all[2]).toContain('Pilih tanggal');
    expect(all[4]).toContain(`Nama: ${name}\n`);
    expect(storedName(all[5]!)).toBe(name);
  });

  // In small letters, as typed on a phone: capitalised as a name ("bin" stays small).
  const small: Record<string, string> = {
    [`${nik} siti aminah`]: 'Siti Aminah',
    [`siti aminah ${nik}`]: 'Siti Aminah',
    [`${nik} muhammad bin abdullah`]: 'Muhammad bin Abdullah',
    [`${nik} siti aminah kak`]: 'Siti Aminah',
  };
  test.each(Object.entries(small))('"%s" (small letters): kept as the name, capitalised, and the booking is made with it', async (said, name) => {
    const all = await chat(['booking', 'bpjs', said, 'besok', 'jam 9', 'ya']);
    expect(all[2]).toContain(`Nama: ${name}. Kalau salah, bisa diganti di ringkasan nanti.`);
    expect(all[2]).not.toContain('Ketik nama lengkap');
    expect(all[4]).toContain(`Nama: ${name}\n`);
    expect(storedName(all[5]!)).toBe(name);
  });

  test.each([`${nik} mohon dibantu`, `${nik} adik saya kak`, `${nik} sudah benar`, `${nik} tolong dicek`, `${nik} budi`])('"%s" (small letters, no name in it, or one word): the name is asked for', async (said) => {
    const all = await chat(['booking', 'bpjs', said]);
    expect(all[2]).toContain('NIK terbaca');
    expect(all[2]).toContain('Ketik nama lengkap sesuai Kartu Keluarga (KK).');
    expect(all[2]).not.toContain('Nama:');
  });

  test.each([`NIK saya ${nik} kak`, `${nik} punya anak saya`, `NIK anak saya ${nik}`, `${nik} BPJS`, `${nik} iya`, `Budi ${nik} Siti`])('"%s": no name in it, the name is asked for', async (said) => {
    const all = await chat(['booking', 'bpjs', said]);
    expect(all[2]).toContain('NIK terbaca');
    expect(all[2]).toContain('Ketik nama lengkap sesuai Kartu Keluarga (KK).');
    expect(all[2]).not.toContain('Nama:');
  });

  test('the name kept with the NIK is changed at the summary like any other', async () => {
    const all = await chat(['booking', 'bpjs', `${nik} a.n. Siti Aminah`, 'besok', 'jam 9', 'eh namanya Siti Aisyah', 'ya']);
    expect(all[5]).toContain('Nama: Siti Aisyah\n');
    expect(storedName(all[6]!)).toBe('Siti Aisyah');
  });
});
