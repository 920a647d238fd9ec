// Several processes book the same day on one database file at the same moment: exactly the
// quota is confirmed, everybody else is offered an alternative, and nobody sees an error.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { expect, test } from 'vitest';
import { openDatabase } from '../src/store/db.js';
import { tempDir } from './helpers.js';

const PROCESSES = 4;
const PER_PROCESS = 10; // 40 residents for 20 places (4 sessions × 5)
const DATE = '2026-12-01';

function start(dir: string, n: number): { child: ChildProcess; ready: Promise<void>; result: Promise<Array<{ clientId: string; status: number; text: string }>> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/fixtures/booking-child.ts'), dir, String(n), String(PER_PROCESS), DATE], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const lines = readline.createInterface({ input: child.stdout! });
  let onReady!: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const result = new Promise<Array<{ clientId: string; status: number; text: string }>>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line === 'ready') onReady();
      else if (line.startsWith('[')) resolve(JSON.parse(line));
    });
    child.on('exit', (code) => reject(new Error(`child ${n} exited with ${code} before answering: ${stderr}`)));
  });
  return { child, ready, result };
}

test('4 processes × 10 residents on one file: exactly 20 confirmed, 20 alternatives, no errors', { timeout: 120_000 }, async () => {
  const dir = tempDir('booking-multi-');
  openDatabase(path.join(dir, 'adminduk.db')).close(); // schema once, before the rush
  const children = Array.from({ length: PROCESSES }, (_, i) => start(dir, i));
  await Promise.all(children.map((c) => c.ready));
  for (const c of children) c.child.stdin!.write('go\n');
  const replies = (await Promise.all(children.map((c) => c.result))).flat();

  expect(replies).toHaveLength(PROCESSES * PER_PROCESS);
  expect(replies.every((r) => r.status === 200)).toBe(true);
  const confirmed = replies.filter((r) => /Booking berhasil/.test(r.text));
  const offered = replies.filter((r) => /baru saja penuh|sudah penuh/.test(r.text));
  if (confirmed.length !== 20) console.log(replies.map((r) => r.clientId + ": " + r.text.slice(0, 300)).join("\n---\n"));
  expect(confirmed).toHaveLength(20);
  expect(offered).toHaveLength(20);
  for (const r of offered) expect(r.text).toMatch(/Pukul \d\d\.\d\d — sisa|Daftar tunggu|sisa \d+/);
  for (const r of replies) expect(r.text).not.toMatch(/gangguan|error|SQLITE|constraint|undefined/i);

  const db = openDatabase(path.join(dir, 'adminduk.db'));
  try {
    const perSession = db
      .prepare(`SELECT session_time, COUNT(*) AS n FROM booking WHERE date = ? AND status = 'active' GROUP BY session_time ORDER BY session_time`)
      .all(DATE) as Array<{ session_time: string; n: number }>;
    expect(perSession).toEqual([
      { session_time: '08:00', n: 5 },
      { session_time: '08:30', n: 5 },
      { session_time: '09:00', n: 5 },
      { session_time: '09:30', n: 5 },
    ]);
    const queue = db.prepare(`SELECT queue_no FROM booking WHERE date = ? AND status = 'active' ORDER BY queue_no`).pluck().all(DATE);
    expect(queue).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  } finally {
    db.close();
  }
});

test('the database itself refuses a 21st place, whatever the code above it does', () => {
  const dir = tempDir('booking-guard-');
  const db = openDatabase(path.join(dir, 'adminduk.db'));
  try {
    const now = new Date().toISOString();
    db.prepare(`INSERT INTO booking_capacity (scope, per_day, first_session, sessions, session_minutes, updated_by, updated_at) VALUES ('file', 20, '08:00', 4, 30, 't', ?)`).run(now);
    db.prepare(`INSERT INTO residents (channel, address, created_at) VALUES ('web', 'guard-test-1', ?)`).run(now);
    const insert = db.prepare(
      `INSERT INTO booking (code, resident_id, nik, name, reason, date, session, session_time, queue_no, status, created_at, updated_at)
       VALUES (?, 1, ?, 'Uji Coba', 'bpjs', '2026-12-01', 0, '08:00', ?, 'active', ?, ?)`,
    );
    insert.run('AAAAAA', '1803021204950001', 20, now, now);
    expect(() => insert.run('AAAAAB', '1803021204950002', 21, now, now)).toThrow(/booking quota exceeded/);
    expect(() => insert.run('AAAAAC', '1803021204950003', 20, now, now)).toThrow(/UNIQUE/);
    expect(() => insert.run('AAAAAD', '1803021204950001', 19, now, now)).toThrow(/UNIQUE/); // one live booking per NIK
  } finally {
    db.close();
  }
});
