// "Hubungi petugas": residents hand their conversation to an officer; officers answer from
// the inbox (dashboard page "Kotak masuk", or the JSON API). Replaces the old officer flow
// (contacts only) by registering a flow with the same id, 'officer'.
import { z } from 'zod';
import { parseEnv, onOff } from '../config.js';
import type { EffectHandler } from '../core/engine.js';
import type { AppContext, Feature, FeatureFactory } from '../core/feature.js';
import type { MediaKind } from '../core/types.js';
import { OfficeCalendar } from '../booking/calendar.js';
import { HandoffStore } from '../store/handoff-store.js';
import { mountHandoffApi } from './api.js';
import { telegramFetcher, whatsappFetcher, type FileFetcher } from './files.js';
import { createHandoffFlow, HANDOFF_EFFECTS, type OpenResult } from './flow.js';
import { OfficeTime } from './hours.js';
import { HandoffService } from './service.js';
import { loadHandoffData, officeHours, TOPICS, type Topic } from './settings.js';

declare module '../core/feature.js' {
  interface Services {
    /** What the dashboard's Kotak masuk (inbox) page and the statistics call. */
    handoff?: { service: HandoffService; fetchers: FileFetcher[]; timeZone: string; refreshSeconds: number };
  }
}

const HandoffEnv = z.object({
  HANDOFF: onOff.default(true),
  /** How often the open inbox list fetches new cases by itself. */
  HANDOFF_INBOX_REFRESH_SECONDS: z.coerce.number({ message: 'expected seconds' }).int().min(1).max(3600, 'expected 1–3600 seconds').default(20),
  TELEGRAM_BOT_TOKEN: z.string().optional(),
  TELEGRAM_API_ROOT: z.string().default('https://api.telegram.org'),
});

export interface HandoffFeature extends Feature {
  service: HandoffService;
  store: HandoffStore;
  time: OfficeTime;
  fetchers: FileFetcher[];
}

export function createHandoffFeature(ctx: AppContext, options: { fetchers?: FileFetcher[] } = {}): HandoffFeature | Feature {
  const env = parseEnv(HandoffEnv, ctx.env);
  if (!env.HANDOFF) return { name: 'handoff' };
  const { settings, holidays } = loadHandoffData(ctx.config.CONTENT_DIR);
  const hours = officeHours(ctx.content.office, settings.fallback_hours);
  const time = new OfficeTime(new OfficeCalendar(holidays, ctx.config.OFFICE_TIMEZONE), hours);
  const store = new HandoffStore(ctx.db);
  const service = new HandoffService({ store, core: ctx.store, settings, time, texts: ctx.content.texts, clock: ctx.clock, log: ctx.log, onQueued: () => ctx.dispatcher.kick() });
  const fetchers = options.fetchers ?? [telegramFetcher(env.TELEGRAM_BOT_TOKEN, env.TELEGRAM_API_ROOT), whatsappFetcher(ctx.db)];

  /** A photo or document on a case: kept by reference like every file (inbound_media), linked to the case. */
  const keepFile = (e: Record<string, unknown>, residentId: number, channel: Parameters<typeof ctx.store.keepMedia>[1], now: Date): number | undefined => {
    if (typeof e.ref !== 'string' || !e.ref) return undefined;
    ctx.store.keepMedia(residentId, channel, String(e.media as MediaKind), e.ref, typeof e.caption === 'string' ? e.caption : null, now);
    return store.lastMediaId(residentId);
  };
  const topicOf = (v: unknown): Topic => ((TOPICS as readonly string[]).includes(String(v)) ? (v as Topic) : 'lainnya');

  const effects: Record<string, EffectHandler> = {
    // With no case open, the one closed lately and not rated yet: a rating typed at the menu is for it.
    [HANDOFF_EFFECTS.current]: (_e, c) => {
      const open = service.openCaseOf(c.resident.id);
      return open ? { case: open } : { rateable: service.rateableCaseOf(c.resident.id, c.now) };
    },
    [HANDOFF_EFFECTS.open]: (e, c): OpenResult => {
      const mediaId = keepFile(e, c.resident.id, c.resident.channel, c.now);
      const caption = typeof e.caption === 'string' ? e.caption : undefined;
      const text = typeof e.text === 'string' ? e.text : caption;
      const r = service.openCase(c.resident, { topic: topicOf(e.topic), pungli: Boolean(e.pungli), text, mediaId, note: typeof e.note === 'string' ? e.note : undefined }, c.now);
      return { ...r, dueAt: r.dueAt.toISOString(), nextOpening: r.nextOpening.toISOString() };
    },
    [HANDOFF_EFFECTS.message]: (e, c) => {
      const mediaId = keepFile(e, c.resident.id, c.resident.channel, c.now);
      const text = typeof e.text === 'string' ? e.text : typeof e.caption === 'string' ? e.caption : undefined;
      const isFile = e.media !== undefined;
      if (isFile && mediaId === undefined && !text) return { ok: true, unsupported: true };
      const r = service.residentMessage(c.resident.id, Number(e.caseId), { text, mediaId }, c.now);
      // Closed meanwhile: the flow reads what was typed (a rating, thanks, or a new message).
      return 'closed' in r ? { ...r, caseId: Number(e.caseId), ...(text !== undefined && !isFile ? { text } : {}) } : { ok: true, file: isFile };
    },
    [HANDOFF_EFFECTS.resume]: (e, c) => service.resume(c.resident.id, e.caseId === undefined ? undefined : Number(e.caseId)),
    [HANDOFF_EFFECTS.rate]: (e, c) => service.rate(c.resident.id, Number(e.caseId), Number(e.score), c.now),
    [HANDOFF_EFFECTS.word]: (e, c) => {
      service.rateWord(c.resident.id, Number(e.caseId), String(e.word ?? ''));
      return { ok: true };
    },
  };

  if (ctx.admin) mountHandoffApi(ctx.admin, service, fetchers);
  ctx.services.handoff = { service, fetchers, timeZone: ctx.config.OFFICE_TIMEZONE, refreshSeconds: env.HANDOFF_INBOX_REFRESH_SECONDS };

  return {
    name: 'handoff',
    flows: [createHandoffFlow({ settings, time })],
    effects,
    service,
    store,
    time,
    fetchers,
    start() {
      service.seedCanned(ctx.clock.now());
      ctx.log.info({ hoursFrom: hours.source }, 'handoff: officers answer residents from the inbox');
    },
    housekeeping(now) {
      const forgotten = service.forgetOld(now);
      if (forgotten) ctx.log.info({ cases: forgotten }, 'handoff: removed the texts of long-closed cases');
      // Unsent messages of idle conversations go in the retention walk's batches (ops-store: waitingRequests).
    },
  };
}

export const handoffFeature: FeatureFactory = (ctx) => createHandoffFeature(ctx);
