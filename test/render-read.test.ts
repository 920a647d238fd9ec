// What residents read, channel by channel: the facts to keep stand out near the top of their
// message (WhatsApp *bold*, Telegram bold entities, web <strong> via `emphasis`), long texts
// split within the channel's limit with the action last, and texts that match what happened
// (a closed day leads straight to the free days; a move says "Ya, pindahkan").
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { applicationsFeature } from '../src/applications/feature.js';
import { bookingFeature, type BookingFeature } from '../src/booking/feature.js';
import { emphasisSpans, whatsappEmphasis } from '../src/channels/emphasis.js';
import { createTelegramFeature } from '../src/channels/telegram/feature.js';
import { MAX_MESSAGE, renderParts } from '../src/channels/telegram/render.js';
import { webChatFeature } from '../src/channels/web/feature.js';
import { renderReply } from '../src/channels/whatsapp/render.js';
import type { Reply } from '../src/core/types.js';
import { FakeBotApi } from './telegram-fake-api.js';
import { bookingOf, FakeClock, makeTestApp, testNik as nikOf, textOf, walkToConfirm, type TestApp } from './helpers.js';

const TOKEN = 'test-admin-token';
const TG_TOKEN = '123456789:AAHtestTOKENtestTOKENtestTOKEN_abcde';
const TG_CHAT = 555000222;

let t: TestApp;
let booking: BookingFeature;
let fake: FakeBotApi;

beforeEach(async () => {
  fake = new FakeBotApi();
  t = await makeTestApp({
    env: { ADMIN_TOKEN: TOKEN, TELEGRAM_BOT_TOKEN: TG_TOKEN, TELEGRAM_CHAT_INTERVAL_MS: '0', TELEGRAM_GLOBAL_RATE: '1000' },
    clock: new FakeClock('2026-11-30T02:00:00.000Z'), // Monday 09:00 WIB
    features: [bookingFeature, applicationsFeature, webChatFeature, createTelegramFeature({ transport: [fake.transformer], botInfo: fake.me })],
  });
  booking = bookingOf(t);
});
afterEach(() => t.close());

async function book(addr: string, nik: string, date: string) {
  await walkToConfirm(t, addr, nik, date);
  return t.say(addr, { choice: 'bk:yes' });
}

const codeOf = (replies: Reply[]) => textOf(replies).match(/(?:Kode booking|Booking code): ([A-Z0-9]{6})/)![1]!;
const marked = (text: string, entities: Array<{ offset: number; length: number; type: string }> = []) =>
  entities.map((e) => [e.type, text.slice(e.offset, e.offset + e.length)]);

/** Sends a reply to a Telegram resident through the real outbox and adapter; what the Bot API got. */
async function overTelegram(reply: Reply) {
  const resident = t.ctx.store.upsertResident('telegram', String(TG_CHAT), undefined, 'id', t.clock.now());
  t.ctx.store.enqueue({ residentId: resident.id, channel: 'telegram', address: String(TG_CHAT), reply }, t.clock.now());
  while ((await t.ctx.dispatcher.runOnce()) > 0);
  return fake.calls.filter((c) => c.method === 'sendMessage' && c.ok).map((c) => c.payload as { text: string; entities?: Array<{ type: string; offset: number; length: number }>; parse_mode?: string; reply_markup?: unknown });
}

describe('the booking confirmation, on every channel', () => {
  test('code, date and time stand out in its first lines, and one "Menu utama" choice replaces the menu after it', async () => {
    const replies = await book('res-read-1', nikOf(11), '2026-12-01');
    const confirmation = replies.at(-1)!;
    const code = codeOf(replies);
    // Nothing after the confirmation: the six-button menu no longer pushes it off the screen.
    expect(confirmation.text).toMatch(/^✅ Booking berhasil/);
    expect(confirmation.choices).toEqual([{ id: 'm:menu', label: 'Menu utama' }]);
    expect(confirmation.emphasis).toEqual([code, 'Selasa, 1 Desember 2026', '08.00']);
    // Near the top: all three within the first five lines.
    const top = confirmation.text.split('\n').slice(0, 5).join('\n');
    for (const fact of confirmation.emphasis!) expect(top).toContain(fact);

    // WhatsApp: its own *bold*, then the one choice as a numbered line.
    const wa = renderReply(confirmation, 'id', t.ctx.content.texts);
    expect(wa).toContain(`Kode booking: *${code}*`);
    expect(wa).toContain('Tanggal: *Selasa, 1 Desember 2026*');
    expect(wa).toContain('Datang pukul: *08.00* WIB');
    expect(wa).toMatch(/\n\n1\. Menu utama\n\n_Balas dengan angka 1\. 0 = menu_$/);

    // Telegram: bold entities over exactly those pieces, plain text, never parse_mode.
    const [sent, ...more] = await overTelegram(confirmation);
    expect(more).toEqual([]);
    expect(sent!.parse_mode).toBeUndefined();
    expect(sent!.text).toBe(confirmation.text);
    expect(marked(sent!.text, sent!.entities)).toEqual([['bold', code], ['bold', 'Selasa, 1 Desember 2026'], ['bold', '08.00']]);
    expect(sent!.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Menu utama', callback_data: 'm:menu' }]] });

    // "1" (as typed on WhatsApp) or the button opens the full menu.
    expect(textOf(await t.say('res-read-1', '1'))).toContain('Silakan pilih layanan');
  });

  test('"booking saya" shows the code the same way after a move, and the move button says what it does', async () => {
    const code = codeOf(await book('res-read-move', nikOf(12), '2026-12-01'));
    const list = await t.say('res-read-move', 'booking saya');
    expect(list.at(-1)!.emphasis).toEqual([code]);
    expect(renderReply(list.at(-1)!, 'id', t.ctx.content.texts)).toContain(`• *${code}*: Selasa, 1 Desember 2026`);
    await t.say('res-read-move', { choice: `bk:pick:${code}` });
    await t.say('res-read-move', { choice: 'bk:resched' });
    await t.say('res-read-move', { choice: 'd:2026-12-03' });
    const confirm = await t.say('res-read-move', { choice: 's:1' });
    expect(confirm.at(-1)!.text).toMatch(new RegExp(`^Pindahkan booking ${code} ke:\\nKamis, 3 Desember 2026, pukul 08.30\\n\\nBooking lama tetap berlaku`));
    expect(confirm.at(-1)!.choices!.map((c) => c.label)).toEqual(['Ya, pindahkan', 'Pilih hari lain', 'Menu utama']);
    const moved = await t.say('res-read-move', { choice: 'bk:yes' });
    expect(moved.at(-1)!.text).toMatch(/^✅ Jadwal dipindah/);
    expect(moved.at(-1)!.emphasis).toEqual([code, 'Kamis, 3 Desember 2026', '08.30']);
  });
});

describe('a day closed by officers', () => {
  test('the notice leads straight to the free days for that booking, and nothing claims the cancelled booking still holds', async () => {
    const code = codeOf(await book('res-read-close', nikOf(21), '2026-12-02'));
    booking.service.closeDay('2026-12-02', 'pemadaman listrik', 'Petugas B', t.clock.now());
    const [notice] = await t.poll('res-read-close');
    expect(notice!.text).toMatch(`Booking ${code} dibatalkan`);
    expect(notice!.choices).toEqual([{ id: `bk:newday:${code}`, label: 'Pilih hari baru' }]);
    expect(notice!.emphasis).toEqual(['Rabu, 2 Desember 2026', code]);
    expect(renderReply(notice!, 'id', t.ctx.content.texts)).toMatch(new RegExp(`kantor tutup pada \\*Rabu, 2 Desember 2026\\* .*Booking \\*${code}\\* dibatalkan`));

    // One tap: the days are there (no bookings list in between).
    const days = await t.say('res-read-close', { choice: `bk:newday:${code}` });
    expect(textOf(days)).toContain('Pilih tanggal baru');
    expect(textOf(days)).not.toContain('Booking Anda:');
    const ids = days.at(-1)!.choices!.map((c) => c.id.replace(/~[^~]*$/, ''));
    expect(ids.at(-1)).toBe('m:menu');
    expect(ids.slice(0, -1).length).toBeGreaterThan(1);
    expect(ids.slice(0, -1).every((id) => /^d:2026-1[12]-\d\d$/.test(id) && id !== 'd:2026-12-02')).toBe(true);

    await t.say('res-read-close', { choice: 'd:2026-12-03' });
    const confirm = (await t.say('res-read-close', { choice: 's:0' })).at(-1)!;
    expect(confirm.text).toBe(`Jadwal baru untuk booking ${code}:\nKamis, 3 Desember 2026, pukul 08.00\n\nSudah benar?`);
    expect(confirm.text).not.toMatch(/tetap berlaku/);
    expect(confirm.choices![0]!.label).toBe('Ya, pindahkan');
    const moved = await t.say('res-read-close', { choice: 'bk:yes' });
    expect(codeOf(moved)).toBe(code);
    expect(booking.store.byCode(code)).toMatchObject({ date: '2026-12-03', status: 'active' });
  });

  test('typed "1" under the notice works the same (WhatsApp has no buttons), from wherever the resident was', async () => {
    const code = codeOf(await book('res-read-close-2', nikOf(22), '2026-12-02'));
    await t.say('res-read-close-2', { choice: 'm:req' });
    booking.service.closeDay('2026-12-02', 'rapat dinas', 'Petugas B', t.clock.now());
    await t.poll('res-read-close-2');
    const days = await t.say('res-read-close-2', '1');
    expect(textOf(days)).toContain('Pilih tanggal baru');
    expect(days.at(-1)!.choices!.some((c) => c.id.startsWith('d:'))).toBe(true);
    const times = await t.say('res-read-close-2', { choice: days.at(-1)!.choices![0]!.id });
    const confirm = (await t.say('res-read-close-2', { choice: times.at(-1)!.choices![0]!.id })).at(-1)!;
    expect(confirm.text).toContain(`Jadwal baru untuk booking ${code}`);
  });
});

describe('status answers', () => {
  test('a tracking number typed loosely is read back normalised and stands out with its status', async () => {
    const res = await t.ctx.http.request('/api/admin/applications', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ trackingNo: 'LU-261201-ABCDE', service: 'ktp_el_hilang_rusak', applicantName: 'Siti Aminah', nik: nikOf(31), officer: 'budi' }),
    });
    expect(res.status).toBe(201);
    await t.say('res-read-st', 'menu');
    await t.say('res-read-st', { choice: 'm:status' });
    const ask = await t.say('res-read-st', 'lu 261201abcde');
    expect(ask.at(-1)!.text).toMatch(/^Nomor LU-261201-ABCDE\./);
    expect(ask.at(-1)!.emphasis).toEqual(['LU-261201-ABCDE']);
    const [result] = await t.say('res-read-st', nikOf(31).slice(-4));
    expect(result!.text).toMatch(/^Permohonan LU-261201-ABCDE: /);
    expect(result!.emphasis).toEqual(['LU-261201-ABCDE', 'Diterima']);
    // One time format: 08.30 (here 09.00 WIB), never 09:00.
    expect(result!.text).toContain('30/11/2026 09.00');
    expect(renderReply(result!, 'id', t.ctx.content.texts)).toMatch(/^Permohonan \*LU-261201-ABCDE\*: [\s\S]*Status sekarang: \*Diterima\*/);
  });
});

describe('long texts and what residents or officers type', () => {
  test('Telegram: a long text is split at paragraphs within 4,096 characters, each fact marked in the part that holds it', () => {
    const paragraph = (i: number) => Array.from({ length: 8 }, (_, j) => `${i}.${j} Fotokopi dokumen pendukung yang dilegalisir`).join('\n');
    const text = Array.from({ length: 20 }, (_, i) => paragraph(i)).join('\n\n') + '\n\nKode booking: K7QX4M';
    expect(text.length).toBeGreaterThan(MAX_MESSAGE);
    const parts = renderParts({ text, emphasis: ['K7QX4M', '0.0 Fotokopi'] });
    expect(parts.length).toBe(2);
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(MAX_MESSAGE);
    // Cut between paragraphs, not inside one.
    expect(parts[0]!.text.endsWith('dilegalisir')).toBe(true);
    expect(parts[1]!.text).toMatch(/^\d+\.0 Fotokopi/);
    expect(parts.map((p) => p.text).join('\n\n')).toBe(text);
    expect(marked(parts[0]!.text, parts[0]!.entities)).toEqual([['bold', '0.0 Fotokopi']]);
    expect(marked(parts[1]!.text, parts[1]!.entities)).toEqual([['bold', 'K7QX4M']]);
  });

  test('requirements come in readable parts with the action last, on every channel', async () => {
    await t.say('res-read-req', 'menu');
    const replies = await t.say('res-read-req', 'syarat ktp hilang');
    const [summary, next] = replies.slice(-2);
    expect(summary!.choices ?? []).toEqual([]);
    expect(next!.text).toBe('Selanjutnya?');
    expect(next!.choices!.length).toBeGreaterThan(1);
    for (const r of replies) {
      expect(renderParts(r).every((p) => p.text.length <= MAX_MESSAGE)).toBe(true);
      expect(r.text.split('\n').every((line) => line.length <= 200)).toBe(true);
    }
    // WhatsApp: the question, then its numbered answers, then how to answer: the action is last.
    expect(renderReply(next!, 'id', t.ctx.content.texts)).toMatch(/^Selanjutnya\?\n\n1\. Cek kelengkapan\n[\s\S]*\n\n_Balas dengan angka 1–\d\. 0 = menu_$/);
  });

  test('nothing typed becomes formatting: stars and tags stay text, pieces with a star are left plain', () => {
    const reply: Reply = { text: 'Keperluan: *lamaran* <b>kerja</b>\nKode: K7QX4M', emphasis: ['K7QX4M', '*lamaran*', 'tidak ada di teks'] };
    expect(whatsappEmphasis(reply.text, reply.emphasis)).toBe('Keperluan: *lamaran* <b>kerja</b>\nKode: *K7QX4M*');
    const [part] = renderParts(reply);
    expect(part!.text).toBe(reply.text);
    expect(marked(part!.text, part!.entities)).toEqual([['bold', '*lamaran*'], ['bold', 'K7QX4M']]);
    // First occurrence, no overlaps, never across a line break, no spaces at the edges.
    expect(emphasisSpans('A1 A1 B', ['A1', 'A1 ', ' B'])).toEqual([{ start: 0, end: 2 }, { start: 3, end: 5 }, { start: 6, end: 7 }]);
    expect(emphasisSpans('Senin,\n30 Nov', ['Senin,\n30 Nov'])).toEqual([{ start: 0, end: 6 }, { start: 7, end: 13 }]);
  });
});

describe('one spelling, one time format, in every text residents read', () => {
  const texts = fs.readdirSync('flows/texts').map((f) => [f, yaml.parse(fs.readFileSync(path.join('flows/texts', f), 'utf8')) as Record<string, { id: string; en: string }>] as const);

  test('KTP-el, never e-KTP; times as 08.30 in Indonesian; sessions of 30 minutes, not "per jam"', () => {
    for (const [file, entries] of texts) {
      for (const [key, { id, en }] of Object.entries(entries)) {
        expect(`${id} ${en}`, `${file}: ${key}`).not.toMatch(/e-?KTP/i);
        expect(id, `${file}: ${key}`).not.toMatch(/\b\d{1,2}:\d{2}\b/);
      }
    }
    const rules = texts.find(([f]) => f === 'booking.yaml')![1]['booking.rules']!.id;
    expect(rules).not.toMatch(/per jam/);
    expect(rules).toContain('{minutes} menit');
  });
});
