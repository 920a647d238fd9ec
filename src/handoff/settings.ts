// The officer-editable handoff data (flows/handoff.yaml) and the office hours it uses,
// validated at start-up: a typo stops the bot with the file and the field named.
import path from 'node:path';
import { z } from 'zod';
import { loadDataFile } from '../content/load.js';
import { Bilingual, type Office } from '../content/schema.js';
import { Clock24, Holidays, minutesOf } from '../booking/settings.js';

/** A resident's message to an officer is kept whole up to this (the step keeps as much where a flow `takesAnyText`). */
export { MAX_MESSAGE as HANDOFF_MAX_TEXT } from '../core/types.js';

export const TOPICS = ['pertanyaan', 'pengaduan', 'dokumen', 'lainnya'] as const;
export type Topic = (typeof TOPICS)[number];

export const HandoffSettings = z
  .object({
    topics: z
      .array(
        z
          .object({
            id: z.enum(TOPICS),
            label: Bilingual,
            deadline_working_days: z.number().int().min(1).max(60),
          })
          .strict(),
      )
      .min(1),
    outcomes: z
      .array(z.object({ id: z.string().regex(/^[a-z0-9_]{1,30}$/, 'use lower-case letters, digits and _'), label: Bilingual }).strict())
      .min(1),
    fallback_hours: z.object({ open: Clock24, close: Clock24 }).strict(),
    keep_days: z.number().int().min(1).max(3650),
    /** Words that answer "Seberapa puas Anda?" besides the numbers 1–5, per score ("sangat puas": 5). */
    rating_words: z.partialRecord(z.enum(['1', '2', '3', '4', '5']), z.array(z.string().trim().min(1).max(40)).max(40)).optional(),
    /** Marks counted as stars when a rating is typed as them alone ("⭐⭐⭐⭐" is 4). */
    rating_stars: z.array(z.string().trim().min(1).max(8)).max(10).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const ids = s.topics.map((t) => t.id);
    for (const id of TOPICS) if (!ids.includes(id)) ctx.addIssue({ code: 'custom', path: ['topics'], message: `topic "${id}" is missing` });
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['topics'], message: 'a topic is listed twice' });
    if (minutesOf(s.fallback_hours.open) >= minutesOf(s.fallback_hours.close)) {
      ctx.addIssue({ code: 'custom', path: ['fallback_hours', 'close'], message: 'must be after open' });
    }
  });
export type HandoffSettings = z.infer<typeof HandoffSettings>;

export interface OfficeHours {
  /** Minutes after midnight, office time. */
  open: number;
  close: number;
  /** Where they came from, for the start-up log. */
  source: 'office.yaml' | 'handoff.yaml';
}

/** "Senin–Jumat 07.30–15.30 WIB" → 07:30–15:30; otherwise the fallback of handoff.yaml. */
export function officeHours(office: Office, fallback: HandoffSettings['fallback_hours']): OfficeHours {
  const m = /(\d{1,2})[.:](\d{2})\s*[–—-]\s*(\d{1,2})[.:](\d{2})/.exec(office.hours.id);
  if (m) {
    const open = Number(m[1]) * 60 + Number(m[2]);
    const close = Number(m[3]) * 60 + Number(m[4]);
    if (open < close && close <= 24 * 60) return { open, close, source: 'office.yaml' };
  }
  return { open: minutesOf(fallback.open), close: minutesOf(fallback.close), source: 'handoff.yaml' };
}

export function loadHandoffData(contentDir: string): { settings: HandoffSettings; holidays: Holidays } {
  return {
    settings: loadDataFile(path.join(contentDir, 'handoff.yaml'), HandoffSettings),
    holidays: loadDataFile(path.join(contentDir, 'holidays.json'), Holidays),
  };
}
