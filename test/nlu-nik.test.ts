// The NIK table (issue 10's findings): how a typed NIK is read, in any digit script and
// chat formatting, and what is refused with which hint. Today: Tuesday 1 Dec 2026.
import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ageOn, validateNik, type Regions } from '../src/booking/nik.js';

const regions = JSON.parse(fs.readFileSync('flows/regions.json', 'utf8')) as Regions;
const today = '2026-12-01';

const toScript = (digits: string, zero: number) => [...digits].map((d) => (/\d/.test(d) ? String.fromCodePoint(zero + Number(d)) : d)).join('');

// Valid NIKs: number, birth date, sex.
const BASES: Array<[string, string, 'M' | 'F']> = [
  ['1803021204950001', '1995-04-12', 'M'],
  ['1803025504950002', '1995-04-15', 'F'],
  ['1803230101800003', '1980-01-01', 'M'], // Blambangan Pagar, the 23rd kecamatan
  ['1871017112990123', '1999-12-31', 'F'], // Kota Bandar Lampung
  ['3171011508800003', '1980-08-15', 'M'], // DKI Jakarta (regency list not held)
  ['1803011012270001', '1927-12-10', 'M'], // 10 Dec 27: later than today in 2027 terms → 1927
];

// How residents wrap the number.
const WRAPS: Array<[string, (n: string) => string]> = [
  ['plain', (n) => n],
  ['spaces', (n) => `${n.slice(0, 4)} ${n.slice(4, 8)} ${n.slice(8, 12)} ${n.slice(12)}`],
  ['dots', (n) => `${n.slice(0, 2)}.${n.slice(2, 4)}.${n.slice(4, 6)}.${n.slice(6, 12)}.${n.slice(12)}`],
  ['dashes', (n) => `${n.slice(0, 6)}-${n.slice(6, 12)}-${n.slice(12)}`],
  ['nik saya adalah', (n) => `nik saya adalah ${n}`],
  ['nik anak saya', (n) => `nik anak saya ${n}`],
  ['NIK: *bold*', (n) => `NIK: *${n}*`],
  ['`monospace`', (n) => `\`\`\`${n}\`\`\``],
  ['quotes', (n) => `"${n}"`],
  ['emoji', (n) => `👉 ${n} 🙏`],
  ['soft hyphens', (n) => `${n.slice(0, 8)}\u00ad${n.slice(8)}`],
  ['direction marks', (n) => `\u200f${n}\u200e`],
  ['zero-width space', (n) => `${n.slice(0, 4)}\u200b${n.slice(4)}`],
  ['Arabic-Indic digits', (n) => toScript(n, 0x660)],
  ['Persian digits', (n) => toScript(n, 0x6f0)],
  ['fullwidth digits', (n) => toScript(n, 0xff10)],
  ['Devanagari digits', (n) => toScript(n, 0x966)],
  ['trailing words', (n) => `${n} kak, mohon dibantu`],
];

describe('valid NIKs are read whatever the wrapping or digit script', () => {
  const rows = BASES.flatMap(([nik, birth, sex]) => WRAPS.map(([how, wrap]) => [`${nik} ${how}`, wrap(nik), nik, birth, sex] as const));
  test.each(rows)('%s', (_label, typed, nik, birth, sex) => {
    const r = validateNik(typed, regions, today);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    expect(r.info.nik).toBe(nik);
    expect(r.info.birthDate).toBe(birth);
    expect(r.info.sex).toBe(sex);
  });
});

describe('refused NIKs name what is wrong', () => {
  test.each<[string, string, string, Record<string, unknown>?]>([
    ['letter O for zero', '18O3021204950001', 'not_digits', { chars: 'O' }],
    ['letters in the order typed', '18O302I204950001', 'not_digits', { chars: 'O, I' }],
    ['l for 1 and O', 'l8O3021204950001', 'not_digits', { chars: 'l, O' }],
    ['too short', '180302120495', 'length', { got: 12 }],
    ['too long', '18030212049500011', 'length', { got: 17 }],
    ['15 digits', '180302120495000', 'length', { got: 15 }],
    ['kecamatan 24 does not exist in Lampung Utara', '1803241204950001', 'district_unknown', { value: '24' }],
    ['kecamatan 99', '1803991204950001', 'district_unknown', { value: '99' }],
    ['kecamatan 00', '1803001204950001', 'district'],
    ['regency 31.99 does not exist', '3199011204950001', 'regency', { value: '99' }],
    ['regency 32.50', '3250011204950001', 'regency', { value: '50' }],
    ['regency 00', '3200011204950001', 'regency', { value: '00' }],
    ['Lampung regency 18.20', '1820021204950001', 'regency', { value: '20' }],
    ['province 20', '2003021204950001', 'province', { value: '20' }],
    ['province 00', '0003021204950001', 'province', { value: '00' }],
    ['day 00', '1803020004950001', 'day', { value: '00' }],
    ['day 32', '1803023204950001', 'day', { value: '32' }],
    ['day 72', '1803027204950001', 'day', { value: '72' }],
    ['month 00', '1803021200950001', 'month', { value: '00' }],
    ['month 13', '1803021213950001', 'month', { value: '13' }],
    ['31 April', '1803023104950001', 'date'],
    ['30 February (woman)', '1803027002950001', 'date'],
    ['29 Feb 1995', '1803022902950001', 'date'],
    ['serial 0000', '1803021204950000', 'serial'],
    ['a KK number said so', 'no kk saya 1803021204950001', 'kk'],
    ['a KK number (kartu keluarga)', 'ini nomor kartu keluarga 1803021204950001', 'kk'],
    ['a phone number 08…', '081234567890', 'phone'],
    ['a phone number +62', '+62 812 3456 7890', 'phone'],
    ['a phone number said so', 'no hp 0812345678', 'phone'],
    ['nothing typed', '   ', 'empty'],
  ])('%s', (_label, typed, code, extra) => {
    const r = validateNik(typed, regions, today);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]).toMatchObject({ code, ...(extra ?? {}) });
  });
});

describe('the century never puts a birth in the future', () => {
  test.each<[string, string]>([
    ['1803022012260001', '1926-12-20'], // 20 Dec 26: later this year → 1926, not "0 years old"
    ['1803020112260001', '2026-12-01'], // born today
    ['1803023011260001', '2026-11-30'], // yesterday
    ['1803020101270001', '1927-01-01'],
    ['1803021506110001', '2011-06-15'], // 15 years old: the age check offers an officer
    ['1803021506000001', '2000-06-15'],
    ['1803021506990001', '1999-06-15'],
  ])('%s → %s', (nik, birth) => {
    const r = validateNik(nik, regions, today);
    expect(r.ok && r.info.birthDate).toBe(birth);
    if (r.ok) expect(ageOn(r.info.birthDate, today)).toBeGreaterThanOrEqual(0);
  });
});

test('the table has at least 120 cases', () => {
  expect(BASES.length * WRAPS.length + 30 + 7).toBeGreaterThanOrEqual(120);
});
