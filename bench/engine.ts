// The engine with a real file database (WAL): 10,000 residents, 200,000 messages, 2,000
// conversations open at once, walking the requirements flow. Compared with the raw SQLite
// ceiling (one read + one upsert per transaction) on the same disk, in the same run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app.js';
import { loadCoreConfig } from '../src/config.js';
import type { Input } from '../src/core/types.js';
import type { StepFn } from '../src/flows/step.js';
import type { ConversationState } from '../src/flows/types.js';
import { createLogger } from '../src/log.js';
import { SqlRecorder } from './_replay.js';
import { fmt, percentile, ratio, rssSampler, sameRun } from './_util.js';

const DEFAULT_RESIDENTS = Number(process.env.BENCH_RESIDENTS ?? 10_000);
const MESSAGES_PER_RESIDENT = 20;
const OPEN_CONVERSATIONS = 2_000;
/** Messages awaiting their commit at any moment (the rest of the 2,000 are "typing"). */
const OUTSTANDING = Number(process.env.BENCH_OUTSTANDING ?? 32);
const WARMUP_RESIDENTS = 200;

/** A small seeded generator (mulberry32): the same run every time. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One resident's 20 messages: free text, buttons, numbers, a checklist, global words. */
function script(i: number): Input[] {
  const services = ['svc:ktp_el_baru', 'svc:kk_hilang_rusak', 'svc:akta_kelahiran', 'svc:kia_5_17'];
  return [
    { type: 'text', text: 'halo' },
    { type: 'text', text: '1' },
    { type: 'choice', id: 'cat:ktp' },
    { type: 'choice', id: services[i % services.length]! },
    { type: 'choice', id: 'req:check' },
    { type: 'text', text: 'ya' },
    { type: 'text', text: 'tidak' },
    { type: 'text', text: 'belum tahu' },
    { type: 'choice', id: 'req:full' },
    { type: 'text', text: 'menu' },
    { type: 'text', text: 'syarat bikin ktp gmn' },
    { type: 'choice', id: 'req:check' },
    { type: 'text', text: 'bantuan' },
    { type: 'text', text: 'ya' },
    { type: 'text', text: 'batal' },
    { type: 'text', text: 'akte lahir' },
    { type: 'text', text: 'bahasa' },
    { type: 'choice', id: 'req:back' },
    { type: 'text', text: 'asdfgh' },
    { type: 'text', text: '0' },
  ].slice(0, MESSAGES_PER_RESIDENT) as Input[];
}

export interface EngineFigures {
  residents: number;
  messages: number;
  rate: number;
  sorted: Float64Array;
  peakRss: number;
  heapUsed: number;
  outbox: number;
  /** CPU time of this process per message (user + system, µs): less moved by other work on the machine than the rate. */
  cpuPerMessage: number;
}

/** The engine alone on a file database; `dir` may hold a database built beforehand (growth bench). */
export async function measureEngine(
  options: {
    residents?: number;
    dir?: string;
    recorder?: SqlRecorder;
    /**
     * Which open conversation sends next. 'round' (the default): each in turn, so the messages
     * of one commit come from residents who started one after another (on a new database, rows
     * side by side on disk). 'random': as residents type, any of the 2,000 (seeded).
     */
    order?: 'round' | 'random';
    /** The first resident's number (bench-N): a second run on the same database with other residents. */
    firstResident?: number;
  } = {},
): Promise<EngineFigures> {
  const RESIDENTS = options.residents ?? DEFAULT_RESIDENTS;
  const first = options.firstResident ?? 0;
  // Message ids and warm-up residents of a second run on the same database must not repeat the first's.
  const tag = first ? `${first}:` : '';
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'adminduk-bench-'));
  // SQLITE_CACHE_MB from the environment, to compare page cache sizes.
  const env = { DATA_DIR: dir, LOG_LEVEL: 'silent', WEB_CHAT: 'off', ...(process.env.SQLITE_CACHE_MB ? { SQLITE_CACHE_MB: process.env.SQLITE_CACHE_MB } : {}) };
  const app = createApp(loadCoreConfig(env), { env, log: createLogger('silent'), features: [] });
  const engine = app.ctx.engine;
  options.recorder?.start();
  // As in production: features off, but the dispatcher and the background checkpointer on.
  await app.startFeatures();
  const total = RESIDENTS * MESSAGES_PER_RESIDENT;
  const latencies = new Float64Array(total);
  let done = 0;
  let nextResident = 0;
  const rss = rssSampler();

  // 2,000 conversations are open; OUTSTANDING of them have a message in flight at any time.
  const open: Array<{ id: number; step: number; inputs: Input[] }> = [];
  const admit = () => {
    while (open.length < OPEN_CONVERSATIONS && nextResident < RESIDENTS) {
      const id = nextResident++;
      open.push({ id, step: 0, inputs: script(id) });
    }
  };
  admit();
  let cursor = 0;
  const rand = seeded(15);
  const roundRobin = (options.order ?? 'round') === 'round';
  const pick = () => {
    admit();
    if (open.length === 0) return undefined;
    cursor = roundRobin ? (cursor + 1) % open.length : Math.floor(rand() * open.length);
    return open[cursor];
  };
  const busy = new Set<number>();
  let seq = 0;

  // Warm-up (not measured): let V8 compile the hot paths, as in a bot that has been running.
  for (let w = 0; w < WARMUP_RESIDENTS; w++) {
    for (const input of script(w)) await engine.handle({ id: `w${tag}${seq++}`, channel: 'web', address: `warm-${tag}${w}`, input });
  }

  options.recorder?.mark();
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  async function worker(): Promise<void> {
    for (;;) {
      let conv = pick();
      let tries = 0;
      while (conv && busy.has(conv.id) && tries++ < open.length) conv = pick();
      if (!conv || busy.has(conv.id)) return;
      busy.add(conv.id);
      const input = conv.inputs[conv.step]!;
      const t0 = performance.now();
      await engine.handle({ id: `b${tag}${seq++}`, channel: 'web', address: `bench-${first + conv.id}`, input });
      latencies[done++] = performance.now() - t0;
      busy.delete(conv.id);
      if (++conv.step >= conv.inputs.length) open.splice(open.indexOf(conv), 1);
    }
  }
  await Promise.all(Array.from({ length: OUTSTANDING }, worker));
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const peakRss = rss.stop();
  options.recorder?.stop();
  const outbox = app.ctx.db.prepare("SELECT COUNT(*) FROM outbox WHERE address LIKE 'bench-%'").pluck().get() as number;
  const heapUsed = process.memoryUsage().heapUsed;
  await app.close();
  if (!options.dir) fs.rmSync(dir, { recursive: true, force: true });
  return { residents: RESIDENTS, messages: done, rate: done / seconds, sorted: latencies.slice(0, done).sort(), peakRss, heapUsed, outbox, cpuPerMessage: (cpu.user + cpu.system) / done };
}

/**
 * The step alone, as the engine runs it but with no database: each resident's 20 messages, the
 * state passed through JSON between messages and replies turned into JSON (what the engine
 * stores), a new context per message. Returns CPU µs per message: the engine's own logic.
 */
export async function measureStepAlone(residents: number): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adminduk-bench-step-'));
  const env = { DATA_DIR: dir, LOG_LEVEL: 'silent', WEB_CHAT: 'off' };
  const app = createApp(loadCoreConfig(env), { env, log: createLogger('silent'), features: [] });
  const step = (app.ctx.engine as unknown as { step: StepFn }).step;
  const { content, nlu } = app.ctx;
  const walk = (i: number) => {
    let json: string | undefined;
    for (const input of script(i)) {
      const now = new Date();
      const resident = { id: i + 1, channel: 'web' as const, address: `step-${i}`, lang: 'id' as const };
      const r = step(json === undefined ? undefined : (JSON.parse(json) as ConversationState), input, { now, content, nlu, resident, idleMs: 3_600_000 });
      json = JSON.stringify(r.state);
      for (const reply of r.replies) JSON.stringify(reply);
    }
  };
  for (let i = 0; i < WARMUP_RESIDENTS; i++) walk(i);
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < residents; i++) walk(i);
  const cpu = process.cpuUsage(cpu0);
  await app.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return (cpu.user + cpu.system) / (residents * MESSAGES_PER_RESIDENT);
}

/** Residents of the recorded run whose SQL is replayed (the recording is held in memory). */
const REPLAY_RESIDENTS = Number(process.env.BENCH_REPLAY_RESIDENTS ?? 4_000);

export async function run(): Promise<void> {
  const e = await measureEngine();
  sameRun.engineRate = e.rate;
  // The reference: the SQL of a recorded engine run (same workload), replayed alone.
  const recorder = new SqlRecorder();
  const recorded = await measureEngine({ residents: REPLAY_RESIDENTS, recorder });
  // Interleaved: replay, the same engine workload (not recorded), replay again.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adminduk-bench-replay-'));
  const cpuReplay0 = process.cpuUsage();
  const replay1 = recorded.messages / recorder.replay(path.join(dir, 'replay1.db'));
  const cpuReplay = process.cpuUsage(cpuReplay0);
  const same = await measureEngine({ residents: REPLAY_RESIDENTS });
  const replay2 = recorded.messages / recorder.replay(path.join(dir, 'replay2.db'));
  const stepCpu = await measureStepAlone(REPLAY_RESIDENTS);
  const replayCpu = (cpuReplay.user + cpuReplay.system) / recorded.messages;
  const replayRate = (replay1 + replay2) / 2;
  Object.assign(sameRun, { replayRate, replayCpuUs: replayCpu, stepCpuUs: stepCpu });
  fs.rmSync(dir, { recursive: true, force: true });
  const c = recorder.counts();
  const per = (n: number) => fmt(n / recorded.messages, 2);

  console.log(`engine: ${fmt(e.residents)} residents, ${fmt(e.messages)} messages, ${fmt(OPEN_CONVERSATIONS)} open conversations, ${OUTSTANDING} messages in flight, WAL, synchronous=NORMAL (after a ${fmt(WARMUP_RESIDENTS * MESSAGES_PER_RESIDENT)}-message warm-up)`);
  console.log(`  throughput        ${fmt(e.rate)} messages/s`);
  console.log(`  CPU per message   ${fmt(e.cpuPerMessage, 1)} µs (this process, user + system)`);
  console.log(`  latency p50       ${fmt(percentile(e.sorted, 50), 2)} ms`);
  console.log(`  latency p90       ${fmt(percentile(e.sorted, 90), 2)} ms   p99.9 ${fmt(percentile(e.sorted, 99.9), 2)} ms`);
  console.log(`  latency p99       ${fmt(percentile(e.sorted, 99), 2)} ms   (target ≤ 5)`);
  console.log(`  peak RSS          ${fmt(e.peakRss / 1024 / 1024)} MiB (heap in use at the end ${fmt(e.heapUsed / 1024 / 1024)} MiB; the rest is garbage not yet collected)`);
  console.log(`  replies queued    ${fmt(e.outbox)}`);
  console.log(`  reference: the engine's own SQL replayed (${fmt(recorded.messages)} messages recorded: ${per(c.statements)} statements, ${per(c.writes)} writes per message, ${fmt(recorded.messages / c.commits, 1)} messages per commit → ${fmt(c.commits)} commits)`);
  console.log(`  replay            ${fmt(replayRate)} messages/s (${fmt(replay1)} and ${fmt(replay2)}, around the engine's ${fmt(same.rate)}/s on the same ${fmt(REPLAY_RESIDENTS)}-resident workload)`);
  console.log(`  engine / replay   ${ratio(same.rate, replayRate, 0.8)}`);
  // Where the engine's time goes (CPU per message; the replay's figure includes opening its database).
  const rest = same.cpuPerMessage - replayCpu - stepCpu;
  console.log(`  CPU per message   engine ${fmt(same.cpuPerMessage, 1)} µs = its SQL replayed ${fmt(replayCpu, 1)} + the step alone ${fmt(stepCpu, 1)} (JSON of state and replies included) + the rest ${fmt(rest, 1)} (runner, statistics, SQLite slower amid JavaScript, GC)`);
  // What ≥ 0.8 leaves for all that is not SQL, on one thread: a quarter of the SQL's own time.
  console.log(`      ≥ 0.8 leaves ${fmt(replayCpu / 4, 1)} µs per message for everything but SQL (a quarter of the SQL's ${fmt(replayCpu, 1)}); the step alone takes ${fmt(stepCpu, 1)}, ${fmt(stepCpu / (replayCpu / 4), 1)}× that`);
}
