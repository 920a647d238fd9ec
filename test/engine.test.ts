// Conversations as a resident has them, through the real web chat, store and engine.
import { afterEach, describe, expect, test } from 'vitest';
import { choicesOf, makeTestApp, textOf, type TestApp } from './helpers.js';
import Database from 'better-sqlite3';
import type { HandledEvent } from '../src/core/engine.js';

type Step = [input: string | { choice: string }, expect: { says?: (string | RegExp)[]; choices?: string[]; notSays?: string[] }];

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function play(app: TestApp, address: string, steps: Step[]): Promise<void> {
  for (const [i, [input, want]] of steps.entries()) {
    const replies = await app.say(address, input);
    const text = textOf(replies);
    const where = `step ${i + 1} (${JSON.stringify(input)}): got\n${text}\n[${choicesOf(replies).join(' | ')}]`;
    expect(replies.length, where).toBeGreaterThan(0);
    for (const s of want.says ?? []) {
      if (typeof s === 'string') expect(text, where).toContain(s);
      else expect(text, where).toMatch(s);
    }
    for (const s of want.notSays ?? []) expect(text, where).not.toContain(s);
    if (want.choices) expect(choicesOf(replies), where).toEqual(expect.arrayContaining(want.choices));
  }
}

describe('requirements conversations', () => {
  test('menu → category → service → checklist → what is missing', async () => {
    t = await makeTestApp();
    await play(t, 'resident-a1', [
      ['halo', { says: ['asisten digital', 'Silakan pilih layanan'], choices: ['Syarat dokumen', 'Hubungi petugas', 'English'] }],
      [{ choice: 'm:req' }, { says: ['Dokumen apa'], choices: ['Kartu Keluarga (KK)'] }],
      [{ choice: 'cat:ktp' }, { says: ['Pilih layanan'] }],
      [{ choice: 'svc:ktp_el_baru' }, { says: ['Dokumen yang dibawa', 'Biaya', 'Gratis'], choices: ['Cek kelengkapan', 'Kirim daftar lengkap'] }],
      [{ choice: 'req:check' }, { says: ['(1/', 'Apakah Anda sudah punya'], choices: ['Ya, ada', 'Tidak ada', 'Belum tahu'] }],
      ['tidak', { says: ['(2/'] }],
      ['ya', { says: ['Yang masih kurang', 'Kartu Keluarga'], choices: ['Kirim daftar lengkap', 'Cek ulang'] }],
      [{ choice: 'req:full' }, { says: ['Dokumen yang dibawa', 'simpan atau teruskan'] }],
    ]);
  });

  test('free text goes straight to the service, typed numbers pick options', async () => {
    t = await makeTestApp();
    await play(t, 'resident-b1', [
      ['ktp ilang', { says: ['KTP-el hilang atau rusak', 'Dokumen yang dibawa'] }],
      ['1', { says: ['Apakah Anda sudah punya'] }],
      ['9', { says: ['angka 1 sampai'] }],
      ['menu', { says: ['Silakan pilih layanan'] }],
      ['syarat kk', { says: ['Pilih layanan'], choices: ['Layanan lain'] }],
      ['0', { says: ['Silakan pilih layanan'] }],
    ]);
  });

  test('a complete checklist says so', async () => {
    t = await makeTestApp();
    await t.say('resident-c1', 'halo');
    await t.say('resident-c1', { choice: 'svc:kk_hilang_rusak' });
    await t.say('resident-c1', { choice: 'req:check' });
    let replies = await t.say('resident-c1', 'hilang'); // lost or damaged? asked first
    for (let i = 0; i < 10 && /Apakah Anda/.test(textOf(replies)); i++) {
      const choices = replies.at(-1)!.choices!.map((c) => c.id.replace(/~[^~]*$/, ''));
      replies = await t.say('resident-c1', { choice: choices.includes('ck:na') ? 'ck:na' : 'ck:y' });
    }
    expect(textOf(replies)).toContain('Lengkap!');
  });
});

describe('words that work at every step', () => {
  test('batal, bantuan, bahasa and menu in the middle of a checklist', async () => {
    t = await makeTestApp();
    await play(t, 'resident-d1', [
      ['akte lahir', { says: ['Dokumen yang dibawa'] }],
      [{ choice: 'req:check' }, { says: ['(1/'] }],
      ['bantuan', { says: ['Cara memakai', '(1/'] }],
      ['bahasa', { says: ['Language: English', 'Do you have'] }],
      ['ya', { says: ['(2/'] }],
      ['language', { says: ['Bahasa: Indonesia', 'Apakah Anda sudah punya'] }],
      ['batal', { says: ['dibatalkan', 'Ada lagi yang bisa saya bantu'] }],
      ['batal', { says: ['Tidak ada yang sedang berjalan', 'Untuk membatalkan booking, ketik booking saya'] }],
    ]);
  });

  test('an idle conversation restarts at the menu and says so', async () => {
    t = await makeTestApp();
    await t.say('resident-e1', 'syarat kia');
    t.clock.advance(31 * 60_000);
    const replies = await t.say('resident-e1', 'ya');
    expect(textOf(replies)).toContain('sudah lama tidak aktif');
    expect(choicesOf(replies)).toContain('Syarat dokumen');
  });

  test('the same message id twice is stepped once (channel re-delivery)', async () => {
    t = await makeTestApp();
    const msg = { id: 'dup-1', channel: 'web' as const, address: 'resident-f1', input: { type: 'text' as const, text: 'halo' } };
    const first = t.ctx.engine.handleNow(msg);
    const second = t.ctx.engine.handleNow(msg);
    expect(first.duplicate).toBe(false);
    expect(first.replies.length).toBeGreaterThan(0);
    expect(second).toMatchObject({ duplicate: true, replies: [] });
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM outbox').pluck().get()).toBe(first.replies.length);
  });
});

describe('bad input never crashes and always gets an answer', () => {
  const inputs: Array<[string, string | { choice: string }]> = [
    ['empty text', ''],
    ['only spaces', '   '],
    ['10,000 characters', 'ktp '.repeat(2500)],
    ['only emoji', '🙂🙂🙏🔥'],
    ['control characters', '\u0000\u0007\u001b[31m'],
    ['SQL-looking text', "'; DROP TABLE residents; --"],
    ['an unknown choice id', { choice: 'nope:does-not-exist' }],
    ['a stale service id', { choice: 'svc:no_such_service' }],
    ['a huge number', '99999999999999999999'],
  ];
  test.each(inputs)('%s', async (_name, input) => {
    t = await makeTestApp();
    await t.say('resident-g1', 'halo');
    const replies = await t.say('resident-g1', input);
    expect(replies.length).toBeGreaterThan(0);
    expect(textOf(replies).length).toBeGreaterThan(5);
    // The resident can always go on: the last reply offers options.
    expect(choicesOf(replies).length).toBeGreaterThan(0);
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM residents').pluck().get()).toBe(1);
  });
});

describe('English speakers', () => {
  test('"english" as the very first message is welcomed in English', async () => {
    t = await makeTestApp();
    const replies = await t.say('resident-h2', 'english');
    expect(textOf(replies)).toContain('digital assistant');
    expect(choicesOf(replies)).toContain('Document requirements');
  });

  test('a browser in English starts in English', async () => {
    t = await makeTestApp();
    const res = await t.ctx.http.request('/api/chat/send', {
      method: 'POST',
      headers: t.headers('resident-h1'),
      body: JSON.stringify({ messageId: 'x1', text: 'hello', lang: 'en-GB' }),
    });
    const { messages } = (await res.json()) as { messages: Array<{ text: string }> };
    expect(messages.map((m) => m.text).join('\n')).toContain('digital assistant');
  });

  test("the web chat's answer carries the conversation's language, so the page's own words follow it", async () => {
    const app = (t = await makeTestApp());
    const send = async (messageId: string, text: string) =>
      (await (await app.ctx.http.request('/api/chat/send', { method: 'POST', headers: app.headers('resident-h3'), body: JSON.stringify({ messageId, text }) })).json()) as { lang?: string };
    expect((await send('l1', 'halo')).lang).toBe('id');
    expect((await send('l2', 'english')).lang).toBe('en');
    expect((await send('l3', 'menu')).lang).toBe('en');
  });
});

describe('files residents send', () => {
  test('a photo of a document is acknowledged and its reference kept for officers', async () => {
    t = await makeTestApp();
    await t.say('resident-m1', 'halo');
    const result = t.ctx.engine.handleNow({ id: 'p1', channel: 'web', address: 'resident-m1', input: { type: 'media', media: 'photo', ref: 'file-abc', caption: 'KK saya' } });
    expect(textOf(result.replies)).toContain('berkas Anda sudah kami terima');
    expect(result.replies.at(-1)!.choices!.length).toBeGreaterThan(0);
    expect(t.ctx.store.mediaOf(result.residentId)).toMatchObject([{ media: 'photo', ref: 'file-abc', caption: 'KK saya' }]);
  });

  test('a sticker gets a polite answer saying what the bot reads', async () => {
    t = await makeTestApp();
    await t.say('resident-m2', 'halo');
    const result = t.ctx.engine.handleNow({ id: 's1', channel: 'web', address: 'resident-m2', input: { type: 'media', media: 'sticker' } });
    expect(textOf(result.replies)).toContain('hanya bisa membaca pesan teks');
  });
});

describe('the web chat API', () => {
  test('refuses malformed and oversized requests with a clear status, and never creates a resident for them', async () => {
    t = await makeTestApp();
    const post = (body: string) => t!.ctx.http.request('/api/chat/send', { method: 'POST', headers: t!.headers('resident-w1'), body });
    expect((await post('not json')).status).toBe(400);
    expect((await post(JSON.stringify({ messageId: 'm 1', text: 'hi' }))).status).toBe(400);
    expect((await post(JSON.stringify({ messageId: 'm1', text: 'x'.repeat(100_000) }))).status).toBe(413);
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM residents').pluck().get()).toBe(0);
  });

  test('a reply lost on a bad connection is fetched again until the page acknowledges it', async () => {
    t = await makeTestApp();
    await t.say('resident-w2', 'halo');
    const poll = async (ack: number[]) =>
      (await (await t!.ctx.http.request(`/api/chat/messages?ack=${ack.join(',')}`, { headers: t!.headers('resident-w2') })).json()) as { messages: Array<{ id: number }> };
    const first = await poll([]);
    expect(first.messages.length).toBeGreaterThan(0);
    expect((await poll([])).messages.map((m) => m.id)).toEqual(first.messages.map((m) => m.id));
    expect((await poll(first.messages.map((m) => m.id))).messages).toEqual([]);
  });
});

describe('requirements lead on', () => {
  test('a first-time KTP-el shows the urgent recording booking next to the checklist; other services do not', async () => {
    t = await makeTestApp();
    expect(choicesOf(await t.say('resident-k1', 'syarat ktp baru'))).toContain('Booking rekam (darurat)');
    expect(choicesOf(await t.say('resident-k1', 'syarat kk hilang'))).not.toContain('Booking rekam (darurat)');
  });
});

describe('not understood', () => {
  test('at a typed question (no buttons) the bot asks for an answer, not for a pick "below"', async () => {
    t = await makeTestApp();
    await t.say('resident-n1', 'booking');
    await t.say('resident-n1', { choice: 'r:bpjs' });
    const replies = await t.say('resident-n1', 'asdfgh qwe');
    expect(textOf(replies)).toContain('Ketik NIK Anda'); // says what is expected, in one line
    expect(textOf(replies)).not.toContain('Pilih salah satu');
    expect(textOf(replies)).toContain('NIK');
  });
});

describe('a conversation changed outside the engine', () => {
  test('the next message is read in the saved conversation, not the one the engine last kept', async () => {
    t = await makeTestApp();
    await t.say('resident-k1', 'halo');
    const saved = () => t!.ctx.db.prepare("SELECT c.resident_id AS id, c.state FROM conversations c JOIN residents r ON r.id = c.resident_id WHERE r.address = 'resident-k1'").get() as { id: number; state: string };
    const atMenu = saved().state;
    await t.say('resident-k1', { choice: 'svc:ktp_el_baru' });
    // Another process (a restore, a second instance) puts this resident back at the menu.
    t.ctx.db.prepare('UPDATE conversations SET state = ? WHERE resident_id = ?').run(atMenu, saved().id);
    // "1" at the menu is its first option (requirements), not "Cek kelengkapan" of the service shown before.
    const replies = await t.say('resident-k1', '1');
    expect(textOf(replies)).toContain('Dokumen apa');
    expect(textOf(replies)).not.toContain('Apakah Anda sudah punya');
  });
});

// The engine keeps residents it found in memory (src/store/core-store.ts); what changes their row
// elsewhere must be seen at the next message.
describe('a resident changed outside the engine', () => {
  const unreachableOf = (app: TestApp, address: string) => app.ctx.db.prepare("SELECT unreachable FROM residents WHERE channel = 'web' AND address = ?").pluck().get(address);

  test('marked unreachable in this process (a blocked bot), a resident who writes again is reachable again', async () => {
    t = await makeTestApp();
    await t.say('resident-u1', 'halo');
    await t.say('resident-u1', 'menu');
    const row = t.ctx.store.findResident('web', 'resident-u1')!;
    t.ctx.store.setUnreachable(row.id, true);
    await t.say('resident-u1', 'menu');
    expect(unreachableOf(t, 'resident-u1')).toBe(0);
  });

  test('changed by another process sharing the file, the next message sees the change', async () => {
    t = await makeTestApp();
    await t.say('resident-u2', 'halo');
    await t.say('resident-u2', 'menu');
    const other = new Database(t.ctx.db.name);
    other.prepare("UPDATE residents SET unreachable = 1 WHERE channel = 'web' AND address = 'resident-u2'").run();
    other.close();
    await t.say('resident-u2', 'menu');
    expect(unreachableOf(t, 'resident-u2')).toBe(0);
  });

  test('a batch rolled back and run again does not reuse a resident row read after an update it undid', async () => {
    const app = (t = await makeTestApp());
    await app.ctx.engine.handle({ id: 'r0', channel: 'web', address: 'resident-u3', input: { type: 'text', text: 'halo' } });
    // A statistics bug on one message: the batch's fast path fails, each message runs again alone.
    const opts = (app.ctx.engine as unknown as { opts: { onHandled?: (e: HandledEvent) => void } }).opts;
    const counted = opts.onHandled;
    opts.onHandled = (e) => {
      if (e.input.type === 'text' && e.input.text === 'boom') throw new Error('statistics bug');
      counted?.(e);
    };
    const send = (id: string, text: string) => app.ctx.engine.handle({ id, channel: 'web', address: 'resident-u3', input: { type: 'text', text } });
    const [english, , boom] = await Promise.all([send('r1', 'english'), send('r2', 'menu'), send('r3', 'boom')]);
    expect(english.lang).toBe('en');
    expect(textOf(boom.replies)).toMatch(/sorry|maaf/i);
    // Notifications go out in the resident's stored language.
    expect(app.ctx.db.prepare("SELECT lang FROM residents WHERE address = 'resident-u3'").pluck().get()).toBe('en');
  });
});
