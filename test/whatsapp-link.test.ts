// Linking and the reconnect table, with fake timers: what happens after each close code,
// and that no sequence of failures turns into a reconnect storm.
import path from 'node:path';
import makeWASocket, { DisconnectReason } from '@whiskeysockets/baileys';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { backoffDelay, closeAction, WhatsAppConnection } from '../src/channels/whatsapp/connection.js';
import { createWhatsAppFeature } from '../src/channels/whatsapp/feature.js';
import { createLogger } from '../src/log.js';
import { CoreStore } from '../src/store/core-store.js';
import { openDatabase, type Db } from '../src/store/db.js';
import { WhatsAppStore } from '../src/store/whatsapp-store.js';
import { FakeClock, makeTestApp, tempDir, type TestApp } from './helpers.js';
import type { WhatsAppSocket } from '../src/channels/whatsapp/port.js';
import { FakeSocket, silentLog } from './whatsapp-fakes.js';

const PHONE = '6281234567890';

interface Rig {
  connection: WhatsAppConnection;
  sockets: FakeSocket[];
  store: WhatsAppStore;
  core: CoreStore;
  db: Db;
  logs: string[];
  printed: string[];
  last(): FakeSocket;
}

let rig: Rig | undefined;
let db: Db | undefined;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(async () => {
  await rig?.connection.stop();
  rig = undefined;
  db?.close();
  db = undefined;
  vi.useRealTimers();
});

function makeRig(options: { pairingNumber?: string; random?: () => number } = {}): Rig {
  db = openDatabase(path.join(tempDir(), 'wa.db'));
  const store = new WhatsAppStore(db);
  const core = new CoreStore(db);
  const sockets: FakeSocket[] = [];
  const logs: string[] = [];
  const printed: string[] = [];
  const log = createLogger('info', { write: (line: string) => void logs.push(line) });
  const connection = new WhatsAppConnection({
    store,
    core,
    clock: new FakeClock(),
    log,
    libLog: silentLog,
    makeSocket: (opts) => {
      const socket = new FakeSocket(opts);
      sockets.push(socket);
      return socket;
    },
    pairingNumber: options.pairingNumber,
    random: options.random ?? (() => 0.5),
    print: (text) => void printed.push(text),
  });
  rig = { connection, sockets, store, core, db, logs, printed, last: () => sockets[sockets.length - 1]! };
  return rig;
}

/** Pretend the phone linked this device: creds with an account, as Baileys saves them. */
function linkedCreds(socket: FakeSocket): void {
  Object.assign(socket.options!.auth.creds, { me: { id: `${PHONE}:7@s.whatsapp.net` }, account: { details: Buffer.from('x') } });
  socket.ev.emit('creds.update', socket.options!.auth.creds);
}

const flush = () => vi.advanceTimersByTimeAsync(0);

describe('the reconnect table', () => {
  test.each([
    [401, 'relink'],
    [515, 'restart'],
    [440, 'stop'],
    [428, 'backoff'],
    [408, 'backoff'],
    [500, 'backoff'],
    [503, 'backoff'],
    [undefined, 'backoff'],
  ] as const)('close %s → %s', (code, action) => {
    expect(closeAction(code)).toBe(action);
  });

  test('backoff doubles, is capped at 5 minutes, and jitter keeps it within half to full', () => {
    expect(backoffDelay(1, () => 1)).toBe(2_000);
    expect(backoffDelay(2, () => 1)).toBe(4_000);
    expect(backoffDelay(5, () => 1)).toBe(32_000);
    expect(backoffDelay(30, () => 1)).toBe(300_000);
    expect(backoffDelay(30, () => 0)).toBe(150_000);
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(3, Math.random);
      expect(d).toBeGreaterThanOrEqual(4_000);
      expect(d).toBeLessThanOrEqual(8_000);
    }
  });
});

describe('linking', () => {
  test('an unlinked start shows a QR in the terminal and says it waits for a scan', async () => {
    const { connection, printed, logs, last } = makeRig();
    connection.start();
    last().showQr();
    await flush();
    expect(connection.state).toBe('waiting_for_scan');
    expect(connection.snapshot().qr).toContain('fake-qr-ref');
    expect(printed.join('')).toMatch(/[▄▀█]/); // drawn with block characters
    expect(printed.join('')).toContain('Linked devices');
    expect(logs.join('')).toContain('waiting for the office phone to link');
  });

  test('after the scan: restart required (515) → a new socket at once, then "connected as" a masked number', async () => {
    const { connection, sockets, logs, last } = makeRig();
    connection.start();
    last().showQr();
    linkedCreds(last());
    last().close(DisconnectReason.restartRequired);
    await flush();
    expect(sockets).toHaveLength(2);
    // The new socket logs in with the saved creds.
    expect(last().options!.auth.creds.me?.id).toBe(`${PHONE}:7@s.whatsapp.net`);
    last().open();
    expect(connection.state).toBe('open');
    expect(connection.snapshot().number).toBe('6281*******90@s.whatsapp.net');
    const text = logs.join('\n');
    expect(text).toContain('connected as 6281*******90');
    expect(text).not.toContain(PHONE);
  });

  test('with a pairing number, a pairing code is requested once and printed', async () => {
    const { connection, printed, last } = makeRig({ pairingNumber: PHONE });
    connection.start();
    last().showQr();
    last().showQr('2@second-qr');
    await flush();
    expect(last().pairingRequests).toEqual([PHONE]);
    expect(printed.join('')).toContain('ABCD-1234');
    expect(connection.snapshot().pairingCode).toBe('ABCD-1234');
  });
});

describe('after a close', () => {
  test('logged out (401) → keys wiped, an alert, and a new QR from fresh creds', async () => {
    const { connection, sockets, store, db, logs, last } = makeRig();
    connection.start();
    linkedCreds(last());
    store.setKeys({ session: { a: new Uint8Array([1]) } });
    last().open();
    last().close(DisconnectReason.loggedOut);
    expect(connection.state).toBe('logged_out');
    expect(store.loadCreds()).toBeUndefined();
    expect(store.keyCount()).toBe(0);
    expect(db.prepare(`SELECT action FROM audit_log`).pluck().all()).toContain('whatsapp.logged_out');
    expect(logs.join('')).toMatch(/"alert":true.*logged out/);
    await flush();
    expect(sockets).toHaveLength(2);
    expect(last().options!.auth.creds.account).toBeUndefined();
  });

  test('connection replaced (440) → stop and alert; no reconnect, however long we wait', async () => {
    const { connection, sockets, logs, last } = makeRig();
    connection.start();
    last().open();
    last().close(DisconnectReason.connectionReplaced);
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    expect(sockets).toHaveLength(1);
    expect(connection.state).toBe('replaced');
    expect(logs.join('')).toMatch(/"alert":true.*replaced/);
    // An officer may ask to connect again.
    connection.reconnect();
    expect(sockets).toHaveLength(2);
  });

  test('other closes back off exponentially: no reconnect storm', async () => {
    const { connection, sockets, last, logs } = makeRig({ random: () => 1 });
    connection.start();
    last().open();
    // The network is gone: every new socket fails again at once.
    last().close(DisconnectReason.connectionLost);
    const createdAt: number[] = [];
    // The fake timers' clock: the gaps are exactly what the backoff scheduled.
    const virtualMs = () => vi.getMockedSystemTime()!.getTime();
    const start = virtualMs();
    for (let i = 0; i < 12; i++) {
      const before = sockets.length;
      await vi.advanceTimersByTimeAsync(1_000);
      while (sockets.length === before) await vi.advanceTimersByTimeAsync(1_000);
      createdAt.push(virtualMs() - start);
      last().close(DisconnectReason.connectionClosed);
    }
    const gaps = createdAt.map((t, i) => t - (createdAt[i - 1] ?? 0));
    // 2 s, 4 s, 8 s … each wait at least the previous one, capped at 5 minutes.
    expect(gaps.slice(0, 4)).toEqual([2_000, 4_000, 8_000, 16_000]);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThanOrEqual(Math.min(gaps[i - 1]!, 300_000));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(300_000);
    // Within the first minute of an outage: at most 5 attempts.
    expect(createdAt.filter((t) => t <= 60_000).length).toBeLessThanOrEqual(5);
    expect(logs.join('')).toContain('reconnecting in');
  });

  test('a successful connection resets the backoff', async () => {
    const { connection, sockets, last } = makeRig({ random: () => 1 });
    connection.start();
    for (let i = 0; i < 4; i++) {
      last().close(DisconnectReason.connectionLost);
      await vi.advanceTimersByTimeAsync(60_000);
    }
    last().open();
    const before = sockets.length;
    last().close(DisconnectReason.connectionLost);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(sockets).toHaveLength(before);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(before + 1);
  });

  test('restart required over and over falls back to backoff instead of looping', async () => {
    const { connection, sockets, last } = makeRig();
    connection.start();
    for (let i = 0; i < 3; i++) {
      last().close(DisconnectReason.restartRequired);
      await flush();
    }
    expect(sockets).toHaveLength(4);
    last().close(DisconnectReason.restartRequired);
    await flush();
    expect(sockets).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(sockets).toHaveLength(5);
  });

  test('after stop nothing reconnects and the socket is ended', async () => {
    const { connection, sockets, last } = makeRig();
    connection.start();
    const socket = last();
    socket.open();
    await connection.stop();
    expect(socket.ended).toBe(true);
    socket.close(DisconnectReason.connectionClosed);
    await vi.advanceTimersByTimeAsync(3600_000);
    expect(sockets).toHaveLength(1);
    expect(connection.state).toBe('stopped');
  });

  test('a retry counter cache is shared by every socket', async () => {
    const { connection, sockets, last } = makeRig();
    connection.start();
    last().close(DisconnectReason.restartRequired);
    await flush();
    expect(sockets[1]!.options!.msgRetryCounterCache).toBe(sockets[0]!.options!.msgRetryCounterCache);
  });
});

describe('officers', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  test('the dashboard can fetch the QR (SVG) and the link state; relink unlinks and shows a new QR', async () => {
    vi.useRealTimers();
    const sockets: FakeSocket[] = [];
    const token = 'officer-token-123456';
    t = await makeTestApp({
      clock: new FakeClock(),
      env: { WHATSAPP: 'on', ADMIN_TOKEN: token },
      features: [createWhatsAppFeature({ makeSocket: (o) => (sockets.push(new FakeSocket(o)), sockets[sockets.length - 1]!), print: () => {} })],
    });
    const auth = { authorization: `Bearer ${token}` };
    await t.app.startFeatures();
    expect((await t.ctx.http.request('/api/admin/whatsapp/qr', { headers: auth })).status).toBe(404);
    sockets[0]!.showQr();
    const res = await t.ctx.http.request('/api/admin/whatsapp/qr', { headers: auth });
    const body = (await res.json()) as { state: string; svg: string };
    expect(body.state).toBe('waiting_for_scan');
    expect(body.svg).toMatch(/^<svg/);
    const svg = await t.ctx.http.request('/api/admin/whatsapp/qr?format=svg', { headers: auth });
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect((await t.ctx.http.request('/api/admin/whatsapp/qr')).status).not.toBe(200);

    linkedCreds(sockets[0]!);
    sockets[0]!.open();
    const status = (await (await t.ctx.http.request('/api/admin/whatsapp', { headers: auth })).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ state: 'open', number: '6281*******90@s.whatsapp.net', qrAvailable: false });

    const relink = await t.ctx.http.request('/api/admin/whatsapp/relink', { method: 'POST', headers: auth });
    expect(relink.status).toBe(200);
    expect(sockets[0]!.loggedOut).toBe(true);
    await vi.waitFor(() => expect(sockets).toHaveLength(2));
    expect(sockets[1]!.options!.auth.creds.account).toBeUndefined();
  });
});

describe('the real Baileys socket', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  test('accepts our SQLite auth state and, when the server cannot be reached, backs off instead of looping', async () => {
    vi.useRealTimers();
    const token = 'officer-token-123456';
    let created = 0;
    t = await makeTestApp({
      env: { WHATSAPP: 'on', ADMIN_TOKEN: token },
      features: [
        createWhatsAppFeature({
          // Nothing listens on this loopback port: no traffic leaves the machine.
          makeSocket: (o) => (created++, makeWASocket({ ...o, waWebSocketUrl: 'ws://127.0.0.1:9/ws/chat' }) as unknown as WhatsAppSocket),
          print: () => {},
        }),
      ],
    });
    await t.app.startFeatures();
    const status = async () => (await (await t!.ctx.http.request('/api/admin/whatsapp', { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, string>;
    await vi.waitFor(async () => expect((await status()).state).toBe('reconnecting'), { timeout: 5_000 });
    const s = await status();
    expect(Date.parse(s.nextAttemptAt!) - t.clock.now().getTime()).toBeGreaterThanOrEqual(1_000);
    expect(created).toBe(1);
  });
});
