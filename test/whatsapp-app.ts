// A whole app with WhatsApp on over a FakeSocket: paced sends on the injected clock, the link open.
import { createWhatsAppFeature } from '../src/channels/whatsapp/feature.js';
import type { FeatureFactory } from '../src/core/feature.js';
import { FakeClock, makeTestApp, type TestApp } from './helpers.js';
import { FakeSocket } from './whatsapp-fakes.js';

export async function openWhatsAppApp(options: { clock?: FakeClock; features?: FeatureFactory[]; random?: () => number } = {}): Promise<{ t: TestApp; socket: FakeSocket; clock: FakeClock }> {
  const clock = options.clock ?? new FakeClock();
  const sockets: FakeSocket[] = [];
  const t = await makeTestApp({
    clock,
    env: { WHATSAPP: 'on' },
    features: [
      ...(options.features ?? []),
      createWhatsAppFeature({
        makeSocket: (o) => (sockets.push(new FakeSocket(o)), sockets[sockets.length - 1]!),
        sleep: async (ms) => clock.advance(ms),
        random: options.random ?? (() => 0.5),
        print: () => {},
      }),
    ],
  });
  await t.app.features.find((f) => f.name === 'whatsapp')!.start!();
  const socket = sockets[0]!;
  socket.open();
  return { t, socket, clock };
}
