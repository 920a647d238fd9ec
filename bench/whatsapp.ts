// WhatsApp channel figures, offline: (1) login-key writes and reads in SQLite, as Baileys does
// them (a burst of sessions in one update); (2) residents' messages through the adapter into
// the engine (mapping, JID look-up, group commit, read receipts); (3) the outbox delivered
// through the paced sender with the pause set to 0 (the real pause is 1–3 s per resident).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app.js';
import { createWhatsAppFeature } from '../src/channels/whatsapp/feature.js';
import { loadCoreConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { openDatabase } from '../src/store/db.js';
import { WhatsAppStore } from '../src/store/whatsapp-store.js';
import { FakeSocket, text } from '../test/whatsapp-fakes.js';
import { fmt, percentile } from './_util.js';

const RESIDENTS = Number(process.env.BENCH_WHATSAPP_RESIDENTS ?? 1_000);
const KEYS = 2_000;

function keysBench(dir: string): void {
  const db = openDatabase(path.join(dir, 'keys.db'));
  const store = new WhatsAppStore(db);
  const sessions = Object.fromEntries(Array.from({ length: KEYS }, (_, i) => [`62812${String(i).padStart(7, '0')}.0`, new Uint8Array(1_200).fill(i % 256)]));
  let t0 = performance.now();
  store.setKeys({ session: sessions });
  const writeMs = performance.now() - t0;
  t0 = performance.now();
  const single = 500;
  for (let i = 0; i < single; i++) store.setKeys({ session: { [`62812${String(i).padStart(7, '0')}.0`]: new Uint8Array(1_200) } });
  const singleMs = performance.now() - t0;
  t0 = performance.now();
  const got = store.getKeys('session', Object.keys(sessions));
  const readMs = performance.now() - t0;
  if (Object.keys(got).length !== KEYS) throw new Error('keys lost');
  console.log(`  keys: ${fmt(KEYS)} sessions in one update ${fmt(writeMs, 1)} ms; ${fmt(single)} one-key updates ${fmt((singleMs / single) * 1000, 0)} µs each; read all back ${fmt(readMs, 1)} ms`);
  db.close();
}

async function chatBench(dir: string): Promise<void> {
  const sockets: FakeSocket[] = [];
  const env = { DATA_DIR: dir, LOG_LEVEL: 'silent', WEB_CHAT: 'off', WHATSAPP: 'on', WHATSAPP_MIN_DELAY_MS: '0', WHATSAPP_MAX_DELAY_MS: '0' };
  const app = createApp(loadCoreConfig(env), {
    env,
    log: createLogger('silent'),
    features: [createWhatsAppFeature({ makeSocket: (o) => (sockets.push(new FakeSocket(o)), sockets[sockets.length - 1]!), sleep: async () => {}, print: () => {} })],
  });
  await app.features.find((f) => f.name === 'whatsapp')!.start!();
  const socket = sockets[0]!;
  socket.open();
  const script = ['halo', '1', '1', '1', '1', '1', '2', '0'];
  const latencies: number[] = [];
  const t0 = performance.now();
  // Every resident's next message in flight together (one per resident at a time, as people type).
  for (const body of script) {
    await Promise.all(
      Array.from({ length: RESIDENTS }, async (_, i) => {
        const start = performance.now();
        await socket.receive(text(`62813${String(i).padStart(7, '0')}@s.whatsapp.net`, body));
        latencies.push(performance.now() - start);
      }),
    );
  }
  const inMs = performance.now() - t0;
  const messages = RESIDENTS * script.length;
  latencies.sort((a, b) => a - b);
  console.log(`  inbound: ${fmt(messages)} messages from ${fmt(RESIDENTS)} residents in ${fmt(inMs)} ms = ${fmt(messages / (inMs / 1000))} msg/s; commit+read p50 ${fmt(percentile(latencies, 50), 1)} ms, p99 ${fmt(percentile(latencies, 99), 1)} ms`);

  const t1 = performance.now();
  let rounds = 0;
  while (await app.ctx.dispatcher.runOnce()) rounds++;
  const outMs = performance.now() - t1;
  console.log(`  outbound: ${fmt(socket.sent.length)} replies rendered, sent and cached for getMessage in ${fmt(outMs)} ms = ${fmt(socket.sent.length / (outMs / 1000))} msg/s (${fmt(rounds)} dispatcher rounds; live pacing adds 1–3 s per message per resident)`);
  await app.close();
}

export async function run(): Promise<void> {
  console.log(`WhatsApp channel (${RESIDENTS} residents, fake socket)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-wa-'));
  try {
    keysBench(dir);
    await chatBench(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
