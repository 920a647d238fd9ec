// Quiet hours: non-urgent notifications written at night wait until the morning (office time).
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import { z } from 'zod';

dayjs.extend(utc);
dayjs.extend(timezone);

export interface QuietHours {
  /** Minutes after local midnight. */
  start: number;
  end: number;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutes(hhmm: string): number {
  const m = HHMM.exec(hhmm)!;
  return Number(m[1]) * 60 + Number(m[2]);
}

/** "21:00-06:00" → quiet hours; "off" → none. */
export const QuietHoursSetting = z
  .string()
  .trim()
  .refine((v) => v === 'off' || (/^\d\d:\d\d-\d\d:\d\d$/.test(v) && v.split('-').every((t) => HHMM.test(t))), {
    message: 'expected HH:MM-HH:MM (e.g. 21:00-06:00) or off',
  })
  .transform((v): QuietHours | undefined => {
    if (v === 'off') return undefined;
    const [a, b] = v.split('-') as [string, string];
    return a === b ? undefined : { start: minutes(a), end: minutes(b) };
  });

/** When a non-urgent message written at `now` may go out: `now` itself, or the end of the quiet hours. */
export function quietHoursEnd(now: Date, quiet: QuietHours | undefined, tz: string): Date {
  if (!quiet) return now;
  const local = dayjs(now).tz(tz);
  const m = local.hour() * 60 + local.minute();
  const wraps = quiet.start > quiet.end; // 21:00-06:00 spans midnight
  const inside = wraps ? m >= quiet.start || m < quiet.end : m >= quiet.start && m < quiet.end;
  if (!inside) return now;
  const day = wraps && m >= quiet.start ? local.add(1, 'day') : local;
  const hh = String(Math.floor(quiet.end / 60)).padStart(2, '0');
  const mm = String(quiet.end % 60).padStart(2, '0');
  return dayjs.tz(`${day.format('YYYY-MM-DD')} ${hh}:${mm}`, tz).toDate();
}
