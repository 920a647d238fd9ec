// NIK (Nomor Induk Kependudukan) checks, pure: PP KK CC DDMMYY SSSS.
// Women have 40 added to the birth day. The region is where the NIK was first issued
// and never changes, and legacy NIKs may carry a date that disagrees with the real one,
// so we only reject what cannot be a NIK at all.
import dayjs from 'dayjs';
import { normalizeDigits } from '../nlu/answers.js';

export interface Regions {
  provinces: Record<string, string>;
  /** Province code → regency code (4 digits) → name, for provinces whose list we hold. */
  regencies: Record<string, Record<string, string>>;
  /** Regency code (4 digits) → kecamatan code (6 digits) → name. */
  districts: Record<string, Record<string, string>>;
}

export type NikProblem =
  | { code: 'empty' }
  | { code: 'not_digits'; chars: string }
  | { code: 'length'; got: number }
  | { code: 'province'; value: string }
  | { code: 'regency'; value: string; province: string }
  | { code: 'district'; value: string }
  /** A kecamatan code the regency does not have (Lampung Utara has 01–23). */
  | { code: 'district_unknown'; value: string; regency: string }
  /** The resident said or typed a KK number, not a NIK. */
  | { code: 'kk' }
  /** It looks like a phone number (08…, +62 8…). */
  | { code: 'phone' }
  | { code: 'day'; value: string }
  | { code: 'month'; value: string }
  | { code: 'date'; day: number; month: number; year: number }
  | { code: 'serial' };

export interface NikInfo {
  nik: string;
  provinceCode: string;
  provinceName: string;
  regencyCode: string;
  /** Known only where we hold the province's regency list. */
  regencyName?: string;
  districtName?: string;
  /** YYYY-MM-DD as encoded in the NIK (may differ from the real date for legacy NIKs). */
  birthDate: string;
  sex: 'M' | 'F';
}

export type NikResult = { ok: true; info: NikInfo } | { ok: false; problems: NikProblem[] };

/** Invisible marks (soft hyphen, zero-width, direction), chat formatting (*bold*, `mono`), quotes, emoji. */
const NOISE = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff*_~`"'“”‘’«»()[\]{}<>]|\p{Extended_Pictographic}|\uFE0F/gu;
const SEPARATOR = /^[\s.\-/:=,]+$/;

/**
 * The number a resident typed, from a whole message: "nik saya adalah *1803 0212 0495 0001*",
 * "NIK: 1803…", digits of any script. Words around it are dropped; letters inside the number
 * (O for 0) are kept, so they can be pointed out.
 */
export function normalizeNik(typed: string): string {
  const text = normalizeDigits(typed.normalize('NFKC')).replace(NOISE, ' ');
  // Tokens with a digit, and short letter groups between them ("18O3"), make up the number.
  const tokens = text.split(/([\s.\-/:=,]+)/).filter((t) => t !== '');
  const numeric = tokens.map((t) => /\d/.test(t));
  const inside = tokens.map((t, i) => {
    if (numeric[i]) return true;
    if (SEPARATOR.test(t)) return false;
    if (!/^\p{L}{1,2}$/u.test(t)) return false;
    const prev = tokens.slice(0, i).reverse().find((x) => !SEPARATOR.test(x));
    const next = tokens.slice(i + 1).find((x) => !SEPARATOR.test(x));
    return Boolean(prev && /\d/.test(prev) && next && /\d/.test(next));
  });
  // The longest run of number tokens (separators between them allowed).
  let best = '';
  let run = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (inside[i]) run += t;
    else if (SEPARATOR.test(t) && run) continue;
    else {
      if (run.replace(/\D/g, '').length > best.replace(/\D/g, '').length) best = run;
      run = '';
    }
  }
  if (run.replace(/\D/g, '').length > best.replace(/\D/g, '').length) best = run;
  const number = best || text;
  return number.replace(/[\s.\-/:=,+]/g, '');
}

/** What the resident said around the number: a KK number, a phone number. */
function hintOf(typed: string, digits: string): NikProblem | undefined {
  const words = typed.toLowerCase();
  if (/\b(kk|kartu keluarga|no\.? ?kk|family card)\b/.test(words) && !/\bnik\b/.test(words)) return { code: 'kk' };
  if (/^(?:62|0)8\d{7,11}$/.test(digits) || /\+\s?62/.test(typed) || /\b(hp|wa|whatsapp|telp|telepon|phone)\b/.test(words)) return { code: 'phone' };
  return undefined;
}

/** Regency codes: 01–49 for kabupaten, 71–79 for kota (no province has more). */
function plausibleRegency(code: string): boolean {
  const n = Number(code);
  return (n >= 1 && n <= 49) || (n >= 71 && n <= 79);
}

/** `today` is the office's calendar date (YYYY-MM-DD), for the century of the birth year. */
export function validateNik(typed: string, regions: Regions, today: string): NikResult {
  const nik = normalizeNik(typed);
  if (!nik) return { ok: false, problems: [{ code: 'empty' }] };
  // In the order typed, each once: "O, I".
  const wrong = [...new Set([...nik].filter((c) => !/\d/.test(c)))];
  if (wrong.length) return { ok: false, problems: [{ code: 'not_digits', chars: wrong.slice(0, 6).join(', ') }] };
  const hint = hintOf(typed, nik);
  if (hint?.code === 'phone' && nik.length !== 16) return { ok: false, problems: [hint] };
  if (nik.length !== 16) return { ok: false, problems: [{ code: 'length', got: nik.length }] };
  if (hint?.code === 'kk') return { ok: false, problems: [hint] };

  const problems: NikProblem[] = [];
  const province = nik.slice(0, 2);
  const regency = nik.slice(0, 4);
  const district = nik.slice(0, 6);
  const provinceName = regions.provinces[province];
  const regencyList = regions.regencies[province];
  if (!provinceName) problems.push({ code: 'province', value: province });
  else if (!plausibleRegency(nik.slice(2, 4)) || (regencyList && !regencyList[regency])) problems.push({ code: 'regency', value: nik.slice(2, 4), province: provinceName });
  if (nik.slice(4, 6) === '00') problems.push({ code: 'district', value: '00' });
  else if (regions.districts[regency] && !regions.districts[regency]![district]) {
    problems.push({ code: 'district_unknown', value: nik.slice(4, 6), regency: regencyList?.[regency] ?? regency });
  }

  const rawDay = Number(nik.slice(6, 8));
  const month = Number(nik.slice(8, 10));
  const yy = Number(nik.slice(10, 12));
  const female = rawDay >= 41 && rawDay <= 71;
  const day = female ? rawDay - 40 : rawDay;
  const dayOk = (rawDay >= 1 && rawDay <= 31) || female;
  if (!dayOk) problems.push({ code: 'day', value: nik.slice(6, 8) });
  if (month < 1 || month > 12) problems.push({ code: 'month', value: nik.slice(8, 10) });
  // The century that puts the birth date in the past (a date later this year is 19xx, not age 0).
  const at = (y: number) => dayjs(`${y}-${nik.slice(8, 10)}-${String(day).padStart(2, '0')}`);
  const year = at(2000 + yy).isAfter(dayjs(today)) ? 1900 + yy : 2000 + yy;
  const birth = at(year);
  // dayjs rolls 30 Feb over to 2 Mar: a date that does not survive the round trip does not exist.
  if (dayOk && month >= 1 && month <= 12 && (!birth.isValid() || birth.date() !== day || birth.month() + 1 !== month)) {
    problems.push({ code: 'date', day, month, year });
  }
  if (nik.slice(12) === '0000') problems.push({ code: 'serial' });
  if (problems.length) return { ok: false, problems };

  return {
    ok: true,
    info: {
      nik,
      provinceCode: province,
      provinceName: provinceName!,
      regencyCode: regency,
      regencyName: regencyList?.[regency],
      districtName: regions.districts[regency]?.[district],
      birthDate: birth.format('YYYY-MM-DD'),
      sex: female ? 'F' : 'M',
    },
  };
}

/** Whole years between the birth date and `today` (both YYYY-MM-DD). */
export function ageOn(birthDate: string, today: string): number {
  return dayjs(today).diff(dayjs(birthDate), 'year');
}
