// The composition root: config → store → content → engine → features → HTTP.
// Tests build the same app with a temp data dir and an injected clock.
import { randomInt } from 'node:crypto';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import type { AppConfig } from './config.js';
import { loadContent } from './content/load.js';
import { OutboxDispatcher } from './core/dispatcher.js';
import { declaredBodyLimit } from './core/http-body.js';
import { securityHeaders } from './core/http-fast.js';
import { Engine } from './core/engine.js';
import type { AppContext, Feature, FeatureFactory } from './core/feature.js';
import { systemClock, type Clock } from './core/types.js';
import { features as defaultFeatures } from './features.js';
import { menuFlow, officerFlow } from './flows/menu.js';
import { requirementsFlow } from './flows/requirements.js';
import { createLogger } from './log.js';
import { createLiveNlu, loadNluVocab } from './nlu/index.js';
import { CoreStore } from './store/core-store.js';
import { ContentService } from './content/edit.js';
import { apiAuth } from './officers/auth.js';
import { createOfficers } from './officers/index.js';
import { StatsService } from './stats/service.js';
import { StatsStore } from './store/stats-store.js';
import { Checkpointer } from './store/checkpointer.js';
import { isTransientDbError, openDatabase, retryTransient } from './store/db.js';
import { EngineBusyError } from './core/engine.js';
import { BackupScheduler } from './ops/backup.js';
import { HealthService } from './ops/health.js';
import { Metrics } from './ops/metrics.js';
import { Retention, type RetentionReport } from './ops/retention.js';
import { OpsStore } from './store/ops-store.js';
import { clientIp } from './channels/web/limits.js';
import { adminFailureLimit } from './ops/auth-limit.js';
import path from 'node:path';
import fs from 'node:fs';

/** The HTTP port could not be taken: one line for the operator. */
export class ListenError extends Error {
  override name = 'ListenError';
}

export interface AppOptions {
  clock?: Clock;
  /** Randomness for ids (booking codes) and retry jitter, in [0, 1). Default: crypto. */
  random?: () => number;
  log?: Logger;
  env?: Record<string, string | undefined>;
  features?: FeatureFactory[];
  /** Free bytes on the data disk (tests simulate a full disk); default: statfs of DATA_DIR. */
  diskFree?: () => number | undefined;
  /** Process metrics (CPU, memory, event-loop lag) in /metrics: once per process, main turns it on. */
  processMetrics?: boolean;
  /** The engine's waits after a lock or a full disk (tests make them short). */
  retryDelaysMs?: number[];
}

export interface App {
  ctx: AppContext;
  features: Feature[];
  /** Starts features, the dispatcher and the HTTP server; resolves with the bound port. */
  listen(): Promise<number>;
  /** Starts features and the dispatcher without HTTP (tests that call ctx.http.request directly). */
  startFeatures(): Promise<void>;
  /** Runs the retention sweeps and every feature's housekeeping now (also every 6 hours once started). */
  housekeeping(): Promise<RetentionReport>;
  /** Writes a backup to BACKUP_DIR now; resolves with the file (undefined without BACKUP_DIR or on failure). */
  backup(): Promise<string | undefined>;
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
  // Follows content reloads (dashboard edits): keywords taught on Statistik are understood at once.
  const nlu = createLiveNlu(content, fs.existsSync(vocabFile) ? loadNluVocab(vocabFile) : undefined);
  // Start-up (migrations, features writing their defaults) may wait for other processes starting
  // together; once running, statements wait only SQLITE_BUSY_TIMEOUT_MS and retry off the event loop.
  const STARTUP_BUSY_MS = 10_000;
  const setBusyTimeout = (ms: number) => db.pragma(`busy_timeout = ${ms}`);
  const db = openDatabase(config.dbFile, { synchronous: config.SQLITE_SYNCHRONOUS, cacheMb: config.SQLITE_CACHE_MB, busyTimeoutMs: STARTUP_BUSY_MS });
  const store = new CoreStore(db);
  const walLimitBytes = config.WAL_MAX_MB * 1024 * 1024;
  const checkpointer = new Checkpointer(db, log, 250, walLimitBytes);
  const opsStore = new OpsStore(db);
  let features: Feature[] = [];
  const health = new HealthService({
    db,
    clock,
    log,
    dataDir: config.DATA_DIR,
    checkpointer,
    lowDiskBytes: config.LOW_DISK_MB * 1024 * 1024,
    walLimitBytes,
    diskFree: options.diskFree,
    channels: () => features.flatMap((f) => (f.health ? [f.health()] : [])),
    onAlert: (alert, active) => {
      const at = clock.now();
      // Tried at once; a short lock (a checkpoint under disk pressure holds the writer past the
      // 25 ms busy wait) is waited out in the background, so the entry is not lost. Only a
      // database that stays unwritable loses it: the alert is in the log and on /readyz.
      retryTransient(() => store.audit('system', active ? `alert.${alert.code}` : `alert.${alert.code}.cleared`, null, { message: alert.message }, at)).catch((err) =>
        log.warn({ code: (err as { code?: string }).code, alert: alert.code }, 'alert not written to the audit log: the database refuses writes'),
      );
    },
  });
  const metrics = new Metrics(
    {
      outboxDepth: () => health.outboxDepth(clock.now()),
      bookingsByStatus: () => opsStore.bookingsByStatus(),
      walBytes: () => checkpointer.walStats().walBytes,
      diskFreeBytes: () => health.diskFree(),
    },
    options.processMetrics,
  );
  const dispatcher = new OutboxDispatcher({ store, clock, log, random, onDelivery: (channel, outcome, reason) => {
    metrics.deliveries.inc({ channel, outcome });
    if (outcome !== 'sent') metrics.deliveryFailures.inc({ channel, reason: reason ?? 'error' });
  } });
  const env = options.env ?? process.env;
  const stats = new StatsService({ store: new StatsStore(db), content, timeZone: config.OFFICE_TIMEZONE });
  const engine = new Engine({
    store,
    flows: [menuFlow, officerFlow, requirementsFlow],
    content,
    nlu,
    clock,
    log,
    idleMinutes: config.IDLE_MINUTES,
    burstMs: config.BURST_MS,
    onQueued: () => dispatcher.kick(),
    retryDelaysMs: options.retryDelaysMs,
    onRetry: (reason) => metrics.dbBusy.inc({ reason }),
    holdWrites: () => checkpointer.truncating,
    onHandled: (e) => stats.record(e),
    onCommitted: (msg, ms, result) => {
      if (result.duplicate) metrics.duplicates.inc({ channel: msg.channel });
      else metrics.messagesIn.inc({ channel: msg.channel });
      if (result.outboxIds.length) metrics.repliesQueued.inc({ channel: msg.channel }, result.outboxIds.length);
      metrics.stepSeconds.observe({ channel: msg.channel }, ms / 1000);
    },
  });

  const http = new Hono();
  // No request body over 1 MB outside the officers' API (webhooks, web chat): refused before it is read.
  // The dashboard's forms (a CSV import) may be larger: 10 MB there.
  const publicBodyLimit = declaredBodyLimit({ maxSize: 1024 * 1024, onError: (c) => c.json({ error: 'Request body too large' }, 413) });
  const dashboardBodyLimit = bodyLimit({ maxSize: 10 * 1024 * 1024, onError: (c) => c.text('Berkas terlalu besar (paling besar 10 MB).', 413) });
  http.use('*', (c, next) => (c.req.path.startsWith('/api/admin/') ? next() : c.req.path.startsWith('/admin/') ? dashboardBodyLimit(c, next) : publicBodyLimit(c, next)));
  // nosniff, no framing, no referrer everywhere; the web chat page adds its own CSP; the API a
  // CSP of its own (the options are in src/core/http-fast.ts: computed once, not per request).
  http.use('*', securityHeaders('everywhere'));
  http.use('/api/*', securityHeaders('api'));
  // Every error is one JSON line through the masking logger, and a JSON answer: never a stack trace on stdout.
  http.onError((err, c) => {
    if (err instanceof HTTPException && err.status < 500) return c.json({ error: err.message || 'Bad request' }, err.status);
    if (err instanceof EngineBusyError || isTransientDbError(err)) {
      c.header('Retry-After', '5');
      return c.json({ error: 'busy: the database is locked or the disk is full; try again shortly' }, 503);
    }
    log.error({ err, method: c.req.method, path: c.req.path }, 'HTTP request failed');
    return c.json({ error: 'internal error' }, 500);
  });
  http.notFound((c) => c.json({ error: 'not found' }, 404));
  // Liveness: answers without touching the database, so a held lock never makes it slow.
  http.get('/healthz', (c) => c.json(health.liveness()));
  // Readiness: a real write, disk, WAL, outbox lag, channels. 503 when any of them fails.
  http.get('/readyz', (c) => {
    const report = health.readiness();
    return c.json(report, report.ok ? 200 : 503);
  });
  // Metrics: with METRICS_TOKEN, for whoever sends it; without, only for requests from this machine not relayed by a proxy.
  http.get('/metrics', async (c) => {
    if (config.METRICS_TOKEN) {
      if (c.req.header('authorization') !== `Bearer ${config.METRICS_TOKEN}`) return c.json({ error: 'Unauthorized: send "Authorization: Bearer <METRICS_TOKEN>"' }, 401);
    } else {
      const ip = clientIp(c, false);
      const local = ip === 'local' || ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
      if (!local || c.req.header('x-forwarded-for')) return c.json({ error: 'Forbidden: /metrics answers local requests only; set METRICS_TOKEN to read it from elsewhere' }, 403);
    }
    return c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType });
  });
  // Wrong officers' tokens are counted per address and logged; past 10 a minute the address waits.
  http.use('/api/admin/*', adminFailureLimit({ log, trustProxy: config.TRUST_PROXY }));
  // Officers' accounts: the admin API takes their personal tokens (and, deprecated, ADMIN_TOKEN).
  const officers = createOfficers({ db, core: store, clock, env });
  const admin: Hono | undefined = new Hono();
  admin.use('*', apiAuth({ officers: officers.service, legacyToken: config.ADMIN_TOKEN, log }));
  const contentService = new ContentService({ content, contentDir: config.CONTENT_DIR, officeFile: config.officeFile, core: store, clock, log });

  const ctx: AppContext = { config, env, db, store, engine, dispatcher, clock, random, log, content, nlu, http, admin, health, metrics, retryDelaysMs: options.retryDelaysMs, services: { officers: officers.service, officersConfig: officers.config, stats, content: contentService } };
  features = (options.features ?? defaultFeatures).map((make) => make(ctx));
  setBusyTimeout(config.SQLITE_BUSY_TIMEOUT_MS);
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
      if (isTransientDbError(err)) {
        c.header('Retry-After', '5');
        return c.json({ error: 'busy: the database is locked by another process or the disk is full; try again shortly' }, 503);
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

  // Retention (README, "Retention"): small batches, each a short write, yielding in between.
  const retention = new Retention(db, log, { holdWrites: () => checkpointer.truncating, idleMinutes: config.IDLE_MINUTES });
  let tidying: Promise<RetentionReport> | undefined;
  function tidy(): Promise<RetentionReport> {
    tidying ??= (async () => {
      try {
        const report = await retention.run(clock.now());
        for (const feature of features) {
          try {
            feature.housekeeping?.(clock.now());
          } catch (err) {
            if (isTransientDbError(err)) log.warn({ feature: feature.name }, 'housekeeping waits: database busy or full; next run');
            else log.error({ err, feature: feature.name }, 'housekeeping failed; will retry');
          }
        }
        return report;
      } finally {
        tidying = undefined;
      }
    })();
    return tidying;
  }
  const backups = config.BACKUP_DIR
    ? new BackupScheduler({ db, dir: config.BACKUP_DIR, keep: config.BACKUP_KEEP, everyMs: config.BACKUP_EVERY_HOURS * 3_600_000, clock, log })
    : undefined;

  async function startFeatures(): Promise<void> {
    if (started) return;
    started = true;
    checkpointer.start();
    health.start();
    for (const feature of features) await feature.start?.();
    dispatcher.start();
    void tidy().catch((err) => log.error({ err }, 'housekeeping failed; will retry'));
    housekeeping = setInterval(() => void tidy().catch((err) => log.error({ err }, 'housekeeping failed; will retry')), 6 * 3_600_000);
    housekeeping.unref();
    backups?.start();
  }

  return {
    ctx,
    features,
    startFeatures,
    housekeeping: tidy,
    backup: async () => backups?.runNow(),
    async listen() {
      // The port first: "port in use" must stop start-up before any channel connects.
      const port = await new Promise<number>((resolve, reject) => {
        const s = createAdaptorServer({ fetch: http.fetch, hostname: config.HOST }) as Server;
        s.once('error', (err: NodeJS.ErrnoException) => {
          if (err.code === 'EADDRINUSE') reject(new ListenError(`port ${config.PORT} on ${config.HOST} is already in use (is Adminduk Chat already running?): stop the other program or set PORT`));
          else if (err.code === 'EACCES') reject(new ListenError(`port ${config.PORT} needs root: use a port above 1023 (e.g. 3000) behind the reverse proxy`));
          else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new ListenError(`HOST ${config.HOST} is not an address of this machine: use 127.0.0.1 or 0.0.0.0`));
          else reject(err);
        });
        // Node's default backlog (511) drops connections when thousands of residents arrive at once.
        s.listen({ port: config.PORT, host: config.HOST, backlog: LISTEN_BACKLOG }, () => resolve((s.address() as { port: number }).port));
        server = s;
      });
      await startFeatures();
      return port;
    },
    async close() {
      // Stop taking messages first, then finish deliveries, then close the database.
      if (housekeeping) clearInterval(housekeeping);
      health.stop();
      if (server?.listening) await new Promise<void>((resolve) => server!.close(() => resolve()));
      await tidying?.catch(() => undefined);
      await backups?.stop();
      for (const feature of [...features].reverse()) await feature.stop?.();
      await dispatcher.stop();
      await checkpointer.stop();
      db.close();
    },
  };
}
