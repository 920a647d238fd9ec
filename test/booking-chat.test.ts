// The booking as residents live it, through the real web chat HTTP API, on a real SQLite
// file, with a fake clock. Monday 30 Nov 2026, 09:00 WIB unless a test moves the clock.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { bookingFeature, type BookingFeature } from '../src/booking/feature.js';
import { CODE_ALPHABET } from '../src/booking/service.js';
import { webChatFeature } from '../src/channels/web/feature.js';
import type { Reply } from '../src/core/types.js';
import { choiceIds, choicesOf, makeBookingApp, FakeClock, makeTestApp, testNik as nikOf, textOf, type TestApp } from './helpers.js';

let t: TestApp;
let booking: BookingFeature;

beforeEach(async () => {
  ({ t, booking } = await makeBookingApp());
});
afterEach(() => t.close());


/** A resident books through the chat, pressing buttons as the web page would send them. */
type Wish = { nik: string; date: string; session: number; name?: string; reason?: string };

/** Up to choosing the day; returns what the bot said to that choice. */
async function chooseDay(addr: string, o: Wish) {
  await t.say(addr, 'menu');
  await t.say(addr, { choice: 'm:book' });
  await t.say(addr, { choice: `r:${o.reason ?? 'bpjs'}` });
  await t.say(addr, o.nik);
  await t.say(addr, o.name ?? 'Siti Aminah');
  return t.say(addr, { choice: `d:${o.date}` });
}

async function book(addr: string, o: Wish) {
  await chooseDay(addr, o);
  await t.say(addr, { choice: `s:${o.session}` });
  return t.say(addr, { choice: 'bk:yes' });
}

function codeIn(replies: Reply[]): string {
  const m = textOf(replies).match(/(?:Kode booking|Booking code): ([A-Z0-9]{6})/);
  if (!m) throw new Error(`no booking code in:\n${textOf(replies)}`);
  return m[1]!;
}

/** Messages the bot queued on its own (notifications, reminders) for a web-chat resident. */
function pushed(addr: string, kind?: 'notification' | 'reminder'): Array<Reply & { kind: string; notBefore: string }> {
  const rows = t.ctx.db
    .prepare(`SELECT kind, payload, next_attempt_at FROM outbox WHERE address = ? AND kind IN ('notification', 'reminder') ORDER BY id`)
    .all(addr) as Array<{ kind: string; payload: string; next_attempt_at: string }>;
  return rows.filter((r) => !kind || r.kind === kind).map((r) => ({ ...(JSON.parse(r.payload) as Reply), kind: r.kind, notBefore: r.next_attempt_at }));
}

/** A date with a tiny quota (1 place, 1 session at 08:00) to make "full" easy. */
function tinyDay(date: string) {
  booking.service.setCapacity(date, { per_day: 1, first_session: '08:00', sessions: 1, session_minutes: 30 }, 'test', t.clock.now());
}

describe('typed answers instead of buttons', () => {
  test('"ya" confirms, "tidak" explains the way back, and typed numbers pick day and time', async () => {
    const addr = 'res-typed';
    await chooseDay(addr, { nik: nikOf(901), date: '2026-12-01', session: 0 });
    await t.say(addr, '1');
    const no = await t.say(addr, 'tidak');
    expect(textOf(no)).toContain('ketik batal untuk mengulang');
    const yes = await t.say(addr, 'iya');
    expect(codeIn(yes)).toMatch(/^[A-Z0-9]{6}$/);
  });
});

describe('the full chat flow', () => {
  test('rules → reason → NIK → name → day → time → confirmation with everything to bring', async () => {
    const addr = 'resident-full-1';
    await t.say(addr, 'halo');
    const intro = await t.say(addr, { choice: 'm:book' });
    expect(textOf(intro)).toMatch(/Hanya untuk keperluan mendesak/);
    expect(textOf(intro)).toMatch(/20 orang per hari/);
    expect(textOf(intro)).toMatch(/tidak bisa diwakilkan/);
    expect(textOf(intro)).toMatch(/mulai usia 16 tahun; kartu dicetak saat usia 17 tahun atau sudah menikah/);
    expect(choiceIds(intro)).toEqual(['r:bpjs', 'r:hospital', 'r:social_aid', 'r:registration', 'r:other']);

    // "Lainnya" (typed as a word works like the button) asks for a sentence, then says what proof to bring.
    expect(textOf(await t.say(addr, 'lainnya'))).toMatch(/satu kalimat/);
    const proof = await t.say(addr, 'Syarat pencairan dana pensiun almarhum suami');
    expect(textOf(proof)).toMatch(/Bukti yang perlu dibawa: Surat atau bukti/);

    const wrong = await t.say(addr, '1803 0212 0495');
    expect(textOf(wrong)).toMatch(/NIK harus 16 angka; yang Anda ketik baru 12 angka/);
    const letters = await t.say(addr, '18O3021204950001');
    expect(textOf(letters)).toMatch(/huruf O bukan angka 0/);
    const female = await t.say(addr, 'NIK saya: 1803.0255.0495.0001');
    expect(textOf(female)).toMatch(/lahir 15 April 1995, perempuan/);
    expect(textOf(female)).not.toMatch(/bukan Lampung Utara/);

    const badName = await t.say(addr, 'Siti 2');
    expect(textOf(badName)).toMatch(/tidak boleh berisi angka/);
    const days = await t.say(addr, 'Siti  Aminah');
    const labels = days.flatMap((r) => r.choices ?? []).map((c) => c.label);
    // Monday 09:00: only the 09:30 session of today is left (5 places); Saturday and Sunday are not offered.
    expect(labels.slice(0, 5)).toEqual(['Senin, 30 Nov — sisa 5', 'Selasa, 1 Des — sisa 20', 'Rabu, 2 Des — sisa 20', 'Kamis, 3 Des — sisa 20', 'Jumat, 4 Des — sisa 20']);

    const sessions = await t.say(addr, '2');
    expect(sessions.flatMap((r) => r.choices ?? []).map((c) => c.label)).toEqual([
      'Pukul 08.00 — sisa 5',
      'Pukul 08.30 — sisa 5',
      'Pukul 09.00 — sisa 5',
      'Pukul 09.30 — sisa 5',
      'Pilih hari lain',
    ]);
    const check = await t.say(addr, '2');
    expect(textOf(check)).toMatch(/Nama: Siti Aminah\nKeperluan: Lainnya \(Syarat pencairan dana pensiun almarhum suami\)\nTanggal: Selasa, 1 Desember 2026\nJam datang: 08.30/);
    const done = await t.say(addr, '1');
    const text = textOf(done);
    const code = codeIn(done);
    expect([...code].every((ch) => CODE_ALPHABET.includes(ch))).toBe(true);
    expect(code).not.toMatch(/[01OI]/);
    expect(text).toMatch(/Nomor antrean: 6/); // session 2 of 4×5 starts at queue number 6
    expect(text).toMatch(/Datang pukul: 08.30 WIB/);
    expect(text).toMatch(/Fotokopi Kartu Keluarga/);
    expect(text).toMatch(/Pakai masker/);
    expect(text).toMatch(/tidak membawa anak balita/);
    expect(text).toMatch(/ketik "booking saya"/);
    expect(booking.store.byCode(code)).toMatchObject({ date: '2026-12-01', session_time: '08:30', status: 'active', reason: 'other', name: 'Siti Aminah' });

    // "Booking saya" (free text, via the NLU) lists it.
    const list = await t.say(addr, 'booking saya');
    expect(textOf(list)).toContain(`${code}: Selasa, 1 Desember 2026, pukul 08.30, antrean 6`);
  });

  test('a NIK from elsewhere is accepted with a note; a 15-year-old is stopped politely', async () => {
    const addr = 'resident-young-1';
    await t.say(addr, 'menu');
    await t.say(addr, { choice: 'm:book' });
    await t.say(addr, '1');
    const jakarta = await t.say(addr, '3171011508800003');
    expect(textOf(jakarta)).toMatch(/pertama terbit di DKI Jakarta, bukan Lampung Utara/);

    await t.say(addr, 'menu');
    await t.say(addr, { choice: 'm:book' });
    await t.say(addr, '1');
    const young = await t.say(addr, '1803021512100001'); // born 15 Dec 2010: 15 on 30 Nov 2026
    expect(textOf(young)).toMatch(/usianya 15 tahun/);
    expect(textOf(young)).toMatch(/mulai usia 16 tahun/);
    expect(choiceIds(young)).toContain('m:book'); // back at the menu
  });

  test('English works through the same flow', async () => {
    const addr = 'resident-en-1';
    await t.say(addr, 'menu');
    await t.say(addr, 'bahasa');
    const intro = await t.say(addr, { choice: 'm:book' });
    expect(textOf(intro)).toMatch(/Only for urgent needs/);
    await t.say(addr, '1');
    await t.say(addr, nikOf(1));
    const days = await t.say(addr, 'Budi Santoso');
    expect(days.flatMap((r) => r.choices ?? []).map((c) => c.label)[1]).toBe('Tuesday, 1 Dec — 20 left');
  });

  test('menu, batal and bantuan work in the middle of the flow', async () => {
    const addr = 'resident-words-1';
    await t.say(addr, 'menu');
    await t.say(addr, { choice: 'm:book' });
    await t.say(addr, '1');
    const help = await t.say(addr, 'bantuan');
    expect(textOf(help)).toMatch(/Ketik NIK/);
    const cancel = await t.say(addr, 'batal');
    expect(textOf(cancel)).toMatch(/dibatalkan/);
    expect(booking.store.liveByResident(1)).toHaveLength(0);
  });
});

describe('rules that must hold', () => {
  test('one active booking per NIK, even from another chat', async () => {
    const first = await book('resident-nik-a', { nik: nikOf(7), date: '2026-12-01', session: 0 });
    const code = codeIn(first);
    await t.say('resident-nik-b', 'menu');
    await t.say('resident-nik-b', { choice: 'm:book' });
    await t.say('resident-nik-b', '1');
    const again = await t.say('resident-nik-b', nikOf(7));
    expect(textOf(again)).toMatch(new RegExp(`sudah punya booking aktif: ${code}`));
  });

  test('a chat may hold at most max_active_per_chat (3) bookings, e.g. for parents', async () => {
    const addr = 'resident-family';
    for (let i = 1; i <= 3; i++) codeIn(await book(addr, { nik: nikOf(20 + i), date: '2026-12-02', session: 0 }));
    await t.say(addr, 'menu');
    const fourth = await t.say(addr, { choice: 'm:book' });
    expect(textOf(fourth)).toMatch(/sudah ada 3 booking aktif/);
  });

  test('a no-show cannot book again for no_show_ban_days and is told why', async () => {
    const code = codeIn(await book('resident-noshow', { nik: nikOf(30), date: '2026-12-01', session: 0 }));
    t.clock.set('2026-12-01T09:00:00.000Z'); // Tuesday 16:00 WIB
    expect(booking.service.mark(code, 'no_show', 'Petugas A', t.clock.now()).ok).toBe(true);
    t.clock.set('2026-12-02T01:00:00.000Z');
    await t.say('resident-noshow', 'menu');
    await t.say('resident-noshow', { choice: 'm:book' });
    await t.say('resident-noshow', '1');
    const refused = await t.say('resident-noshow', nikOf(30));
    expect(textOf(refused)).toMatch(/tidak datang pada jadwal Selasa, 1 Desember 2026/);
    expect(textOf(refused)).toMatch(/mulai Kamis, 31 Desember 2026/);
  });
});

describe('cancel and reschedule', () => {
  test('cancel by typing the code frees the place', async () => {
    const addr = 'resident-cancel';
    const code = codeIn(await book(addr, { nik: nikOf(40), date: '2026-12-03', session: 1 }));
    await t.say(addr, 'booking saya');
    const ask = await t.say(addr, `batal ${code.toLowerCase()}`);
    expect(textOf(ask)).toMatch(new RegExp(`Batalkan booking ${code}`));
    const done = await t.say(addr, { choice: 'bk:cancel_yes' });
    expect(textOf(done)).toMatch(new RegExp(`Booking ${code} sudah dibatalkan`));
    expect(booking.store.byCode(code)!.status).toBe('cancelled');
    expect(booking.service.freeSessions('2026-12-03', t.clock.now())[1]!.free).toBe(5);
  });

  test('reschedule to a full day fails and keeps the old slot; to a free day it moves in one step', async () => {
    tinyDay('2026-12-04');
    codeIn(await book('resident-other', { nik: nikOf(50), date: '2026-12-04', session: 0 }));
    const addr = 'resident-move';
    const code = codeIn(await book(addr, { nik: nikOf(51), date: '2026-12-02', session: 0 }));

    await t.say(addr, 'booking saya');
    await t.say(addr, { choice: `bk:pick:${code}` });
    await t.say(addr, { choice: 'bk:resched' });
    // The resident picked 4 Dec from an older list; it is full now.
    const full = await t.say(addr, { choice: 'd:2026-12-04' });
    expect(textOf(full)).toMatch(/Jumat, 4 Desember 2026 sudah penuh; booking lama Anda tetap berlaku/);
    expect(booking.store.byCode(code)).toMatchObject({ date: '2026-12-02', status: 'active' });

    await t.say(addr, { choice: 'd:2026-12-03' });
    await t.say(addr, { choice: 's:3' });
    const moved = await t.say(addr, { choice: 'bk:yes' });
    expect(textOf(moved)).toMatch(/Jadwal dipindah/);
    expect(codeIn(moved)).toBe(code);
    expect(booking.store.byCode(code)).toMatchObject({ date: '2026-12-03', session_time: '09:30', status: 'active', queue_no: 16 });
    expect(booking.service.freeSessions('2026-12-02', t.clock.now())[0]!.free).toBe(5);
  });
});

describe('a full day: alternatives and the waitlist', () => {
  test('full → nearest days + waitlist; a cancellation offers the place; an unanswered hold passes to the next', async () => {
    tinyDay('2026-12-01');
    const codeA = codeIn(await book('resident-A', { nik: nikOf(60), date: '2026-12-01', session: 0 }));

    // B wants the same day: it is full, so B sees the nearest free days and the waitlist.
    const full = await chooseDay('resident-B', { nik: nikOf(61), date: '2026-12-01', session: 0 });
    expect(textOf(full)).toMatch(/kuota Selasa, 1 Desember 2026 sudah penuh/);
    expect(choiceIds(full)).toEqual(expect.arrayContaining(['d:2026-11-30', 'd:2026-12-02', 'bk:wait']));
    const joined = await t.say('resident-B', { choice: 'bk:wait' });
    expect(textOf(joined)).toMatch(/daftar tunggu Selasa, 1 Desember 2026, urutan ke-1/);
    await chooseDay('resident-C', { nik: nikOf(62), date: '2026-12-01', session: 0 });
    expect(textOf(await t.say('resident-C', { choice: 'bk:wait' }))).toMatch(/urutan ke-2/);

    // A cancels at 09:00: B is offered the place, kept for 30 minutes.
    await t.say('resident-A', 'booking saya');
    await t.say('resident-A', { choice: `bk:pick:${codeA}` });
    await t.say('resident-A', { choice: 'bk:cancel' });
    await t.say('resident-A', { choice: 'bk:cancel_yes' });
    const offerB = pushed('resident-B', 'notification');
    expect(offerB).toHaveLength(1);
    expect(offerB[0]!.text).toMatch(/Ada tempat kosong .* Selasa, 1 Desember 2026 pukul 08.00 WIB.*sampai pukul 09.30/);
    expect(offerB[0]!.choices?.map((c) => c.id)).toEqual([expect.stringMatching(/^bk:accept:/), expect.stringMatching(/^bk:decline:/), 'm:mybook']);
    // Nobody else can take the held place meanwhile.
    const stranger = await chooseDay('resident-D', { nik: nikOf(63), date: '2026-12-01', session: 0 });
    expect(textOf(stranger)).toMatch(/sudah penuh/);

    // B does not answer; 31 minutes later the timer passes it on to C, who is busy with something else.
    await t.say('resident-C', 'syarat kk hilang');
    t.clock.advance(31 * 60_000);
    expect(booking.tick()).toMatchObject({ expired: 1, offered: 1 });
    expect(pushed('resident-B', 'notification')[1]!.text).toMatch(/Waktu simpan tempat untuk Selasa, 1 Desember 2026 sudah habis/);
    expect(pushed('resident-C', 'notification')[0]!.text).toMatch(/Ada tempat kosong/);

    // C was in the middle of something else; the offer arrives as a numbered list (as on
    // WhatsApp) and "1" takes the place.
    expect(pushed('resident-C', 'notification')[0]!.choices![0]!.id).toMatch(/^bk:accept:/);
    expect(textOf(await t.poll('resident-C'))).toContain('Ada tempat kosong');
    const taken = await t.say('resident-C', '1');
    expect(textOf(taken)).toMatch(/Booking berhasil/);
    expect(booking.store.liveOnDate('2026-12-01').map((b) => [b.nik, b.status])).toEqual([[nikOf(62), 'active']]);
    // B's late press finds the offer gone.
    const late = await t.say('resident-B', 'booking saya');
    expect(choiceIds([late.at(-1)!]).some((id) => id.startsWith('bk:accept:'))).toBe(false);
    // …and so does a press on the button of the expired offer.
    const stale = await t.say('resident-B', { choice: offerB[0]!.choices![0]!.id });
    expect(textOf(stale)).toContain('waktu simpan tempat itu sudah habis');
  });
});

describe('reminders through the outbox', () => {
  test('the afternoon before and the morning of, once each, in the resident language; none after cancelling', async () => {
    const code = codeIn(await book('res-rem-id', { nik: nikOf(70), date: '2026-12-01', session: 1, name: 'Ahmad Fauzi' }));
    await t.say('res-rem-en', 'menu');
    await t.say('res-rem-en', 'bahasa');
    codeIn(await book('res-rem-en', { nik: nikOf(71), date: '2026-12-01', session: 2, name: 'Budi Santoso' }));
    const gone = codeIn(await book('res-rem-x', { nik: nikOf(72), date: '2026-12-01', session: 3 }));
    booking.service.cancel(booking.store.byCode(gone)!.resident_id, gone, t.clock.now());

    t.clock.set('2026-11-30T07:59:00.000Z'); // 14:59 WIB: not yet
    expect(booking.tick().reminders).toBe(0);
    t.clock.set('2026-11-30T08:00:00.000Z'); // 15:00 WIB
    expect(booking.tick().reminders).toBe(2);
    expect(booking.tick().reminders).toBe(0); // never twice
    const [before] = pushed('res-rem-id', 'reminder');
    expect(before!.text).toMatch(new RegExp(`besok Selasa, 1 Desember 2026 pukul 08.30 WIB .* Ahmad Fauzi \\(kode ${code}, antrean 6\\)`));
    expect(pushed('res-rem-en', 'reminder')[0]!.text).toMatch(/Reminder: tomorrow, Tuesday, 1 December 2026 at 09:00 WIB/);
    expect(pushed('res-rem-x')).toHaveLength(0);

    t.clock.set('2026-11-30T23:00:00.000Z'); // Tuesday 06:00 WIB
    expect(booking.tick().reminders).toBe(2);
    expect(pushed('res-rem-id', 'reminder')[1]!.text).toMatch(/Hari ini pukul 08.30 WIB/);
  });
});

describe('officers close a day', () => {
  test('each affected resident is told, offered the nearest free days, and can pick a new day keeping the code', async () => {
    tinyDay('2026-12-02');
    const code = codeIn(await book('res-close', { nik: nikOf(80), date: '2026-12-02', session: 0 }));
    await chooseDay('res-close-wait', { nik: nikOf(81), date: '2026-12-02', session: 0 });
    await t.say('res-close-wait', { choice: 'bk:wait' });
    const result = booking.service.closeDay('2026-12-02', 'pemadaman listrik', 'Petugas B', t.clock.now());
    expect(result).toEqual({ affected: 1, waitlist: 1 });
    expect(pushed('res-close-wait', 'notification')[0]!.text).toMatch(/daftar tunggu hari itu dihapus/);
    const [note] = pushed('res-close', 'notification');
    expect(note!.text).toMatch(/kantor tutup pada Rabu, 2 Desember 2026 \(pemadaman listrik\). Booking [A-Z0-9]{6} dibatalkan/);
    expect(note!.text).toMatch(/• Senin, 30 Nov — sisa 5\n• Selasa, 1 Des — sisa 20\n• Kamis, 3 Des — sisa 20/);

    const list = await t.say('res-close', { choice: 'm:mybook' });
    expect(textOf(list)).toMatch(/dibatalkan karena kantor tutup/);
    await t.say('res-close', { choice: `bk:newday:${code}` });
    await t.say('res-close', { choice: 'd:2026-12-03' });
    await t.say('res-close', { choice: 's:0' });
    const moved = await t.say('res-close', { choice: 'bk:yes' });
    expect(codeIn(moved)).toBe(code);
    expect(booking.store.byCode(code)).toMatchObject({ date: '2026-12-03', status: 'active' });
    // The closed day is no longer offered.
    expect(booking.service.freeDays(t.clock.now()).map((d) => d.date)).not.toContain('2026-12-02');
  });
});

describe('edge cases residents run into', () => {
  test('declining an offered place passes it straight to the next on the waitlist', async () => {
    tinyDay('2026-12-03');
    const codeA = codeIn(await book('resident-decl-A', { nik: nikOf(90), date: '2026-12-03', session: 0 }));
    for (const [addr, i] of [['resident-decl-B', 91], ['resident-decl-C', 92]] as const) {
      await chooseDay(addr, { nik: nikOf(i), date: '2026-12-03', session: 0 });
      await t.say(addr, { choice: 'bk:wait' });
    }
    booking.service.cancel(booking.store.byCode(codeA)!.resident_id, codeA, t.clock.now());
    const list = await t.say('resident-decl-B', 'booking saya');
    expect(textOf(list)).toMatch(/Tempat kosong untuk Anda: Kamis, 3 Desember 2026 pukul 08.00/);
    const decline = choiceIds(list).find((id) => id.startsWith('bk:decline:'))!;
    expect(textOf(await t.say('resident-decl-B', { choice: decline }))).toMatch(/antrean berikutnya/);
    expect(pushed('resident-decl-C', 'notification')[0]!.text).toMatch(/Ada tempat kosong/);
    expect(booking.store.liveOnDate('2026-12-03').map((b) => [b.nik, b.status])).toEqual([[nikOf(92), 'held']]);
  });

  test('a day picked from an old list after the cut-off is refused with the days still open', async () => {
    t.clock.set('2026-11-30T02:45:00.000Z'); // 09:45 WIB: today is still offered
    await chooseDay('resident-late-1', { nik: nikOf(95), date: '2026-12-01', session: 0 });
    t.clock.set('2026-11-30T03:05:00.000Z'); // 10:05 WIB: past the 10:00 cut-off for today
    const late = await t.say('resident-late-1', { choice: 'd:2026-11-30' });
    expect(textOf(late)).toMatch(/hari itu tidak bisa dipesan lagi/);
    expect(choiceIds(late)).not.toContain('d:2026-11-30');
    expect(choiceIds(late)).toContain('d:2026-12-01');
  });

  test('nonsense at any step gets a short polite answer and the same question again', async () => {
    const addr = 'resident-noise-1';
    await t.say(addr, 'menu');
    await t.say(addr, { choice: 'm:book' });
    for (const noise of ['asdfgh', '🙂', 'x'.repeat(5000)]) {
      const r = await t.say(addr, noise);
      expect(textOf(r)).toMatch(/Maaf, saya belum mengerti|Pesan Anda kosong|Apa keperluan mendesak/);
      expect(choiceIds(r)).toContain('r:bpjs');
    }
  });
});

describe('personal data is kept only while needed', () => {
  test('NIK and name of bookings older than keep_personal_data_days are masked by housekeeping; recent ones stay', async () => {
    const code = codeIn(await book('res-old-data', { nik: nikOf(950), date: '2026-12-01', session: 0, name: 'Rahmat Hidayat' }));
    expect(code).toBeTruthy();
    const rowsWithNik = () => t.ctx.db.prepare(`SELECT COUNT(*) FROM booking WHERE nik = ?`).pluck().get(nikOf(950));
    booking.housekeeping!(t.clock.now());
    expect(rowsWithNik()).toBe(1);
    t.clock.set('2027-03-05T02:00:00.000Z'); // 94 days after the booking's date
    booking.housekeeping!(t.clock.now());
    expect(rowsWithNik()).toBe(0);
    const row = t.ctx.db.prepare(`SELECT nik, name, status FROM booking WHERE code = ?`).get(code);
    expect(row).toEqual({ nik: '1803**********50', name: '-', status: 'expired' });
  });
});

describe('booking codes', () => {
  test('come from the injected random source, so a test (or a replay) knows them in advance', async () => {
    let n = 0;
    const seeded = await makeTestApp({ features: [bookingFeature, webChatFeature], clock: new FakeClock('2026-11-30T02:00:00.000Z'), random: () => (n++ % 32) / 32 });
    try {
      const say = (input: string | { choice: string }) => seeded.say('res-seeded', input);
      for (const step of ['menu', { choice: 'm:book' }, { choice: 'r:bpjs' }, nikOf(990), 'Dewi Lestari', { choice: 'd:2026-12-01' }, { choice: 's:0' }]) await say(step);
      expect(codeIn(await say({ choice: 'bk:yes' }))).toBe(CODE_ALPHABET.slice(0, 6));
    } finally {
      await seeded.close();
    }
  });
});

describe('"1" typed under a notification with options (WhatsApp has no buttons)', () => {
  test('answers the notification after small talk under a typed question; once the conversation shows options again, it answers those', async () => {
    const addr = 'res-notice-one';
    await t.say(addr, 'menu');
    await t.say(addr, { choice: 'm:book' });
    // Now asked for the NIK: a typed question, no options.
    expect(choiceIds(await t.say(addr, { choice: 'r:bpjs' }))).toEqual([]);
    t.clock.advance(60_000);
    const resident = t.ctx.store.findResident('web', addr)!;
    t.ctx.store.enqueue({ residentId: resident.id, channel: 'web', address: addr, reply: { text: 'Jadwal perekaman berubah.', choices: [{ id: 'm:mybook', label: 'Booking saya' }] }, kind: 'notification' }, t.clock.now());
    expect(textOf(await t.poll(addr))).toContain('Jadwal perekaman berubah');
    t.clock.advance(60_000);
    // Small talk: the NIK question again, still without options; "1" means the notification's first.
    expect(choiceIds(await t.say(addr, 'makasih'))).toEqual([]);
    const list = textOf(await t.say(addr, '1'));
    expect(list).toContain('Anda belum punya booking aktif');
    // The half-finished booking is kept, and said so.
    expect(list).toContain('Booking Anda saya simpan');
    // The menu shows options again (bringing the booking back first): now "1" is its first.
    expect(choicesOf(await t.say(addr, 'menu'))[0]).toBe('Lanjutkan booking');
    expect(textOf(await t.say(addr, '1'))).toContain('Ketik NIK');
    await t.say(addr, 'menu');
    expect(textOf(await t.say(addr, '2'))).toContain('Dokumen apa yang ingin Anda urus?');
  });
});
