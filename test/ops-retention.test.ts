// Retention as the README promises it, one rule at a time: after its time each kind of
// personal data is gone or masked, and what is younger is still there.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { applicationsFeature } from '../src/applications/feature.js';
import { bookingFeature } from '../src/booking/feature.js';
import { webChatFeature } from '../src/channels/web/feature.js';
import { handoffFeature } from '../src/handoff/feature.js';
import { RETENTION, maskAuditDetail } from '../src/ops/retention.js';
import { FakeClock, choicesOf, choiceIds, makeTestApp, testNik, textOf, type TestApp } from './helpers.js';

const DAY = 86_400_000;
const TOKEN = 'test-admin-token-0123456789';
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function start(features = [webChatFeature]) {
  t = await makeTestApp({ clock: new FakeClock('2026-01-05T02:00:00.000Z'), env: { ADMIN_TOKEN: TOKEN }, features });
  return t;
}
const count = (app: TestApp, sql: string, ...args: unknown[]) => app.ctx.db.prepare(sql).pluck().get(...args) as number;
const admin = (app: TestApp, method: string, p: string, body: unknown) =>
  app.ctx.http.request(`/api/admin${p}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
let seq = 0;
const write = (app: TestApp, channel: 'telegram' | 'whatsapp', address: string, text: string) =>
  app.ctx.engine.handleNow({ id: `r${++seq}`, channel, address, input: { type: 'text', text } });

describe('retention rules', () => {
  test(`dedupe ids go after ${RETENTION.dedupeDays} days, in batches (1,200 of them)`, async () => {
    const app = await start();
    for (let i = 0; i < 1200; i++) app.ctx.store.markInboundSeen('telegram', `old-${i}`, app.clock.now());
    app.clock.advance((RETENTION.dedupeDays - 1) * DAY);
    app.ctx.store.markInboundSeen('telegram', 'young', app.clock.now());
    expect((await app.app.housekeeping()).dedupe).toBe(0);
    app.clock.advance(2 * DAY);
    expect((await app.app.housekeeping()).dedupe).toBe(1200);
    expect(count(app, 'SELECT COUNT(*) FROM inbound_seen')).toBe(1);
  });

  test(`a conversation left for ${RETENTION.conversationDays} days is dropped (a half-finished booking holds a NIK)`, async () => {
    const app = await start();
    await app.say('resident-c1', 'booking');
    app.clock.advance(10 * DAY);
    await app.say('resident-c2', 'halo');
    app.clock.advance((RETENTION.conversationDays - 5) * DAY);
    expect((await app.app.housekeeping()).conversations).toBe(1);
    expect(count(app, 'SELECT COUNT(*) FROM conversations')).toBe(1);
  });

  test('a request waiting behind "Tinggalkan dulu?" is removed from the saved conversation once it is idle (IDLE_MINUTES); a late "Ya" still leads where it asked', async () => {
    const app = await start([bookingFeature, handoffFeature, webChatFeature]);
    const who = 'resident-l1';
    const state = () => app.ctx.db.prepare('SELECT c.state FROM conversations c JOIN residents r ON r.id = c.resident_id WHERE r.address = ?').pluck().get(who) as string;
    await app.say(who, 'booking');
    await app.say(who, { choice: 'r:bpjs' });
    await app.say(who, testNik(7));
    await app.say(who, 'Siti Aminah');
    const ask = await app.say(who, 'Saya mau komplain, petugas Sutrisna Wulandari minta uang 50 ribu');
    expect(choicesOf(ask)).toEqual(['Ya, tanya dulu', 'Lanjutkan booking']);
    expect(state()).toContain('Sutrisna');
    app.clock.advance(29 * 60_000);
    expect((await app.app.housekeeping()).waitingRequests).toBe(0);
    expect(state()).toContain('Sutrisna');
    app.clock.advance(2 * 60_000);
    expect((await app.app.housekeeping()).waitingRequests).toBe(1);
    expect(state()).not.toContain('Sutrisna');
    // The half-finished booking itself follows the conversation's own rule (30 days).
    expect(state()).toContain('Siti Aminah');
    const yes = ask.flatMap((r) => r.choices ?? []).find((c) => c.id.startsWith('nav:leave'))!.id;
    const late = await app.say(who, { choice: yes });
    expect(textOf(late)).toContain('Tentang apa?');
    expect(count(app, 'SELECT COUNT(*) FROM handoff_cases')).toBe(0);
  });

  test('a saved conversation that is not JSON does not stop the sweeps: idle drafts and requests of others are still removed', async () => {
    const app = await start([bookingFeature, handoffFeature, webChatFeature]);
    await app.say('resident-x1', 'halo');
    app.ctx.db.prepare("UPDATE conversations SET state = '{broken' WHERE resident_id = (SELECT id FROM residents WHERE address = 'resident-x1')").run();
    const who = 'resident-x2';
    await app.say(who, 'booking');
    await app.say(who, { choice: 'r:bpjs' });
    await app.say(who, testNik(8));
    await app.say(who, 'Siti Aminah');
    expect(choiceIds(await app.say(who, 'Saya mau komplain, petugas Sutrisna Wulandari minta uang 50 ribu'))).toContain('nav:leave');
    // A message written into a closed case and not sent yet ("Kirim … sebagai kasus baru?").
    const writer = 'resident-x3';
    await app.say(writer, 'hubungi petugas');
    await app.say(writer, 'Pertanyaan');
    await app.say(writer, 'Apakah KTP bisa dicetak di kecamatan?');
    app.ctx.services.handoff!.service.close(1, 'dijawab', { name: 'budi', role: 'petugas' });
    await app.poll(writer);
    expect(choicesOf(await app.say(writer, 'Nama ibu saya Sutrisna Wulandari salah tulis di KK'))).toEqual(['Ya, kirim ke petugas', 'Tidak usah']);
    app.clock.advance(31 * 60_000);
    const report = await app.app.housekeeping();
    // The waiting request and the unsent message, in the same batched walk.
    expect(report.waitingRequests).toBe(2);
    expect(count(app, "SELECT COUNT(*) FROM conversations WHERE state LIKE '%Sutrisna%'")).toBe(0);
  });

  test(`outbox rows in any state (never fetched, failed, delivered) go ${RETENTION.outboxDays} days after they were queued`, async () => {
    const app = await start();
    await app.say('resident-o1', 'halo'); // replies the page never fetches again: pending
    const r = write(app, 'telegram', '5001', 'halo');
    const failed = app.ctx.store.enqueue({ residentId: r.residentId, channel: 'telegram', address: '5001', reply: { text: 'Permohonan a.n. Rina Wati selesai' }, kind: 'notification' }, app.clock.now())!;
    app.ctx.store.markFailed(failed, 'blocked');
    for (const id of r.outboxIds) app.ctx.store.markSent(id, app.clock.now());
    const old = count(app, 'SELECT COUNT(*) FROM outbox');
    app.clock.advance(RETENTION.outboxDays * DAY - 60_000);
    await app.say('resident-o2', 'halo');
    expect((await app.app.housekeeping()).outbox).toBe(0);
    app.clock.advance(120_000);
    expect((await app.app.housekeeping()).outbox).toBe(old);
    expect(count(app, "SELECT COUNT(*) FROM outbox WHERE payload LIKE '%Rina%'")).toBe(0);
    expect(count(app, 'SELECT COUNT(*) FROM outbox')).toBeGreaterThan(0); // resident-o2's are young
  });

  test('old broadcasts lose their recipient lists first, so their outbox rows can go', async () => {
    const app = await start([applicationsFeature, webChatFeature]);
    write(app, 'telegram', '5002', 'halo');
    expect((await admin(app, 'POST', '/broadcasts', { text: 'Kantor tutup hari Senin.', officer: 'budi', urgent: true })).status).toBe(202);
    expect(count(app, 'SELECT COUNT(*) FROM broadcast_recipients')).toBe(1);
    app.clock.advance((RETENTION.outboxDays + 1) * DAY);
    const report = await app.app.housekeeping();
    expect(report.broadcastRecipients).toBe(1);
    expect(report.deferred).toEqual([]);
    expect(count(app, "SELECT COUNT(*) FROM outbox WHERE kind = 'broadcast'")).toBe(0);
  });

  test(`references to residents' files go after ${RETENTION.mediaDays} days`, async () => {
    const app = await start();
    await app.say('resident-m1', 'halo');
    app.ctx.engine.handleNow({ id: 'p1', channel: 'web', address: 'resident-m1', input: { type: 'media', media: 'photo', ref: 'file-abc', caption: 'KK saya' } });
    app.clock.advance((RETENTION.mediaDays - 1) * DAY);
    expect((await app.app.housekeeping()).media).toBe(0);
    app.clock.advance(2 * DAY);
    expect((await app.app.housekeeping()).media).toBe(1);
    expect(count(app, 'SELECT COUNT(*) FROM inbound_media')).toBe(0);
  });

  test(`audit entries lose their personal fields after ${RETENTION.auditMaskDays} days and go after ${RETENTION.auditKeepDays}`, async () => {
    const app = await start();
    const detail = { trackingNo: 'LU-1', applicantName: 'Rina Wati', nik: '1803020101900001', contact: { channel: 'whatsapp', address: '6281234567890' }, status: 'diterima', date: '2026-02-01' };
    app.ctx.store.audit('budi', 'applications.create', '6281234567890', detail, app.clock.now());
    app.clock.advance((RETENTION.auditMaskDays + 1) * DAY);
    app.ctx.store.audit('budi', 'applications.create', 'LU-2', detail, app.clock.now());
    expect((await app.app.housekeeping()).auditMasked).toBe(1);
    const [first, second] = app.ctx.db.prepare('SELECT subject, detail, masked_at FROM audit_log ORDER BY id').all() as Array<{ subject: string; detail: string; masked_at: string | null }>;
    expect(first!.detail).not.toMatch(/Rina|1803020101900001|6281234567890/);
    expect(JSON.parse(first!.detail)).toMatchObject({ trackingNo: 'LU-1', applicantName: '***', nik: '***', status: 'diterima', date: '2026-02-01' });
    expect(first!.subject).toBe('6281*******90');
    expect(second!.detail).toContain('Rina Wati');
    app.clock.advance((RETENTION.auditKeepDays + 1) * DAY);
    expect((await app.app.housekeeping()).auditDeleted).toBe(2);
  });

  test(`a resident silent for ${RETENTION.residentDays} days can no longer be linked to a phone number; one with a live booking is kept`, async () => {
    const app = await start([bookingFeature, webChatFeature]);
    const quiet = write(app, 'whatsapp', '6281234567890@s.whatsapp.net', 'halo');
    app.ctx.engine.handleNow({ id: 'p2', channel: 'whatsapp', address: '6281234567890@s.whatsapp.net', input: { type: 'media', media: 'photo', ref: 'whatsapp:ABC' } });
    // Another resident books far ahead and stays silent too.
    await app.say('resident-b1', 'menu');
    for (const step of [{ choice: 'm:book' }, { choice: 'r:hospital' }, '1803021204800001', 'Warga Uji', { choice: 'd:2026-01-06' }, { choice: 's:0' }, { choice: 'bk:yes' }] as const) await app.say('resident-b1', step);
    expect(count(app, "SELECT COUNT(*) FROM booking WHERE status = 'active'")).toBe(1);
    const booker = app.ctx.store.findResident('web', 'resident-b1')!.id;
    // A notification 30 days before the erasure (within the outbox's 90 days): blanked with the rest.
    app.clock.advance((RETENTION.residentDays - 29) * DAY);
    const notice = app.ctx.store.enqueue({ residentId: quiet.residentId, channel: 'whatsapp', address: '6281234567890@s.whatsapp.net', reply: { text: 'Permohonan Siti Aminah selesai' }, kind: 'notification' }, app.clock.now())!;
    app.ctx.store.markSent(notice, app.clock.now());
    app.clock.advance(30 * DAY);
    // The booking's day has passed but it is still "active" (never checked in): the resident is kept.
    const report = await app.app.housekeeping();
    expect(report.residents).toBe(1);
    const erased = app.ctx.store.getResident(quiet.residentId)!;
    expect(erased.address).toBe(`erased:${quiet.residentId}`);
    expect(erased.alt_address).toBeNull();
    expect(app.ctx.store.findResident('whatsapp', '6281234567890@s.whatsapp.net')).toBeUndefined();
    expect(count(app, "SELECT COUNT(*) FROM outbox WHERE address LIKE '%6281234567890%' OR payload LIKE '%Siti%'")).toBe(0);
    expect(count(app, `SELECT COUNT(*) FROM outbox WHERE id = ${notice} AND address = 'erased'`)).toBe(1);
    expect(count(app, 'SELECT COUNT(*) FROM inbound_media')).toBe(0);
    expect(app.ctx.store.getResident(booker)!.address).toBe('resident-b1');
    // Writing again starts fresh, as a new resident.
    expect(write(app, 'whatsapp', '6281234567890@s.whatsapp.net', 'halo').residentId).not.toBe(quiet.residentId);
  });

  test(`web chat identities never used go after ${RETENTION.unusedWebClientDays} days; used ones stay`, async () => {
    const app = await start();
    await app.ctx.http.request('/api/chat/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await app.say('resident-w1', 'halo');
    app.clock.advance((RETENTION.unusedWebClientDays + 1) * DAY);
    expect((await app.app.housekeeping()).webClients).toBe(1);
    expect(count(app, 'SELECT COUNT(*) FROM web_clients')).toBe(1);
  });

  test("officers' history notes are cleared with the NIK and name of a long-finished application", async () => {
    const app = await start([applicationsFeature, webChatFeature]);
    expect((await admin(app, 'POST', '/applications', { trackingNo: 'LU-N-1', service: 'kk_baru_perkawinan', applicantName: 'Rina Wati', nik: '1803020101900001', officer: 'budi' })).status).toBe(201);
    for (const s of ['diverifikasi', 'diproses']) await admin(app, 'POST', '/applications/LU-N-1/status', { status: s, officer: 'budi' });
    await admin(app, 'POST', '/applications/LU-N-1/status', { status: 'ditolak', officer: 'budi', note: 'KK lama a.n. Rina Wati NIK 1803020101900001 tidak cocok' });
    expect(count(app, "SELECT COUNT(*) FROM application_history WHERE note LIKE '%Rina%'")).toBe(1);
    app.clock.advance(181 * DAY);
    await app.app.housekeeping();
    expect(count(app, "SELECT COUNT(*) FROM application_history WHERE note LIKE '%Rina%' OR note LIKE '%1803%'")).toBe(0);
    expect(count(app, "SELECT COUNT(*) FROM applications WHERE applicant_name = '-'")).toBe(1);
  });
});

describe('housekeeping and other writers', () => {
  test('a lock held by another process defers the sweep instead of failing; the next run finishes it', async () => {
    const app = await start();
    for (let i = 0; i < 10; i++) app.ctx.store.markInboundSeen('telegram', `old-${i}`, app.clock.now());
    app.clock.advance((RETENTION.dedupeDays + 1) * DAY);
    const other = new Database(path.join(app.dir, 'adminduk.db'));
    other.exec('BEGIN IMMEDIATE');
    const blocked = await app.app.housekeeping();
    expect(blocked.deferred).toContain('dedupe');
    other.exec('COMMIT');
    other.close();
    expect((await app.app.housekeeping()).dedupe).toBe(10);
  });

  test('audit masking keeps what is not personal', () => {
    expect(JSON.parse(maskAuditDetail(JSON.stringify({ code: 'ABC234', name: 'Siti', reason: 'hospital', count: 3, phone: 6281234567890 }))!)).toEqual({ code: 'ABC234', name: '***', reason: 'hospital', count: 3, phone: '***' });
  });
});

describe('retention of failure counters', () => {
  test('login and status-check counters (usernames, addresses, chats) go a day after they started, unless a lock-out still runs', async () => {
    const app = await makeTestApp({ clock: new FakeClock('2026-01-05T02:00:00.000Z') });
    t = app;
    const at = (ms: number) => new Date(app.clock.now().getTime() + ms).toISOString();
    const insert = (table: string, scope: string, lockedUntil: string | null) =>
      app.ctx.db.prepare(`INSERT INTO ${table} (scope, failures, first_at, locked_until) VALUES (?, 3, ?, ?)`).run(scope, at(0), lockedUntil);
    for (const table of ['login_failures', 'status_check_failures']) {
      insert(table, `${table}:old`, null);
      insert(table, `${table}:locked`, at(3 * DAY));
    }
    app.clock.advance(DAY / 2);
    for (const table of ['login_failures', 'status_check_failures']) insert(table, `${table}:young`, null);
    app.clock.advance(DAY);
    await app.app.housekeeping();
    for (const table of ['login_failures', 'status_check_failures']) {
      const left = app.ctx.db.prepare(`SELECT scope FROM ${table} ORDER BY scope`).pluck().all();
      expect(left).toEqual([`${table}:locked`, `${table}:young`]);
    }
  });
});
