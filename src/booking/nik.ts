// NIK (Nomor Induk Kependudukan) checks, pure: PP KK CC DDMMYY SSSS.
// Women have 40 added to the birth day. The region is where the NIK was first issued
// and never changes, and legacy NIKs may carry a date that disagrees with the real one,
// so we only reject what cannot be a NIK at all.
import dayjs from 'dayjs';

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

/** Spaces, dots and dashes are how people group digits when typing; they are not part of the NIK. */
export function normalizeNik(typed: string): string {
  return typed.replace(/[\s.\-]/g, '');
}

/** A two-digit year resolves to the latest year that is not in the future. */
function resolveYear(yy: number, today: dayjs.Dayjs): number {
  const year = 2000 + yy;
  return year <= today.year() ? year : 1900 + yy;
}

/** `today` is the office's calendar date (YYYY-MM-DD), for the century of the birth year. */
export function validateNik(typed: string, regions: Regions, today: string): NikResult {
  const nik = normalizeNik(typed);
  if (!nik) return { ok: false, problems: [{ code: 'empty' }] };
  const wrong = nik.replace(/\d/g, '');
  if (wrong) return { ok: false, problems: [{ code: 'not_digits', chars: [...new Set(wrong)].join('').slice(0, 10) }] };
  if (nik.length !== 16) return { ok: false, problems: [{ code: 'length', got: nik.length }] };

  const problems: NikProblem[] = [];
  const province = nik.slice(0, 2);
  const regency = nik.slice(0, 4);
  const district = nik.slice(0, 6);
  const provinceName = regions.provinces[province];
  const regencyList = regions.regencies[province];
  if (!provinceName) problems.push({ code: 'province', value: province });
  else if (nik.slice(2, 4) === '00' || (regencyList && !regencyList[regency])) problems.push({ code: 'regency', value: nik.slice(2, 4), province: provinceName });
  if (nik.slice(4, 6) === '00') problems.push({ code: 'district', value: '00' });

  const rawDay = Number(nik.slice(6, 8));
  const month = Number(nik.slice(8, 10));
  const yy = Number(nik.slice(10, 12));
  const female = rawDay >= 41 && rawDay <= 71;
  const day = female ? rawDay - 40 : rawDay;
  const dayOk = (rawDay >= 1 && rawDay <= 31) || female;
  if (!dayOk) problems.push({ code: 'day', value: nik.slice(6, 8) });
  if (month < 1 || month > 12) problems.push({ code: 'month', value: nik.slice(8, 10) });
  const year = resolveYear(yy, dayjs(today));
  const birth = dayjs(`${year}-${nik.slice(8, 10)}-${String(day).padStart(2, '0')}`);
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
