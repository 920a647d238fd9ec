import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ageOn, validateNik, type NikProblem, type Regions } from '../src/booking/nik.js';

const regions = JSON.parse(fs.readFileSync('flows/regions.json', 'utf8')) as Regions;
const today = '2026-11-30';

describe('valid NIKs: birth date and sex come from digits 7–12', () => {
  test.each([
    // typed, birth date, sex, regency name
    ['1803021204950001', '1995-04-12', 'M', 'Lampung Utara'],
    ['1803025504950001', '1995-04-15', 'F', 'Lampung Utara'], // day 55 = 15 + 40 (a woman)
    ['1803 0241 0106 0002', '2006-01-01', 'F', 'Lampung Utara'], // spaces as people type them
    ['1803.02.310710.9999', '2010-07-31', 'M', 'Lampung Utara'], // dots as on some printouts
    ['1871017112990123', '1999-12-31', 'F', 'Kota Bandar Lampung'],
    ['3273012902000001', '2000-02-29', 'M', undefined], // 29 Feb of a leap year; Jawa Barat: regency list not held
    ['9601010101900001', '1990-01-01', 'M', undefined], // Papua Barat Daya, the newest province
  ])('%s', (typed, birthDate, sex, regencyName) => {
    const r = validateNik(typed, regions, today);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.info.birthDate).toBe(birthDate);
    expect(r.info.sex).toBe(sex);
    expect(r.info.regencyName).toBe(regencyName);
    expect(r.info.nik).toMatch(/^\d{16}$/);
  });
});

describe('invalid NIKs name exactly what is wrong', () => {
  test.each<[string, string, Partial<NikProblem>[]]>([
    ['empty', '   ', [{ code: 'empty' }]],
    ['letter O for zero', '18O3021204950001', [{ code: 'not_digits', chars: 'O' }]],
    ['too short', '180302120495', [{ code: 'length', got: 12 }]],
    ['too long (a KK number plus a digit)', '18030212049500011', [{ code: 'length', got: 17 }]],
    ['unknown province 20', '2003021204950001', [{ code: 'province', value: '20' }]],
    ['unknown Lampung regency 18.20', '1820021204950001', [{ code: 'regency', value: '20' }]],
    ['regency 00 anywhere', '3200021204950001', [{ code: 'regency', value: '00' }]],
    ['kecamatan 00', '1803001204950001', [{ code: 'district' }]],
    ['day 00', '1803020004950001', [{ code: 'day', value: '00' }]],
    ['day 35 (neither man nor woman)', '1803023504950001', [{ code: 'day', value: '35' }]],
    ['day 72', '1803027204950001', [{ code: 'day', value: '72' }]],
    ['month 13', '1803021213950001', [{ code: 'month', value: '13' }]],
    ['30 February (woman: 70)', '1803027002950001', [{ code: 'date', day: 30, month: 2 }]],
    ['29 February of a common year', '1803022902950001', [{ code: 'date', day: 29, month: 2 }]],
    ['31 April', '1803023104950001', [{ code: 'date', day: 31, month: 4 }]],
    ['serial 0000', '1803021204950000', [{ code: 'serial' }]],
    ['several faults at once', '2003021213950000', [{ code: 'province' }, { code: 'month' }, { code: 'serial' }]],
  ])('%s', (_label, typed, problems) => {
    const r = validateNik(typed, regions, today);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(problems.length);
    problems.forEach((p, i) => expect(r.problems[i]).toMatchObject(p));
  });
});

describe('legacy and out-of-area NIKs are accepted', () => {
  test('a NIK from outside Lampung Utara is valid (the first region stays for life)', () => {
    const r = validateNik('3171011508800003', regions, today);
    expect(r.ok && r.info.provinceName).toBe('DKI Jakarta');
    expect(r.ok && r.info.regencyCode).toBe('3171');
  });
  test('the NIK date is reported as encoded even when it disagrees with a real birth date', () => {
    // Legacy: someone born 1995-06-01 whose NIK still says 12-04-95. We never compare; we only read.
    const r = validateNik('1803021204950001', regions, today);
    expect(r.ok && r.info.birthDate).toBe('1995-04-12');
  });
  test('a two-digit year resolves to the latest year not in the future', () => {
    const r1 = validateNik('1803020101260001', regions, today);
    expect(r1.ok && r1.info.birthDate).toBe('2026-01-01');
    const r2 = validateNik('1803020101270001', regions, today);
    expect(r2.ok && r2.info.birthDate).toBe('1927-01-01');
  });
});

test('age in whole years decides the recording age (16)', () => {
  expect(ageOn('2010-11-30', '2026-11-30')).toBe(16);
  expect(ageOn('2010-12-01', '2026-11-30')).toBe(15);
});

test('the region data holds all 38 provinces and the 15 Lampung regencies', () => {
  expect(Object.keys(regions.provinces)).toHaveLength(38);
  expect(regions.provinces['96']).toBe('Papua Barat Daya');
  expect(Object.keys(regions.regencies['18']!)).toHaveLength(15);
  expect(Object.keys(regions.districts['1803']!)).toHaveLength(23);
});
