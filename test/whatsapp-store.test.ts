// The WhatsApp login in SQLite: what Baileys writes comes back byte for byte, after a
// restart too; null deletes; an update is all-or-nothing; logout wipes it.
import path from 'node:path';
import { addTransactionCapability, Curve, initAuthCreds, makeCacheableSignalKeyStore, proto, type SignalDataSet } from '@whiskeysockets/baileys';
import { afterEach, describe, expect, test } from 'vitest';
import { sqliteAuthState } from '../src/channels/whatsapp/auth-state.js';
import { openDatabase, type Db } from '../src/store/db.js';
import { WhatsAppStore } from '../src/store/whatsapp-store.js';
import { FakeClock, tempDir } from './helpers.js';
import { silentLog } from './whatsapp-fakes.js';

const clock = new FakeClock();
const open: Db[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

function openStore(file: string): WhatsAppStore {
  const db = openDatabase(file);
  open.push(db);
  return new WhatsAppStore(db);
}

const bytes = (...values: number[]) => new Uint8Array(values);

/** One value of every key type Baileys stores. */
function everyKeyType(): SignalDataSet {
  return {
    'pre-key': { '1': Curve.generateKeyPair() },
    session: { '6281234567890.0': bytes(1, 2, 3, 250) },
    'sender-key': { 'group@g.us::6281234567890::0': bytes(9, 8, 7) },
    'sender-key-memory': { 'group@g.us': { '6281234567890:0@s.whatsapp.net': true } },
    'app-state-sync-key': {
      AAAAAMxF: proto.Message.AppStateSyncKeyData.fromObject({
        keyData: Buffer.from('secret-key-data'),
        fingerprint: { rawId: 7, currentIndex: 2, deviceIndexes: [0, 1] },
        timestamp: 1_700_000_000,
      }),
    },
    'app-state-sync-version': { regular: { version: 12, hash: Buffer.alloc(128, 3), indexValueMap: { abc: { valueMac: bytes(5, 5) } } } },
    'lid-mapping': { '6281234567890': '123456789012345' },
    'device-list': { '6281234567890': ['0', '12'] },
    tctoken: { '6281234567890@s.whatsapp.net': { token: Buffer.from('tok'), timestamp: '1700000000' } },
    'identity-key': { '6281234567890.0': bytes(5, 0, 255) },
  };
}

const asBuffer = (v: unknown) => Buffer.from(v as Uint8Array);

describe('auth state in SQLite', () => {
  test('creds and every key type survive a restart byte for byte', async () => {
    const file = path.join(tempDir(), 'wa.db');
    const first = sqliteAuthState(openStore(file), clock);
    const creds = first.state.creds;
    first.saveCreds();
    const written = everyKeyType();
    await first.state.keys.set(written);
    open[0]!.close();

    const again = sqliteAuthState(openStore(file), clock);
    expect(asBuffer(again.state.creds.noiseKey.private).equals(asBuffer(creds.noiseKey.private))).toBe(true);
    expect(asBuffer(again.state.creds.signedIdentityKey.public).equals(asBuffer(creds.signedIdentityKey.public))).toBe(true);
    expect(asBuffer(again.state.creds.signedPreKey.signature).equals(asBuffer(creds.signedPreKey.signature))).toBe(true);
    expect(again.state.creds.registrationId).toBe(creds.registrationId);
    expect(again.state.creds.advSecretKey).toBe(creds.advSecretKey);

    const keys = again.state.keys;
    const preKey = (await keys.get('pre-key', ['1']))['1']!;
    expect(asBuffer(preKey.private).equals(asBuffer(written['pre-key']!['1']!.private))).toBe(true);
    expect(asBuffer((await keys.get('session', ['6281234567890.0']))['6281234567890.0'])).toEqual(Buffer.from([1, 2, 3, 250]));
    expect(asBuffer((await keys.get('sender-key', ['group@g.us::6281234567890::0']))['group@g.us::6281234567890::0'])).toEqual(Buffer.from([9, 8, 7]));
    expect((await keys.get('sender-key-memory', ['group@g.us']))['group@g.us']).toEqual({ '6281234567890:0@s.whatsapp.net': true });

    const syncKey = (await keys.get('app-state-sync-key', ['AAAAAMxF']))['AAAAAMxF']!;
    // A real protobuf object again, as Baileys needs (fromObject), not plain JSON.
    expect(syncKey).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(syncKey.keyData!).toString()).toBe('secret-key-data');
    expect(syncKey.fingerprint?.deviceIndexes).toEqual([0, 1]);

    const version = (await keys.get('app-state-sync-version', ['regular']))['regular']!;
    expect(version.version).toBe(12);
    expect(Buffer.from(version.hash).equals(Buffer.alloc(128, 3))).toBe(true);
    expect(asBuffer(version.indexValueMap['abc']!.valueMac)).toEqual(Buffer.from([5, 5]));
    expect((await keys.get('lid-mapping', ['6281234567890']))['6281234567890']).toBe('123456789012345');
    expect((await keys.get('device-list', ['6281234567890']))['6281234567890']).toEqual(['0', '12']);
    const token = (await keys.get('tctoken', ['6281234567890@s.whatsapp.net']))['6281234567890@s.whatsapp.net']!;
    expect(Buffer.from(token.token).toString()).toBe('tok');
    expect(asBuffer((await keys.get('identity-key', ['6281234567890.0']))['6281234567890.0'])).toEqual(Buffer.from([5, 0, 255]));
  });

  test('a creds.update is saved: a restart sees the linked account', () => {
    const file = path.join(tempDir(), 'wa.db');
    const auth = sqliteAuthState(openStore(file), clock);
    Object.assign(auth.state.creds, { me: { id: '6281234567890:12@s.whatsapp.net', lid: '123456789012345:12@lid' }, platform: 'android' });
    auth.saveCreds();
    open[0]!.close();
    expect(sqliteAuthState(openStore(file), clock).state.creds.me?.id).toBe('6281234567890:12@s.whatsapp.net');
  });

  test('null deletes, missing ids are simply absent', async () => {
    const auth = sqliteAuthState(openStore(path.join(tempDir(), 'wa.db')), clock);
    await auth.state.keys.set({ session: { a: bytes(1), b: bytes(2) } });
    await auth.state.keys.set({ session: { a: null } });
    expect(Object.keys(await auth.state.keys.get('session', ['a', 'b', 'never']))).toEqual(['b']);
  });

  test('one update is one transaction: a failure half-way writes nothing', () => {
    const store = openStore(path.join(tempDir(), 'wa.db'));
    store.setKeys({ session: { keep: bytes(1) } });
    store.db.exec(`CREATE TRIGGER no_bad BEFORE INSERT ON whatsapp_keys WHEN NEW.id = 'bad' BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    expect(() => store.setKeys({ session: { good: bytes(2), keep: null, bad: bytes(3) } })).toThrow(/disk full/);
    expect(Object.keys(store.getKeys('session', ['keep', 'good', 'bad']))).toEqual(['keep']);
  });

  test('works under Baileys’ own cache and transaction wrappers', async () => {
    const store = openStore(path.join(tempDir(), 'wa.db'));
    const auth = sqliteAuthState(store, clock);
    const keys = addTransactionCapability(makeCacheableSignalKeyStore(auth.state.keys, silentLog), silentLog, { maxCommitRetries: 2, delayBetweenTriesMs: 1 });
    await keys.transaction(async () => {
      await keys.set({ 'pre-key': { '5': Curve.generateKeyPair() }, session: { s: bytes(4) } });
    }, 'test');
    expect(store.keyCount()).toBe(2);
    expect(Object.keys(store.getKeys('pre-key', ['5']))).toEqual(['5']);
  });

  test('logout wipes creds, keys and the sent-message cache, but keeps residents’ files', () => {
    const file = path.join(tempDir(), 'wa.db');
    const store = openStore(file);
    const auth = sqliteAuthState(store, clock);
    auth.saveCreds();
    store.setKeys(everyKeyType());
    store.saveMessage({ id: 'OUT1', jid: '6281234567890@s.whatsapp.net', direction: 'out', kind: 'text', message: { key: { id: 'OUT1' }, message: { conversation: 'hai' } } }, clock.now());
    store.saveMessage({ id: 'IN1', jid: '6281234567890@s.whatsapp.net', direction: 'in', kind: 'photo', message: { key: { id: 'IN1' }, message: { imageMessage: { caption: 'kk' } } } }, clock.now());
    store.wipeLogin();
    expect(store.loadCreds()).toBeUndefined();
    expect(store.keyCount()).toBe(0);
    expect(store.getMessageContent('OUT1')).toBeUndefined();
    expect(store.getStoredMessage('IN1')?.message.message?.imageMessage?.caption).toBe('kk');
    open[0]!.close();
    // After a restart there is nothing to log in with: a new QR, new creds.
    const fresh = sqliteAuthState(openStore(file), clock);
    expect(fresh.state.creds.registrationId).not.toBe(auth.state.creds.registrationId);
    expect(fresh.state.creds.account).toBeUndefined();
  });
});

describe('sent-message cache for getMessage', () => {
  test('a sent message comes back as the proto Baileys re-encrypts', () => {
    const store = openStore(path.join(tempDir(), 'wa.db'));
    const message = proto.Message.create({ extendedTextMessage: { text: 'Silakan pilih layanan:\n\n1. Syarat dokumen' } });
    store.saveMessage({ id: 'OUT2', jid: '123@lid', direction: 'out', kind: 'text', message: { key: { id: 'OUT2', remoteJid: '123@lid', fromMe: true }, message } }, clock.now());
    expect(store.getMessageContent('OUT2')?.extendedTextMessage?.text).toBe('Silakan pilih layanan:\n\n1. Syarat dokumen');
    expect(store.getMessageContent('unknown')).toBeUndefined();
  });

  test('old sent messages are pruned', () => {
    const store = openStore(path.join(tempDir(), 'wa.db'));
    store.saveMessage({ id: 'OLD', jid: 'x@lid', direction: 'out', kind: 'text', message: { key: { id: 'OLD' }, message: { conversation: 'a' } } }, new Date('2026-01-01T00:00:00Z'));
    store.saveMessage({ id: 'NEW', jid: 'x@lid', direction: 'out', kind: 'text', message: { key: { id: 'NEW' }, message: { conversation: 'b' } } }, new Date('2026-11-01T00:00:00Z'));
    expect(store.pruneMessages('out', new Date('2026-10-01T00:00:00Z'))).toBe(1);
    expect(store.getMessageContent('NEW')?.conversation).toBe('b');
  });
});

test('a fresh login starts from Baileys’ initAuthCreds shape', () => {
  const auth = sqliteAuthState(openStore(path.join(tempDir(), 'wa.db')), clock);
  expect(Object.keys(auth.state.creds).sort()).toEqual(Object.keys(initAuthCreds()).sort());
});
