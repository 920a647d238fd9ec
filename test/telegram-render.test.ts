// The pure translations between the engine's shapes and Telegram's.
import type { Message } from 'grammy/types';
import { describe, expect, test } from 'vitest';
import { callbackDataFor, inlineKeyboard, inputFromMessage, MAX_CALLBACK_BYTES, normalizeCommand, splitText } from '../src/channels/telegram/render.js';

describe('splitText', () => {
  test('short text stays whole', () => {
    expect(splitText('Halo')).toEqual(['Halo']);
  });

  test('cuts at the last line break that fits, then at a space, then hard (never inside an emoji)', () => {
    expect(splitText('aaaa\nbbbb\ncccc', 10)).toEqual(['aaaa\nbbbb', 'cccc']);
    expect(splitText('satu dua tiga empat', 10)).toEqual(['satu dua', 'tiga empat']);
    expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    const emoji = 'a'.repeat(9) + '🙏' + 'b';
    const parts = splitText(emoji, 10);
    expect(parts.join('')).toBe(emoji);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(10);
    expect(parts[0]).toBe('a'.repeat(9));
  });

  test('nothing is lost across parts of a real-sized text', () => {
    const text = Array.from({ length: 500 }, (_, i) => `${i}. ${'Surat keterangan '.repeat(i % 7)}`.trimEnd()).join('\n');
    const parts = splitText(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(4096);
    expect(parts.join('\n')).toBe(text);
  });
});

describe('callback data', () => {
  test('short ids travel as themselves; long or multibyte-heavy ids as a short hash', () => {
    expect(callbackDataFor('svc:ktp_el_hilang_rusak')).toEqual({ data: 'svc:ktp_el_hilang_rusak', hashed: false });
    const long = callbackDataFor('svc:' + 'x'.repeat(80));
    expect(long.hashed).toBe(true);
    expect(Buffer.byteLength(long.data)).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
    // Bytes count, not characters: 30 × 2 bytes fits, 30 × 3 bytes does not.
    expect(callbackDataFor('é'.repeat(30)).hashed).toBe(false);
    expect(callbackDataFor('你'.repeat(30)).hashed).toBe(true);
    expect(callbackDataFor('svc:' + 'x'.repeat(80)).data).toBe(long.data);
  });

  test('short labels sit two to a row, long ones one', () => {
    const short = inlineKeyboard([{ id: 'ck:y', label: 'Ya, ada' }, { id: 'ck:n', label: 'Tidak ada' }, { id: 'ck:u', label: 'Belum tahu' }], (id) => id);
    expect(short.inline_keyboard.map((r) => r.length)).toEqual([2, 1]);
    const long = inlineKeyboard([{ id: 'm:req', label: 'Syarat dokumen' }, { id: 'm:book', label: 'Booking rekam e-KTP (darurat)' }, { id: 'm:officer', label: 'Hubungi petugas' }], (id) => id);
    expect(long.inline_keyboard.map((r) => r.length)).toEqual([1, 1, 1]);
  });
});

describe('inbound', () => {
  test('commands lose the bot name and any payload', () => {
    expect(normalizeCommand('/start@AdmindukBot')).toBe('/start');
    expect(normalizeCommand('/start ref-kecamatan')).toBe('/start');
    expect(normalizeCommand('/BATAL')).toBe('/batal');
    expect(normalizeCommand('syarat /ktp')).toBe('syarat /ktp');
  });

  const base = { message_id: 1, date: 1, chat: { id: 1, type: 'private', first_name: 'S' } };
  test('non-text messages become media with a reference', () => {
    expect(inputFromMessage({ ...base, document: { file_id: 'doc1', file_unique_id: 'u' }, caption: 'akta' } as Message)).toEqual({ type: 'media', media: 'document', ref: 'doc1', caption: 'akta' });
    // A GIF carries a document too; it is not one.
    expect(inputFromMessage({ ...base, animation: { file_id: 'gif' }, document: { file_id: 'gif' } } as unknown as Message)).toMatchObject({ media: 'video' });
    expect(inputFromMessage({ ...base, voice: { file_id: 'v', file_unique_id: 'v', duration: 3 } } as Message)).toMatchObject({ media: 'voice', ref: 'v' });
    expect(inputFromMessage({ ...base, contact: { phone_number: '+6281234567890', first_name: 'S' } } as Message)).toEqual({ type: 'media', media: 'contact' });
    expect(inputFromMessage({ ...base, dice: { emoji: '🎲', value: 3 } } as Message)).toEqual({ type: 'media', media: 'other' });
  });

  test('service notes need no answer', () => {
    expect(inputFromMessage({ ...base, pinned_message: { message_id: 2 } } as unknown as Message)).toBeUndefined();
  });
});
