// The audit log as officers read it: "Kasus #3 dibuka", "status: diproses → selesai", key: value
// pairs with Indonesian labels, instead of the stored JSON. Values are shown as they are stored
// (what retention masked stays "***"; nothing is looked up or unmasked here).
import { channelName, idDate, roleLabel, type Tr, type UiLang } from './i18n.js';
import { statusLabel } from './pages/today.js';

type Words = [id: string, en: string];

/** What happened, with `#` standing for the subject ("Kasus # dibuka"); without `#` the subject is not repeated. */
const ACTIONS: Record<string, Words> = {
  'officer.create': ['Akun petugas # dibuat', 'Officer account # created'],
  'officer.locked': ['Akun # dikunci sementara (kata sandi salah berkali-kali)', 'Account # locked for a while (wrong passwords)'],
  'officer.login': ['Masuk ke dasbor', 'Logged in'],
  'officer.logout': ['Keluar dari dasbor', 'Logged out'],
  'officer.password_change': ['Kata sandi diganti', 'Password changed'],
  'officer.password_reset': ['Kata sandi # direset', 'Password of # reset'],
  'officer.role': ['Peran # diubah', 'Role of # changed'],
  'officer.disable': ['Akun # dinonaktifkan', 'Account # disabled'],
  'officer.enable': ['Akun # diaktifkan lagi', 'Account # enabled'],
  'officer.token_create': ['Token API untuk # dibuat', 'API token for # created'],
  'officer.token_revoke': ['Token API # dicabut', 'API token of # revoked'],
  'booking.cancel': ['Booking # dibatalkan warga', 'Booking # cancelled by the resident'],
  'booking.reschedule': ['Booking # dipindah warga', 'Booking # moved by the resident'],
  'booking.day.close': ['Hari # ditutup', 'Day # closed'],
  'booking.day.open': ['Hari # dibuka', 'Day # opened'],
  'booking.holidays.confirm': ['Daftar libur # dipastikan', 'Holiday list # confirmed'],
  'booking.holidays.unconfirm': ['Pemastian daftar libur # dibatalkan', 'Holiday list # confirmation undone'],
  'booking.setting.unlisted_days_bookable': ['Pengaturan hari kerja tanpa daftar libur diubah', 'Setting for years without a holiday list changed'],
  'booking.capacity.set': ['Kuota # diubah', 'Quota # changed'],
  'booking.capacity.clear': ['Kuota # kembali ke bawaan', 'Quota # back to the default'],
  'booking.check_in': ['Booking # check-in', 'Booking # checked in'],
  'booking.no_show': ['Booking # ditandai tidak datang', 'Booking # marked as no-show'],
  'application.create': ['Permohonan # dicatat', 'Application # recorded'],
  'application.import': ['Permohonan diimpor dari CSV', 'Applications imported from CSV'],
  'application.status': ['Status permohonan # diubah', 'Status of application # changed'],
  'broadcast.create': ['Pengumuman # dibuat', 'Announcement # created'],
  'broadcast.cancel': ['Pengumuman # dibatalkan', 'Announcement # cancelled'],
  'notification.retry': ['Notifikasi # dikirim ulang', 'Notification # sent again'],
  'content.reload': ['Konten dimuat ulang dari berkas', 'Content reloaded from the files'],
  'content.office': ['Profil kantor diubah', 'Office profile changed'],
  'content.service': ['Layanan # diubah', 'Service # changed'],
  'content.keyword': ['Bot diajari kata baru untuk layanan #', 'Bot taught a new phrase for service #'],
  'handoff.case_opened': ['Kasus # dibuka', 'Case # opened'],
  'handoff.assigned': ['Kasus # diambil', 'Case # taken'],
  'handoff.reassigned': ['Kasus # dialihkan', 'Case # reassigned'],
  'handoff.replied': ['Kasus # dibalas', 'Case # answered'],
  'handoff.noted': ['Catatan pada kasus #', 'Note on case #'],
  'handoff.closed': ['Kasus # ditutup', 'Case # closed'],
  'handoff.file_viewed': ['Berkas kasus # dibuka', 'File of case # opened'],
  'handoff.canned_added': ['Jawaban siap pakai ditambah', 'Canned reply added'],
  'handoff.canned_changed': ['Jawaban siap pakai diubah', 'Canned reply changed'],
  'handoff.canned_deleted': ['Jawaban siap pakai dihapus', 'Canned reply deleted'],
  'handoff.deadline_changed': ['Batas waktu jawaban diubah', 'Answer deadline changed'],
  'whatsapp.relink': ['WhatsApp ditautkan ulang', 'WhatsApp relinked'],
  'whatsapp.reconnect': ['WhatsApp disambungkan ulang', 'WhatsApp reconnected by an officer'],
  'whatsapp.reconnected': ['WhatsApp tersambung lagi', 'WhatsApp connected again'],
  'whatsapp.reconnect_failing': ['WhatsApp terus gagal tersambung', 'WhatsApp keeps failing to reconnect'],
  'whatsapp.logged_out': ['WhatsApp mengeluarkan bot', 'WhatsApp logged the bot out'],
  'whatsapp.replaced': ['Login WhatsApp dibuka di tempat lain', 'WhatsApp opened elsewhere'],
  'whatsapp.restricted': ['WhatsApp membatasi nomor kantor', 'WhatsApp restricted the office number'],
  'whatsapp.new_chat_limit': ['Batas chat baru WhatsApp', 'WhatsApp new-chat limit'],
  'telegram.conflict': ['Bot Telegram dijalankan di tempat lain', 'Telegram bot running elsewhere'],
  'telegram.conflict_resolved': ['Bentrok bot Telegram selesai', 'Telegram conflict resolved'],
};

/** The common detail keys in the officer's language (others are shown by their name). */
const KEYS: Record<string, Words> = {
  role: ['peran', 'role'],
  failures: ['salah kata sandi', 'failures'],
  name: ['nama', 'name'],
  prefix: ['awal token', 'token prefix'],
  date: ['tanggal', 'date'],
  place: ['tempat', 'place'],
  reason: ['alasan', 'reason'],
  cancelled: ['dibatalkan', 'cancelled'],
  waitlist: ['daftar tunggu', 'waitlist'],
  days: ['jumlah hari', 'days'],
  source: ['sumber', 'source'],
  note: ['catatan', 'note'],
  queue: ['nomor antrean', 'queue number'],
  before: ['sebelumnya', 'before'],
  after: ['sesudahnya', 'after'],
  per_day: ['tempat per hari', 'places per day'],
  first_session: ['sesi pertama', 'first session'],
  sessions: ['jumlah sesi', 'sessions'],
  session_minutes: ['menit per sesi', 'minutes per session'],
  back_to: ['kembali ke', 'back to'],
  conflicts: ['bentrok', 'conflicts'],
  status: ['status', 'status'],
  used: ['terpakai', 'used'],
  total: ['jumlah', 'total'],
  cycleEnds: ['berakhir', 'ends'],
  until: ['sampai', 'until'],
  statusCode: ['kode', 'code'],
  failedReconnects: ['gagal tersambung', 'failed reconnects'],
  fields: ['yang diubah', 'changed'],
  added: ['kata yang diajarkan', 'phrase taught'],
  message: ['pesan', 'message'],
  chars: ['jumlah huruf', 'characters'],
  outcome: ['hasil', 'outcome'],
  file: ['berkas', 'file'],
  id: ['nomor', 'id'],
  title: ['judul', 'title'],
  topic: ['topik', 'topic'],
  workingDays: ['hari kerja', 'working days'],
  service: ['layanan', 'service'],
  imported: ['diimpor', 'imported'],
  errors: ['ditolak', 'refused'],
  historyId: ['riwayat', 'history'],
  notifications: ['notifikasi', 'notifications'],
  urgent: ['mendesak', 'urgent'],
  skipped: ['dilewati', 'skipped'],
  channels: ['saluran', 'channels'],
  channel: ['saluran', 'channel'],
  at: ['waktu kirim', 'send at'],
  kind: ['jenis', 'kind'],
  to: ['ke', 'to'],
  from: ['dari', 'from'],
  trackingNo: ['nomor permohonan', 'tracking number'],
  applicantName: ['nama pemohon', 'applicant'],
  nik: ['NIK', 'NIK'],
  contact: ['kontak', 'contact'],
  address: ['alamat', 'address'],
  phone: ['nomor HP', 'phone'],
};

/** Keys that say nothing to an officer (an internal row number). */
const HIDDEN = new Set(['historyId']);

/** What a from → to pair changes, by action ("status: diproses → selesai"). */
const CHANGES: Record<string, Words> = {
  'application.status': ['status', 'status'],
  'officer.role': ['peran', 'role'],
  'booking.reschedule': ['tanggal', 'date'],
  'handoff.reassigned': ['petugas', 'officer'],
  'booking.setting.unlisted_days_bookable': ['bisa dibooking', 'bookable'],
  'booking.capacity.set': ['kuota', 'quota'],
  'booking.check_in': ['status', 'status'],
  'booking.no_show': ['status', 'status'],
};

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
/** More items than this in a list (e.g. a closed day's cancelled bookings) are counted, not listed. */
const LIST_MAX = 6;

export interface AuditView {
  /** "Kasus #3 dibuka". */
  what: string;
  /** "status: diproses → selesai", "alasan: Alat rusak", … (empty: nothing more to say). */
  details: string[];
}

export interface AuditWords {
  t: Tr;
  lang: UiLang;
  /** An instant in office time ("30/11/2026, 09.00"). */
  when: (iso: string) => string;
}

/** The known actions for the audit filter's suggestions: the code and what it means ("Kasus dibuka"). */
export function actionChoices(t: Tr): Array<[code: string, text: string]> {
  return Object.entries(ACTIONS).map(([code, [id, en]]) => [code, t(id, en).replace(/\s*#/, '')]);
}

/** "case:3" → "#3", "2026-11-30" → "30/11/2026", anything else as it is. */
export function subjectText(subject: string | null): string {
  if (!subject) return '';
  const m = /^case:(\d+)$/.exec(subject);
  if (m) return `#${m[1]}`;
  return idDate(subject);
}

/** "resident:12" → "warga #12"; an officer's username as it is. */
export function actorText(t: Tr, actor: string): string {
  const m = /^resident:(\d+)$/.exec(actor);
  return m ? `${t('warga', 'resident')} #${m[1]}` : actor;
}

export function auditView(w: AuditWords, entry: { action: string; subject: string | null; detail: string | null }): AuditView {
  const { t } = w;
  const subject = entry.subject === 'default' ? t('bawaan', 'default') : subjectText(entry.subject);
  const words = ACTIONS[entry.action] ?? (entry.action.startsWith('alert.') ? alertWords(entry.action) : undefined);
  let what: string;
  if (words) {
    const text = t(words[0], words[1]);
    what = text.includes('#') ? text.replace(/\s*#/, subject ? ` ${subject}` : '').trim() : text;
  } else {
    what = subject ? `${entry.action}: ${subject}` : entry.action;
  }
  return { what, details: detailLines(w, entry.action, entry.detail) };
}

function alertWords(action: string): Words {
  return action.endsWith('.cleared') ? ['Peringatan sistem selesai', 'System alert cleared'] : ['Peringatan sistem', 'System alert'];
}

function detailLines(w: AuditWords, action: string, detail: string | null): string[] {
  if (detail === null || detail === '' || detail === 'null') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return [detail];
  }
  if (parsed === null) return [];
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return [value(w, '', parsed)];
  const { t } = w;
  const d = { ...(parsed as Record<string, unknown>) };
  const lines: string[] = [];
  const change = CHANGES[action] ?? (['perubahan', 'change'] as Words);
  const booking = action === 'booking.check_in' || action === 'booking.no_show';
  // "status: diproses → selesai", "tanggal: 30/11/2026 → 02/12/2026".
  for (const [a, b] of [['from', 'to'], ['before', 'after']] as const) {
    if (!(a in d) || !(b in d)) continue;
    const [x, y] = [d[a], d[b]];
    if (isRecord(x) && isRecord(y)) {
      // A quota: only what changed ("tempat per hari: 20 → 25").
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
        if (JSON.stringify(x[k]) !== JSON.stringify(y[k])) lines.push(`${keyText(w, k)}: ${value(w, k, x[k])} → ${value(w, k, y[k])}`);
      }
      delete d[a];
      delete d[b];
      continue;
    }
    lines.push(`${t(change[0], change[1])}: ${value(w, a, d[a])} → ${value(w, b, d[b])}`);
    delete d[a];
    delete d[b];
  }
  // A check-in or no-show keeps the status the booking had.
  if (booking && 'before' in d) {
    lines.push(`${t('status sebelumnya', 'status before')}: ${value(w, 'bookingStatus', d.before)}`);
    delete d.before;
  }
  for (const [k, v] of Object.entries(d)) {
    if (HIDDEN.has(k) || v === null || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    lines.push(`${keyText(w, k)}: ${value(w, k, v)}`);
  }
  return lines;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function keyText(w: AuditWords, key: string): string {
  const k = KEYS[key];
  return k ? w.t(k[0], k[1]) : key;
}

function value(w: AuditWords, key: string, v: unknown): string {
  const { t } = w;
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? t('ya', 'yes') : t('tidak', 'no');
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') {
    if (key === 'bookingStatus') return statusLabel(t, v).toLowerCase();
    if (['admin', 'petugas', 'viewer'].includes(v) && ['role', 'from', 'to'].includes(key)) return roleLabel(t, v).toLowerCase();
    if (key === 'channel' || key === 'channels') return channelName(v);
    if (ISO_DAY.test(v)) return idDate(v);
    if (ISO_INSTANT.test(v) && !Number.isNaN(Date.parse(v))) return w.when(v);
    return v;
  }
  if (Array.isArray(v)) {
    if (v.length > LIST_MAX) return `${v.slice(0, LIST_MAX).map((x) => value(w, key, x)).join(', ')} ${t(`dan ${v.length - LIST_MAX} lagi`, `and ${v.length - LIST_MAX} more`)}`;
    return v.map((x) => value(w, key, x)).join(', ');
  }
  if (isRecord(v)) {
    const parts = Object.entries(v).filter(([, x]) => x !== null && x !== undefined);
    return parts.map(([k, x]) => `${keyText(w, k)} ${value(w, k, x)}`).join(', ');
  }
  return String(v);
}
