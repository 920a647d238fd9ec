// The web chat as an attacker and an unlucky resident see it: identities only the page holds,
// acknowledgements that cannot hide what was never shown, closed doors for other sites, polite
// limits, and a busy database that delays a message instead of losing it.
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { createApp } from '../src/app.js';
import { applicationsFeature } from '../src/applications/feature.js';
import { webChatFeature } from '../src/channels/web/feature.js';
import { loadCoreConfig } from '../src/config.js';
import type { FeatureFactory } from '../src/core/feature.js';
import { createLogger } from '../src/log.js';
import { FakeClock, makeTestApp, tempDir, textOf, type TestApp } from './helpers.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const json = { 'content-type': 'application/json' };

async function newSession(app: TestApp) {
  const res = await app.ctx.http.request('/api/chat/session', { method: 'POST', headers: json, body: '{}' });
  expect(res.status).toBe(200);
  return (await res.json()) as { clientId: string; secret: string };
}

function send(app: TestApp, who: { clientId: string; secret: string }, body: Record<string, unknown>) {
  return app.ctx.http.request('/api/chat/send', {
    method: 'POST',
    headers: { ...json, 'x-chat-client': who.clientId, 'x-chat-secret': who.secret },
    body: JSON.stringify(body),
  });
}

describe('web chat identity', () => {
  test('the server issues an unguessable id (≥ 128 bits) and a secret; the secret is needed for every request', async () => {
    t = await makeTestApp({ features: [webChatFeature] });
    const a = await newSession(t);
    const b = await newSession(t);
    expect(a.clientId).not.toBe(b.clientId);
    // base64url: 6 bits a character
    expect((a.clientId.length - 1) * 6).toBeGreaterThanOrEqual(128);
    expect(a.secret.length * 6).toBeGreaterThanOrEqual(128);

    expect((await send(t, a, { messageId: 'm1', text: 'halo' })).status).toBe(200);
    // The id alone (the old way, in the body or the URL) is not enough.
    expect((await send(t, { clientId: a.clientId, secret: b.secret }, { messageId: 'm2', text: 'halo' })).status).toBe(401);
    expect((await t.ctx.http.request(`/api/chat/messages?clientId=${a.clientId}`)).status).toBe(401);
    const old = await t.ctx.http.request('/api/chat/send', { method: 'POST', headers: json, body: JSON.stringify({ clientId: a.clientId, messageId: 'm3', text: 'halo' }) });
    expect(old.status).toBe(401);
    expect(((await old.json()) as { message: string }).message).toMatch(/Sesi chat berakhir/);
  });

  test('an identity the server has seen stops working once its row changes or goes: in this process at once, from another process by the next request', async () => {
    t = await makeTestApp({ features: [webChatFeature] });
    const a = await newSession(t);
    const b = await newSession(t);
    const c = await newSession(t);
    for (const who of [a, b, c]) expect((await send(t, who, { messageId: 'm1', text: 'halo' })).status).toBe(200);
    // Retention or erasure in this process (the same connection): refused at once.
    t.ctx.db.prepare('DELETE FROM web_clients WHERE client_id = ?').run(a.clientId);
    expect((await send(t, a, { messageId: 'm2', text: 'halo' })).status).toBe(401);
    // A secret replaced (an id issued again): the old one is refused, the new one works.
    const secret = 'n'.repeat(43);
    t.ctx.db.prepare('UPDATE web_clients SET secret_hash = ? WHERE client_id = ?').run(createHash('sha256').update(secret).digest('hex'), b.clientId);
    expect((await send(t, b, { messageId: 'm2', text: 'halo' })).status).toBe(401);
    expect((await send(t, { clientId: b.clientId, secret }, { messageId: 'm2', text: 'halo' })).status).toBe(200);
    // Another process deletes one: the next request (a later turn of the event loop, as every request over the network is) is refused.
    const other = new Database(path.join(t.dir, 'adminduk.db'));
    other.prepare('DELETE FROM web_clients WHERE client_id = ?').run(c.clientId);
    other.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await send(t, c, { messageId: 'm2', text: 'halo' })).status).toBe(401);
  });

  test('browsers asking at the same moment (written together) each get their own working identity', async () => {
    t = await makeTestApp({ features: [webChatFeature] });
    const all = await Promise.all(Array.from({ length: 6 }, () => newSession(t!)));
    expect(new Set(all.map((a) => a.clientId)).size).toBe(6);
    for (const [i, who] of all.entries()) expect((await send(t, who, { messageId: `m${i}`, text: 'halo' })).status).toBe(200);
    expect((await send(t, { clientId: all[0]!.clientId, secret: all[1]!.secret }, { messageId: 'x', text: 'halo' })).status).toBe(401);
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM web_clients').pluck().get()).toBe(6);
  });

  test('a second client can neither read nor hide the first one\'s replies', async () => {
    t = await makeTestApp({ features: [webChatFeature] });
    const a = await newSession(t);
    const b = await newSession(t);
    const first = (await (await send(t, a, { messageId: 'm1', text: 'halo' })).json()) as { messages: Array<{ id: number; text: string }> };
    const ids = first.messages.map((m) => m.id);
    expect(ids.length).toBeGreaterThan(0);

    // B acknowledges A's ids (as "ack=1e20" once did): nothing of A's changes.
    const fromB = await t.ctx.http.request(`/api/chat/messages?ack=${ids.join(',')}`, { headers: { 'x-chat-client': b.clientId, 'x-chat-secret': b.secret } });
    expect(((await fromB.json()) as { messages: unknown[] }).messages).toEqual([]);
    expect((await send(t, b, { messageId: 'm9', text: 'halo', ack: ids })).status).toBe(200);
    const again = await t.ctx.http.request('/api/chat/messages', { headers: { 'x-chat-client': a.clientId, 'x-chat-secret': a.secret } });
    expect(((await again.json()) as { messages: Array<{ id: number }> }).messages.map((m) => m.id)).toEqual(ids);
    // A huge ack is refused, not taken as "everything".
    expect((await t.ctx.http.request('/api/chat/messages?ack=1e20', { headers: { 'x-chat-client': a.clientId, 'x-chat-secret': a.secret } })).status).toBe(400);
  });

  test('message ids are deduplicated per client: another browser\'s "m1" is answered too', async () => {
    t = await makeTestApp({ features: [webChatFeature] });
    const a = await newSession(t);
    const b = await newSession(t);
    const ra = (await (await send(t, a, { messageId: 'm1', text: 'halo' })).json()) as { messages: unknown[] };
    const rb = (await (await send(t, b, { messageId: 'm1', text: 'halo' })).json()) as { messages: unknown[] };
    expect(ra.messages.length).toBeGreaterThan(0);
    expect(rb.messages.length).toBeGreaterThan(0);
    // The same browser repeating its id is a re-delivery: nothing new is stepped.
    const before = t.ctx.db.prepare('SELECT COUNT(*) FROM outbox').pluck().get();
    await send(t, a, { messageId: 'm1', text: 'halo' });
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM outbox').pluck().get()).toBe(before);
  });
});

describe('web chat doors', () => {
  test('JSON only, no cross-site requests, and security headers on the page and the API', async () => {
    t = await makeTestApp({ features: [webChatFeature] });
    const a = await newSession(t);
    const plain = await t.ctx.http.request('/api/chat/send', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-chat-client': a.clientId, 'x-chat-secret': a.secret },
      body: JSON.stringify({ messageId: 'm1', text: 'halo' }),
    });
    expect(plain.status).toBe(415);
    const cross = await t.ctx.http.request('/api/chat/send', {
      method: 'POST',
      headers: { ...json, 'sec-fetch-site': 'cross-site', 'x-chat-client': a.clientId, 'x-chat-secret': a.secret },
      body: JSON.stringify({ messageId: 'm1', text: 'halo' }),
    });
    expect(cross.status).toBe(403);
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM residents').pluck().get()).toBe(0);

    const page = await t.ctx.http.request('/');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
    const api = await t.ctx.http.request('/api/chat/messages', { headers: { 'x-chat-client': a.clientId, 'x-chat-secret': a.secret } });
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(api.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('over a real connection (headers read from Node, answers written as they are): the same doors, identity and security headers', async () => {
    t = await makeTestApp({ features: [webChatFeature], env: { PORT: '0' } });
    const port = await t.app.listen();
    const url = (p: string) => `http://127.0.0.1:${port}${p}`;
    const secure = (res: Response) => {
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    };
    const session = await fetch(url('/api/chat/session'), { method: 'POST', headers: json, body: '{}' });
    expect(session.status).toBe(200);
    secure(session);
    const a = (await session.json()) as { clientId: string; secret: string };
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(url('/api/chat/send'), { method: 'POST', headers: { ...json, 'x-chat-client': a.clientId, 'x-chat-secret': a.secret, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

    const sent = await post({ messageId: 'm1', text: 'halo' });
    expect(sent.status).toBe(200);
    secure(sent);
    const answer = (await sent.json()) as { messages: Array<{ id: number; text: string }>; lang: string };
    // The answer is the resident's pending rows as stored, each with its id.
    const rows = t.ctx.db.prepare("SELECT id, payload FROM outbox WHERE channel = 'web' AND status = 'pending' ORDER BY id").all() as Array<{ id: number; payload: string }>;
    expect(answer).toEqual({ messages: rows.map((r) => ({ id: r.id, ...JSON.parse(r.payload) })), lang: 'id' });
    expect(answer.messages.length).toBeGreaterThan(0);
    expect(answer.messages[0]!.text).toMatch(/\S/);

    const wrong = await post({ messageId: 'm2', text: 'halo' }, { 'x-chat-secret': 'x'.repeat(43) });
    expect(wrong.status).toBe(401);
    secure(wrong);
    const noSecret = await fetch(url('/api/chat/send'), { method: 'POST', headers: { ...json, 'x-chat-client': a.clientId }, body: JSON.stringify({ messageId: 'm2', text: 'halo' }) });
    expect(noSecret.status).toBe(401);
    const plain = await post({ messageId: 'm2', text: 'halo' }, { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    secure(plain);
    expect((await post({ messageId: 'm2', text: 'halo' }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const huge = await post({ messageId: 'm2', text: 'x'.repeat(70 * 1024) });
    expect(huge.status).toBe(413);
    secure(huge);
    expect((await post('{"messageId":')).status).toBe(400);
    // None of the refused requests was recorded; the acknowledged first answer leaves the inbox empty.
    const next = await post({ messageId: 'm3', text: 'bantuan', ack: answer.messages.map((m) => m.id) });
    const later = (await next.json()) as { messages: Array<{ id: number }> };
    expect(later.messages.every((m) => !answer.messages.some((x) => x.id === m.id))).toBe(true);
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM inbound_seen').pluck().get()).toBe(2);
    const pulled = await fetch(url('/api/chat/messages'), { headers: { 'x-chat-client': a.clientId, 'x-chat-secret': a.secret } });
    secure(pulled);
    expect(((await pulled.json()) as { messages: Array<{ id: number }> }).messages.map((m) => m.id)).toEqual(later.messages.map((m) => m.id));
  });

  test('too many messages from one browser, or requests from one address, get a polite 429 with Retry-After', async () => {
    t = await makeTestApp({ features: [webChatFeature], env: { WEB_CHAT_CLIENT_RATE: '3', WEB_CHAT_IP_RATE: '8' } });
    const a = await newSession(t);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await send(t, a, { messageId: `m${i}`, text: 'halo' })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await send(t, a, { messageId: 'm9', text: 'halo' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { message: string }).message).toMatch(/Tunggu sebentar, pesan akan terkirim/);
    // 1 session + 5 sends so far; the address runs out at 8 requests a minute.
    const more = [];
    for (let i = 0; i < 3; i++) more.push((await t.ctx.http.request('/api/chat/messages', { headers: { 'x-chat-client': a.clientId, 'x-chat-secret': a.secret } })).status);
    expect(more).toEqual([200, 200, 429]);
  });

  test('an error inside a request is a JSON 500 and one masked log line, never a stack trace on stdout', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _e, done) { lines.push(String(chunk)); done(); } });
    const boom: FeatureFactory = (ctx) => {
      ctx.http.get('/api/chat/boom', () => {
        throw new Error('failed for NIK 1803025504950001 on 2026-02-01');
      });
      return { name: 'boom' };
    };
    const dir = tempDir();
    const env = { DATA_DIR: dir, LOG_LEVEL: 'info', CONTENT_DIR: path.resolve('flows') };
    const app = createApp(loadCoreConfig(env), { env, clock: new FakeClock(), log: createLogger('info', sink), features: [webChatFeature, boom] });
    try {
      const res = await app.ctx.http.request('/api/chat/boom');
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: 'internal error' });
      const out = lines.join('');
      expect(out).toContain('HTTP request failed');
      expect(out).not.toContain('1803025504950001');
      expect(out).toContain('1803**********01');
      // The masker leaves dates readable.
      expect(out).toContain('2026-02-01');
    } finally {
      await app.close();
    }
  });
});

describe('acknowledgements and quiet hours', () => {
  test('the delivery rounds leave web-chat replies alone: the page still gets them until it acknowledges them', async () => {
    t = await makeTestApp({ features: [webChatFeature] });
    await t.app.startFeatures();
    const a = await newSession(t);
    const first = (await (await send(t, a, { messageId: 'm1', text: 'halo' })).json()) as { messages: Array<{ id: number }> };
    expect(first.messages.length).toBeGreaterThan(0);
    await t.ctx.dispatcher.runOnce();
    const again = await t.ctx.http.request('/api/chat/messages', { headers: { 'x-chat-client': a.clientId, 'x-chat-secret': a.secret } });
    expect(((await again.json()) as { messages: Array<{ id: number }> }).messages.map((m) => m.id)).toEqual(first.messages.map((m) => m.id));
  });

  test('a status change in quiet hours reaches a web follower after its time, even if the page acknowledged everything', async () => {
    // 22:00 in Jakarta: inside the default quiet hours (21:00–06:00).
    const clock = new FakeClock('2026-11-30T15:00:00.000Z');
    const TOKEN = 'test-admin-token-0123456789';
    t = await makeTestApp({ clock, env: { ADMIN_TOKEN: TOKEN }, features: [applicationsFeature, webChatFeature] });
    await t.say('resident-q1', 'halo');
    const admin = (method: string, p: string, body: unknown) =>
      t!.ctx.http.request(`/api/admin${p}`, { method, headers: { ...json, authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
    expect(
      (await admin('POST', '/applications', { trackingNo: 'LU-Q-0001', service: 'kk_baru_perkawinan', applicantName: 'Rina Wati', nik: '1803020101900001', officer: 'budi', contact: { channel: 'web', address: 'resident-q1' } })).status,
    ).toBe(201);
    expect((await admin('POST', '/applications/LU-Q-0001/status', { status: 'diverifikasi', officer: 'budi' })).status).toBe(200);
    const queued = t.ctx.db.prepare("SELECT id FROM outbox WHERE kind = 'notification'").pluck().all() as number[];
    expect(queued).toHaveLength(1);

    // The resident chats on; the page acknowledges what it showed, and (a forged ack) the notification's id too.
    await t.say('resident-q1', 'menu');
    expect(textOf(await t.poll('resident-q1'))).not.toContain('LU-Q-0001');
    const forged = await t.ctx.http.request(`/api/chat/messages?ack=${queued[0]}`, { headers: t.headers('resident-q1') });
    expect(((await forged.json()) as { messages: unknown[] }).messages).toEqual([]);

    clock.set('2026-11-30T23:01:00.000Z'); // 06:01 in Jakarta
    expect(textOf(await t.poll('resident-q1'))).toContain('LU-Q-0001');
  });
});

describe('a database locked by another process', () => {
  test('a message waits off the event loop, /healthz answers meanwhile, and the reply comes once the lock is gone', async () => {
    t = await makeTestApp({ features: [webChatFeature], env: { PORT: '0' }, app: { retryDelaysMs: Array(200).fill(20) } });
    const port = await t.app.listen();
    await t.say('resident-l1', 'halo');
    const other = new Database(path.join(t.dir, 'adminduk.db'));
    other.exec('BEGIN IMMEDIATE');
    let answered = false;
    const reply = t.say('resident-l1', 'bantuan').then((r) => {
      answered = true;
      return r;
    });
    // The message is waiting for the lock; HTTP still answers, readiness says why it is not ready.
    for (let i = 0; i < 5; i++) expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { database: { ok: boolean; detail: string } }).database).toMatchObject({ ok: false, detail: expect.stringMatching(/SQLITE_BUSY/) });
    expect(answered).toBe(false);
    other.exec('COMMIT');
    other.close();
    expect(textOf(await reply)).toContain('Cara memakai');
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
  });

  test('when the lock outlasts the retries the page gets "sedang sibuk, pesan akan terkirim"; sending the same messageId later works once', async () => {
    t = await makeTestApp({ features: [webChatFeature], app: { retryDelaysMs: [5, 5, 5] } });
    const a = await newSession(t);
    const other = new Database(path.join(t.dir, 'adminduk.db'));
    other.exec('BEGIN IMMEDIATE');
    const busy = await send(t, a, { messageId: 'm1', text: 'halo' });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('5');
    expect(((await busy.json()) as { message: string }).message).toMatch(/Sedang sibuk, pesan akan terkirim/);
    other.exec('COMMIT');
    other.close();
    const again = await send(t, a, { messageId: 'm1', text: 'halo' });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { messages: unknown[] }).messages.length).toBeGreaterThan(0);
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM inbound_seen').pluck().get()).toBe(1);
  });
});

describe('a new chat while the database is locked', () => {
  const busyRetries = async (app: TestApp) => (await app.ctx.metrics.dbBusy.get()).values.reduce((n, v) => n + v.value, 0);

  test('a short lock (the checkpointer cutting the WAL) is waited out: the page gets its identity, not 503', async () => {
    t = await makeTestApp({ features: [webChatFeature], app: { retryDelaysMs: Array(400).fill(5) } });
    const other = new Database(path.join(t.dir, 'adminduk.db'));
    other.exec('BEGIN IMMEDIATE');
    const asked = t.ctx.http.request('/api/chat/session', { method: 'POST', headers: json, body: '{}' });
    // The first try met the lock and the request is waiting for the next one.
    while ((await busyRetries(t)) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    other.exec('COMMIT');
    other.close();
    const res = await asked;
    expect(res.status).toBe(200);
    const who = (await res.json()) as { clientId: string; secret: string };
    expect((await send(t, who, { messageId: 'm1', text: 'halo' })).status).toBe(200);
  });

  test('a lock that outlasts the waits answers 503 with Retry-After, and the next try works', async () => {
    t = await makeTestApp({ features: [webChatFeature], app: { retryDelaysMs: [5, 5, 5] } });
    const other = new Database(path.join(t.dir, 'adminduk.db'));
    other.exec('BEGIN IMMEDIATE');
    const busy = await t.ctx.http.request('/api/chat/session', { method: 'POST', headers: json, body: '{}' });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('5');
    expect(await busyRetries(t)).toBe(3);
    other.exec('COMMIT');
    other.close();
    await newSession(t);
  });
});

describe("guessing officers' tokens", () => {
  test('after 10 wrong tokens a minute the address gets 429 before any token is compared, even the right one', async () => {
    const TOKEN = 'test-admin-token-0123456789';
    t = await makeTestApp({ features: [applicationsFeature], env: { ADMIN_TOKEN: TOKEN } });
    const call = (token: string) => t!.ctx.http.request('/api/admin/applications', { headers: { authorization: `Bearer ${token}` } });
    expect((await call(TOKEN)).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await call(`wrong-token-${i}-xxxxxxxx`)).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    const blocked = await call(TOKEN);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('request bodies', () => {
  test('over 1 MB is refused on every public route (webhooks too), before it is read', async () => {
    t = await makeTestApp({ features: [webChatFeature] });
    const res = await t.ctx.http.request('/telegram/webhook', { method: 'POST', headers: json, body: 'x'.repeat(1024 * 1024 + 10) });
    expect(res.status).toBe(413);
  });
});
