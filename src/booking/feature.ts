// Urgent e-KTP recording bookings: the resident's flow, its effect handlers (run inside the
// message's transaction), the officers' admin API and a timer for holds and reminders.
import path from 'node:path';
import { z } from 'zod';
import { parseEnv, onOff } from '../config.js';
import type { AppContext, Feature, FeatureFactory } from '../core/feature.js';
import type { EffectHandler } from '../core/engine.js';
import { BookingStore } from '../store/booking-store.js';
import { bookingReports, mountBookingAdmin, type BookingReports } from './admin.js';
import { OfficeCalendar } from './calendar.js';
import { ANY_PLACE, createBookingFlow } from './flow.js';
import { BookingService } from './service.js';
import { loadBookingData } from './settings.js';

const BookingEnv = z.object({
  BOOKING: onOff.default(true),
  BOOKING_TICK_SECONDS: z.coerce.number({ message: 'expected seconds' }).int().min(1).max(3600, 'expected 1–3600 seconds').default(30),
});

declare module '../core/feature.js' {
  interface Services {
    /** What the dashboard's Hari ini and Kalender pages call. */
    booking?: { service: BookingService; calendar: OfficeCalendar; settings: ReturnType<typeof loadBookingData>['settings']; reports: BookingReports };
  }
}

export interface BookingFeature extends Feature {
  service: BookingService;
  store: BookingStore;
  calendar: OfficeCalendar;
  /** One round of the timer's work at `now` (holds, waitlist, reminders); tests call it with a fake clock. */
  tick(now?: Date): { expired: number; reminders: number; offered: number };
}

export function createBookingFeature(ctx: AppContext): BookingFeature | Feature {
  const env = parseEnv(BookingEnv, ctx.env);
  if (!env.BOOKING) return { name: 'booking' };
  const { settings, holidays, regions } = loadBookingData(ctx.config.CONTENT_DIR);
  const calendar = new OfficeCalendar(holidays, ctx.config.OFFICE_TIMEZONE);
  const store = new BookingStore(ctx.db);
  const service = new BookingService({
    bookings: store,
    core: ctx.store,
    calendar,
    settings,
    texts: ctx.content.texts,
    log: ctx.log,
    randomInt: (max) => Math.floor(ctx.random() * max),
    bookingsOpen: () => ctx.health?.bookingsOpen() ?? true,
  });
  // The file's quota is the floor the database guard (quota trigger) falls back to.
  store.transaction(() => {
    for (const p of service.places) store.setCapacity('file', p.quota, 'flows/booking.yaml', ctx.clock.now(), p.id);
  });

  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const applicant = (e: Record<string, unknown>, residentId: number) => ({
    residentId,
    nik: str(e.nik),
    name: str(e.name),
    reason: str(e.reason),
    reasonNote: typeof e.note === 'string' ? e.note : null,
  });
  /** The place an effect is about: named by the flow, else the booking's own (moving keeps the place), else the first. */
  const placeOf = (e: Record<string, unknown>): string => {
    if (typeof e.place === 'string') return service.placeOf(e.place).id;
    const own = typeof e.code === 'string' ? store.byCode(e.code) : undefined;
    return service.placeOf(own?.place).id;
  };

  const effects: Record<string, EffectHandler> = {
    'booking.list': (_e, c) => ({ ...service.listFor(c.resident.id, c.now), max: settings.max_active_per_chat }),
    'booking.check_nik': (e, c) => ({ refusal: service.nikRefusal(str(e.nik), c.now) }),
    'booking.days': (e, c) => {
      // "Any place": the place with the nearest free day (the first listed on a tie).
      if (e.place === ANY_PLACE) {
        const best = service.places
          .map((p) => ({ place: p.id, days: service.freeDays(c.now, undefined, undefined, p.id) }))
          .reduce((a, b) => (b.days[0] && (!a.days[0] || b.days[0].date < a.days[0].date) ? b : a));
        return best;
      }
      return { days: service.freeDays(c.now, undefined, undefined, placeOf(e)) };
    },
    'booking.sessions': (e, c) => {
      const date = str(e.date);
      const own = typeof e.code === 'string' ? store.byCode(e.code) : undefined;
      const place = placeOf(e);
      const bookable = service.bookableDays(c.now, place).includes(date);
      const exceptId = own && own.resident_id === c.resident.id && own.status === 'active' ? own.id : undefined;
      return {
        date,
        bookable,
        sessions: bookable ? service.freeSessions(date, c.now, exceptId, place) : [],
        // Instead of a full day: the nearest others. Instead of a day not open (a weekend, a holiday, a
        // day officers closed): the same list of days as the day question shows.
        days: bookable ? service.freeDays(c.now, 3, date, place) : service.freeDays(c.now, undefined, undefined, place),
        // Why not (a day typed from beyond the list, an old button): the resident is told.
        ...(bookable ? {} : { unbookable: service.whyNotBookable(c.now, date, place) }),
      };
    },
    'booking.reserve': (e, c) => service.reserve({ ...applicant(e, c.resident.id), date: str(e.date), session: Number(e.session), place: placeOf(e) }, c.now),
    'booking.reschedule': (e, c) => service.reschedule(c.resident.id, str(e.code), str(e.date), Number(e.session), c.now),
    'booking.cancel': (e, c) => service.cancel(c.resident.id, str(e.code), c.now),
    'booking.waitlist': (e, c) => service.joinWaitlist({ ...applicant(e, c.resident.id), date: str(e.date), place: placeOf(e) }, c.now),
    'booking.leave_wait': (e, c) => ({ ok: service.leaveWaitlist(c.resident.id, Number(e.id), c.now) }),
    'booking.accept': (e, c) => service.acceptHold(c.resident.id, str(e.code), c.now),
    'booking.decline': (e, c) => ({ ok: service.declineHold(c.resident.id, str(e.code), c.now) }),
  };

  ctx.services.booking = { service, calendar, settings, reports: bookingReports({ service, store, calendar, settings, core: ctx.store, clock: ctx.clock }) };
  if (ctx.admin) mountBookingAdmin(ctx.admin, { service, store, calendar, settings, core: ctx.store, clock: ctx.clock });
  else ctx.log.info('booking: the admin API is off (set ADMIN_TOKEN to turn it on)');

  let timer: NodeJS.Timeout | undefined;
  const tick = (now = ctx.clock.now()) => {
    const result = service.tick(now);
    if (result.reminders || result.offered || result.expired) ctx.dispatcher.kick();
    return result;
  };

  return {
    name: 'booking',
    flows: [createBookingFlow({ settings, regions, calendar, places: service.places })],
    effects,
    service,
    store,
    calendar,
    tick,
    start() {
      // Nobody may be sent to a closed office: say what the calendar does not know yet.
      const now = ctx.clock.now();
      const file = path.join(ctx.config.CONTENT_DIR, 'holidays.json');
      const policy = service.policy();
      const horizonDays = settings.horizon_working_days * 2 + 14;
      const missing = calendar.missingYears(now, horizonDays);
      if (missing.length) {
        ctx.log.warn(
          { years: missing, file, unlistedDaysBookable: policy.unlistedBookable },
          `booking: the holiday list of the coming period is not loaded; fixed-date holidays are closed and the other weekdays are ${policy.unlistedBookable ? 'offered' : 'not offered'} (officers' setting). Add the national holidays and cuti bersama to holidays.json.`,
        );
      }
      const closed = service.closeBookedHolidays(now);
      for (const c of closed) {
        ctx.log.warn(
          { date: c.date, holiday: c.reason, bookings: c.affected, waitlist: c.waitlist },
          'booking: bookings on a day that is now a holiday; the day is closed and each resident is told and offered other days',
        );
      }
      if (closed.length) ctx.dispatcher.kick();
      const unconfirmed = calendar.unconfirmedYears(now, horizonDays, policy);
      if (unconfirmed.length) {
        ctx.log.warn(
          { years: unconfirmed, file },
          'booking: the holiday list of the coming period is not confirmed; its dates are closed and residents read a note on the other days. An officer confirms it in the dashboard (or sets status: confirmed in holidays.json).',
        );
      }
      timer = setInterval(() => {
        try {
          tick();
        } catch (err) {
          ctx.log.error({ err }, 'booking timer failed; will retry');
        }
      }, env.BOOKING_TICK_SECONDS * 1000);
      timer.unref();
    },
    housekeeping(now) {
      const before = calendar.addDays(calendar.today(now), -settings.keep_personal_data_days);
      const forgotten = store.forgetPersonalDataBefore(before, now);
      if (forgotten) ctx.log.info({ rows: forgotten, before }, 'booking: masked NIK and name of old bookings');
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

export const bookingFeature: FeatureFactory = (ctx) => createBookingFeature(ctx);
