// Through the real entry point: the app's own HTTP server on loopback, driven by autocannon
// in a separate process (closed loop: each connection is one resident at a time, sending the
// next message once the answer came). Web chat at 200 and 2,000 connections, Telegram webhook
// updates through the same server (Bot API answered in memory), RSS of the server process, and
// the floor of the machine: a bare node:http server with a fixed answer under the same load.
// Read against the engine bench of the same run: the HTTP path should keep ≥ 0.5 of it.
import { spawn } from 'node:child_process';
import http from 'node:http';
import diagnostics from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../src/app.js';
import { applicationsFeature } from '../src/applications/feature.js';
import { bookingFeature } from '../src/booking/feature.js';
import { createTelegramFeature } from '../src/channels/telegram/feature.js';
import { webChatFeature } from '../src/channels/web/feature.js';
import { loadCoreConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { FakeBotApi } from '../test/telegram-fake-api.js';
import { measureEngine } from './engine.js';
import type { SqlRecorder } from './_replay.js';
import { fmt, percentile, ratio, rssSampler, sameRun } from './_util.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 8);
const SECRET = 'bench-webhook-secret-0123456789';

export interface LoadResult {
  requests: number;
  rate: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  residents: number;
  /** The first refused answers (path, status, body). */
  failures?: string[];
  /** CPU time (user + system) of the load generator's process over the run, ms. */
  cpuMs: number;
  /** CPU time of this (the server's) process over the same run, ms. */
  serverCpuMs: number;
  seconds: number;
}

/**
 * Inside the server: from Node's 'request' event (headers parsed) to the answer's last byte
 * handed to the socket, for web-chat messages. What the load generator reports on top of this
 * is time in socket buffers while the event loop was busy with a batch, and the generator's
 * own turn through the answers of a batch (it shares the two cores).
 */
function serverSideLatency(): { stop: () => Float64Array } {
  const started = new WeakMap<object, number>();
  const times: number[] = [];
  const onStart = (m: unknown) => {
    const { request, response } = m as { request: { url?: string }; response: object };
    if (request.url?.startsWith('/api/chat/send')) started.set(response, performance.now());
  };
  const onFinish = (m: unknown) => {
    const t0 = started.get((m as { response: object }).response);
    if (t0 !== undefined) times.push(performance.now() - t0);
  };
  diagnostics.subscribe('http.server.request.start', onStart);
  diagnostics.subscribe('http.server.response.finish', onFinish);
  return {
    stop() {
      diagnostics.unsubscribe('http.server.request.start', onStart);
      diagnostics.unsubscribe('http.server.response.finish', onFinish);
      return Float64Array.from(times).sort();
    },
  };
}

/** Runs the load generator in its own process; resolves with its figures. */
/** CPU time (user + system, ms) of another process on this machine, from /proc. */
function processCpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
}

/** `serverPid`: the server runs in another process (the memory bench); else it is this one. */
export function load(opts: { port: number; connections: number; seconds: number; kind: 'web' | 'telegram'; tag: string; chatBase?: number; serverPid?: number }): Promise<LoadResult> {
  const serverCpu = () => (opts.serverPid ? processCpuMs(opts.serverPid) : (({ user, system }) => (user + system) / 1000)(process.cpuUsage()));
  return new Promise((resolve, reject) => {
    const cpu0 = serverCpu();
    const child = spawn(process.execPath, [path.join(here, '_http-load.mjs'), JSON.stringify({ secret: SECRET, chatBase: 500_000_000, ...opts })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      resolve({ ...(JSON.parse(out) as Omit<LoadResult, 'serverCpuMs' | 'seconds'>), serverCpuMs: serverCpu() - cpu0, seconds: opts.seconds });
    });
  });
}

export function line(name: string, r: LoadResult, unit = 'messages/s'): string {
  const failed = r.errors + r.timeouts + r.non2xx;
  // CPU per request of each process (a session request is a request too): the generator shares the two cores.
  const perRequest = (ms: number) => fmt((ms * 1000) / Math.max(1, r.requests));
  return `  ${name.padEnd(30)} ${fmt(r.rate).padStart(7)} ${unit}   p50 ${fmt(r.p50)} ms   p99 ${fmt(r.p99)} ms   max ${fmt(r.max)} ms   ${fmt(r.requests)} requests, ${fmt(r.residents)} residents, ${failed ? `${fmt(r.errors)} connection errors, ${fmt(r.timeouts)} timeouts, ${fmt(r.non2xx)} non-2xx` : 'no failures'}
      CPU per request: server ${perRequest(r.serverCpuMs)} µs, load generator ${perRequest(r.cpuMs)} µs (${fmt(r.cpuMs / 1000 / r.seconds, 2)} of a core; server ${fmt(r.serverCpuMs / 1000 / r.seconds, 2)})${r.failures?.length ? `\n      first refused: ${r.failures.join(' | ')}` : ''}`;
}

/**
 * The engine bench (3,000 residents) with the CPU time of its measured part: measureEngine's
 * recorder hooks mark where the measurement starts and stops (no SQL is recorded here).
 */
async function engineCpuPerMessage(): Promise<{ rate: number; cpuUs: number }> {
  let at: NodeJS.CpuUsage | undefined;
  let used: NodeJS.CpuUsage | undefined;
  const marks = { start() {}, mark: () => (at = process.cpuUsage()), stop: () => (used = process.cpuUsage(at)) } as unknown as SqlRecorder;
  const e = await measureEngine({ residents: 3_000, recorder: marks });
  return { rate: e.rate, cpuUs: (used!.user + used!.system) / e.messages };
}

/**
 * The floor of this machine: Node's own HTTP server answering the same requests with a fixed
 * JSON answer of the web chat's usual size (two replies, one with buttons), no framework, no
 * engine, no database, driven by the same load generator. What the app can reach at most.
 */
async function bareHttpFloor(seconds: number): Promise<LoadResult> {
  const answer = JSON.stringify({
    messages: [
      { id: 1, text: 'x'.repeat(200), choices: [{ id: 'a~1b290sf', label: 'Hilang' }, { id: 'b~1b290sf', label: 'Rusak' }] },
      { id: 2, text: 'y'.repeat(150) },
    ],
    lang: 'id',
  });
  let clients = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString() || '{}');
      const body = req.url === '/api/chat/session' ? JSON.stringify({ clientId: `bare-${clients++}`, secret: 's'.repeat(43) }) : answer;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  try {
    return await load({ port, connections: 200, seconds, kind: 'web', tag: 'bare' });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

export async function run(): Promise<void> {
  // The reference: the engine bench of this run (or a shorter one when run alone), and the
  // engine's CPU per message just before the web runs. Rates depend on how much CPU each
  // process got at its moment on a shared machine; CPU per message much less.
  const engine = await engineCpuPerMessage();
  const engineRate = sameRun.engineRate ?? engine.rate;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adminduk-bench-http-'));
  const fake = new FakeBotApi();
  const env = {
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    PORT: '0',
    TELEGRAM_BOT_TOKEN: '123456789:AAHbenchBENCHbenchBENCHbench_0000',
    TELEGRAM_WEBHOOK_URL: 'https://bot.example.go.id/telegram/webhook',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_CHAT_INTERVAL_MS: '0',
    TELEGRAM_GLOBAL_RATE: '1000',
    // All load comes from one address (loopback): the per-IP and per-client limits are not what is measured.
    WEB_CHAT_CLIENT_RATE: '10000',
    WEB_CHAT_IP_RATE: '1000000',
    WEB_CHAT_SESSION_RATE: '1000000',
    // To compare settings: the WAL limit and page cache from the environment.
    ...(process.env.WAL_MAX_MB ? { WAL_MAX_MB: process.env.WAL_MAX_MB } : {}),
    ...(process.env.SQLITE_CACHE_MB ? { SQLITE_CACHE_MB: process.env.SQLITE_CACHE_MB } : {}),
  };
  const app = createApp(loadCoreConfig(env), {
    env,
    log: createLogger('silent'),
    features: [bookingFeature, applicationsFeature, webChatFeature, createTelegramFeature({ transport: [fake.transformer], botInfo: fake.me })],
  });
  const port = await app.listen();
  const idle = process.memoryUsage().rss;
  const rss = rssSampler();

  // Warm-up (not counted): V8 compiles the paths, SQLite's cache fills.
  await load({ port, connections: 50, seconds: 2, kind: 'web', tag: 'warm' });
  const wal0 = app.ctx.health.walStats();
  const inside = serverSideLatency();
  const web200 = await load({ port, connections: 200, seconds: SECONDS, kind: 'web', tag: 'c200' });
  const inServer = inside.stop();
  const wal1 = app.ctx.health.walStats();
  const web2000 = await load({ port, connections: 2_000, seconds: SECONDS, kind: 'web', tag: 'c2000' });
  const tg = await load({ port, connections: 200, seconds: SECONDS, kind: 'telegram', tag: 'tg', chatBase: 600_000_000 });
  const peak = rss.stop();
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const bare = await bareHttpFloor(SECONDS);

  console.log(`http: the app's server on 127.0.0.1 (web chat, Telegram webhook, booking, applications), autocannon in its own process, closed loop, ${SECONDS} s per run, after a 2 s warm-up`);
  console.log(line('web chat, 200 connections', web200));
  console.log(`      WAL checkpoints: writers held ${fmt(wal1.holdMs - wal0.holdMs)} ms in ${SECONDS} s (longest hold so far ${fmt(wal1.longestHoldMs)} ms), ${fmt(wal1.truncations - wal0.truncations)} restarts, WAL peak ${fmt(wal1.peakWalBytes / 1048576)} MiB`);
  console.log(line('web chat, 2,000 connections', web2000));
  console.log(line('telegram webhook, 200', tg, 'updates/s '));
  console.log(`  engine bench (same run)        ${fmt(engineRate).padStart(7)} messages/s`);
  console.log(`  web 200 / engine               ${ratio(web200.rate, engineRate, 0.5)}`);
  console.log(`  web 2,000 / engine             ${ratio(web2000.rate, engineRate, 0.5)}`);
  console.log(`  telegram webhook / engine      ${fmt(tg.rate / engineRate, 2)}×`);
  // Per message of web chat at 200 connections (the session requests' CPU counted in): what the
  // server spends against what the engine alone spends, i.e. the rate ratio each would reach
  // with a core to itself (the load generator needs its own: its figure is on the line above).
  const serverCpuUs = (web200.serverCpuMs * 1000) / Math.max(1, web200.rate * web200.seconds);
  console.log(`  CPU per message                engine alone ${fmt(engine.cpuUs)} µs (short engine run just before: ${fmt(engine.rate)} messages/s), server at 200 connections ${fmt(serverCpuUs)} µs: engine / server ${fmt(engine.cpuUs / serverCpuUs, 2)}× (the rate ratio with a core each)`);
  // The machine's floor: with this generator, no server reaches more than this on these two cores.
  console.log(line('floor: bare node:http, 200', bare));
  console.log(`      the target (0.5 × engine = ${fmt(engineRate / 2)}/s) is ${fmt(engineRate / 2 / bare.rate, 2)} of this floor; the web chat reaches ${fmt(web200.rate / bare.rate, 2)} of it`);
  // The two cores at the target rate: the load generator's share per message is fixed by autocannon.
  const generatorUs = (web200.cpuMs * 1000) / Math.max(1, web200.rate * web200.seconds);
  const targetRate = engineRate / 2;
  const serverBudgetUs = (os.availableParallelism() * 1e6) / targetRate - generatorUs;
  console.log(`      at ${fmt(targetRate)}/s on ${os.availableParallelism()} cores: the generator's ${fmt(generatorUs)} µs per message leaves the server ≤ ${fmt(serverBudgetUs)} µs per message, all its threads counted (now ${fmt(serverCpuUs)} µs; the engine alone ${fmt(engine.cpuUs)} µs)`);
  console.log(`  p99 at 200 connections         ${fmt(web200.p99)} ms (target ≤ 50) ${web200.p99 <= 50 ? 'met' : 'NOT met'}`);
  console.log(`      inside the server (request parsed → answer written): p50 ${fmt(percentile(inServer, 50), 1)} ms, p99 ${fmt(percentile(inServer, 99), 1)} ms over ${fmt(inServer.length)} messages; the rest waited in socket buffers while a batch ran, or in the load generator's own turn`);
  // A closed loop: each connection waits for its answer, so the mean latency is connections / rate (Little's law).
  const spread = (r: LoadResult) => r.p99 / (200_000 / r.rate);
  const rateFor = (k: number) => `≥ ${fmt((k * 200) / 0.05)}/s = ${fmt((k * 200) / 0.05 / bare.rate, 2)} of the floor`;
  console.log(`      closed loop: the mean latency is 200 / rate, so p99 ≤ 50 ms needs ≥ 4,000/s with every request alike; with the web chat's own spread (p99 ${fmt(spread(web200), 1)}× its mean) ${rateFor(spread(web200))}, with the bare floor's (${fmt(spread(bare), 1)}×) ${rateFor(spread(bare))}`);
  if (sameRun.replayRate) {
    // The two targets together: the HTTP target is a share of the engine's rate, which has its own target.
    const joint = 0.8 * 0.5 * sameRun.replayRate;
    console.log(`  both targets together          the engine at its target (0.8 × its SQL replayed, ${fmt(sameRun.replayRate)}/s) would make this target ${fmt(joint)}/s = ${fmt(joint / bare.rate, 2)} of the bare floor`);
    if (sameRun.replayCpuUs !== undefined && sameRun.stepCpuUs !== undefined) {
      // At that rate, the two cores per message less the generator's share (as little as it takes for the bare floor).
      const bareGeneratorUs = (bare.cpuMs * 1000) / Math.max(1, bare.requests);
      const bareServerUs = (bare.serverCpuMs * 1000) / Math.max(1, bare.requests);
      const budget = (os.availableParallelism() * 1e6) / joint - bareGeneratorUs;
      const left = budget - bareServerUs - sameRun.replayCpuUs;
      console.log(`      at ${fmt(joint)}/s the two cores leave the server ${fmt(budget)} µs per message once the generator has its ${fmt(bareGeneratorUs)} (as at the floor); bare HTTP takes ${fmt(bareServerUs)} and the SQL ${fmt(sameRun.replayCpuUs)}: ${fmt(left)} µs for the step and all the rest (the step alone: ${fmt(sameRun.stepCpuUs)})`);
    }
  }
  const failed200 = web200.errors + web200.timeouts + web200.non2xx + tg.errors + tg.timeouts + tg.non2xx;
  console.log(`  failures at 200 (web, Telegram) ${fmt(failed200)} (every request must be answered 2xx: otherwise the rates above are not messages)`);
  const failed2000 = web2000.errors + web2000.timeouts + web2000.non2xx;
  console.log(`  failures at 2,000 connections  ${fmt(failed2000)} (target 0) ${failed2000 === 0 ? 'met' : 'NOT met'}`);
  console.log(`  RSS of this process            idle ${fmt(idle / 1048576)} MiB, peak ${fmt(peak / 1048576)} MiB (this bench process: tsx, the harness and the benches run before it included; production figures: bench "memory")`);
}
