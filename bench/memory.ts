// Memory in production mode: the app compiled with tsc and run with plain node (as a
// deployment runs it, channels loaded only when switched on), on a database where 100,000
// residents have chatted; RSS idle after start-up and the peak under web-chat load.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openDatabase } from '../src/store/db.js';
import { load, line } from './http.js';
import { fmt, procMemory } from './_util.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESIDENTS = Number(process.env.BENCH_MEMORY_RESIDENTS ?? 100_000);
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 8);

function newest(dir: string): number {
  let t = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/**
 * The compiled entry point: `dist/main.js` if the project's build made one that is not older
 * than src/ (a stale dist/ would measure old code), else a tsc build of src/ kept under
 * node_modules/.cache, with the files the code reads beside itself copied as `npm run build` does.
 */
function compiled(): string {
  const own = path.join(root, 'dist', 'main.js');
  const src = newest(path.join(root, 'src'));
  if (fs.existsSync(own) && newest(path.join(root, 'dist')) >= src) return own;
  const cache = path.join(root, 'node_modules', '.cache', 'adminduk-bench');
  const main = path.join(cache, 'dist', 'main.js');
  if (!fs.existsSync(main) || fs.statSync(main).mtimeMs < src) {
    fs.rmSync(cache, { recursive: true, force: true });
    fs.mkdirSync(cache, { recursive: true });
    fs.writeFileSync(
      path.join(cache, 'tsconfig.json'),
      JSON.stringify({ extends: '../../../tsconfig.json', compilerOptions: { noEmit: false, outDir: 'dist', rootDir: '../../../src', sourceMap: false }, include: ['../../../src'] }),
    );
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(cache, 'tsconfig.json')], { stdio: 'inherit' });
  }
  const copyAssets = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const from = path.join(dir, entry.name);
      if (entry.isDirectory()) copyAssets(from);
      else if (!/\.(ts|mts|cts)$/.test(entry.name)) {
        const to = path.join(cache, 'dist', path.relative(path.join(root, 'src'), from));
        fs.mkdirSync(path.dirname(to), { recursive: true });
        fs.copyFileSync(from, to);
      }
    }
  };
  copyAssets(path.join(root, 'src'));
  return main;
}

/** 100,000 residents who chatted: their conversation and their delivered replies. */
function seed(dir: string): void {
  const file = path.join(dir, 'adminduk.db');
  openDatabase(file).close();
  const db = new Database(file);
  const at = new Date(Date.now() - 86_400_000).toISOString();
  const state = JSON.stringify({ lang: 'id', flow: 'requirements', flowVersion: 1, node: 'check', data: { service: 'ktp_el_baru', answers: ['y', 'n'] }, choices: ['req:check', 'm:menu'], at });
  const payload = JSON.stringify({ text: 'Persyaratan KTP-el baru: fotokopi KK, surat pengantar RT/RW.', choices: [{ id: 'req:check', label: 'Cek kelengkapan' }] });
  const series = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${RESIDENTS})`;
  db.transaction(() => {
    db.prepare(`${series} INSERT INTO residents (channel, address, lang, created_at, last_inbound_at) SELECT 'web', 'seeded-' || i || '-resident', 'id', ?, ? FROM n`).run(at, at);
    db.prepare(`${series} INSERT INTO conversations (resident_id, state_version, state, updated_at) SELECT i, 1, ?, ? FROM n`).run(state, at);
    db.prepare(
      `${series}, r(k) AS (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3)
       INSERT INTO outbox (resident_id, channel, address, kind, payload, status, attempts, next_attempt_at, created_at, sent_at)
       SELECT i, 'web', 'seeded-' || i || '-resident', 'reply', ?, 'sent', 1, ?, ?, ? FROM n, r`,
    ).run(payload, at, at, at);
    db.prepare(`${series} INSERT INTO inbound_seen (channel, message_id, seen_at) SELECT 'web', lower(hex(randomblob(16))), ? FROM n`).run(at);
  })();
  db.close();
}

/**
 * What `npm run start:prod` passes to node (read from package.json, so the bench measures what
 * ships; deploy/adminduk-chat.service passes the same, a test checks it): a 2 MiB young
 * generation, and an old space that grows by 15 % past what a collection left alive instead of
 * V8's default (up to 4x on a large machine), so garbage is collected before it piles up. Not
 * a ceiling: it cannot run out of memory. Printed beside plain node and the flags used before
 * (`--max-semi-space-size=2` alone). `--max-old-space-size=96` (a ceiling) is not measured any
 * more: it ran out of memory (a crash) once under 2,000 connections.
 */
export const PRODUCTION_FLAGS = productionFlags();
export const BEFORE_FLAGS = ['--max-semi-space-size=2'];

function productionFlags(): string[] {
  const script = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start:prod']!;
  const words = script.split(/\s+/);
  return words.slice(words.indexOf('node') + 1, words.indexOf('dist/main.js'));
}

export async function run(): Promise<void> {
  const main = compiled();
  const own = process.env.BENCH_SERVER_NODE_FLAGS;
  const variants = own !== undefined ? [own.split(' ').filter(Boolean)] : [[], BEFORE_FLAGS, PRODUCTION_FLAGS];
  for (const flags of variants) await measure(main, flags);
}

async function measure(main: string, flags: string[]): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adminduk-bench-memory-'));
  seed(dir);
  const env = { ...process.env, DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'info', CONTENT_DIR: path.join(root, 'flows'), WEB_CHAT: 'on', WHATSAPP: 'off', TELEGRAM_BOT_TOKEN: '',
    // All load comes from one address (loopback): the per-IP and per-client limits are not what is measured.
    WEB_CHAT_CLIENT_RATE: '10000', WEB_CHAT_IP_RATE: '1000000', WEB_CHAT_SESSION_RATE: '1000000' };
  const child = spawn(process.execPath, [...flags, main], { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /"port":(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out.slice(-500)}`)));
    });
    child.stdout.resume();
    await new Promise((r) => setTimeout(r, 2_000));
    const idle = procMemory(child.pid!)!;
    const web200 = await load({ port, connections: 200, seconds: SECONDS, kind: 'web', tag: 'mem200', serverPid: child.pid });
    const after200 = procMemory(child.pid!)!;
    const web2000 = await load({ port, connections: 2_000, seconds: SECONDS, kind: 'web', tag: 'mem2000', serverPid: child.pid });
    const after = procMemory(child.pid!)!;
    console.log(`memory: ${path.relative(root, main)} with plain node${flags.length ? ` ${flags.join(' ')}` : ''}${flags.join(' ') === PRODUCTION_FLAGS.join(' ') ? ' (npm run start:prod)' : flags.join(' ') === BEFORE_FLAGS.join(' ') ? ' (the flags before)' : ''} (WhatsApp and Telegram off), ${fmt(RESIDENTS)} residents who chatted already in the database`);
    console.log(`  idle after start-up   ${fmt(idle.rss)} MiB   (target ≤ 120) ${idle.rss <= 120 ? 'met' : 'NOT met'}`);
    console.log(`  peak, 200 connections ${fmt(after200.peak)} MiB   (target ≤ 160) ${after200.peak <= 160 ? 'met' : 'NOT met'}`);
    console.log(`  peak, 2,000 connections ${fmt(after.peak)} MiB (target ≤ 160) ${after.peak <= 160 ? 'met' : 'NOT met'}   (after the load: ${fmt(after.rss)} MiB)`);
    // The server's CPU per request is printed in each line (read from /proc): what the flags cost.
    console.log(line('load: web chat, 200', web200));
    console.log(line('load: web chat, 2,000', web2000));
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
