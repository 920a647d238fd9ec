// `npm start`: load .env, validate config, run the bot until SIGINT/SIGTERM.
import fs from 'node:fs';
import { createApp } from './app.js';
import { ConfigError, loadCoreConfig } from './config.js';
import { ContentError } from './content/load.js';
import { createLogger } from './log.js';

if (fs.existsSync('.env')) process.loadEnvFile('.env');

async function main(): Promise<void> {
  let config;
  let app;
  try {
    config = loadCoreConfig(process.env);
    app = createApp(config, { log: createLogger(config.LOG_LEVEL) });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ContentError) {
      console.error(`Cannot start: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const log = app.ctx.log;
  if (app.ctx.services.officers.count() === 0) log.warn('no officer account yet: create the first admin with "npm run officer -- add <username> --role admin", then log in at /admin');
  const port = await app.listen();
  const shown = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
  log.info({ port }, 'Adminduk Chat is running');
  if (config.WEB_CHAT) console.log(`\n  Adminduk Chat: open http://${shown}:${port}/ to chat with the bot\n`);
  console.log(`  Officers' dashboard: http://${shown}:${port}/admin\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error('Cannot start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
