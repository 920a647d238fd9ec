// `npm start` / `npm run start:prod`: load .env, validate config, run the bot until SIGINT/SIGTERM.
// Every start-up problem an operator can fix is one line on stderr and exit code 1.
import fs from 'node:fs';
import { createApp, ListenError, type App } from './app.js';
import { ConfigError, loadCoreConfig, unknownVariables } from './config.js';
import { ContentError } from './content/load.js';
import { createLogger } from './log.js';
import { DatabaseOpenError } from './store/db.js';

try {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
} catch (err) {
  console.error(`Cannot start: .env cannot be read (${(err as Error).message})`);
  process.exit(1);
}

const isOperatorError = (err: unknown) => err instanceof ConfigError || err instanceof ContentError || err instanceof DatabaseOpenError || err instanceof ListenError;

async function main(): Promise<void> {
  let config;
  let app: App;
  try {
    config = loadCoreConfig(process.env);
    app = createApp(config, { log: createLogger(config.LOG_LEVEL), processMetrics: true });
  } catch (err) {
    if (isOperatorError(err)) {
      console.error(`Cannot start: ${(err as Error).message}`);
      process.exit(1);
    }
    throw err;
  }
  const log = app.ctx.log;
  if (app.ctx.services.officers.count() === 0) log.warn('no officer account yet: create the first admin with "npm run officer -- add <username> --role admin", then log in at /admin');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    // A stop that hangs must not keep the port: systemd would kill us anyway, later.
    setTimeout(() => process.exit(1), 20_000).unref();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  let port: number;
  try {
    port = await app.listen();
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  // Every feature has parsed its variables by now (some only once started): what is left with our prefixes is a typo.
  for (const { name, didYouMean } of unknownVariables(process.env)) {
    log.warn({ variable: name, didYouMean }, `unknown setting ${name} is ignored${didYouMean ? ` (did you mean ${didYouMean}?)` : ''}`);
  }
  const shown = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
  log.info({ port, pid: process.pid }, 'Adminduk Chat is running');
  if (config.WEB_CHAT) console.log(`\n  Adminduk Chat: open http://${shown}:${port}/ to chat with the bot\n`);
  console.log(`  Officers' dashboard: http://${shown}:${port}/admin\n`);
}

main().catch((err) => {
  console.error(`Cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
