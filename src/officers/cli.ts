// `npm run officer -- <command>`: officer accounts from the server's terminal (the first admin,
// and a way back in when every admin forgot the password). Prints one-time passwords once.
//   add <username> --role admin|petugas|viewer [--name "Full Name"]
//   reset <username>        new one-time password, sessions ended, lock-out lifted
//   list
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadCoreConfig } from '../config.js';
import { CoreStore } from '../store/core-store.js';
import { openDatabase } from '../store/db.js';
import { systemClock } from '../core/types.js';
import { createOfficers } from './index.js';
import { ROLES, type Role } from './service.js';

const USAGE = `Usage:
  npm run officer -- add <username> --role admin|petugas|viewer [--name "Full Name"]
  npm run officer -- reset <username>
  npm run officer -- list`;

export async function runOfficerCli(argv: string[], env: Record<string, string | undefined>, out: (s: string) => void): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { role: { type: 'string' }, name: { type: 'string' } } });
  const [command, username] = positionals;
  const config = loadCoreConfig(env);
  const db = openDatabase(config.dbFile);
  try {
    const core = new CoreStore(db);
    const { service } = createOfficers({ db, core, clock: systemClock, env });
    if (command === 'add' && username) {
      const role = (values.role ?? 'petugas') as Role;
      if (!ROLES.includes(role)) {
        out(`Unknown role "${role}": use one of ${ROLES.join(', ')}.`);
        return 2;
      }
      const made = await service.create({ username, role, displayName: values.name }, 'cli');
      if (!made.ok) {
        out(`Not created: ${made.error}`);
        return 1;
      }
      out(`Created ${made.officer.role} "${made.officer.username}".\nOne-time password (shown once; it must be changed at the first login): ${made.password}\nLog in at http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}/admin`);
      return 0;
    }
    if (command === 'reset' && username) {
      const o = service.listDetailed().find((x) => x.username === username.toLowerCase());
      if (!o) {
        out(`No officer "${username}".`);
        return 1;
      }
      const r = await service.resetPassword(o.id, 'cli');
      if (!r.ok) return (out(r.error), 1);
      out(`New one-time password for "${r.username}" (shown once): ${r.password}`);
      return 0;
    }
    if (command === 'list') {
      for (const o of service.listDetailed()) out(`${o.username}\t${o.role}${o.disabled ? '\tdisabled' : ''}${o.locked ? '\tlocked' : ''}`);
      return 0;
    }
    out(USAGE);
    return 2;
  } finally {
    db.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!)) {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  runOfficerCli(process.argv.slice(2), process.env, (s) => console.log(s)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
