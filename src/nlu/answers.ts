// Readers for typed answers IN THE CONTEXT of the question asked: yes/no, one of the
// options shown, a date, a time/session, a name, digits of any script. Pure; the
// vocabulary (chat spellings of yes/no, day words, name prefixes…) is data in flows/nlu.yaml
// (`answers`), with the defaults below when a file leaves a list out.
import { distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { memoByText } from '../core/memo.js';

export type YesNo = 'yes' | 'no' | 'unsure' | 'not_needed';

const Words = z.array(z.string().min(1));

export const AnswerVocab = z
  .object({
    /** Whole answers (after lower-casing and removing punctuation) and what they mean. */
    yes: Words.default([]),
    no: Words.default([]),
    unsure: Words.default([]),
    not_needed: Words.default([]),
    /** Words that may surround an answer without changing it ("udah ada kak", "iya dong"). */
    fillers: Words.default([]),
    /** Said before a name ("nama saya", "atas nama"): removed. */
    name_prefixes: Words.default([]),
    /** Said after a name out of politeness ("Siti Aminah kak"): never its last word. */
    name_suffixes: Words.default([]),
    /**
     * Words never part of a name typed in small letters with the NIK ("1803… mohon dibantu",
     * "1803… adik saya"), besides the words the bot knows anyway ("tolong", "anak").
     */
    not_names: Words.default([]),
    /** Words saying what something is for ("untuk bpjs", "buat berobat", "karena diminta rs"). */
    purpose: Words.default([]),
    /** Relative day words and how many days from today ("kemarin": -1, read as a past day). */
    relative_days: z.record(z.string().min(1), z.number().int().min(-7).max(14)).default({}),
    /** "yang paling cepat", "secepatnya": the first free day / session. */
    earliest: Words.default([]),
    /** "yang terakhir": the last one shown. */
    latest: Words.default([]),
    /** Weekday names (0 = Sunday). */
    weekdays: z.record(z.string().min(1), z.number().int().min(0).max(6)).default({}),
    /** "depan", "next": the weekday of next week. */
    next_week: Words.default([]),
    /** "ini", "this": the weekday of this week, today included ("jumat ini"). */
    this_week: Words.default([]),
    /** "setengah 9": half an hour before the hour (08.30). */
    half_before: Words.default([]),
    /** Month names and abbreviations (1–12). */
    months: z.record(z.string().min(1), z.number().int().min(1).max(12)).default({}),
    /** Parts of the day: [from, to) in minutes after midnight ("pagi": [0, 660]). */
    day_parts: z.record(z.string().min(1), z.tuple([z.number().int().min(0), z.number().int().max(1440)])).default({}),
    /** Words that only introduce an option ("pilih", "yang", "nomor"): ignored when matching labels. */
    option_fillers: Words.default([]),
    /** Numbers and ordinals as words ("dua", "kedua", "second"): the option with that number. */
    ordinals: z.record(z.string().min(1), z.number().int().min(1).max(20)).default({}),
    /** Emoji that answer yes or no by themselves (👍, 👎): read as these words. */
    emoji: z.record(z.string().min(1), z.string().min(1)).default({}),
    /**
     * Answers to "leave the booking for your new question?" itself: `leave` ("ya", "boleh", "ya
     * tinggalkan"), `stay` ("tidak", "lanjut", "nanti aja"). Other yes/no words ("ada", "udah",
     * "belum ada") answer the question underneath, not this one.
     */
    leave: Words.default([]),
    stay: Words.default([]),
    /** Words that may go with either of those there besides the fillers ("tinggalkan aja dulu", "nggak dulu"). */
    leave_fillers: Words.default([]),
    /** Answers to "cancel booking X?" itself: `cancel_yes` ("ya", "iya batalin"), `cancel_keep` ("jangan", "ga jadi batal"). */
    cancel_yes: Words.default([]),
    cancel_keep: Words.default([]),
    /** Answers to "Mau kami kabari … setiap kali statusnya berubah?" itself: `follow_yes` ("ya kabari saya"), `follow_no` ("ga usah"). */
    follow_yes: Words.default([]),
    follow_no: Words.default([]),
    /** "stop notif", "jangan kirim lagi" (whole messages, fillers aside): no more status updates wanted; the chat is shown what it follows. */
    stop_updates: Words.default([]),
    /** "semua belum ada", "semuanya sudah ada" at a checklist question: the answer is for every document left. */
    all: Words.default([]),
    /** "sudah lengkap": every document left is there (with a yes only: "belum lengkap" is not all of them there). */
    complete: Words.default([]),
    /** "juga", "ini juga" at a checklist question: the answer given just before, again. */
    also: Words.default([]),
    /** "masih lampura", "tetap di kotabumi": said before a place of the regency, the move stays here (or starts here). */
    still_here: Words.default([]),
  })
  .strict();
export type AnswerVocab = z.infer<typeof AnswerVocab>;

/** Lower case, accents and emoji gone, elongations squeezed ("iyaaa" → "iya"), one space. */
export const plain: (text: string) => string = memoByText(plainUncached);

function plainUncached(text: string): string {
  return normalizeDigits(text)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’‘`´]/gu, '')
    .replace(/[^\p{L}\p{N}/]+/gu, ' ')
    .replace(/(\p{L})\1{2,}/gu, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Digits of any script (Arabic-Indic ٣, Persian ۳, fullwidth ３, Devanagari…) as ASCII. */
export function normalizeDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (ch) => {
    const cp = ch.codePointAt(0)!;
    if (cp <= 0x39) return ch;
    // Decimal digits come in contiguous runs that start at zero: find the run's start.
    let start = cp;
    while (start > 0 && /\p{Nd}/u.test(String.fromCodePoint(start - 1))) start--;
    return String((cp - start) % 10);
  });
}

export interface AnswerReader {
  yesNo(text: string): YesNo | undefined;
  /** "leave" or "stay" when the whole text answers "leave it for your new question?" (fillers aside); else undefined. */
  leaveOrStay(text: string): 'leave' | 'stay' | undefined;
  /**
   * "cancel" or "keep" when the whole text answers "cancel booking X?" ("iya batalin", "eh jangan",
   * "ga jadi batal"), fillers aside; a bare "ok" or "siap" is neither (a booking is not cancelled on it).
   */
  cancelOrKeep(text: string): 'cancel' | 'keep' | undefined;
  /** "follow" or "no" when the whole text answers "shall we tell you when the status changes?" ("ya kabari saya", "ga usah"); a bare "ok" is neither. */
  followOrNot(text: string): 'follow' | 'no' | undefined;
  /** True when the whole text asks for no more updates ("stop notif", "jangan kirim lagi kak"). */
  stopsUpdates(text: string): boolean;
  /** True when the text says what something is for ("untuk bpjs", "buat berobat"): one of the `purpose` words. */
  saysWhatFor(text: string): boolean;
  /** The index of the option meant (`loose` when only some of its words were typed), several when unclear, or undefined. */
  option(text: string, labels: string[]): { index: number; loose?: true } | { ambiguous: number[] } | undefined;
  /** The number of an option typed as people do: "2", "2.", "no 2", "pilih 2", "yang kedua", "dua". */
  number(text: string): number | undefined;
  /** A calendar date (YYYY-MM-DD) from words like "besok", "kamis", "3 des", "3/12"; or 'earliest'. */
  date(text: string, today: string): string | 'earliest' | 'latest' | undefined;
  /** A time of day: an exact minute ("jam 9" → 540), a part of the day, the first or last. */
  time(text: string): { minute: number; exact: boolean } | { part: [number, number] } | 'earliest' | 'latest' | undefined;
  /** A day and a time in one message ("besok jam 9", "selasa pagi", "jam 9 besok"), each part as its reader reads it. */
  dateAndTime(text: string, today: string): { day: string; time: string } | undefined;
  /** Words that may surround an answer ("kak", "dong"), as plain words. */
  fillers: ReadonlySet<string>;
  /** `not_names` as plain words: never part of a name typed in small letters with the NIK. */
  notNames: ReadonlySet<string>;
  /** The name without "nama saya…", tidy capitalisation; undefined when nothing is left. */
  name(text: string): string;
  vocab: AnswerVocab;
}

function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
function validDate(y: number, m: number, d: number): string | undefined {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return undefined;
  return dt.toISOString().slice(0, 10);
}

/** Capitalise each word when a name is typed all lower or all upper case; "bin", "binti" stay small. */
export function tidyName(name: string): string {
  const letters = name.replace(/[^\p{L}]/gu, '');
  if (letters && letters !== letters.toLowerCase() && letters !== letters.toUpperCase()) return name;
  return name
    .toLowerCase()
    .split(' ')
    .map((w, i) => (i > 0 && (w === 'bin' || w === 'binti') ? w : w.replace(/(^|[-.])(\p{L})/gu, (_m, p: string, c: string) => p + c.toUpperCase())))
    .join(' ');
}

export function createAnswerReader(vocab: AnswerVocab): AnswerReader {
  const meaning = new Map<string, YesNo>();
  for (const kind of ['yes', 'no', 'unsure', 'not_needed'] as const) for (const w of vocab[kind]) meaning.set(plain(w), kind);
  const fillers = new Set(vocab.fillers.map(plain));
  const optionFillers = new Set(vocab.option_fillers.map(plain));
  const namePrefixes = vocab.name_prefixes.map(plain).sort((a, b) => b.length - a.length);
  const relative = new Map(Object.entries(vocab.relative_days).map(([k, v]) => [plain(k), v]));
  const earliest = new Set(vocab.earliest.map(plain));
  const latest = new Set(vocab.latest.map(plain));
  const weekdays = new Map(Object.entries(vocab.weekdays).map(([k, v]) => [plain(k), v]));
  const nextWeek = new Set(vocab.next_week.map(plain));
  const THIS_WEEK = new Set(vocab.this_week.map(plain));
  const HALF_BEFORE = new Set(vocab.half_before.map(plain));
  const TRAILING_POLITE = new Set(vocab.name_suffixes.map(plain));
  const nextWeekPhrases = [...nextWeek].filter((w) => w.includes(' ')).sort((a, b) => b.length - a.length);
  const months = new Map(Object.entries(vocab.months).map(([k, v]) => [plain(k), v]));
  const parts = new Map(Object.entries(vocab.day_parts).map(([k, v]) => [plain(k), v]));
  const longestPhrase = Math.max(1, ...[...meaning.keys()].map((k) => k.split(' ').length));
  const phraseWords = new Set([...meaning.keys()].flatMap((k) => k.split(' ')));
  const ordinals = new Map(Object.entries(vocab.ordinals).map(([k, v]) => [plain(k), v]));
  const emoji = Object.entries(vocab.emoji);
  /** 👍 → " ya ": emoji are dropped by plain(), so those that answer are read as their word first. */
  const withEmojiWords = (text: string) => {
    let out = text;
    for (const [e, word] of emoji) if (out.includes(e)) out = out.split(e).join(` ${word} `);
    return out;
  };

  /** Drops filler words at either end and in between ("iya kak", "udah ada dong"). */
  function core(words: string[], drop: Set<string>): string[] {
    return words.filter((w) => !drop.has(w));
  }

  function yesNo(text: string): YesNo | undefined {
    const p = plain(withEmojiWords(text));
    if (!p || p.length > 60) return undefined;
    const whole = meaning.get(p);
    if (whole) return whole;
    // "iyaa", "gakk": a doubled letter that is not a known word is chat elongation ("all" of
    // "all of them", "needed" of "not needed" are words of known phrases).
    const known = (w: string) => meaning.has(w) || fillers.has(w) || phraseWords.has(w);
    const squeezed = p.split(' ').map((w) => (known(w) ? w : w.replace(/(\p{L})\1+/gu, '$1')));
    let words = core(squeezed, fillers);
    // Only fillers: a word that is both ("ya" of "ya makasih") is the answer.
    if (!words.length) words = squeezed.filter((w) => meaning.has(w));
    if (!words.length) return undefined;
    const joined = words.join(' ');
    if (meaning.has(joined)) return meaning.get(joined);
    // Split into known phrases, longest first; every word must be accounted for.
    const found: YesNo[] = [];
    let i = 0;
    while (i < words.length) {
      let hit: YesNo | undefined;
      let n = Math.min(longestPhrase, words.length - i);
      for (; n >= 1; n--) {
        hit = meaning.get(words.slice(i, i + n).join(' '));
        if (hit) break;
      }
      if (!hit) return undefined;
      found.push(hit);
      i += n;
    }
    // "udah ada" = yes; "blm punya" = no (a denial wins); "ga tau" beats both.
    if (found.includes('unsure')) return 'unsure';
    if (found.includes('not_needed')) return 'not_needed';
    if (found.includes('no')) return 'no';
    return 'yes';
  }

  /**
   * A reader for the answers to one question, from two lists of whole answers: every word must be
   * one of their phrases (longest first) or a filler; a filler that is also one ("ya") counts only
   * when nothing else was said ("ya" leaves, "tidak ya" stays). Both said ("ya lanjut"): unclear.
   */
  function twoWay<K extends string>(lists: Record<K, readonly string[]>, extraFillers: readonly string[]): (text: string) => K | undefined {
    const meaning = new Map<string, K>();
    for (const kind of Object.keys(lists) as K[]) for (const w of lists[kind]) meaning.set(plain(w), kind);
    const these = new Set([...fillers, ...extraFillers.map(plain)]);
    const longest = Math.max(1, ...[...meaning.keys(), ...these].map((k) => k.split(' ').length));
    return (text) => {
      const p = plain(withEmojiWords(text));
      if (!p || p.length > 60) return undefined;
      const known = (w: string) => meaning.has(w) || these.has(w);
      const words = p.split(' ').map((w) => (known(w) ? w : w.replace(/(\p{L})\1+/gu, '$1')));
      const said = new Set<K>();
      const byFillers = new Set<K>();
      for (let i = 0; i < words.length; ) {
        let n = Math.min(longest, words.length - i);
        for (; n >= 1; n--) {
          const g = words.slice(i, i + n).join(' ');
          const kind = meaning.get(g);
          if (these.has(g)) {
            if (kind) byFillers.add(kind);
            break;
          }
          if (kind) {
            said.add(kind);
            break;
          }
        }
        if (n === 0) return undefined;
        i += n;
      }
      const meant = said.size ? said : byFillers;
      return meant.size === 1 ? [...meant][0] : undefined;
    };
  }

  const leaveOrStay = twoWay({ leave: vocab.leave, stay: vocab.stay }, vocab.leave_fillers);
  const cancelOrKeep = twoWay({ cancel: vocab.cancel_yes, keep: vocab.cancel_keep }, []);
  const followOrNot = twoWay({ follow: vocab.follow_yes, no: vocab.follow_no }, []);
  const stopReader = twoWay({ stop: vocab.stop_updates }, []);
  const stopsUpdates = (text: string) => stopReader(text) === 'stop';

  function tokens(s: string, drop: Set<string>): string[] {
    return core(plain(s).replace(/\//g, ' ').split(' ').filter(Boolean), drop);
  }
  const near = (a: string, b: string) => a === b || (a.length >= 5 && b.length >= 5 && distance(a, b) <= 1) || (a.length >= 8 && b.length >= 8 && distance(a, b) <= 2);

  function option(text: string, labels: string[]): { index: number } | { ambiguous: number[] } | undefined {
    const typed = plain(text);
    if (!typed || typed.length > 80) return undefined;
    const typedWords = tokens(text, optionFillers);
    const t = typedWords.join(' ');
    if (!t) return undefined;
    const forms = labels.map((l) => tokens(l, new Set()).join(' '));
    const pick = (ids: number[], loose?: true) => (ids.length === 1 ? (loose ? { index: ids[0]!, loose } : { index: ids[0]! }) : ids.length > 1 ? { ambiguous: ids } : undefined);
    // 1. The label itself (case and punctuation aside), then nearly (typos).
    const exact = forms.flatMap((f, i) => (f === t || f === typed ? [i] : []));
    if (exact.length) return pick(exact);
    const typo = forms.flatMap((f, i) => (t.length >= 6 && distance(f, t) <= (f.length >= 12 ? 2 : 1) ? [i] : []));
    if (typo.length) return pick(typo);
    // 2. A prefix of the label ("cek kel", "rumah").
    if (t.length >= 3) {
      const prefix = forms.flatMap((f, i) => (f.startsWith(t) ? [i] : []));
      if (prefix.length) return pick(prefix, true);
    }
    // 3. Words of the label ("rumah sakit", "bpjs", "yang hilang"): every typed word in the
    //    label, and the typed text not much longer than the label. Numbers alone never decide.
    if (typedWords.length > 5 || typedWords.every((w) => /^\d+$/.test(w))) return undefined;
    const labelWords = forms.map((f) => f.split(' '));
    const contains = labelWords.flatMap((ws, i) => (typedWords.every((w) => ws.some((lw) => near(w, lw) || (w.length >= 4 && lw.startsWith(w)))) ? [i] : []));
    if (contains.length) return pick(contains, true);
    return undefined;
  }

  function number(text: string): number | undefined {
    const words = tokens(text, optionFillers);
    if (words.length === 1) {
      const w = words[0]!;
      if (/^\d{1,2}$/.test(w)) return Number(w);
      return ordinals.get(w);
    }
    // "ke 2", "ke-2"
    if (words.length === 2 && words[0] === 'ke' && /^\d{1,2}$/.test(words[1]!)) return Number(words[1]);
    return undefined;
  }

  function date(text: string, today: string): string | 'earliest' | 'latest' | undefined {
    const whole = relative.get(plain(text)) ?? relative.get(plain(text).replace(/\b(aja|saja|deh|dong|ya|kak|min|yang|yg)\b/g, ' ').replace(/\s+/g, ' ').trim());
    if (whole !== undefined) return addDays(today, whole);
    let p = plain(text).replace(/\b(tanggal|tgl|tg|hari|date|the|on|pada|yang|yg|aja|saja|deh|dong|ya|kak|min|nya|untuk|buat|instead|please)\b/g, ' ').replace(/\s+/g, ' ').trim();
    if (!p) return undefined;
    if (earliest.has(p)) return 'earliest';
    if (latest.has(p)) return 'latest';
    const rel = relative.get(p);
    if (rel !== undefined) return addDays(today, rel);
    // "minggu depan" is next week, not Sunday: phrases of several words ("minggu depan", "next
    // week") are taken out first, and without a weekday they mean the Monday of next week.
    let next = false;
    for (const phrase of nextWeekPhrases) {
      const cut = ` ${p} `.replace(` ${phrase} `, ' ');
      if (cut !== ` ${p} `) {
        next = true;
        p = cut.trim();
      }
    }
    const toMonday = ((1 - weekdayOf(today) + 7) % 7) || 7;
    const monday = addDays(today, toMonday);
    if (next && (!p || p.split(' ').every((w) => nextWeek.has(w)))) return monday;
    const words = p.split(' ');
    // "kamis", "senin depan", "next monday", "jumat ini" (this week's: today included)
    const wd = words.map((w) => weekdays.get(w)).find((v) => v !== undefined);
    const rest = words.filter((w) => !weekdays.has(w));
    if (wd !== undefined && rest.every((w) => nextWeek.has(w) || THIS_WEEK.has(w))) {
      const thisWeek = !next && rest.length > 0 && rest.every((w) => THIS_WEEK.has(w));
      let ahead = (wd - weekdayOf(today) + 7) % 7;
      if (ahead === 0 && !thisWeek) ahead = 7;
      let d = addDays(today, ahead);
      if (next || rest.some((w) => nextWeek.has(w))) {
        // Next week's day: on or after the coming Monday.
        while (d < monday) d = addDays(d, 7);
      }
      return d;
    }
    const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
    const resolve = (day: number, month?: number, year?: number): string | undefined => {
      if (year !== undefined && year < 100) year += 2000;
      if (month === undefined) {
        const here = validDate(ty, tm, day);
        if (here && day >= td) return here;
        return tm === 12 ? validDate(ty + 1, 1, day) : validDate(ty, tm + 1, day);
      }
      if (year !== undefined) return validDate(year, month, day);
      // Before today: a day of the last month or so is a past day ("29 nov" on 30 Nov), an
      // earlier one is next year's ("3 jan" in December).
      const here = validDate(ty, month, day);
      if (here && (here >= today || here >= addDays(today, -31))) return here;
      return validDate(ty + 1, month, day);
    };
    // "3/12", "3-12-2026", "03.12"
    let m = /^(\d{1,2})\s?[/.-]\s?(\d{1,2})(?:\s?[/.-]\s?(\d{2,4}))?$/.exec(text.trim().replace(/^(tanggal|tgl)\s*/i, '')) ?? /^(\d{1,2}) ?\/ ?(\d{1,2})(?: ?\/ ?(\d{2,4}))?$/.exec(p);
    if (m) return resolve(Number(m[1]), Number(m[2]), m[3] ? Number(m[3]) : undefined);
    // "3 des", "3 desember 2026", "des 3"
    m = /^(\d{1,2}) (\p{L}+)(?: (\d{4}))?$/u.exec(p);
    if (m && months.has(m[2]!)) return resolve(Number(m[1]), months.get(m[2]!), m[3] ? Number(m[3]) : undefined);
    m = /^(\p{L}+) (\d{1,2})(?: (\d{4}))?$/u.exec(p);
    if (m && months.has(m[1]!)) return resolve(Number(m[2]), months.get(m[1]!), m[3] ? Number(m[3]) : undefined);
    // "tanggal 3" (the word was removed above; a bare number is a list choice, not a date)
    m = /^(\d{1,2})$/.exec(p);
    if (m && /\b(tanggal|tgl|tg|date)\b/.test(plain(text))) return resolve(Number(m[1]));
    // "kamis 3 des": the weekday is decoration when a date follows.
    if (wd !== undefined && rest.length) return date(rest.join(' '), today);
    return undefined;
  }

  function time(text: string): { minute: number; exact: boolean } | { part: [number, number] } | 'earliest' | 'latest' | undefined {
    const raw = plain(text.replace(/(\d)[.:](\d)/g, '$1h$2'));
    const p = raw.replace(/\b(jam|pukul|pkl|pk|at|sesi|yang|yg|aja|saja|deh|dong|ya|kak|min|session)\b/g, ' ').replace(/\s+/g, ' ').trim();
    if (!p) return undefined;
    if (earliest.has(p)) return 'earliest';
    if (latest.has(p)) return 'latest';
    const words = p.split(' ');
    const partWord = words.find((w) => parts.has(w));
    if (words.includes('selamat')) return undefined; // "selamat pagi" is a greeting
    const rest = words.filter((w) => !parts.has(w));
    if (partWord && !rest.length) return { part: parts.get(partWord)! };
    // "setengah 9" is half an hour before nine: 08.30.
    const half = HALF_BEFORE.has(rest[0] ?? '') && rest.length >= 2;
    const m = /^(\d{1,2})(?:h(\d{2})| (\d{2}))?(?: ?(am|pm))?$/.exec((half ? rest.slice(1) : rest).join(' '));
    if (!m || !/\d/.test(text)) return undefined;
    const said = /\b(jam|pukul|pkl|pk|at)\b/.test(raw);
    // A bare number is a list choice, not a time: "jam 9" or "9.30" is a time; "jam 8 30" too.
    if (!m[2] && !m[4] && !half && !said && !partWord) return undefined;
    if (m[3] && (!said || half)) return undefined;
    let hour = Number(m[1]) - (half ? 1 : 0);
    const minute = half ? 30 : Number(m[2] ?? m[3] ?? 0);
    if (hour < 0 || hour > 23 || minute > 59) return undefined;
    if (m[4] === 'pm' && hour < 12) hour += 12;
    if (partWord && hour < 12) {
      const [from] = parts.get(partWord)!;
      if (from >= 660 && hour < 7) hour += 12; // "jam 1 siang" = 13.00
    }
    return { minute: hour * 60 + minute, exact: Boolean(m[2] ?? m[3]) || half };
  }

  function name(text: string): string {
    let s = text
      .replace(/[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, '')
      .replace(/[*_~`"“”«»]/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    for (let round = 0; round < 2; round++) {
      const lower = plain(s);
      const prefix = namePrefixes.find((pre) => lower === pre || lower.startsWith(`${pre} `));
      if (!prefix) break;
      // Remove as many words as the prefix has (its punctuation too: "a.n.", "nama:").
      const count = prefix.split(' ').length;
      let removed = 0;
      let i = 0;
      const parts = s.split(' ');
      let consumed = 0;
      while (removed < count && i < parts.length) {
        const w = plain(parts[i]!);
        consumed++;
        i++;
        removed += w ? w.split(' ').length : 0;
      }
      s = parts.slice(consumed).join(' ').replace(/^[\s:=,.\-–—]+/, '');
    }
    s = s.replace(/^[\s:=,\-–—]+/, '').replace(/[\s.!,;:?]+$/, '').trim();
    // A name on a KTP has no comma: what follows one is another remark ("…, ktp belum ada").
    s = s.split(/\s*[,;]\s*/)[0]!;
    // Politeness after it ("Siti Aminah kak", "siti aminah ya kak") is not part of the name.
    const words = s.split(' ');
    while (words.length > 1 && TRAILING_POLITE.has(plain(words.at(-1)!))) words.pop();
    return tidyName(words.join(' '));
  }

  function dateAndTime(text: string, today: string): { day: string; time: string } | undefined {
    const words = text.trim().split(/\s+/);
    for (let i = 1; i < words.length; i++) {
      const [a, b] = [words.slice(0, i).join(' '), words.slice(i).join(' ')];
      const day = (d: string) => { const r = date(d, today); return r !== undefined && r !== 'earliest' && r !== 'latest'; };
      if (day(a) && time(b)) return { day: a, time: b };
      if (time(a) && day(b)) return { day: b, time: a };
    }
    return undefined;
  }

  const purposeWords = new Set(vocab.purpose.map(plain));
  const notNames: ReadonlySet<string> = new Set(vocab.not_names.map(plain));
  const saysWhatFor = (text: string) => plain(text).split(' ').some((w) => purposeWords.has(w));

  // Read twice for one short text: by the engine (a number answering a notification's options)
  // and again by the step. Remembered, the second read costs a lookup.
  return { yesNo, leaveOrStay, cancelOrKeep, followOrNot, stopsUpdates, saysWhatFor, option, number: memoByText(number), date, time, dateAndTime, name, fillers, notNames, vocab };
}
