// The NLU against messages residents actually type: chat spellings, typos, some English.
// Core rows must all pass; the whole table must stay at or above 90% accuracy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { Category, Service } from '../src/content/schema.js';
import { createNlu, loadNluVocab, normalize, type Intent } from '../src/nlu/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const flows = path.join(root, 'flows');
const services = fs
  .readdirSync(path.join(flows, 'services'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => Service.parse(YAML.parse(fs.readFileSync(path.join(flows, 'services', f), 'utf8'))));
const categories = Category.array().parse(YAML.parse(fs.readFileSync(path.join(flows, 'categories.yaml'), 'utf8')));
const vocab = loadNluVocab(path.join(flows, 'nlu.yaml'));
const nlu = createNlu({ services, categories, vocab });

/** One comparable string per intent: "service:ktp_el_baru", "ambiguous:@kk", "fee:akta_kelahiran", "hours". */
function label(intent: Intent): string {
  switch (intent.kind) {
    case 'service':
      return `service:${intent.serviceId}`;
    case 'ambiguous': {
      const ids = [...intent.serviceIds].sort();
      const category = categories.find((c) => {
        const all = services.filter((s) => s.category === c.id).map((s) => s.id).sort();
        return all.join() === ids.join();
      });
      return `ambiguous:${category ? '@' + category.id : ids.join(',')}`;
    }
    case 'fee':
      return intent.serviceId ? `fee:${intent.serviceId}` : 'fee';
    case 'thanks':
      // "tutup aja", "selesai": a closing (small talk like thanks, answered without the menu).
      return intent.done ? 'done' : 'thanks';
    default:
      return intent.kind;
  }
}

/** Messages from the brief and other must-haves: each is asserted on its own. */
const core: [string, string][] = [
  ['syarat bikin ktp gmn', 'service:ktp_el_baru'],
  ['akte lahir', 'service:akta_kelahiran'],
  ['ktp ilang', 'service:ktp_el_hilang_rusak'],
  ['ktp hilang', 'service:ktp_el_hilang_rusak'],
  ['KK baru abis nikah', 'service:kk_baru_perkawinan'],
  ['e-ktp rusak', 'service:ktp_el_hilang_rusak'],
  ['brp biaya', 'fee'],
  ['jam buka kantor', 'hours'],
  ['mau booking rekam ektp', 'booking'],
  ['cek status berkas', 'status'],
  ['makasih min', 'thanks'],
  ['tutup aja', 'done'],
  ['sudah cukup', 'done'],
  ['selesai', 'done'],
  ['ok selesai, makasih kak', 'done'],
  ['sudah selesai belum', 'status'],
  ['halo', 'greeting'],
  ['pgn ngomong sama petugas', 'officer'],
  ['syarat kk', 'ambiguous:@kk'],
  ['syarat', 'requirements'],
  ['persyaratan', 'requirements'],
  ['booking saya', 'my_bookings'],
  ['jadwal saya', 'my_bookings'],
  ['ktp saya sudah jadi belum', 'status'],
  ['pakai masker gak', 'health'],
  ['menu', 'menu'],
  ['help', 'help'],
  ['english please', 'language'],
  ['asdfgh', 'unknown'],
  ['🙂🙂', 'unknown'],
  ['SELECT * FROM users', 'unknown'],
  ['', 'unknown'],
  ['surat pindah', 'service:pindah_keluar_skpwni'],
  ['pindah datang', 'service:pindah_datang'],
  ['ikd', 'service:ikd_aktivasi'],
  ['ktp digital', 'service:ikd_aktivasi'],
  ['legalisir akta', 'service:legalisir'],
  ['kia anak', 'ambiguous:@kia'],
  ['biaya bikin akte lahir berapa', 'fee:akta_kelahiran'],
  ['daftar rekam ktp', 'booking'],
  ['jadwal rekam e-ktp urgent', 'booking'],
];

/** Further realistic messages; judged together by the accuracy figure. */
const more: [string, string][] = [
  // KTP-el baru
  ['mau bikin ktp baru', 'service:ktp_el_baru'],
  ['cara buat e-ktp untuk anak umur 17 tahun', 'service:ktp_el_baru'],
  ['anak saya sudah 17 thn mau rekam ktp', 'service:ktp_el_baru'],
  ['persyaratan ktp pemula apa aja', 'service:ktp_el_baru'],
  ['bkin ktp pertama kali syaratnya apa', 'service:ktp_el_baru'],
  ['How do I get a new ID card?', 'service:ktp_el_baru'],
  ['syarat perekaman e-ktp', 'service:ktp_el_baru'],
  ['umur 17 tahun bikin ktp bawa apa', 'service:ktp_el_baru'],
  ['bikin ektp', 'service:ktp_el_baru'],
  ['gmn cara bikin ktp el', 'service:ktp_el_baru'],
  // KTP-el hilang / rusak
  ['ktp saya hilang di pasar gimana ngurusnya', 'service:ktp_el_hilang_rusak'],
  ['ktp ku patah min', 'service:ktp_el_hilang_rusak'],
  ['ktpnya sobek bisa diganti?', 'service:ktp_el_hilang_rusak'],
  ['KTP hilang dicopet', 'service:ktp_el_hilang_rusak'],
  ['ktp kecopetan', 'service:ktp_el_hilang_rusak'],
  ['ktp rusak ga kebaca', 'service:ktp_el_hilang_rusak'],
  ['cetak ulang ktp syaratnya', 'service:ktp_el_hilang_rusak'],
  ['I lost my ID card', 'service:ktp_el_hilang_rusak'],
  ['e ktp saya luntur fotonya', 'service:ktp_el_hilang_rusak'],
  ['ktp hilng', 'service:ktp_el_hilang_rusak'],
  ['syarat ktp hlang', 'service:ktp_el_hilang_rusak'],
  ['selamat siang min, ktp saya hilang waktu mudik kemarin, apa saja syaratnya untuk buat lagi?', 'service:ktp_el_hilang_rusak'],
  ['ktp saya hilang mau buat baru', 'service:ktp_el_hilang_rusak'],
  ['KTP-EL RUSAK!!!', 'service:ktp_el_hilang_rusak'],
  ['min mau tanya, kalau ktp kebakar gimana ya', 'service:ktp_el_hilang_rusak'],
  ['ktp hialng', 'service:ktp_el_hilang_rusak'],
  // KTP-el perubahan data
  ['ganti status di ktp jadi kawin', 'service:ktp_el_perubahan_data'],
  ['ubah data ktp karena sudah menikah', 'service:ktp_el_perubahan_data'],
  ['nama di ktp salah ketik', 'service:ktp_el_perubahan_data'],
  ['ktp mau ganti alamat', 'service:ktp_el_perubahan_data'],
  ['ganti pekerjaan di ktp', 'service:ktp_el_perubahan_data'],
  ['mau ubah status belum kawin jadi kawin di ktp', 'service:ktp_el_perubahan_data'],
  ['perbaiki ktp tanggal lahir salah', 'service:ktp_el_perubahan_data'],
  // KK baru setelah menikah
  ['syarat bikin kk baru setelah menikah', 'service:kk_baru_perkawinan'],
  ['baru nikah mau pisah kk dari orang tua', 'service:kk_baru_perkawinan'],
  ['mau pecah kk', 'service:kk_baru_perkawinan'],
  ['cara buat kk sendiri habis married', 'service:kk_baru_perkawinan'],
  ['kk untuk pengantin baru', 'service:kk_baru_perkawinan'],
  ['bikin kk baru', 'service:kk_baru_perkawinan'],
  ['kk baru nikah', 'service:kk_baru_perkawinan'],
  // KK tambah anggota
  ['tambah anak di kk', 'service:kk_tambah_anggota'],
  ['cara masukin bayi ke kk', 'service:kk_tambah_anggota'],
  ['mau numpang kk saudara', 'service:kk_tambah_anggota'],
  ['nambah anggota kk', 'service:kk_tambah_anggota'],
  ['anak baru lahir mau dimasukkan ke kk', 'service:kk_tambah_anggota'],
  ['ikut kk orang tua', 'service:kk_tambah_anggota'],
  // KK kurang anggota
  ['hapus nama di kk karena meninggal', 'service:kk_kurang_anggota'],
  ['ayah meninggal kk nya gimana', 'service:kk_kurang_anggota'],
  ['keluarkan anak dari kk', 'service:kk_kurang_anggota'],
  ['coret nama di kk', 'service:kk_kurang_anggota'],
  ['pengurangan anggota kk', 'service:kk_kurang_anggota'],
  ['ganti kepala keluarga karena bapak meninggal', 'service:kk_kurang_anggota'],
  // KK hilang / rusak
  ['kk hilang', 'service:kk_hilang_rusak'],
  ['kartu keluarga saya ilang', 'service:kk_hilang_rusak'],
  ['kk sobek kena air', 'service:kk_hilang_rusak'],
  ['kk rusak kena banjir', 'service:kk_hilang_rusak'],
  ['cetak ulang kk', 'service:kk_hilang_rusak'],
  ['kartu kluarga hilang', 'service:kk_hilang_rusak'],
  ['persyratan kk hilang', 'service:kk_hilang_rusak'],
  ['lost family card', 'service:kk_hilang_rusak'],
  // KIA
  ['kia bayi', 'service:kia_0_5'],
  ['syarat kia balita', 'service:kia_0_5'],
  ['kartu identitas anak untuk bayi', 'service:kia_0_5'],
  ['kia anak sd', 'service:kia_5_17'],
  ['kia anak sekolah smp', 'service:kia_5_17'],
  ['syarat kia untuk anak sma', 'service:kia_5_17'],
  ['kia', 'ambiguous:@kia'],
  ['kartu anak', 'ambiguous:@kia'],
  ['bikin kia anak umur 3 tahun', 'ambiguous:@kia'],
  // Akta kelahiran
  ['akta kelahiran anak', 'service:akta_kelahiran'],
  ['bikin akte kelahiran', 'service:akta_kelahiran'],
  ['syarat akta lahir bayi', 'service:akta_kelahiran'],
  ['anak baru lahir ngurus apa', 'service:akta_kelahiran'],
  ['lapor kelahiran', 'service:akta_kelahiran'],
  ['birth certificate', 'service:akta_kelahiran'],
  ['akte klahiran', 'service:akta_kelahiran'],
  ['akta kelahran', 'service:akta_kelahiran'],
  ['what are the requirements for a birth certificate', 'service:akta_kelahiran'],
  ['persyaratn akta klahiran', 'service:akta_kelahiran'],
  // Akta kematian
  ['akta kematian', 'service:akta_kematian'],
  ['bapak saya meninggal mau urus akta kematian', 'service:akta_kematian'],
  ['surat kematian syaratnya', 'service:akta_kematian'],
  ['lapor kematian nenek', 'service:akta_kematian'],
  ['death certificate requirements', 'service:akta_kematian'],
  ['akte kematian ibu', 'service:akta_kematian'],
  ['nenek saya wafat kemarin', 'service:akta_kematian'],
  // Akta perkawinan
  ['akta nikah kristen', 'service:akta_perkawinan_non_muslim'],
  ['catat nikah di dukcapil', 'service:akta_perkawinan_non_muslim'],
  ['akta perkawinan non muslim', 'service:akta_perkawinan_non_muslim'],
  ['nikah di gereja syaratnya apa', 'service:akta_perkawinan_non_muslim'],
  ['marriage certificate', 'service:akta_perkawinan_non_muslim'],
  ['surat pemberkatan nikah', 'service:akta_perkawinan_non_muslim'],
  // Akta perceraian
  ['akta cerai', 'service:akta_perceraian_non_muslim'],
  ['mau cerai urus apa aja', 'service:akta_perceraian_non_muslim'],
  ['lapor perceraian', 'service:akta_perceraian_non_muslim'],
  ['divorce certificate', 'service:akta_perceraian_non_muslim'],
  ['akte cerai non muslim', 'service:akta_perceraian_non_muslim'],
  // Pindah
  ['bikin skpwni', 'service:pindah_keluar_skpwni'],
  ['pindah keluar kota', 'service:pindah_keluar_skpwni'],
  ['mau pindah ke luar provinsi', 'service:pindah_keluar_skpwni'],
  ['syarat surat pindah ke kabupaten lain', 'service:pindah_keluar_skpwni'],
  ['pindah alamat masih di lampung utara', 'service:pindah_dalam_kabupaten'],
  ['pindah rumah beda kecamatan', 'service:pindah_dalam_kabupaten'],
  ['pindah desa', 'service:pindah_dalam_kabupaten'],
  ['baru datang dari luar daerah mau urus kk', 'service:pindah_datang'],
  ['pindah masuk ke lampura', 'service:pindah_datang'],
  ['saya pindahan dari palembang mau bikin ktp sini', 'service:pindah_datang'],
  ['pindh datang', 'service:pindah_datang'],
  ['moving in to lampung utara', 'service:pindah_datang'],
  ['pindah', 'ambiguous:@pindah'],
  ['mau pindah ke jakarta', 'ambiguous:@pindah'],
  // Legalisir and IKD
  ['mau legalisir kk', 'service:legalisir'],
  ['fotokopi akte perlu dilegalisir gak', 'service:legalisir'],
  ['legalisasi dokumen', 'service:legalisir'],
  ['legalisr akta', 'service:legalisir'],
  ['legalisir akta kelahiran di mana', 'service:legalisir'],
  ['cara aktivasi ikd', 'service:ikd_aktivasi'],
  ['aplikasi ikd gak bisa login', 'service:ikd_aktivasi'],
  ['daftar ktp digital', 'service:ikd_aktivasi'],
  // Ambiguous categories
  ['kk', 'ambiguous:@kk'],
  ['akta', 'ambiguous:@akta'],
  ['urus ktp', 'ambiguous:@ktp'],
  ['info akte', 'ambiguous:@akta'],
  ['syarat kartu keluarga', 'ambiguous:@kk'],
  ['ktp', 'ambiguous:@ktp'],
  // Requirements
  ['syaratnya apa aja', 'requirements'],
  ['dokumen apa yang harus dibawa', 'requirements'],
  ['what are the requirements', 'requirements'],
  ['syarat2 nya apa', 'requirements'],
  // Fee
  ['berapa biaya bikin ktp', 'fee:ktp_el_baru'],
  ['bayar ga sih bikin akta lahir', 'fee:akta_kelahiran'],
  ['gratis kah?', 'fee'],
  ['biaya kk hilang', 'fee:kk_hilang_rusak'],
  ['how much does it cost', 'fee'],
  ['ada pungli gak', 'fee'],
  ['ongkos bikin kk berapa', 'fee'],
  ['biyaya ktp hilang', 'fee:ktp_el_hilang_rusak'],
  ['is it free?', 'fee'],
  // Booking
  ['ambil jadwal rekam', 'booking'],
  ['antrian rekam e-ktp', 'booking'],
  ['urgent butuh ktp buat bpjs', 'booking'],
  ['booking slot perekaman', 'booking'],
  ['book an appointment', 'booking'],
  ['rekam ktp mendesak untuk rumah sakit', 'booking'],
  ['pesan jadwal perekaman', 'booking'],
  ['minta nomor antrian', 'booking'],
  ['bokking rekam', 'booking'],
  ['bisa minta tolong dijadwalkan rekam ktp urgent utk operasi', 'booking'],
  ['mau daftar buat rekam ektp', 'booking'],
  // My bookings
  ['jadwal saya kapan', 'my_bookings'],
  ['cek booking', 'my_bookings'],
  ['batalkan booking', 'my_bookings'],
  ['mau reschedule', 'my_bookings'],
  ['pindah jadwal rekam', 'my_bookings'],
  ['kok lama banget kk saya', 'status'],
  ['my booking', 'my_bookings'],
  ['lihat bookingku', 'my_bookings'],
  ['ganti jadwal rekam', 'my_bookings'],
  // Status
  ['akta anak saya kapan jadi', 'status'],
  ['kk udah jadi blm', 'status'],
  ['status permohonan saya', 'status'],
  ['kapan ktp bisa diambil', 'status'],
  ['berkas saya sudah selesai belum', 'status'],
  ['ktp belum jadi2 sudah 3 bulan', 'status'],
  ['ktp sy udh dicetak blm?', 'status'],
  ['ktp ku sudah jadi apa blm ya', 'status'],
  // Officer
  ['mau bicara dengan admin', 'officer'],
  ['nomor wa dukcapil berapa', 'officer'],
  ['hubungi cs', 'officer'],
  ['saya mau komplain', 'officer'],
  ['minta kontak kantor', 'officer'],
  ['talk to a human', 'officer'],
  ['call center disdukcapil', 'officer'],
  ['aduan pelayanan lambat', 'officer'],
  ['I want to talk to an officer', 'officer'],
  // Hours and address
  ['jam berapa buka', 'hours'],
  ['buka hari sabtu gak', 'hours'],
  ['kantor dukcapil dimana', 'hours'],
  ['alamat disdukcapil lampung utara', 'hours'],
  ['lokasi kantor capil', 'hours'],
  ['hari ini libur ga', 'hours'],
  ['opening hours', 'hours'],
  ['jam pelayanan', 'hours'],
  ['besok buka?', 'hours'],
  ['tutup jam berapa', 'hours'],
  ['jam tutup', 'hours'],
  ['kantor tutup?', 'hours'],
  ['sabtu tutup ga', 'hours'],
  ['where is the office', 'hours'],
  ['jam bukaa', 'hours'],
  ['alamat kantor untuk urus ktp hilang', 'hours'],
  // Health
  ['wajib pakai masker?', 'health'],
  ['boleh bawa balita?', 'health'],
  ['protokol kesehatan', 'health'],
  ['masih covid ga', 'health'],
  // Small talk, menu, language
  ['hai min', 'greeting'],
  ['assalamualaikum', 'greeting'],
  ["assalamu'alaikum wr wb", 'greeting'],
  ['selamat pagi', 'greeting'],
  ['P', 'greeting'],
  ['permisi', 'greeting'],
  ['halooo admin', 'greeting'],
  ['terima kasih banyak', 'thanks'],
  ['ok makasih', 'thanks'],
  ['thanks', 'thanks'],
  ['mksh kak', 'thanks'],
  ['siap, terimakasih infonya', 'thanks'],
  ['makasiiih', 'thanks'],
  ['bantuan', 'help'],
  ['tolong', 'help'],
  ['saya bingung', 'help'],
  ['tanya dong', 'help'],
  ['kembali ke menu', 'menu'],
  ['/start', 'menu'],
  ['layanan apa saja', 'menu'],
  ['ganti bahasa', 'language'],
  ['bahasa inggris', 'language'],
  ['in english', 'language'],
  // Nonsense
  ['wkwkwk', 'unknown'],
  ['123456', 'unknown'],
  ['?', 'unknown'],
  ['lorem ipsum dolor sit amet', 'unknown'],
  ['qwerty', 'unknown'],
  ['beli pulsa', 'unknown'],
  ['<script>alert(1)</script>', 'unknown'],
];

describe('normalize', () => {
  it('lower-cases and strips punctuation, emoji and control characters', () => {
    expect(normalize('  KTP!!! 🙂\u0000\u200b??  ')).toBe('ktp');
    expect(normalize('Halo, min...')).toBe('halo');
  });

  it('collapses elongated letters but keeps real doubles', () => {
    expect(normalize('halooo')).toBe('halo');
    expect(normalize('makasiiih')).toBe('makasih');
    expect(normalize('kk')).toBe('kk');
    expect(normalize('saat ini')).toBe('saat ini');
    expect(normalize('maaf')).toBe('maaf');
    expect(normalize('tunggu')).toBe('tunggu');
  });

  it('unifies chat spellings and abbreviations', () => {
    expect(normalize('gmn bkin e-KTP')).toBe('bagaimana buat ktp');
    expect(normalize('gimana bwt ktp el')).toBe('bagaimana buat ktp');
    expect(normalize('akte ilang')).toBe('akta hilang');
    expect(normalize('ktp-el ktpel ektp')).toBe('ktp ktp ktp');
    expect(normalize('kartu keluarga')).toBe('kk');
    expect(normalize('yg dgn')).toBe('yang dengan');
    expect(normalize('sy aku gw')).toBe('saya saya saya');
    expect(normalize('tdk gak ga nggak')).toBe('tidak tidak tidak tidak');
    expect(normalize('brp udh blm')).toBe('berapa sudah belum');
    expect(normalize('mau pengen pgn')).toBe('ingin ingin ingin');
  });

  it('strips possessive endings and chat reduplication', () => {
    expect(normalize('ktpnya')).toBe('ktp');
    expect(normalize('bookingku')).toBe('booking saya');
    expect(normalize('syarat2nya')).toBe('syarat');
    expect(normalize('anak2')).toBe('anak');
  });

  it('returns an empty string for text without words', () => {
    expect(normalize('🙂🙂 ... !!!')).toBe('');
    expect(normalize('')).toBe('');
  });

  // Speed lives in `npm run bench`, never in a timed test: here only that the work is bounded.
  it('cuts a 10,000-character message down before matching it', () => {
    const long = 'ktp hilang '.repeat(1000);
    const result = normalize(long);
    expect(result.startsWith('ktp hilang')).toBe(true);
    expect(result.length).toBeLessThan(600);
  });
});

describe('loadNluVocab', () => {
  it('names the file and the field of a mistake', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nlu-vocab-'));
    const file = path.join(dir, 'nlu.yaml');
    fs.writeFileSync(file, 'replacements: {}\nintents:\n  fee: biaya\n');
    try {
      expect(() => loadNluVocab(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*field "intents\\.fee"`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('classify', () => {
  it.each(core)('%j → %s', (text, expected) => {
    expect(label(nlu.classify(text))).toBe(expected);
  });

  it('keeps the accuracy on realistic messages at or above 90%', () => {
    const table = [...core, ...more];
    expect(table.length).toBeGreaterThanOrEqual(160);
    const misses = table
      .map(([text, expected]) => ({ text, expected, got: label(nlu.classify(text)) }))
      .filter((row) => row.got !== row.expected);
    const correct = table.length - misses.length;
    for (const miss of misses) console.log(`  miss: ${JSON.stringify(miss.text)} expected ${miss.expected}, got ${miss.got}`);
    console.log(`NLU accuracy: ${correct}/${table.length} = ${((100 * correct) / table.length).toFixed(1)}%`);
    expect(correct / table.length).toBeGreaterThanOrEqual(0.9);
  });

  it('never names more than six services at once', () => {
    const intent = nlu.classify('syarat ktp kk akta kia pindah');
    expect(intent.kind).toBe('ambiguous');
    if (intent.kind === 'ambiguous') expect(intent.serviceIds.length).toBeLessThanOrEqual(6);
  });

  it('classifies a 10,000-character paste of noise as not understood', () => {
    expect(nlu.classify('zxqv '.repeat(2000)).kind).toBe('unknown');
  });
});
