// Applications: officers record applications and change their status; residents check a
// status in chat and follow it; every change reaches followers exactly once through the
// outbox; officers broadcast announcements to everyone who did not opt out.
import { z } from 'zod';
import { parseEnv } from '../config.js';
import type { EffectHandler } from '../core/engine.js';
import type { FeatureFactory } from '../core/feature.js';
import { ApplicationsStore } from '../store/applications-store.js';
import { mountApplicationsApi } from './api.js';
import { EFFECTS, statusFlow } from './flow.js';
import { QuietHoursSetting } from './quiet-hours.js';
import { ApplicationsService, type ApplicationsSettings } from './service.js';

declare module '../core/feature.js' {
  interface Services {
    applications?: ApplicationsService;
  }
}

export const ApplicationsConfig = z.object({
  QUIET_HOURS: z.string().default('21:00-06:00').pipe(QuietHoursSetting),
  BROADCAST_RATE: z.coerce.number({ message: 'expected messages per second' }).min(0.1, 'expected 0.1–30 per second').max(30, 'expected 0.1–30 per second').default(20),
  STATUS_CHECK_TRIES: z.coerce.number({ message: 'expected a number' }).int().min(1).max(20, 'expected 1–20').default(5),
  STATUS_CHECK_COOLDOWN_MINUTES: z.coerce.number({ message: 'expected minutes' }).int().min(1).max(24 * 60, 'expected 1–1440 minutes').default(15),
  /** Days after an application is finished (selesai/ditolak) until its NIK, name and contact are masked. */
  APPLICATIONS_KEEP_DAYS: z.coerce.number({ message: 'expected days' }).int().min(1).max(3650, 'expected 1–3650 days').default(180),
});

export function applicationsSettings(env: Record<string, string | undefined>, timeZone: string): ApplicationsSettings {
  const cfg = parseEnv(ApplicationsConfig, env);
  return {
    timeZone,
    quietHours: cfg.QUIET_HOURS,
    broadcastRate: cfg.BROADCAST_RATE,
    maxTries: cfg.STATUS_CHECK_TRIES,
    cooldownMinutes: cfg.STATUS_CHECK_COOLDOWN_MINUTES,
  };
}

export const applicationsFeature: FeatureFactory = (ctx) => {
  const settings = applicationsSettings(ctx.env, ctx.config.OFFICE_TIMEZONE);
  const apps = new ApplicationsStore(ctx.db);
  const service = new ApplicationsService({
    db: ctx.db,
    store: ctx.store,
    apps,
    content: ctx.content,
    clock: ctx.clock,
    random: ctx.random,
    log: ctx.log,
    settings,
    onQueued: () => ctx.dispatcher.kick(),
  });
  ctx.services.applications = service;
  if (ctx.admin) mountApplicationsApi(ctx.admin, service);

  // Run inside the message's transaction (same connection), so a lookup, a cool-down count
  // and a subscription commit together with the conversation state and the reply.
  const effects: Record<string, EffectHandler> = {
    [EFFECTS.lookup]: (e, c) => service.lookup(c.resident.id, String(e.tracking), String(e.check), c.now),
    [EFFECTS.current]: (e, c) => service.current(Number(e.applicationId), c.resident.id),
    [EFFECTS.follow]: (e, c) => ({ ok: service.follow(Number(e.applicationId), c.resident.id, c.now) }),
    [EFFECTS.unfollow]: (e, c) => {
      const app = apps.byId(Number(e.applicationId));
      service.unfollow(Number(e.applicationId), c.resident.id);
      return { trackingNo: app?.tracking_no };
    },
    [EFFECTS.following]: (_e, c) => ({ items: service.following(c.resident.id) }),
    [EFFECTS.optOut]: (e, c) => {
      const optOut = Boolean(e.optOut);
      c.store.setOptedOut(c.resident.id, optOut);
      c.log.info({ resident: c.resident.id, optOut }, 'announcements opt-out changed');
      return { optedOut: optOut };
    },
  };

  const keepDays = parseEnv(ApplicationsConfig, ctx.env).APPLICATIONS_KEEP_DAYS;
  const housekeeping = (now: Date) => {
    const forgotten = apps.forgetFinishedBefore(new Date(now.getTime() - keepDays * 86_400_000));
    if (forgotten) ctx.log.info({ applications: forgotten }, 'applications: masked NIK, name and contact of long-finished applications');
    // Wrong-check counters live an hour (STATUS_CHECK_TRIES within an hour); a day is plenty.
    apps.pruneCheckFailures(new Date(now.getTime() - 86_400_000), now);
  };

  return { name: 'applications', flows: [statusFlow], effects, service, housekeeping } as ReturnType<FeatureFactory> & { service: ApplicationsService };
};
