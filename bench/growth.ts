// Flat cost at a million: the engine bench on a database that already holds 1M residents,
// 1M delivered outbox rows and 1M dedupe ids (built here with SQL), against the same run on
// an empty database, in the same process. The bench's residents are among the million
// (returning residents, their rows scattered), so their pages are not all hot. Then
// housekeeping as the app runs it (with the background checkpointer) 100 days later, when all
// 1M delivered rows and 1M dedupe ids are past retention: how long one batch holds the writer.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { createLogger } from '../src/log.js';
import { BATCH_TARGET_MS, Retention } from '../src/ops/retention.js';
import { Checkpointer } from '../src/store/checkpointer.js';
import { openDatabase } from '../src/store/db.js';
import { OpsStore } from '../src/store/ops-store.js';
import { measureEngine, type EngineFigures } from './engine.js';
import { fmt, percentile, ratio } from './_util.js';

const ROWS = Number(process.env.BENCH_GROWTH_ROWS ?? 1_000_000);
const RESIDENTS = Number(process.env.BENCH_GROWTH_RESIDENTS ?? 3_000);

/** 1M residents who chatted, their delivered replies and the dedupe ids of their messages, all within retention. */
export function build(dir: string): number {
  const t0 = performance.now();
  const file = path.join(dir, 'adminduk.db');
  openDatabase(file).close();
  // Built fast (no journal), then handed to the app in WAL mode as usual.
  const db = new Database(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const at = new Date(Date.now() - 3 * 86_400_000).toISOString();
  const payload = JSON.stringify({ text: 'Persyaratan KTP-el baru: fotokopi KK, surat pengantar RT/RW. Ketik menu untuk kembali.', choices: [{ id: 'req:check', label: 'Cek kelengkapan' }, { id: 'm:menu', label: 'Menu' }] });
  const series = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS - 1})`;
  db.transaction(() => {
    // The bench's residents (bench-0, bench-1, …) are among them, scattered over the table: they come back.
    db.prepare(`${series} INSERT INTO residents (channel, address, lang, created_at, last_inbound_at) SELECT 'web', 'bench-' || ((i * 7919) % ${ROWS}), 'id', ?, ? FROM n`).run(at, at);
    db.prepare(
      `${series} INSERT INTO outbox (resident_id, channel, address, kind, payload, status, attempts, next_attempt_at, created_at, sent_at)
       SELECT i + 1, 'web', 'bench-' || ((i * 7919) % ${ROWS}), 'reply', ?, 'sent', 1, ?, ?, ? FROM n`,
    ).run(payload, at, at, at);
    // Message ids as browsers and WhatsApp make them: spread over the key space.
    db.prepare(`${series} INSERT INTO inbound_seen (channel, message_id, seen_at) SELECT 'web', lower(hex(randomblob(16))), ? FROM n`).run(at);
  })();
  db.pragma('journal_mode = WAL');
  db.close();
  // On disk before anything is measured: the kernel writing 600 MiB back during the first
  // runs made them (the empty one before, and the 1M one) slower than the one after.
  const fd = fs.openSync(file, 'r+');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  return (performance.now() - t0) / 1000;
}

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adminduk-bench-growth-'));
  const buildSeconds = build(dir);
  const size = fs.statSync(path.join(dir, 'adminduk.db')).size;
  // Not measured: the first engine run in a process is slower (V8 still tuning its heap and
  // code), which would make the empty database look slower than it is.
  await measureEngine({ residents: Math.ceil(RESIDENTS / 3) });
  // Interleaved (empty, 1M, empty) so that load from other work on the machine falls on both
  // sides; once with messages in random order (as residents type: the headline), once in turn
  // (the engine bench's order, where on the empty database one commit's conversations are
  // neighbours on disk, which the million's scattered residents cannot be). The second 1M run
  // has residents of its own (bench-3000…), also among the million.
  const orders = [] as Array<{ order: 'random' | 'round'; empty1: EngineFigures; full: EngineFigures; empty2: EngineFigures; emptyRate: number }>;
  for (const order of ['random', 'round'] as const) {
    const empty1 = await measureEngine({ residents: RESIDENTS, order });
    const full = await measureEngine({ residents: RESIDENTS, dir, order, firstResident: order === 'random' ? 0 : RESIDENTS });
    const empty2 = await measureEngine({ residents: RESIDENTS, order });
    orders.push({ order, empty1, full, empty2, emptyRate: (empty1.rate + empty2.rate) / 2 });
  }

  // Housekeeping on the full database, 100 days on: everything the build wrote is past retention.
  const log = createLogger('silent');
  const db = openDatabase(path.join(dir, 'adminduk.db'));
  const checkpointer = new Checkpointer(db, log, 250);
  checkpointer.start();
  // The readiness probe and metrics count undelivered messages per channel.
  let t0 = performance.now();
  new OpsStore(db).outboxDepth(new Date());
  const depthMs = performance.now() - t0;
  const retention = new Retention(db, log, { holdWrites: () => checkpointer.truncating });
  t0 = performance.now();
  const report = await retention.run(new Date(Date.now() + 100 * 86_400_000));
  const sweepSeconds = (performance.now() - t0) / 1000;
  await checkpointer.stop();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const { batches, longestMs, longestStep, overTarget, holdsMs } = retention.lastRun;
  const holds = Float64Array.from(holdsMs).sort();

  console.log(`growth: ${fmt(ROWS)} residents, ${fmt(ROWS)} delivered outbox rows, ${fmt(ROWS)} dedupe ids already stored (built in ${fmt(buildSeconds, 1)} s, ${fmt(size / 1048576)} MiB); the engine bench on it, its ${fmt(RESIDENTS)} residents among the 1M (returning, scattered over the tables)`);
  for (const { order, empty1, full, empty2, emptyRate } of orders) {
    console.log(order === 'random' ? '  messages in random order (as residents type):' : '  messages in turn (the engine bench; on the empty database one commit touches neighbouring rows):');
    console.log(`    empty database  ${fmt(emptyRate)} messages/s (${fmt(empty1.rate)} before, ${fmt(empty2.rate)} after)   p99 ${fmt(percentile(empty1.sorted, 99), 2)} / ${fmt(percentile(empty2.sorted, 99), 2)} ms`);
    console.log(`    1M rows         ${fmt(full.rate)} messages/s   p99 ${fmt(percentile(full.sorted, 99), 2)} ms`);
    console.log(order === 'random' ? `    1M / empty      ${ratio(full.rate, emptyRate, 0.8)}` : `    1M / empty      ${fmt(full.rate / emptyRate, 2)}× (for comparison)`);
  }
  console.log(`  housekeeping 100 days on: ${fmt(report.outbox)} outbox rows and ${fmt(report.dedupe)} dedupe ids removed in ${fmt(sweepSeconds, 1)} s, ${fmt(batches)} batches (each its own write), p50 ${fmt(percentile(holds, 50), 2)} ms, p99 ${fmt(percentile(holds, 99), 2)} ms, ${fmt(overTarget)} over ${BATCH_TARGET_MS} ms, longest ${fmt(longestMs, 1)} ms (${longestStep})${report.deferred.length ? `, deferred: ${report.deferred.join(', ')}` : ''}`);
  console.log(`  undelivered messages per channel (readiness, metrics) at 1M rows: ${fmt(depthMs, 2)} ms`);
}
