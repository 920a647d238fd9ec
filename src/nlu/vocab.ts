// The officer-editable NLU vocabulary (flows/nlu.yaml): spellings to unify, words that are
// real even though they look like typos, and phrases for the non-service intents.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { z } from 'zod';
import { AnswerVocab } from './answers.js';

const Phrases = z.array(z.string().min(1)).min(1);

export const NluVocab = z
  .object({
    /** Chat spelling, abbreviation or English word (one or more words) → standard words; "" drops it. */
    replacements: z.record(z.string().min(1), z.string()),
    /** Real words that must not be "corrected" as typos or elongations. */
    known_words: z.array(z.string().regex(/^\S+$/, 'one word per entry')).default([]),
    /** Words that help a keyword match but should not decide it ("buat ktp" loses to "ktp hilang"). */
    weak_words: z.array(z.string().regex(/^\S+$/, 'one word per entry')).default([]),
    intents: z
      .object({
        requirements: Phrases,
        fee: Phrases,
        booking: Phrases,
        my_bookings: Phrases,
        status: Phrases,
        officer: Phrases,
        hours: Phrases,
        health: Phrases,
        greeting: Phrases,
        thanks: Phrases,
        help: Phrases,
        menu: Phrases,
        language: Phrases,
        /** "ok", "siap", "sip": small talk like thanks, answered "Baik" rather than "Sama-sama". */
        acknowledge: Phrases.default(['ok']),
        /** "berapa lama prosesnya", "how long": the named (or current) service's processing time. */
        duration: Phrases.default(['berapa lama']),
        /** "bisa online gak", "daftar online": how to apply online for the named (or current) service. */
        online: Phrases.default(['bisa online']),
        /** "tutup aja", "sudah cukup", "selesai": the resident is done (only with thanks or "ok" around them). */
        done: Phrases.default(['selesai']),
      })
      .strict(),
    /**
     * A first message is answered in English when it has two or more of `english_words` and
     * none of `indonesian_words` ("I lost my ID card"); otherwise in the resident's language.
     */
    /**
     * Whole messages that mean an intent only on their own ("admin", "min": a person), never as
     * part of a longer message ("makasih admin" stays thanks).
     */
    whole_messages: z
      .record(z.string().min(1), z.enum(['requirements', 'fee', 'booking', 'my_bookings', 'status', 'officer', 'hours', 'health', 'greeting', 'thanks', 'help', 'menu', 'language', 'duration', 'online']))
      .default({}),
    english_words: z.array(z.string().regex(/^\S+$/, 'one word per entry')).default([]),
    indonesian_words: z.array(z.string().regex(/^\S+$/, 'one word per entry')).default([]),
    /** How typed answers to the bot's own questions are read (yes/no, days, times, names): src/nlu/answers.ts. */
    answers: AnswerVocab.default(AnswerVocab.parse({})),
  })
  .strict();
export type NluVocab = z.infer<typeof NluVocab>;
export type PhraseIntent = keyof NluVocab['intents'];

/** Reads and validates an NLU vocabulary file; errors name the file and the field. */
export function loadNluVocab(file: string): NluVocab {
  let raw: unknown;
  try {
    raw = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read: ${(err as Error).message}`);
  }
  const result = NluVocab.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : '(top level)';
    return `field "${where}": ${issue.message}`;
  });
  throw new Error(`${file}: ${problems.join('; ')}`);
}

/** The vocabulary shipped in the repository, used when a caller passes none. */
export const DEFAULT_VOCAB_FILE = fileURLToPath(new URL('../../flows/nlu.yaml', import.meta.url));

let defaultVocab: NluVocab | undefined;
export function defaultNluVocab(): NluVocab {
  defaultVocab ??= loadNluVocab(DEFAULT_VOCAB_FILE);
  return defaultVocab;
}
