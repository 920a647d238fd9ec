// The composition root: config → store → content → engine → features → HTTP.
// Tests build the same app with a temp data dir and an injected clock.
import { randomInt } from 'node:crypto';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import type { AppConfig } from './config.js';
import { loadContent } from './content/load.js';
import { OutboxDispatcher } from './core/dispatcher.js';
import { Engine } from './core/engine.js';
import type { AppContext, Feature, FeatureFactory } from './core/feature.js';
import { systemClock, type Clock } from './core/types.js';
import { features as defaultFeatures } from './features.js';
import { menuFlow, officerFlow } from './flows/menu.js';
import { requirementsFlow } from './flows/requirements.js';
import { createLogger } from './log.js';
import { createNlu, loadNluVocab } from './nlu/index.js';
import { CoreStore } from './store/core-store.js';
import { Checkpointer } from './store/checkpointer.js';
import { openDatabase } from './store/db.js';
import path from 'node:path';
import fs from 'node:fs';

export interface AppOptions {
  clock?: Clock;
  /** Randomness for ids (booking codes) and retry jitter, in [0, 1). Default: crypto. */
  random?: () => number;
  log?: Logger;
  env?: Record<string, string | undefined>;
  features?: FeatureFactory[];
}

export interface App {
  ctx: AppContext;
  features: Feature[];
  /** Starts features, the dispatcher and the HTTP server; resolves with the bound port. */
  listen(): Promise<number>;
  /** Starts features and the dispatcher without HTTP (tests that call ctx.http.request directly). */
  startFeatures(): Promise<void>;
  close(): Promise<void>;
}

/** Pending connections the kernel keeps for us (capped by net.core.somaxconn). */
const LISTEN_BACKLOG = 8192;

export function createApp(config: AppConfig, options: AppOptions = {}): App {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  const clock = options.clock ?? systemClock;
  // crypto.randomInt accepts ranges below 2^48.
  const random = options.random ?? (() => randomInt(2 ** 47) / 2 ** 47);
  const content = loadContent(config.CONTENT_DIR, config.officeFile);
  const vocabFile = path.join(config.CONTENT_DIR, 'nlu.yaml');
  const nlu = createNlu({ services: content.services, categories: content.categories, vocab: fs.existsSync(vocabFile) ? loadNluVocab(vocabFile) : undefined });
  const db = openDatabase(config.dbFile, { synchronous: config.SQLITE_SYNCHRONOUS });
  const store = new CoreStore(db);
  const checkpointer = new Checkpointer(db, log);
  const dispatcher = new OutboxDispatcher({ store, clock, log, random });
  const engine = new Engine({
    store,
    flows: [menuFlow, officerFlow, requirementsFlow],
    content,
    nlu,
    clock,
    log,
    idleMinutes: config.IDLE_MINUTES,
    onQueued: () => dispatcher.kick(),
  });

  const http = new Hono();
  http.get('/healthz', (c) => c.json({ ok: true }));
  const admin = config.ADMIN_TOKEN ? new Hono() : undefined;
  if (admin) {
    admin.use('*', bearerAuth({ token: config.ADMIN_TOKEN! }));
  }

  const ctx: AppContext = { config, env: options.env ?? process.env, db, store, engine, dispatcher, clock, random, log, content, nlu, http, admin };
  const features = (options.features ?? defaultFeatures).map((make) => make(ctx));
  for (const feature of features) {
    if (feature.flows) engine.registerFlows(feature.flows);
    if (feature.effects) engine.registerEffects(feature.effects);
  }
  if (admin) {
    admin.onError((err, c) => {
      // bearerAuth rejects a missing or wrong token by throwing: that is a 401, not a server error.
      if (err instanceof HTTPException && err.status < 500) {
        return c.json({ error: err.status === 401 ? 'Unauthorized: send the header "Authorization: Bearer <ADMIN_TOKEN>".' : err.message }, err.status);
      }
      log.error({ err }, 'admin API error');
      return c.json({ error: 'internal error' }, 500);
    });
    http.route('/api/admin', admin);
  } else {
    http.all('/api/admin/*', (c) => c.json({ error: 'The admin API is off: set ADMIN_TOKEN to turn it on.' }, 404));
  }

  let server: Server | undefined;
  let started = false;
  let housekeeping: NodeJS.Timeout | undefined;

  // Channels re-deliver within minutes, not weeks: old dedupe ids and delivered messages go.
  const DAY = 86_400_000;
  function tidy(): void {
    const now = clock.now().getTime();
    const seen = store.pruneInboundSeen(new Date(now - 30 * DAY));
    const sent = store.pruneSentOutbox(new Date(now - 90 * DAY));
    const conversations = store.pruneConversations(new Date(now - 30 * DAY));
    if (seen || sent || conversations) log.info({ seen, sent, conversations }, 'housekeeping: pruned old dedupe ids, delivered messages and abandoned conversations');
    for (const feature of features) {
      try {
        feature.housekeeping?.(clock.now());
      } catch (err) {
        log.error({ err, feature: feature.name }, 'housekeeping failed; will retry');
      }
    }
  }

  async function startFeatures(): Promise<void> {
    if (started) return;
    started = true;
    checkpointer.start();
    for (const feature of features) await feature.start?.();
    dispatcher.start();
    tidy();
    housekeeping = setInterval(tidy, 6 * 3_600_000);
    housekeeping.unref();
  }

  return {
    ctx,
    features,
    startFeatures,
    async listen() {
      await startFeatures();
      return new Promise<number>((resolve, reject) => {
        const s = createAdaptorServer({ fetch: http.fetch, hostname: config.HOST }) as Server;
        s.once('error', reject);
        // Node's default backlog (511) drops connections when thousands of residents arrive at once.
        s.listen({ port: config.PORT, host: config.HOST, backlog: LISTEN_BACKLOG }, () => resolve((s.address() as { port: number }).port));
        server = s;
      });
    },
    async close() {
      // Stop taking messages first, then finish deliveries, then close the database.
      if (housekeeping) clearInterval(housekeeping);
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      for (const feature of [...features].reverse()) await feature.stop?.();
      await dispatcher.stop();
      await checkpointer.stop();
      db.close();
    },
  };
}
