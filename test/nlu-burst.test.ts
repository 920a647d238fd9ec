// Bursts: "halo" / "mau tanya" / "syarat kk hilang" sent within a second or two get one
// answer, to the meaningful one. Small-talk replies on Telegram and WhatsApp wait BURST_MS
// (on the injected clock) and a later message of the same resident replaces them.
import { afterEach, expect, test } from 'vitest';
import type { InboundMessage } from '../src/core/types.js';
import { makeTestApp, type TestApp } from './helpers.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

let n = 0;
const msg = (address: string, text: string, channel: InboundMessage['channel'] = 'telegram'): InboundMessage => ({ id: `b${n++}`, channel, address, input: { type: 'text', text } });

/** What would still be delivered to the resident, in order. */
function queued(t: TestApp, residentId: number) {
  return (t.ctx.db.prepare("SELECT payload, next_attempt_at FROM outbox WHERE resident_id = ? AND status = 'pending' ORDER BY id").all(residentId) as Array<{ payload: string; next_attempt_at: string }>).map((r) => ({ text: (JSON.parse(r.payload) as { text: string }).text, at: r.next_attempt_at }));
}

test('three messages in a burst: one answer, to the meaningful one', async () => {
  t = await makeTestApp({ env: { BURST_MS: '2000' } });
  const first = t.ctx.engine.handleNow(msg('777001', 'halo'));
  t.clock.advance(600);
  t.ctx.engine.handleNow(msg('777001', 'mau tanya'));
  t.clock.advance(600);
  t.ctx.engine.handleNow(msg('777001', 'syarat kk hilang'));
  const left = queued(t, first.residentId);
  const all = left.map((r) => r.text).join('\n');
  expect(all).toContain('KK hilang atau rusak');
  expect(all).not.toContain('Halo! Saya asisten digital');
  expect(all).not.toContain('Cara memakai');
  // The meaningful answer goes out at once.
  expect(left.every((r) => Date.parse(r.at) <= t!.clock.now().getTime())).toBe(true);
});

test('small talk alone is answered, just a moment later; a later thanks does not drop an answer', async () => {
  t = await makeTestApp({ env: { BURST_MS: '2000' } });
  const r = t.ctx.engine.handleNow(msg('777002', 'syarat ktp baru'));
  t.ctx.engine.handleNow(msg('777002', 'makasih'));
  const left = queued(t, r.residentId);
  expect(left.map((x) => x.text).join('\n')).toContain('Dokumen yang dibawa');
  const thanks = left.find((x) => x.text.includes('Sama-sama'))!;
  expect(Date.parse(thanks.at) - t.clock.now().getTime()).toBe(2000);
});

test('the web chat answers every message at once (no burst there)', async () => {
  t = await makeTestApp({ env: { BURST_MS: '2000' } });
  const replies = await t.say('resident-burst-web', 'halo');
  expect(replies.map((x) => x.text).join('\n')).toContain('asisten digital');
});
