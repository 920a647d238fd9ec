// The store on real SQLite files: migrations, atomicity of a message, restarts, the outbox.
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { DeliveryError, OutboxDispatcher, type OutboundMessage } from '../src/core/dispatcher.js';
import { createLogger } from '../src/log.js';
import { CoreStore } from '../src/store/core-store.js';
import { openDatabase } from '../src/store/db.js';
import { allMigrations } from '../src/store/migrations/index.js';
import { FakeClock, makeTestApp, tempDir, textOf, type TestApp } from './helpers.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('migrations', () => {
  test('an empty file gets every table, and migrating again changes nothing', () => {
    const file = path.join(tempDir(), 'fresh.db');
    const db = openDatabase(file);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['residents', 'conversations', 'inbound_seen', 'outbox', 'audit_log', 'schema_migrations']));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(versions).toEqual(allMigrations.map((m) => m.version).sort((a, b) => a - b));
    db.close();
    const again = openDatabase(file);
    expect(again.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get()).toBe(versions.length);
    again.close();
  });
});

describe('one transaction per message', () => {
  test('when the outbox write fails, the state and the dedupe mark are not saved either', async () => {
    t = await makeTestApp();
    t.ctx.db.exec("CREATE TRIGGER outbox_full BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    const msg = { id: 'm-1', channel: 'web' as const, address: 'resident-s1', input: { type: 'text' as const, text: 'halo' } };
    expect(() => t!.ctx.engine.handleNow(msg)).toThrow(/disk full/);
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM conversations').pluck().get()).toBe(0);
    expect(t.ctx.db.prepare('SELECT COUNT(*) FROM inbound_seen').pluck().get()).toBe(0);
    // Once the disk is fine again, the re-delivered message is handled normally.
    t.ctx.db.exec('DROP TRIGGER outbox_full');
    const result = t.ctx.engine.handleNow(msg);
    expect(result.duplicate).toBe(false);
    expect(textOf(result.replies)).toContain('Silakan pilih layanan');
  });

  test('a bug in a flow gets the resident an apology and the menu, and does not undo other messages in the batch', async () => {
    t = await makeTestApp({
      features: [
        () => ({
          name: 'broken',
          flows: [
            {
              id: 'status',
              version: 1,
              start: () => {
                throw new Error('boom');
              },
              onInput: () => ({ unhandled: true }),
              prompt: () => [],
            },
          ],
        }),
      ],
    });
    const [broken, fine] = await Promise.all([
      t.ctx.engine.handle({ id: 'b1', channel: 'web', address: 'resident-s2', input: { type: 'text', text: 'cek status permohonan' } }),
      t.ctx.engine.handle({ id: 'b2', channel: 'web', address: 'resident-s3', input: { type: 'text', text: 'ktp hilang' } }),
    ]);
    expect(textOf(broken.replies)).toContain('terjadi gangguan');
    expect(broken.replies.at(-1)!.choices!.length).toBeGreaterThan(0);
    expect(textOf(fine.replies)).toContain('KTP-el hilang');
  });
});

describe('restart', () => {
  test('a conversation halfway through the checklist continues after the store is reopened', async () => {
    const dir = tempDir();
    t = await makeTestApp({ dir });
    await t.say('resident-r1', 'syarat ktp hilang');
    const q1 = await t.say('resident-r1', { choice: 'req:check' });
    expect(textOf(q1)).toContain('(1/');
    await t.close();

    t = await makeTestApp({ dir });
    const q2 = await t.say('resident-r1', 'ya');
    expect(textOf(q2)).toContain('(2/');
    expect(textOf(q2)).not.toContain('asisten digital');
  });

  test('a saved state from an unknown older version restarts politely at the menu', async () => {
    t = await makeTestApp();
    await t.say('resident-r2', 'halo');
    const id = t.ctx.store.findResident('web', 'resident-r2')!.id;
    t.ctx.db.prepare("UPDATE conversations SET state = json_set(state, '$.flow', 'requirements', '$.flowVersion', 0, '$.node', 'old-node') WHERE resident_id = ?").run(id);
    const replies = await t.say('resident-r2', 'ya');
    expect(textOf(replies)).toContain('baru saja diperbarui');
    expect(textOf(replies)).toContain('Silakan pilih layanan');
  });

  test('corrupt saved state is treated as a fresh start', async () => {
    t = await makeTestApp();
    await t.say('resident-r3', 'halo');
    t.ctx.db.prepare("UPDATE conversations SET state = '{not json'").run();
    const replies = await t.say('resident-r3', 'menu');
    expect(replies.length).toBeGreaterThan(0);
    expect(textOf(replies)).toContain('Silakan pilih layanan');
  });
});

describe('outbox delivery', () => {
  function setup() {
    const db = openDatabase(path.join(tempDir(), 'outbox.db'));
    const store = new CoreStore(db);
    const clock = new FakeClock('2026-11-30T02:00:00Z');
    const a = store.upsertResident('telegram', '1001', undefined, 'id', clock.now());
    const b = store.upsertResident('telegram', '1002', undefined, 'id', clock.now());
    const sent: OutboundMessage[] = [];
    let failNext: DeliveryError | undefined;
    const dispatcher = new OutboxDispatcher({ store, clock, log: createLogger('silent'), random: () => 0.5 });
    dispatcher.register('telegram', {
      async send(m) {
        if (failNext) {
          const e = failNext;
          failNext = undefined;
          throw e;
        }
        sent.push(m);
        return { externalId: `ext-${m.outboxId}` };
      },
    });
    const enqueue = (residentId: number, text: string, extra: object = {}) =>
      store.enqueue({ residentId, channel: 'telegram', address: residentId === a.id ? '1001' : '1002', reply: { text }, ...extra }, clock.now());
    return { db, store, clock, a, b, sent, dispatcher, enqueue, failWith: (e: DeliveryError) => (failNext = e) };
  }

  test("delivers in order per resident, and a retried message holds back that resident's later ones", async () => {
    const s = setup();
    s.enqueue(s.a.id, 'a1');
    s.enqueue(s.a.id, 'a2');
    s.enqueue(s.b.id, 'b1');
    s.failWith(new DeliveryError('server error'));
    await s.dispatcher.runOnce(); // a1 fails (retry later), b1 goes
    expect(s.sent.map((m) => m.reply.text)).toEqual(['b1']);
    await s.dispatcher.runOnce(); // a1 not due yet: a2 must wait behind it
    expect(s.sent.map((m) => m.reply.text)).toEqual(['b1']);
    s.clock.advance(60_000);
    await s.dispatcher.runOnce();
    await s.dispatcher.runOnce();
    expect(s.sent.map((m) => m.reply.text)).toEqual(['b1', 'a1', 'a2']);
    expect(s.db.prepare("SELECT COUNT(*) FROM outbox WHERE status = 'sent'").pluck().get()).toBe(3);
  });

  test('retry_after from the channel is respected and recorded', async () => {
    const s = setup();
    const id = s.enqueue(s.a.id, 'hello')!;
    s.failWith(new DeliveryError('429: Too Many Requests', { retryAfterMs: 7_000 }));
    await s.dispatcher.runOnce();
    const row = s.store.getOutbox(id)!;
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: '429: Too Many Requests' });
    expect(Date.parse(row.next_attempt_at) - s.clock.now().getTime()).toBe(7_000);
  });

  test('a blocked bot marks the resident unreachable and stops sending to them', async () => {
    const s = setup();
    const first = s.enqueue(s.a.id, 'one')!;
    const second = s.enqueue(s.a.id, 'two')!;
    s.failWith(new DeliveryError('403: Forbidden: bot was blocked by the user', { unreachable: true }));
    await s.dispatcher.runOnce();
    await s.dispatcher.runOnce();
    expect(s.store.getOutbox(first)!.status).toBe('failed');
    expect(s.store.getOutbox(second)!).toMatchObject({ status: 'failed', last_error: expect.stringContaining('unreachable') });
    expect(s.store.getResident(s.a.id)!.unreachable).toBe(1);
    expect(s.sent).toHaveLength(0);
    // Writing to the bot again makes them reachable.
    s.store.upsertResident('telegram', '1001', undefined, 'id', s.clock.now());
    expect(s.store.getResident(s.a.id)!.unreachable).toBe(0);
  });

  test('a message leased by a process that died is sent after the lease ends', async () => {
    const s = setup();
    const id = s.enqueue(s.a.id, 'lost?')!;
    // A previous process claimed it and crashed before sending.
    s.store.claimDue('telegram', s.clock.now(), new Date(s.clock.now().getTime() + 60_000), 10);
    await s.dispatcher.runOnce();
    expect(s.sent).toHaveLength(0);
    s.clock.advance(61_000);
    await s.dispatcher.runOnce();
    expect(s.sent.map((m) => m.outboxId)).toEqual([id]);
  });

  test('idempotency keys store a notification once, and notBefore defers it', async () => {
    const s = setup();
    const later = new Date(s.clock.now().getTime() + 3_600_000);
    expect(s.enqueue(s.a.id, 'status changed', { idempotencyKey: 'k1', notBefore: later })).not.toBeNull();
    expect(s.enqueue(s.a.id, 'status changed', { idempotencyKey: 'k1', notBefore: later })).toBeNull();
    s.enqueue(s.a.id, 'a reply now');
    await s.dispatcher.runOnce();
    expect(s.sent.map((m) => m.reply.text)).toEqual(['a reply now']);
    s.clock.advance(3_600_000);
    await s.dispatcher.runOnce();
    expect(s.sent.map((m) => m.reply.text)).toEqual(['a reply now', 'status changed']);
  });
});

describe('residents known by two addresses (WhatsApp phone JID and LID)', () => {
  test('either address finds the same resident, whichever came first', () => {
    const db = openDatabase(path.join(tempDir(), 'alt.db'));
    const store = new CoreStore(db);
    const now = new Date('2026-11-30T02:00:00Z');
    const phone = '6281234567890@s.whatsapp.net';
    const lid = '123456789012345@lid';
    const first = store.upsertResident('whatsapp', phone, undefined, 'id', now);
    const byLid = store.upsertResident('whatsapp', lid, phone, 'id', now);
    expect(byLid.id).toBe(first.id);
    expect(store.getResident(first.id)!.alt_address).toBe(lid);
    expect(store.upsertResident('whatsapp', lid, undefined, 'id', now).id).toBe(first.id);
    expect(store.upsertResident('whatsapp', phone, lid, 'id', now).id).toBe(first.id);
    expect(db.prepare('SELECT COUNT(*) FROM residents').pluck().get()).toBe(1);
  });
});

describe('housekeeping', () => {
  test('a conversation abandoned mid-booking is dropped after 30 days with its NIK; the resident keeps their language', async () => {
    t = await makeTestApp();
    await t.say('resident-hk1', 'bahasa');
    await t.say('resident-hk1', 'booking');
    const id = t.ctx.store.findResident('web', 'resident-hk1')!.id;
    t.ctx.store.saveConversation(id, 1, JSON.stringify({ lang: 'en', flow: 'booking', flowVersion: 1, node: 'name', data: { nik: '1803025504950001' }, choices: [], at: t.clock.now().toISOString() }), t.clock.now());
    t.clock.advance(29 * 86_400_000);
    expect((await t.app.housekeeping()).conversations).toBe(0);
    t.clock.advance(2 * 86_400_000);
    expect((await t.app.housekeeping()).conversations).toBe(1);
    expect(t.ctx.db.prepare("SELECT COUNT(*) FROM conversations WHERE state LIKE '%1803025504950001%'").pluck().get()).toBe(0);
    expect(textOf(await t.say('resident-hk1', 'hello'))).toContain('digital assistant');
  });
});
