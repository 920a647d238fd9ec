// The "day full, here are other days" answer is computed once per state of the bookings (the
// surge path), yet every refused resident sees the days that have room at that moment.
import { afterEach, beforeEach, expect, test } from 'vitest';
import { bookingFeature, type BookingFeature } from '../src/booking/feature.js';
import { webChatFeature } from '../src/channels/web/feature.js';
import type { Reply } from '../src/core/types.js';
import { FakeClock, makeTestApp, textOf, type TestApp } from './helpers.js';

let t: TestApp;
let booking: BookingFeature;

beforeEach(async () => {
  t = await makeTestApp({ features: [bookingFeature, webChatFeature], clock: new FakeClock('2026-11-30T02:00:00.000Z') });
  booking = t.app.features.find((f) => f.name === 'booking') as BookingFeature;
});
afterEach(() => t.close());

const nikOf = (i: number) => `180302120495${String(i).padStart(4, '0')}`;
const choiceIds = (replies: Reply[]) => replies.flatMap((r) => r.choices ?? []).map((c) => c.id.replace(/~[^~]*$/, ''));
const tinyDay = (date: string) => booking.service.setCapacity(date, { per_day: 1, first_session: '08:00', sessions: 1, session_minutes: 30 }, 'test', t.clock.now());

/** Up to the confirm button for `date`, session 0. */
async function toConfirm(addr: string, nik: string, date: string) {
  await t.say(addr, 'menu');
  await t.say(addr, { choice: 'm:book' });
  await t.say(addr, { choice: 'r:bpjs' });
  await t.say(addr, nik);
  await t.say(addr, 'Siti Aminah');
  await t.say(addr, { choice: `d:${date}` });
  return t.say(addr, { choice: 's:0' });
}

test('refused presses are offered only days that still have room, even within the same minute', async () => {
  tinyDay('2026-12-01');
  tinyDay('2026-12-02');
  // Four residents reach the confirm button of 1 Dec (one place) at the same time.
  for (const [i, addr] of ['resident-a', 'resident-b', 'resident-c', 'resident-d'].entries()) await toConfirm(addr, nikOf(i + 1), '2026-12-01');
  expect(textOf(await t.say('resident-a', { choice: 'bk:yes' }))).toMatch(/Kode booking/);

  const b = await t.say('resident-b', { choice: 'bk:yes' });
  expect(textOf(b)).toMatch(/penuh/);
  expect(choiceIds(b)).toContain('d:2026-12-02');
  // The same answer again for the next refused press while nothing changed.
  const c = await t.say('resident-c', { choice: 'bk:yes' });
  expect(choiceIds(c)).toEqual(choiceIds(b));

  // Someone takes the one place of 2 Dec (same minute on the clock).
  await toConfirm('resident-e', nikOf(5), '2026-12-02');
  expect(textOf(await t.say('resident-e', { choice: 'bk:yes' }))).toMatch(/Kode booking/);
  const d = await t.say('resident-d', { choice: 'bk:yes' });
  expect(textOf(d)).toMatch(/penuh/);
  expect(choiceIds(d)).not.toContain('d:2026-12-02');
  expect(choiceIds(d).some((id) => id.startsWith('d:'))).toBe(true);
});
