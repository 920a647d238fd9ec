// `npm run backup [-- <folder>]` and `npm run restore -- <file>` (compiled: node dist/ops/cli.js …).
// Backup works while the bot runs (online backup API); restore needs the bot stopped.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadCoreConfig } from '../config.js';
import { DatabaseOpenError, openDatabase } from '../store/db.js';
import { backupDatabase, pruneBackups, restoreDatabase } from './backup.js';

if (fs.existsSync('.env')) process.loadEnvFile('.env');

async function main(): Promise<void> {
  const [command, arg] = process.argv.slice(2);
  const config = loadCoreConfig(process.env);
  if (command === 'backup') {
    const dir = arg ?? config.BACKUP_DIR ?? path.join(config.DATA_DIR, 'backups');
    if (!fs.existsSync(config.dbFile)) throw new DatabaseOpenError(`no database at "${config.dbFile}" (DATA_DIR=${config.DATA_DIR})`);
    const db = openDatabase(config.dbFile);
    try {
      const file = await backupDatabase(db, dir, new Date());
      const removed = pruneBackups(dir, config.BACKUP_KEEP);
      console.log(`Backup written: ${file}${removed.length ? ` (${removed.length} older removed, keeping ${config.BACKUP_KEEP})` : ''}`);
    } finally {
      db.close();
    }
  } else if (command === 'restore') {
    if (!arg) throw new ConfigError('usage: npm run restore -- <backup file>   (stop the bot first)');
    const { previous } = restoreDatabase(arg, config.dbFile, new Date());
    console.log(`Restored ${arg} to ${config.dbFile}.${previous ? ` The database it replaced is kept as ${previous}.` : ''} Start the bot again.`);
  } else {
    throw new ConfigError('usage: npm run backup [-- <folder>]  |  npm run restore -- <backup file>');
  }
}

main().catch((err) => {
  console.error(`Cannot ${process.argv[2] ?? 'run'}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
