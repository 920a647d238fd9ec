// What each kind of WhatsApp message becomes for the engine (or why it is ignored).
import type { proto, WAMessage } from '@whiskeysockets/baileys';
import { describe, expect, test } from 'vitest';
import { mapInbound } from '../src/channels/whatsapp/inbound.js';
import { renderReply } from '../src/channels/whatsapp/render.js';
import { loadTexts } from '../src/content/load.js';
import { incoming } from './whatsapp-fakes.js';

const PN = '6281234567890@s.whatsapp.net';
const LID = '123456789012345@lid';

const input = (content: proto.IMessage, key: Partial<WAMessage['key']> = {}) => {
  const mapped = mapInbound(incoming(PN, content, key));
  return mapped.kind === 'message' ? mapped.input : mapped;
};

describe('message types', () => {
  test.each<[string, proto.IMessage, unknown]>([
    ['plain text', { conversation: 'syarat ktp hilang' }, { type: 'text', text: 'syarat ktp hilang' }],
    ['extended text (link, reply, formatting)', { extendedTextMessage: { text: 'halo *pak*', contextInfo: { stanzaId: 'X' } } }, { type: 'text', text: 'halo *pak*' }],
    ['button reply', { buttonsResponseMessage: { selectedButtonId: 'm:req', selectedDisplayText: 'Syarat dokumen' } }, { type: 'text', text: 'Syarat dokumen' }],
    ['list reply', { listResponseMessage: { title: 'KTP-el baru', singleSelectReply: { selectedRowId: 'svc:ktp' } } }, { type: 'text', text: 'KTP-el baru' }],
    ['list reply without title', { listResponseMessage: { singleSelectReply: { selectedRowId: '2' } } }, { type: 'text', text: '2' }],
    ['template button reply', { templateButtonReplyMessage: { selectedId: 'x', selectedDisplayText: 'Menu utama' } }, { type: 'text', text: 'Menu utama' }],
    ['disappearing-mode text', { ephemeralMessage: { message: { extendedTextMessage: { text: '2' } } } }, { type: 'text', text: '2' }],
    ['view-once image', { viewOnceMessageV2: { message: { imageMessage: { caption: 'foto kk' } } } }, { type: 'media', media: 'photo', caption: 'foto kk', ref: expect.stringMatching(/^whatsapp:/) }],
    ['image', { imageMessage: { mimetype: 'image/jpeg' } }, { type: 'media', media: 'photo', ref: expect.stringMatching(/^whatsapp:3A/) }],
    ['document with its file name', { documentMessage: { fileName: 'akta.pdf' } }, { type: 'media', media: 'document', caption: 'akta.pdf', ref: expect.stringMatching(/^whatsapp:/) }],
    ['document with caption', { documentWithCaptionMessage: { message: { documentMessage: { fileName: 'kk.pdf', caption: 'ini KK saya' } } } }, { type: 'media', media: 'document', caption: 'ini KK saya', ref: expect.any(String) }],
    ['voice note', { audioMessage: { ptt: true, seconds: 7 } }, { type: 'media', media: 'voice' }],
    ['audio file', { audioMessage: { ptt: false } }, { type: 'media', media: 'audio' }],
    ['sticker', { stickerMessage: { isAnimated: false } }, { type: 'media', media: 'sticker' }],
    ['video', { videoMessage: { caption: 'lihat' } }, { type: 'media', media: 'video', caption: 'lihat' }],
    ['location', { locationMessage: { degreesLatitude: -4.83, degreesLongitude: 104.88 } }, { type: 'media', media: 'location' }],
    ['live location', { liveLocationMessage: { degreesLatitude: -4.83 } }, { type: 'media', media: 'location' }],
    ['contact card', { contactMessage: { displayName: 'Pak RT' } }, { type: 'media', media: 'contact' }],
    ['poll (anything else)', { pollCreationMessage: { name: 'kapan?' } }, { type: 'media', media: 'other' }],
  ])('%s', (_name, content, expected) => {
    expect(input(content)).toEqual(expected);
  });

  test.each<[string, proto.IMessage]>([
    ['reaction', { reactionMessage: { text: '👍', key: { id: 'X' } } }],
    ['deletion / protocol', { protocolMessage: { type: 0 } }],
    ['edit', { editedMessage: { message: { protocolMessage: { type: 14 } } } }],
    ['poll vote', { pollUpdateMessage: {} }],
    ['key distribution only', { senderKeyDistributionMessage: { groupId: 'g' }, messageContextInfo: {} }],
  ])('%s needs no answer', (_name, content) => {
    expect(input(content)).toEqual({ kind: 'skip', reason: 'protocol' });
  });

  test('a message that could not be decrypted (no content) is ignored', () => {
    expect(mapInbound({ key: { remoteJid: PN, id: 'X1', fromMe: false }, messageStubType: 2 })).toEqual({ kind: 'skip', reason: 'no_content' });
  });
});

describe('who wrote', () => {
  test('a phone-number chat is keyed by the normalised phone JID (device suffix dropped)', () => {
    const mapped = mapInbound(incoming('6281234567890:12@s.whatsapp.net', { conversation: 'halo' }));
    expect(mapped).toMatchObject({ kind: 'message', address: PN });
    expect(mapped).not.toHaveProperty('altAddress');
  });

  test('a LID chat is keyed by the LID and keeps the phone JID as the alternate', () => {
    const mapped = mapInbound(incoming(LID, { conversation: 'halo' }, { remoteJidAlt: '6281234567890:3@s.whatsapp.net', addressingMode: 'lid' }));
    expect(mapped).toMatchObject({ kind: 'message', address: LID, altAddress: PN });
  });

  test('a LID without an alternate stays a LID (never read as a phone number)', () => {
    const mapped = mapInbound(incoming(LID, { conversation: 'halo' }));
    expect(mapped).toMatchObject({ kind: 'message', address: LID });
    expect(mapped).not.toHaveProperty('altAddress');
  });

  test.each<[string, Partial<WAMessage['key']>, string]>([
    ['our own message (sent from the office phone)', { fromMe: true }, 'own'],
    ['a group message', { remoteJid: '120363025246125888@g.us', participant: PN }, 'group'],
    ['a status update', { remoteJid: 'status@broadcast', participant: PN }, 'status'],
    ['a broadcast list', { remoteJid: '1700000000@broadcast', participant: PN }, 'broadcast'],
    ['a channel (newsletter)', { remoteJid: '120363000000000000@newsletter' }, 'newsletter'],
    ['a message without id', { id: null }, 'no_id'],
  ])('%s is ignored', (_name, key, reason) => {
    expect(mapInbound(incoming(PN, { conversation: 'halo' }, key))).toEqual({ kind: 'skip', reason });
  });

  test('the message id is the dedupe key', () => {
    expect(mapInbound(incoming(PN, { conversation: 'x' }, { id: 'ABCDEF' }))).toMatchObject({ id: 'ABCDEF' });
  });
});

describe('choices as a numbered list', () => {
  const texts = loadTexts('flows/texts');
  const reply = { text: 'Selanjutnya?', choices: ['Cek kelengkapan', 'Kirim daftar lengkap', 'Layanan lain', 'Menu utama'].map((label, i) => ({ id: `c${i}`, label })) };

  test('in Indonesian', () => {
    expect(renderReply(reply, 'id', texts)).toBe('Selanjutnya?\n\n1. Cek kelengkapan\n2. Kirim daftar lengkap\n3. Layanan lain\n4. Menu utama\n\n_Balas dengan angka 1–4. 0 = menu_');
  });

  test('in English, and a reply without choices is just its text', () => {
    expect(renderReply(reply, 'en', texts)).toContain('Reply with a number 1–4. 0 = menu');
    expect(renderReply({ text: 'Terima kasih' }, 'id', texts)).toBe('Terima kasih');
    expect(renderReply({ text: 'Lanjut?', choices: [{ id: 'a', label: 'Ya' }] }, 'id', texts)).toContain('Balas dengan angka 1. 0 = menu');
  });
});
