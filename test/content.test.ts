// Checks the officer-edited requirement files in flows/ against the content schema and the
// research list in shared/domain, so a typo in a YAML file fails here before it reaches residents.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadContent } from '../src/content/load.js';
import { Category, Office, Service } from '../src/content/schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const servicesDir = path.join(root, 'flows', 'services');
const requirementsFile = path.resolve(root, '..', 'shared', 'domain', 'requirements.json');

function parseFile<T>(file: string, parse: (raw: unknown) => T): T {
  try {
    return parse(YAML.parse(fs.readFileSync(file, 'utf8')));
  } catch (err) {
    throw new Error(`${path.relative(root, file)}: ${(err as Error).message}`);
  }
}

const serviceFiles = fs.readdirSync(servicesDir).filter((f) => f.endsWith('.yaml')).sort();
const services = serviceFiles.map((f) => ({ file: f, service: parseFile(path.join(servicesDir, f), (raw) => Service.parse(raw)) }));
const categories = parseFile(path.join(root, 'flows', 'categories.yaml'), (raw) => Category.array().parse(raw));

describe('flows/ requirement content', () => {
  it('has 19 services (the 18 researched + first-time biodata), each in a file named after its id', () => {
    expect(services).toHaveLength(19);
    for (const { file, service } of services) expect(file).toBe(`${service.id}.yaml`);
  });

  it.skipIf(!fs.existsSync(requirementsFile))('uses the service ids of shared/domain/requirements.json, plus biodata for people with no NIK yet', () => {
    const research = JSON.parse(fs.readFileSync(requirementsFile, 'utf8')) as { id: string }[];
    expect(services.map((s) => s.service.id).sort()).toEqual([...research.map((r) => r.id), 'biodata_nik_baru'].sort());
  });

  it('gives every category at least one service and a name that fits a button', () => {
    const categoryIds = categories.map((c) => c.id);
    expect(new Set(categoryIds).size).toBe(categoryIds.length);
    for (const c of categories) expect(services.some((s) => s.service.category === c.id), c.id).toBe(true);
    for (const { service } of services) expect(categoryIds).toContain(service.category);
    for (const c of categories) for (const name of [c.name.id, c.name.en]) expect(name.length, c.id).toBeLessThanOrEqual(30);
  });

  it('has no empty document texts and short names that fit a button', () => {
    for (const { service } of services) {
      for (const doc of service.documents) {
        for (const text of [doc.item, doc.how_to_get, ...(doc.condition ? [doc.condition] : [])]) {
          expect(text.id.trim(), service.id).not.toBe('');
          expect(text.en.trim(), service.id).not.toBe('');
        }
      }
      expect(service.short_name.id.length, service.id).toBeLessThanOrEqual(30);
      expect(service.short_name.en.length, service.id).toBeLessThanOrEqual(30);
    }
  });

  it('names every photocopy as one, since the checklist adds no "(fotokopi)" to it', () => {
    for (const { service } of services) {
      for (const doc of service.documents.filter((d) => d.kind === 'copy')) {
        expect(doc.item.id.toLowerCase(), service.id).toContain('fotokopi');
        expect(doc.item.en.toLowerCase(), service.id).toMatch(/cop(y|ies)/);
      }
    }
  });

  it('gives every document name the checklist reads ("kk ada" at another question) its name in both languages', async () => {
    const { documentNameKeys } = await import('../src/flows/requirements.js');
    const texts = loadContent(path.join(root, 'flows')).texts;
    for (const key of documentNameKeys()) {
      expect(texts[`req.doc.${key}`]?.id, key).toBeTruthy();
      expect(texts[`req.doc.${key}`]?.en, key).toBeTruthy();
    }
  });

  it('writes keywords in lower case and keeps each keyword with one service', () => {
    const owner = new Map<string, string>();
    for (const { service } of services) {
      for (const keyword of service.keywords) {
        expect(keyword, service.id).toBe(keyword.toLowerCase());
        expect(owner.get(keyword), `"${keyword}" in ${service.id}`).toBeUndefined();
        owner.set(keyword, service.id);
      }
    }
  });

  it('gives services parted by age ranges that do not overlap within their category, and the birth certificate its 60-day deadline', () => {
    for (const c of categories) {
      const aged = services.map((s) => s.service).filter((s) => s.category === c.id && s.ages);
      for (const a of aged) for (const b of aged) if (a !== b) expect(a.ages!.below <= b.ages!.from || b.ages!.below <= a.ages!.from, `${a.id} / ${b.id}`).toBe(true);
    }
    expect(service('kia_0_5').ages).toEqual({ from: 0, below: 5 });
    expect(service('kia_5_17').ages).toEqual({ from: 5, below: 17, then: 'ktp_el_baru' });
    // UU 23/2006 Pasal 27 (REFERENCE.md §1), as the eligibility says.
    expect(service('akta_kelahiran').report_deadline?.days).toBe(60);
    expect(service('akta_kelahiran').eligibility[0]!.id).toContain('60 hari');
  });

  it('states that every service is free', () => {
    for (const { service } of services) expect(service.fee.id, service.id).toMatch(/^Gratis/);
  });
});

/** Every text a resident can read for a service, in one language. */
function residentText(id: string, lang: 'id' | 'en' = 'id'): string {
  const s = services.find((x) => x.service.id === id)!.service;
  const docs = s.documents.flatMap((d) => [d.item[lang], d.how_to_get[lang], d.condition?.[lang] ?? '']);
  return [s.name[lang], ...s.eligibility.map((e) => e[lang]), ...docs, s.fee[lang], s.online[lang], s.processing_time[lang]].join('\n');
}
const service = (id: string) => services.find((x) => x.service.id === id)!.service;
const doc = (id: string, item: RegExp) => service(id).documents.find((d) => item.test(d.item.id));

describe('every requirement names where it was checked', () => {
  it('gives each service sources with a title, a url or a regulation, and the date checked', () => {
    for (const { service: s } of services) {
      expect(s.sources.length, s.id).toBeGreaterThan(0);
      for (const src of s.sources) {
        expect(src.title.length, s.id).toBeGreaterThan(2);
        expect(src.url ?? src.regulation, s.id).toBeTruthy();
        expect(src.checked, s.id).toMatch(/^20\d\d-\d\d-\d\d$/);
      }
    }
  });

  it.each([
    ['without sources', (text: string) => text.replace(/^sources:\n(?:  - .*\n)*/m, ''), /kk_hilang_rusak\.yaml: field "sources"/],
    ['a plain link as a source', (text: string) => text.replace(/^sources:\n/m, 'sources:\n  - https://example.org/kk\n'), /kk_hilang_rusak\.yaml: field "sources\.0"/],
    ['a source with neither url nor regulation', (text: string) => text.replace(/^sources:\n/m, 'sources:\n  - { title: "Brosur kantor", checked: "2026-12-01" }\n'), /field "sources\.0\.url": give a url or a regulation/],
    ['a source with an impossible date', (text: string) => text.replace(/^sources:\n/m, 'sources:\n  - { title: "Brosur", regulation: "SE 1/2026", checked: "2026-02-30" }\n'), /field "sources\.0\.checked": no such date/],
  ])('a service file %s stops start-up naming the file and field', (_what, change, error) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-sources-'));
    fs.cpSync(path.join(root, 'flows'), dir, { recursive: true });
    const file = path.join(dir, 'services', 'kk_hilang_rusak.yaml');
    fs.writeFileSync(file, change(fs.readFileSync(file, 'utf8')));
    expect(() => loadContent(dir)).toThrow(error);
  });
});

describe('the corrections checked against the sources (REFERENCE.md §9)', () => {
  it('kk_hilang_rusak: the legal basis is Perpres 96/2018 Pasal 13, not Pasal 10', () => {
    expect(service('kk_hilang_rusak').legal_basis).toContain('Perpres 96/2018 Pasal 13');
    expect(service('kk_hilang_rusak').legal_basis).not.toMatch(/Pasal 10\b/);
  });

  it('akta_kelahiran: parents\' KTP-el only when asked; police report for a foundling; every issuer of a birth letter', () => {
    expect(doc('akta_kelahiran', /KTP-el orang tua/)!.condition!.id).toMatch(/^Bila diminta petugas/);
    expect(doc('akta_kelahiran', /kepolisian/)!.condition!.id).toMatch(/ditemukan|tidak diketahui/);
    const letter = doc('akta_kelahiran', /surat keterangan lahir/)!.how_to_get.id;
    expect(letter).toMatch(/nakhoda/);
    expect(letter).toMatch(/pilot/);
    expect(letter).toMatch(/lahir di rumah dari kepala desa\/lurah/);
  });

  it('akta_kematian: a court ruling for a missing person; a death at home needs the kepala desa/lurah letter', () => {
    expect(doc('akta_kematian', /penetapan pengadilan/)!.condition!.id).toMatch(/orang hilang/);
    expect(doc('akta_kematian', /surat kematian/)!.how_to_get.id).toMatch(/meninggal di rumah dari kepala desa\/lurah/);
  });

  it('akta_perkawinan_non_muslim: interfaith marriages cannot be registered (SEMA 2/2023); minimum age 19 (UU 16/2019)', () => {
    const text = residentText('akta_perkawinan_non_muslim');
    expect(text).toContain('Perkawinan beda agama tidak dapat dicatat (SEMA 2/2023)');
    expect(text).toContain('19 tahun');
    expect(service('akta_perkawinan_non_muslim').legal_basis).toContain('UU 16/2019');
    expect(JSON.stringify(service('akta_perkawinan_non_muslim'))).not.toMatch(/penetapan pengadilan untuk beda agama/);
  });

  it('pindah_keluar_skpwni: valid about 100 working days; a child moving without the parents needs a statement of care', () => {
    expect(residentText('pindah_keluar_skpwni')).toMatch(/biasanya berlaku 100 hari kerja/);
    expect(doc('pindah_keluar_skpwni', /mengasuh/)!.condition!.id).toMatch(/di bawah 17 tahun pindah tanpa orang tuanya/);
  });

  it('pindah_datang: no SKPWNI needed beforehand; the old KK copy and F-1.03 start the move here', () => {
    const s = service('pindah_datang');
    expect(s.eligibility.map((e) => e.id).join(' ')).not.toMatch(/^Sudah punya surat pindah/);
    expect(doc('pindah_datang', /SKPWNI/)!.condition).toBeDefined();
    expect(doc('pindah_datang', /KK lama/)).toMatchObject({ kind: 'copy' });
    expect(s.documents.some((d) => d.item.id.includes('F-1.03'))).toBe(true);
  });

  it('kk_kurang_anggota: those who stay need no SKPWNI copy when a member moves out', () => {
    expect(doc('kk_kurang_anggota', /SKPWNI/)).toBeUndefined();
    expect(residentText('kk_kurang_anggota')).toMatch(/tidak perlu membawa fotokopi SKPWNI/);
  });

  it('legalisir: since 1 January 2026 QR codes are checked with the IKD app', () => {
    expect(residentText('legalisir')).toContain('Sejak 1 Januari 2026 QR code dokumen kependudukan dipindai dengan aplikasi IKD');
  });

  it('ikd_aktivasi: one phone per account, a visit to reset, an officer scans the QR code', () => {
    const text = residentText('ikd_aktivasi');
    expect(text).toMatch(/Satu akun IKD hanya untuk satu HP/);
    expect(text).toMatch(/Lupa PIN, ganti HP.*reset/);
    expect(text).toMatch(/petugas.*memindai QR code/);
  });

  it('people with no NIK yet have their own service, the one case that asks for a surat pengantar RT/RW', () => {
    expect(residentText('biodata_nik_baru')).toMatch(/Surat pengantar RT\/RW/);
    expect(doc('biodata_nik_baru', /ijazah/)!.how_to_get.id).toContain('F-1.04');
    for (const { service: s } of services.filter((x) => x.service.id !== 'biodata_nik_baru')) {
      for (const d of s.documents) expect(d.item.id, s.id).not.toMatch(/pengantar RT/i);
    }
  });

  it('every service says online submissions need photos of the originals, and where to report an illegal fee', () => {
    for (const { service: s } of services) {
      expect(s.online.id, s.id).toMatch(/foto atau pindaian dokumen asli/);
      for (const channel of ['1500537', '0811-8005-373', 'SP4N-LAPOR!']) {
        expect(s.fee.id, s.id).toContain(channel);
        expect(s.fee.en, s.id).toContain(channel);
      }
    }
  });

  it('the office profile lists the national channels as data, marked national', () => {
    const office = Office.parse(YAML.parse(fs.readFileSync(path.join(root, 'flows', 'office.yaml'), 'utf8')));
    expect(office.contacts.filter((c) => c.kind === 'national').map((c) => c.value)).toEqual(['1500537', '0811-8005-373', 'lapor.go.id']);
    expect(office.contacts[0]!.kind).toBe('office');
  });
});

describe('what residents read in the chat', () => {
  it('"Hubungi petugas" gives the national channels too; a service shows the online line and where to report a fee', async () => {
    const { makeTestApp, textOf } = await import('./helpers.js');
    const { webChatFeature } = await import('../src/channels/web/feature.js');
    const t = await makeTestApp({ features: [webChatFeature] });
    try {
      await t.say('resident-contacts', 'menu');
      const contacts = textOf(await t.say('resident-contacts', { choice: 'm:officer' }));
      expect(contacts).toContain('Halo Dukcapil (telepon, nasional): 1500537');
      expect(contacts).toContain('WhatsApp Dukcapil (nasional): 0811-8005-373');
      expect(contacts).toContain('Pengaduan SP4N-LAPOR!: lapor.go.id');
      const answer = textOf(await t.say('resident-contacts', 'belum punya nik'));
      expect(answer).toContain('Pendaftaran biodata (belum punya NIK)');
      expect(answer).toContain('Surat pengantar RT/RW');
      expect(answer).toContain('Pengajuan daring (online): kirim foto atau pindaian dokumen asli');
      expect(answer).toContain('Halo Dukcapil 1500537');
    } finally {
      await t.close();
    }
  });
});

it('a KIA age step naming no service ("ages.then") stops start-up naming the file and field', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-ages-'));
  fs.cpSync(path.join(root, 'flows'), dir, { recursive: true });
  const file = path.join(dir, 'services', 'kia_5_17.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('then: ktp_el_baru', 'then: ktp_baru'));
  expect(() => loadContent(dir)).toThrow(/kia_5_17\.yaml: field "ages\.then": "ktp_baru" is no service/);
});
