// Soak (`npm run bench -- soak`): the real server in its own process, 300 web-chat browsers
// chatting as fast as they can for 60 s over HTTP. Prints throughput, p50/p99 latency, 5xx,
// the WAL's peak size (target < 64 MB) and /healthz latency during the run; then holds a write
// lock for 10 s from another connection and shows /healthz still answering (target < 100 ms).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import Database from 'better-sqlite3';
import { fmt, percentile } from './_util.js';

const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 300);
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const LOCK_SECONDS = Number(process.env.SOAK_LOCK_SECONDS ?? 10);

const SCRIPT: Array<{ text: string } | { choice: string }> = [
  { text: 'halo' },
  { choice: 'm:req' },
  { choice: 'cat:ktp' },
  { choice: 'svc:ktp_el_baru' },
  { choice: 'req:check' },
  { text: 'ya' },
  { text: 'tidak' },
  { text: 'belum tahu' },
  { text: 'menu' },
  { text: 'syarat kk hilang' },
  { text: 'bantuan' },
  { text: 'batal' },
];

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adminduk-soak-'));
  const walFile = path.join(dir, 'adminduk.db-wal');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'warn', WEB_CHAT_CLIENT_RATE: '10000', WEB_CHAT_IP_RATE: '1000000', WEB_CHAT_SESSION_RATE: '1000000', BOOKING: 'off' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /http:\/\/[^:]+:(\d+)\//.exec(line);
      if (m) resolve(Number(m[1]));
    });
  });
  const base = `http://127.0.0.1:${port}`;

  let walPeak = 0;
  const walTimer = setInterval(() => {
    try {
      walPeak = Math.max(walPeak, fs.statSync(walFile).size);
    } catch {
      // no WAL yet
    }
  }, 100);

  const health: number[] = [];
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const t0 = performance.now();
      await fetch(`${base}/healthz`).then((r) => r.arrayBuffer()).catch(() => undefined);
      health.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();

  const latencies: number[] = [];
  let ok = 0;
  let busy = 0;
  let errors5xx = 0;
  let other = 0;
  const end = performance.now() + SECONDS * 1000;
  const clientLoop = async (n: number) => {
    const s = (await (await fetch(`${base}/api/chat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { clientId: string; secret: string };
    const headers = { 'content-type': 'application/json', 'x-chat-client': s.clientId, 'x-chat-secret': s.secret };
    let ack: number[] = [];
    for (let i = 0; performance.now() < end; i++) {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/chat/send`, { method: 'POST', headers, body: JSON.stringify({ messageId: `c${n}m${i}`, ack, ...SCRIPT[i % SCRIPT.length] }) });
      const body = (await res.json().catch(() => ({}))) as { messages?: Array<{ id: number }> };
      latencies.push(performance.now() - t0);
      if (res.status === 200) {
        ok++;
        ack = (body.messages ?? []).map((m) => m.id);
      } else if (res.status === 503) busy++;
      else if (res.status >= 500) errors5xx++;
      else other++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => clientLoop(i)));
  const elapsed = (performance.now() - started) / 1000;
  probing = false;
  await probe;

  // A write lock held elsewhere for LOCK_SECONDS: liveness must keep answering fast.
  const lockHealth: number[] = [];
  const other2 = new Database(path.join(dir, 'adminduk.db'));
  other2.exec('BEGIN IMMEDIATE');
  const lockEnd = performance.now() + LOCK_SECONDS * 1000;
  // One resident writes meanwhile: the message waits, then is answered or refused politely.
  const during = fetch(`${base}/api/chat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.status);
  while (performance.now() < lockEnd) {
    const t0 = performance.now();
    await fetch(`${base}/healthz`).then((r) => r.arrayBuffer());
    lockHealth.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 100));
  }
  const readyDuring = (await fetch(`${base}/readyz`)).status;
  const walSeen = ((await (await fetch(`${base}/readyz`)).json()) as { wal: { peakBytes: number; truncations: number } }).wal;
  other2.exec('COMMIT');
  other2.close();
  const sessionDuring = await during;
  clearInterval(walTimer);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));

  latencies.sort((a, b) => a - b);
  health.sort((a, b) => a - b);
  lockHealth.sort((a, b) => a - b);
  const mb = (b: number) => fmt(b / 1048576, 1);
  console.log(`${CLIENTS} web-chat clients, ${SECONDS} s, HTTP on loopback, server in its own process`);
  console.log(`  messages answered   ${fmt(ok)} (${fmt(ok / elapsed)}/s); busy 503 ${fmt(busy)}; other 5xx ${fmt(errors5xx)}; other ${fmt(other)}`);
  console.log(`  send latency        p50 ${fmt(percentile(latencies, 50), 1)} ms, p99 ${fmt(percentile(latencies, 99), 1)} ms`);
  console.log(`  WAL peak            ${mb(walPeak)} MB (target < 64 MB; ${walSeen.truncations} TRUNCATE checkpoints); database ${mb(fs.statSync(path.join(dir, 'adminduk.db')).size)} MB`);
  console.log(`  /healthz under load p50 ${fmt(percentile(health, 50), 1)} ms, max ${fmt(health.at(-1) ?? NaN, 1)} ms`);
  console.log(`  write lock held ${LOCK_SECONDS} s: /healthz p99 ${fmt(percentile(lockHealth, 99), 1)} ms, max ${fmt(lockHealth.at(-1) ?? NaN, 1)} ms (target < 100); /readyz ${readyDuring}; a new chat during the lock got ${sessionDuring}`);
  fs.rmSync(dir, { recursive: true, force: true });
}
