// Officer accounts wiring: settings from the environment, the service on the database.
import { z } from 'zod';
import { onOff, parseEnv } from '../config.js';
import type { Clock } from '../core/types.js';
import type { CoreStore } from '../store/core-store.js';
import type { Db } from '../store/db.js';
import { OfficersStore } from '../store/officers-store.js';
import { OfficersService } from './service.js';

export const OfficersConfig = z.object({
  ADMIN_SESSION_IDLE_MINUTES: z.coerce.number({ message: 'expected minutes' }).int().min(1).max(24 * 60, 'expected 1–1440 minutes').default(30),
  /** Send the session cookie only over https (on behind an https reverse proxy). */
  ADMIN_COOKIE_SECURE: onOff.default(false),
  ADMIN_LOGIN_MAX_FAILURES: z.coerce.number({ message: 'expected a number' }).int().min(1).max(50, 'expected 1–50').default(5),
  ADMIN_LOGIN_MAX_FAILURES_PER_IP: z.coerce.number({ message: 'expected a number' }).int().min(1).max(1000, 'expected 1–1000').default(20),
  ADMIN_LOCK_MINUTES: z.coerce.number({ message: 'expected minutes' }).int().min(1).max(24 * 60, 'expected 1–1440 minutes').default(15),
  /** Take the client address from X-Forwarded-For (only behind your own reverse proxy). */
  ADMIN_TRUST_PROXY: onOff.default(false),
});
export type OfficersConfig = z.infer<typeof OfficersConfig>;

export function createOfficers(d: { db: Db; core: CoreStore; clock: Clock; env: Record<string, string | undefined> }): { service: OfficersService; config: OfficersConfig } {
  const config = parseEnv(OfficersConfig, d.env);
  const service = new OfficersService({
    store: new OfficersStore(d.db),
    core: d.core,
    clock: d.clock,
    settings: {
      idleMinutes: config.ADMIN_SESSION_IDLE_MINUTES,
      maxFailures: config.ADMIN_LOGIN_MAX_FAILURES,
      maxFailuresPerIp: config.ADMIN_LOGIN_MAX_FAILURES_PER_IP,
      lockMinutes: config.ADMIN_LOCK_MINUTES,
    },
  });
  return { service, config };
}

declare module '../core/feature.js' {
  interface Services {
    officers: OfficersService;
    officersConfig: OfficersConfig;
    stats: import('../stats/service.js').StatsService;
    content: import('../content/edit.js').ContentService;
  }
}
