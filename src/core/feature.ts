// How a feature (booking, applications, a channel) plugs into the app without the app
// knowing its insides: it adds flows, effect handlers, HTTP routes and a lifecycle.
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { AppConfig } from '../config.js';
import type { Content } from '../content/load.js';
import type { Flow } from '../flows/types.js';
import type { Nlu } from '../nlu/index.js';
import type { FeatureHealth, HealthService } from '../ops/health.js';
import type { Metrics } from '../ops/metrics.js';
import type { Db } from '../store/db.js';
import type { CoreStore } from '../store/core-store.js';
import type { OutboxDispatcher } from './dispatcher.js';
import type { Engine, EffectHandler } from './engine.js';
import type { Clock } from './types.js';

/**
 * Feature services the officer dashboard calls (never SQL). Each feature adds its entry by
 * declaration merging in its own module (`declare module '../core/feature.js' { interface
 * Services { booking?: … } }`) and fills it in its factory: `ctx.services.booking = …`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Services {}

export interface AppContext {
  config: AppConfig;
  /** The raw environment: features parse their own variables with parseEnv. */
  env: Record<string, string | undefined>;
  db: Db;
  store: CoreStore;
  engine: Engine;
  dispatcher: OutboxDispatcher;
  clock: Clock;
  /** Randomness for ids and jitter, in [0, 1); injected so tests can predict booking codes. */
  random: () => number;
  log: Logger;
  content: Content;
  nlu: Nlu;
  /** The public HTTP app (web chat, webhooks). */
  http: Hono;
  /** Officers' JSON API under /api/admin, behind officers' API tokens (or the deprecated ADMIN_TOKEN). */
  admin: Hono | undefined;
  /** Feature services for the dashboard (see Services). */
  services: Services;
  /** Health, alerts and the low-disk booking pause (src/ops/health.ts); the dashboard reads it too. */
  health: HealthService;
  /** Prometheus metrics (src/ops/metrics.ts). */
  metrics: Metrics;
  /** The engine's waits after a lock or a full disk (AppOptions.retryDelaysMs), for writes a feature makes outside the engine. */
  retryDelaysMs?: number[];
}

export interface Feature {
  name: string;
  flows?: Flow[];
  effects?: Record<string, EffectHandler>;
  /** Connect to the outside world (polling, sockets, timers). */
  start?(): Promise<void> | void;
  /** Periodic clean-up (every few hours): e.g. dropping personal data no longer needed. */
  housekeeping?(now: Date): void;
  /** Finish what is in flight and let go. */
  stop?(): Promise<void> | void;
  /** A channel's state for /readyz and the dashboard (connected, logged out…). */
  health?(): FeatureHealth;
}

export type FeatureFactory = (ctx: AppContext) => Feature;
