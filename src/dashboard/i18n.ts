// The dashboard speaks Indonesian by default; an officer may switch to English (kept on the account).
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';

export type UiLang = 'id' | 'en';
export type Tr = (id: string, en: string) => string;

export function langOf(c: Context): UiLang {
  const officer = c.get('officer');
  if (officer) return officer.lang;
  return getCookie(c, 'adm_lang') === 'en' ? 'en' : 'id';
}

export function tr(c: Context): Tr {
  const lang = langOf(c);
  return (id, en) => (lang === 'en' ? en : id);
}

/** A role as officers read it beside a name or in a list ("viewer" is not an Indonesian word). */
export function roleLabel(t: Tr, role: string): string {
  return ({ admin: t('Admin', 'Admin'), petugas: t('Petugas', 'Officer'), viewer: t('Hanya melihat', 'Viewer') })[role] ?? role;
}

/** A channel as officers read it ("web" → "Web chat"); the same in both languages. */
export const channelName = (ch: string): string => ({ web: 'Web chat', telegram: 'Telegram', whatsapp: 'WhatsApp' })[ch] ?? ch;

/** "2026-11-30" as read in Indonesia: "30/11/2026" (anything else as it is). */
export const idDate = (iso: string) => (/^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso.split('-').reverse().join('/') : iso);

const LONG_DATE = { id: new Intl.DateTimeFormat('id-ID', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }), en: new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }) };

/** "2026-12-01" written out: "Selasa, 1 Desember 2026" / "Tuesday, 1 December 2026" ('' for anything else). The dashboard's script words a newly picked date the same way. */
export function longDate(iso: string, lang: UiLang): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return '';
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? '' : LONG_DATE[lang].format(d);
}

/** Services answer in English; the pages show the common ones in Indonesian. */
const ERRORS: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^No booking with code (\w+)\.?$/, (m) => `Tidak ada booking dengan kode ${m[1]}.`],
  [/^Booking (\w+) is (\w+); only active bookings can be marked\.?$/, (m) => `Booking ${m[1]} berstatus ${m[2]}; hanya booking aktif yang bisa ditandai.`],
  [/^Booking (\w+) is for ([\d-]+): check-in is on that day only\.?$/, (m) => `Booking ${m[1]} untuk tanggal ${idDate(m[2]!)}: check-in hanya pada hari itu.`],
  [/^Booking (\w+) is for ([\d-]+): a no-show can only be marked on or after that day\.?$/, (m) => `Booking ${m[1]} untuk tanggal ${idDate(m[2]!)}: tidak datang baru bisa ditandai pada atau setelah hari itu.`],
  [/^Booking (\w+) was checked in: confirm to mark it as a no-show\.?$/, (m) => `Booking ${m[1]} sudah check-in: konfirmasi dulu untuk menandai tidak datang.`],
  [/^No application with tracking number (.+?)\.?$/, (m) => `Tidak ada permohonan dengan nomor ${m[1]}.`],
  [/^Tracking number (.+) already exists\.?$/, (m) => `Nomor permohonan ${m[1]} sudah ada.`],
  [/^service: unknown service "([^"]*)".*$/, (m) => `layanan: "${m[1]}" tidak dikenal (pakai id layanan dari daftar, mis. ktp_el_baru)`],
  [/NIK must be 16 digits/, () => 'NIK harus 16 angka'],
  [/^(.*): Too small: expected string to have >=1 characters?$/, (m) => `${m[1]}: wajib diisi`],
  [/^(.*): Too big: expected string to have <=(\d+) characters$/, (m) => `${m[1]}: paling banyak ${m[2]} karakter`],
  [/applicant name is required/, () => 'nama pemohon wajib diisi'],
  [/^missing column\(s\): (.+?) \(header: (.+)\)$/, (m) => `kolom tidak ada: ${m[1]} (judul kolom: ${m[2]})`],
  [/^contact\.channel: /, () => 'kontak: saluran harus web, telegram atau whatsapp'],
  [/^date: this day is already over\.?$/, () => 'tanggal: hari ini sudah lewat.'],
  [/^Cannot change "(\w+)" to "(\w+)"\. From "\w+" the next status can be: (.+)\.$/, (m) => `Status "${m[1]}" tidak bisa diubah ke "${m[2]}". Status berikutnya yang boleh: ${m[3]}.`],
  [/^Cannot change "(\w+)" to "(\w+)": "\w+" is final\.$/, (m) => `Status "${m[1]}" sudah final; tidak bisa diubah ke "${m[2]}".`],
  [/^The application is already "(\w+)"\.$/, (m) => `Permohonan sudah berstatus "${m[1]}".`],
  [/^A rejection needs a note/, () => 'Penolakan wajib diberi catatan alasannya.'],
  [/^A correction request needs a note/, () => 'Permintaan perbaikan wajib diberi catatan apa yang kurang atau salah.'],
  [/^Status "selesai" needs delivery/, () => 'Status "selesai" perlu cara penyerahan: ambil di kantor atau digital (PDF).'],
  [/^delivery is only for status "selesai"/, () => 'Cara penyerahan hanya untuk status "selesai".'],
  [/^per_day: fewer places than already booked \((.+)\)\..*$/, (m) => `Kuota lebih kecil dari tempat yang sudah dipesan (${m[1]}). Tutup hari itu atau minta warga pindah dulu.`],
  // The booking service's calendar warnings (calendarStatus) and refusals.
  [/^The (\d{4}) holidays are loaded but not confirmed( \(the list changed since it was confirmed\))?: .*$/, (m) => `Daftar libur ${m[1]} sudah dimuat tetapi belum dipastikan${m[2] ? ' (daftarnya berubah sejak terakhir dipastikan)' : ''}: tanggal liburnya ditutup, dan warga membaca "belum dipastikan" pada hari lain tahun ${m[1]}. Cocokkan daftarnya dengan SKB yang terbit, lalu pastikan.`],
  [/^The (\d{4}) national holidays and cuti bersama are not loaded .*? are (offered to residents|not offered) \(setting\)\.$/, (m) => `Daftar libur nasional dan cuti bersama ${m[1]} belum ada: hanya 1 Jan, 1 Mei, 1 Jun, 17 Agu dan 25 Des yang diketahui; hari kerja lain tahun ${m[1]} ${m[2] === 'not offered' ? 'tidak ditawarkan' : 'ditawarkan'} ke warga (pengaturan di bawah). Minta admin menambahkan daftarnya setelah SKB terbit.`],
  // The inbox's refusals (HandoffError), e.g. a second tap on "Tutup" after the case was closed.
  [/^Case #(\d+) is closed\.$/, (m) => `Kasus #${m[1]} sudah ditutup.`],
  [/^Case #(\d+) is assigned to (.+?)\. (?:Use "reassign" to take it over|Reassign it to yourself first)\.$/, (m) => `Kasus #${m[1]} dipegang ${m[2]}. Alihkan ke Anda dulu untuk membalas atau menutupnya.`],
  [/^No case #(\d+)\.$/, (m) => `Tidak ada kasus #${m[1]}.`],
  [/^text: write the answer$/, () => 'Tulis balasannya dulu.'],
  [/^text: write the note$/, () => 'Tulis catatannya dulu.'],
  [/^text: at most (\d+) characters$/, (m) => `Teks paling banyak ${m[1]} karakter.`],
  [/^to: the officer who takes the case is required$/, () => 'Tulis nama petugas yang akan memegang kasus ini.'],
  [/^There is no (\d{4}) list in holidays\.json to confirm/, (m) => `Belum ada daftar libur ${m[1]} yang bisa dipastikan: minta admin menambahkannya dulu.`],
];

export function errorText(c: Context, message: string): string {
  if (langOf(c) === 'en') return message;
  for (const [re, make] of ERRORS) {
    const m = re.exec(message);
    if (m) return make(m);
  }
  return message;
}

/** The alert in the officer's language (the connection words it in English for the log). */
export function alertText(t: Tr, a: { message: string; state: string; failedReconnects: number }): string {
  if (a.state === 'logged_out') return t('WhatsApp mengeluarkan bot dari nomor kantor: tautkan ulang HP kantor (pindai QR baru di halaman WhatsApp).', a.message);
  if (a.state === 'replaced') return t('Login WhatsApp bot dibuka di tempat lain: tutup sesi lain itu, lalu sambungkan ulang.', a.message);
  return t(
    `WhatsApp terus terputus (${a.failedReconnects} kali berturut-turut); bot terus mencoba. Periksa internet server, dan pastikan HP kantor menyala dan bot masih ada di Perangkat tertaut.`,
    a.message,
  );
}
