// Production start-up and shutdown as an operator meets them: signals through `npm start`,
// one-line errors, refusing a newer database, warnings for typos, secrets never echoed, and
// backups that restore.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { ConfigError, loadCoreConfig, unknownVariables } from '../src/config.js';
import { backupDatabase, pruneBackups, restoreDatabase, verifyBackup } from '../src/ops/backup.js';
import { DatabaseOpenError, openDatabase } from '../src/store/db.js';
import { makeTestApp, tempDir, textOf } from './helpers.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `npm start` (or any command) with env; resolves stdout lines as they come. */
function run(cmd: string, args: string[], env: Record<string, string>) {
  const child = spawn(cmd, args, { env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const lines: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  readline.createInterface({ input: child.stdout! }).on('line', (l) => {
    lines.push(l);
    for (const w of [...waiters]) if (w.re.test(l)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(l));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    waitFor: (re: RegExp) => new Promise<string>((resolve) => (lines.find((l) => re.test(l)) ? resolve(lines.find((l) => re.test(l))!) : waiters.push({ re, resolve }))),
  };
}

describe('npm start', () => {
  test('SIGTERM to npm stops the bot itself: no orphan keeps the port', { timeout: 90_000 }, async () => {
    const dir = tempDir();
    const p = run('npm', ['start', '--silent'], { DATA_DIR: dir, PORT: '0', CONTENT_DIR: path.resolve('flows'), TELEGRAM_BOT_TOKN: '123:abc' });
    const line = await Promise.race([p.waitFor(/Adminduk Chat is running/), p.exited.then(() => { throw new Error(`exited early: ${p.stderr()}`); })]);
    const { pid, port } = JSON.parse(line) as { pid: number; port: number };
    expect(pid).not.toBe(p.child.pid);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    p.child.kill('SIGTERM');
    await p.exited;
    await expect.poll(() => alive(pid), { timeout: 20_000 }).toBe(false);
    expect(p.lines.some((l) => /"msg":"stopping"/.test(l) && /SIGTERM/.test(l))).toBe(true);
    // The misspelt variable was named, its value not.
    const warning = p.lines.find((l) => l.includes('TELEGRAM_BOT_TOKN'))!;
    expect(warning).toMatch(/unknown setting TELEGRAM_BOT_TOKN is ignored \(did you mean TELEGRAM_BOT_TOKEN\?\)/);
    expect(warning).not.toContain('123:abc');
  });

  test('a port in use and an unwritable data folder are one line each, exit code 1', { timeout: 90_000 }, async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const p = run(process.execPath, ['--import', 'tsx', 'src/main.ts'], { DATA_DIR: tempDir(), PORT: String(port), CONTENT_DIR: path.resolve('flows') });
      expect(await p.exited).toBe(1);
      expect(p.stderr().trim()).toMatch(new RegExp(`^Cannot start: port ${port} on 127\\.0\\.0\\.1 is already in use \\(is Adminduk Chat already running\\?\\): stop the other program or set PORT$`));
    } finally {
      blocker.close();
    }
    // A file where the folder should be: the same for root, who may write anywhere.
    const notADir = path.join(tempDir(), 'data');
    fs.writeFileSync(notADir, '');
    const q = run(process.execPath, ['--import', 'tsx', 'src/main.ts'], { DATA_DIR: notADir, PORT: '0', CONTENT_DIR: path.resolve('flows') });
    expect(await q.exited).toBe(1);
    expect(q.stderr().trim().split('\n')).toHaveLength(1);
    expect(q.stderr()).toMatch(/^Cannot start: .*data.*(not a folder|not writable)/);

    // A folder the service user may not write (as root: run the bot as "nobody").
    const nobodyCanRun = () => {
      try {
        execFileSync('/usr/sbin/runuser', ['-u', 'nobody', '--', 'test', '-r', path.resolve('node_modules/tsx/package.json')], { stdio: 'ignore' });
        execFileSync('/usr/sbin/runuser', ['-u', 'nobody', '--', 'test', '-r', path.resolve('src/main.ts')], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    };
    if (process.getuid?.() === 0 && fs.existsSync('/usr/sbin/runuser') && nobodyCanRun()) {
      const locked = tempDir();
      fs.chmodSync(locked, 0o700);
      const r = run('/usr/sbin/runuser', ['-u', 'nobody', '--', 'env', 'HOME=/tmp', process.execPath, '--import', 'tsx', 'src/main.ts'], {
        DATA_DIR: path.join(locked, 'data'),
        PORT: '0',
        CONTENT_DIR: path.resolve('flows'),
      });
      expect(await r.exited).toBe(1);
      expect(r.stderr().trim()).toMatch(/^Cannot start: the data folder ".*" is not writable by user nobody \(EACCES\): fix its owner or permissions, or set DATA_DIR$/);
    } else {
      console.warn('SKIPPED unwritable-folder check as another user: needs root, runuser and a checkout "nobody" can read');
    }
  });
});

describe('start-up checks', () => {
  test('a database written by a newer version is refused with an explanation, and left untouched', () => {
    const file = path.join(tempDir(), 'adminduk.db');
    openDatabase(file).close();
    const raw = new Database(file);
    raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(9999, 'from the future', new Date().toISOString());
    raw.close();
    expect(() => openDatabase(file)).toThrow(DatabaseOpenError);
    expect(() => openDatabase(file)).toThrow(/updated by a newer version of Adminduk Chat \(schema 9999 "from the future"; this version knows up to \d+\): install the newer version again, or restore a backup/);
    const after = new Database(file, { readonly: true });
    expect(after.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get()).toBe(9999);
    after.close();
  });

  test('tokens: too short or with spaces are refused without echoing them', () => {
    const short = () => loadCoreConfig({ ADMIN_TOKEN: 'secret-abc' });
    expect(short).toThrow(ConfigError);
    expect(short).toThrow(/^Invalid ADMIN_TOKEN: expected at least 16 characters \(got 10 characters\)$/);
    expect(short).not.toThrow(/secret-abc/);
    const spaced = () => loadCoreConfig({ ADMIN_TOKEN: 'correct horse battery staple' });
    expect(spaced).toThrow(/^Invalid ADMIN_TOKEN: only letters, digits and \. _ ~ \+ \/ = - are allowed \(no spaces or quotes\) \(got 28 characters\)$/);
    expect(spaced).not.toThrow(/horse/);
    expect(loadCoreConfig({ ADMIN_TOKEN: 'abcdefghijklmnop-_.~+/=' }).ADMIN_TOKEN).toBe('abcdefghijklmnop-_.~+/=');
  });

  test('a misspelt ADMIN_/TELEGRAM_/WHATSAPP_ variable is named, with the likely meant one', async () => {
    const t = await makeTestApp();
    try {
      const unknown = unknownVariables({ TELEGRAM_BOT_TOKN: 'x', ADMIN_TOKEN: 'y', WHATSAPP_PAIRING_NUMBR: '1', PATH: '/bin', ADMIN_FOO_BAR_BAZ_QUUX: '1' });
      expect(unknown).toEqual([
        { name: 'TELEGRAM_BOT_TOKN', didYouMean: 'TELEGRAM_BOT_TOKEN' },
        { name: 'WHATSAPP_PAIRING_NUMBR', didYouMean: 'WHATSAPP_PAIRING_NUMBER' },
        { name: 'ADMIN_FOO_BAR_BAZ_QUUX', didYouMean: undefined },
      ]);
    } finally {
      await t.close();
    }
  });
});

describe('backups', () => {
  test('an online backup while the bot runs restores to the same conversations; files 0600 in a 0700 folder; only the newest N kept', async () => {
    const t = await makeTestApp();
    const backups = path.join(t.dir, 'backups');
    let file: string;
    try {
      await t.say('resident-bk1', 'syarat ktp hilang');
      file = await backupDatabase(t.ctx.db, backups, t.clock.now());
      const kept = path.join(tempDir(), 'first.db');
      fs.copyFileSync(file, kept);
      // Written after the backup: gone after the restore.
      await t.say('resident-bk2', 'halo');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(backups).mode & 0o777).toBe(0o700);
      expect(verifyBackup(file).versions).toBeGreaterThan(0);
      for (let i = 1; i <= 3; i++) {
        t.clock.advance(3_600_000);
        await backupDatabase(t.ctx.db, backups, t.clock.now());
      }
      expect(pruneBackups(backups, 2)).toHaveLength(2);
      expect(fs.readdirSync(backups).filter((f) => f.endsWith('.db'))).toHaveLength(2);
      file = kept;
    } finally {
      await t.close();
    }
    // Restore (bot stopped) into a fresh data folder's place: the first resident's conversation goes on.
    const dbFile = path.join(t.dir, 'adminduk.db');
    const { previous } = restoreDatabase(file, dbFile, new Date());
    expect(previous && fs.existsSync(previous)).toBe(true);
    expect(fs.statSync(dbFile).mode & 0o777).toBe(0o600);
    const again = await makeTestApp({ dir: t.dir });
    try {
      const resident = again.ctx.store.findResident('web', 'resident-bk1')!;
      expect(JSON.parse(again.ctx.store.loadConversation(resident.id)!.state)).toMatchObject({ flow: 'requirements' });
      expect(again.ctx.store.findResident('web', 'resident-bk2')).toBeUndefined();
      expect(textOf(await again.say('resident-bk1', 'bantuan'))).toMatch(/Cara memakai/);
    } finally {
      await again.close();
    }
  });

  test('with BACKUP_DIR the app writes backups itself and keeps the newest BACKUP_KEEP', async () => {
    const dir = tempDir();
    const t = await makeTestApp({ env: { BACKUP_DIR: path.join(dir, 'bk'), BACKUP_KEEP: '2' } });
    try {
      await t.say('resident-s1', 'halo');
      for (let i = 0; i < 3; i++) {
        t.clock.advance(86_400_000);
        expect(await t.app.backup()).toMatch(/adminduk-\d{8}-\d{6}\.db$/);
      }
      const files = fs.readdirSync(path.join(dir, 'bk')).sort();
      expect(files).toEqual(['adminduk-20261202-020000.db', 'adminduk-20261203-020000.db']);
      expect(verifyBackup(path.join(dir, 'bk', files[1]!)).versions).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });

  test('a damaged or foreign file is refused before anything is replaced', () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.db');
    fs.writeFileSync(bad, 'not a database at all');
    const dbFile = path.join(dir, 'adminduk.db');
    fs.writeFileSync(dbFile, 'current');
    expect(() => restoreDatabase(bad, dbFile, new Date())).toThrow(DatabaseOpenError);
    expect(fs.readFileSync(dbFile, 'utf8')).toBe('current');
  });

  test('npm run backup writes a backup of the data folder', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    openDatabase(path.join(dir, 'adminduk.db')).close();
    const p = run('npm', ['run', '--silent', 'backup'], { DATA_DIR: dir, BACKUP_DIR: path.join(dir, 'bk') });
    expect(await p.exited).toBe(0);
    expect(p.lines.join('\n')).toMatch(/^Backup written: .*adminduk-\d{8}-\d{6}\.db$/m);
    expect(fs.readdirSync(path.join(dir, 'bk'))).toHaveLength(1);
  });
});
