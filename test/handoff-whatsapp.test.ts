// A WhatsApp resident talks to an officer: numbered lists instead of buttons, the officer's answer
// through the paced WhatsApp sender (socket that records), "1" answering it, the rating by number.
import { afterEach, expect, test } from 'vitest';
import { handoffFeature } from '../src/handoff/feature.js';
import { type TestApp } from './helpers.js';
import { openWhatsAppApp } from './whatsapp-app.js';
import { incoming, text } from './whatsapp-fakes.js';

const PN = '6281234567890@s.whatsapp.net';
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

test('WhatsApp: ask, quiet while open, the officer answers, "1" replies, close, rate by number', async () => {
  const opened = await openWhatsAppApp({ features: [handoffFeature] });
  t = opened.t;
  const { socket } = opened;
  const app = t;
  const deliver = async () => {
    while (await app.ctx.dispatcher.runOnce());
  };
  const chat = async (body: string) => {
    const before = socket.sent.length;
    await socket.receive(text(PN, body));
    await deliver();
    return socket.sent.slice(before).map((s) => s.text);
  };
  const officer = { name: 'budi', role: 'petugas' };
  const handoff = app.ctx.services.handoff!.service;

  await chat('halo');
  const topics = (await chat('hubungi petugas')).join('\n');
  expect(topics).toContain('1. Pertanyaan');
  expect(topics).toContain('2. Pengaduan');
  await chat('1');
  expect((await chat('Apakah KTP bisa dicetak di kecamatan?')).join('\n')).toContain('kasus #1');
  expect(await chat('halo, ada orang?')).toEqual([]);
  expect(await chat('3')).toEqual([]);

  // Left the case ("menu"): the officer's answer comes with "1. Balas petugas", and "1" is that button.
  // (Inside the open case a typed "1" is the resident's answer itself: test/handoff-typed.test.ts.)
  await chat('menu');
  const before = socket.sent.length;
  handoff.reply(1, 'Bisa, di kecamatan yang punya printer KTP-el. Bawa KK asli.', officer);
  await deliver();
  const pushed = socket.sent.slice(before);
  expect(pushed).toHaveLength(1);
  expect(pushed[0]!.jid).toBe(PN);
  expect(pushed[0]!.text).toContain('Balasan petugas (budi) untuk kasus #1');
  expect(pushed[0]!.text).toContain('1. Balas petugas');

  expect((await chat('1')).join('\n')).toContain('tulis balasan Anda untuk petugas (kasus #1)');
  expect(await chat('Terima kasih, kecamatan Kotabumi bisa?')).toEqual([]);
  expect(handoff.open(1, officer).messages.filter((m) => m.author === 'resident').map((m) => m.text)).toContain('Terima kasih, kecamatan Kotabumi bisa?');

  handoff.close(1, 'dijawab', officer);
  await deliver();
  const closing = socket.sent.at(-1)!.text;
  expect(closing).toContain('Kasus #1 sudah ditutup oleh petugas');
  expect(closing).toContain('1. Sangat tidak puas');
  expect(closing).toContain('5. Sangat puas');
  expect((await chat('5')).join('\n')).toContain('Ada satu kata');
  expect((await chat('lewati')).join('\n')).toContain('Masukan Anda membantu');
  expect(handoff.satisfaction(new Date(0), new Date('2100-01-01'))).toMatchObject({ answers: 1, average: 5, words: [] });
  // The bot answers again.
  expect((await chat('jam buka')).join('\n')).toContain('07.30');
});

/** A WhatsApp app with the handoff feature; `send` takes a text or any message content (a sticker, a voice note). */
async function handoffOverWhatsApp() {
  const opened = await openWhatsAppApp({ features: [handoffFeature] });
  t = opened.t;
  const { socket } = opened;
  const app = t;
  const send = async (body: string | Parameters<typeof incoming>[1]) => {
    const before = socket.sent.length;
    await socket.receive(typeof body === 'string' ? text(PN, body) : incoming(PN, body));
    while (await app.ctx.dispatcher.runOnce());
    return socket.sent.slice(before).map((s) => s.text).join('\n');
  };
  const cases = () => app.ctx.db.prepare('SELECT COUNT(*) FROM handoff_cases').pluck().get();
  return { send, cases };
}

const STICKER = { stickerMessage: { mimetype: 'image/webp' } };
const VOICE = { audioMessage: { ptt: true, seconds: 3 } };
const LOCATION = { locationMessage: { degreesLatitude: -4.8, degreesLongitude: 104.9 } };

test.each([
  ['🙏', '🙏'],
  ['👍', '👍'],
  ['a sticker', STICKER],
  ['a voice note', VOICE],
  ['a location', LOCATION],
] as const)('WhatsApp: %s at "Tentang apa?" opens no empty case; the topics again', async (_name, sent) => {
  const { send, cases } = await handoffOverWhatsApp();
  await send('hubungi petugas');
  const r = await send(sent as never);
  expect(r).not.toContain('sudah diteruskan');
  expect(r).toContain('Mohon pilih topiknya, atau langsung tulis pesan Anda untuk petugas.');
  expect(r).toContain('1. Pertanyaan');
  expect(cases()).toBe(0);
  // What is written next is the message, as before.
  expect(await send('Permohonan KTP saya dari bulan lalu belum juga dicetak, mohon dicek.')).toContain('kasus #1');
});

test.each([
  ['🙏', '🙏'],
  ['👍👍', '👍👍'],
  ['a sticker', STICKER],
  ['a voice note', VOICE],
] as const)('WhatsApp: %s at "Silakan tulis pesan" opens no empty case; asked to write, never offered an officer', async (_name, sent) => {
  const { send, cases } = await handoffOverWhatsApp();
  await send('hubungi petugas');
  expect(await send('1')).toContain('Silakan tulis pesan Anda untuk petugas');
  for (let i = 0; i < 3; i++) {
    const r = await send(sent as never);
    expect(r).not.toContain('sudah diteruskan');
    expect(r).toContain('Mohon tulis pesan Anda untuk petugas.');
    expect(r).not.toContain('Hubungi petugas');
  }
  expect(cases()).toBe(0);
  expect(await send('Apakah KTP bisa dicetak di kecamatan?')).toContain('kasus #1');
});
