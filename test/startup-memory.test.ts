// What a deployment loads at start-up: argon2 (a native module, ~4 MiB of RSS) only once an
// officer's password is hashed or checked. Run in a child process of its own (a fresh module
// registry and address space); /proc/self/maps shows which native modules are mapped.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { tempDir } from './helpers.js';

const root = path.resolve(import.meta.dirname, '..');

test.skipIf(!fs.existsSync('/proc/self/maps'))('argon2 is loaded at the first login, not at start-up, and the login works', () => {
  const dir = tempDir('adminduk-startup-');
  const child = path.join(dir, 'child.mts');
  fs.writeFileSync(
    child,
    `import fs from 'node:fs';
import { createApp } from ${JSON.stringify(path.join(root, 'src/app.js'))};
import { loadCoreConfig } from ${JSON.stringify(path.join(root, 'src/config.js'))};
import { createLogger } from ${JSON.stringify(path.join(root, 'src/log.js'))};
const mapped = () => fs.readFileSync('/proc/self/maps', 'utf8').includes('argon2');
const env = { DATA_DIR: ${JSON.stringify(dir)}, LOG_LEVEL: 'silent', CONTENT_DIR: ${JSON.stringify(path.join(root, 'flows'))}, WHATSAPP: 'off', TELEGRAM_BOT_TOKEN: '' };
const app = createApp(loadCoreConfig(env), { env, log: createLogger('silent') });
await app.startFeatures();
const atStart = mapped();
const officers = app.ctx.services.officers;
const made = await officers.create({ username: 'rina', role: 'admin', password: 'sandi-rina-2026-panjang' }, 'test');
const good = await officers.login('rina', 'sandi-rina-2026-panjang', '127.0.0.1');
const wrong = await officers.login('rina', 'bukan-sandinya-2026', '127.0.0.1');
const unknown = await officers.login('budi', 'sandi-rina-2026-panjang', '127.0.0.1');
console.log(JSON.stringify({ atStart, afterLogin: mapped(), made: made.ok, good: good.ok, wrong: wrong.ok, unknown: unknown.ok }));
await app.close();
`,
  );
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', child], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ atStart: false, afterLogin: true, made: true, good: true, wrong: false, unknown: false });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the systemd unit runs node with the flags of npm run start:prod (the memory bench measures those)', () => {
  const script = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start:prod']!;
  const unit = fs.readFileSync(path.join(root, 'deploy/adminduk-chat.service'), 'utf8');
  const exec = /^ExecStart=(.*)$/m.exec(unit)![1]!;
  const flags = (cmd: string) => cmd.split(/\s+/).filter((w) => w.startsWith('--'));
  expect(flags(script)).toContain('--heap-growing-percent=15');
  expect(flags(exec)).toEqual(flags(script));
  expect(exec).toMatch(/ dist\/main\.js$/);
});
