// Understands residents' free text without an external service: normalised words are matched
// against the service keywords in flows/services/*.yaml and the phrases in flows/nlu.yaml.
import type { Category, CategoryId, Service } from '../content/schema.js';
import type { Content } from '../content/load.js';
import type { Lang } from '../core/types.js';
import { createAnswerReader, type AnswerReader } from './answers.js';
import { memoByText } from '../core/memo.js';
import { createNormalizer, type Normalizer } from './normalize.js';
import { defaultNluVocab, type NluVocab, type PhraseIntent } from './vocab.js';

export { normalize } from './normalize.js';
export { NluVocab, loadNluVocab } from './vocab.js';
export { createAnswerReader, type AnswerReader, type YesNo } from './answers.js';

/** Questions answered in place wherever they are asked (fees, hours, help, processing time…): never an answer or a request. */
export const INFO_INTENTS: ReadonlySet<string> = new Set(['fee', 'hours', 'health', 'help', 'duration', 'online']);

export type Intent =
  | { kind: 'service'; serviceId: string }
  | { kind: 'ambiguous'; serviceIds: string[] } // e.g. "syarat kk" → the KK services (max ~6)
  | { kind: 'requirements' } // "syarat" / "persyaratan" with no service
  | { kind: 'fee'; serviceId?: string }
  | { kind: 'duration'; serviceId?: string } // "berapa lama prosesnya"
  | { kind: 'online'; serviceId?: string } // "bisa online gak"
  | { kind: 'booking' } // book urgent e-KTP recording slot
  | { kind: 'my_bookings' } // "booking saya", "jadwal saya"
  | { kind: 'status' } // application status / "sudah jadi belum"
  | { kind: 'officer' } // talk to a human / contacts / complaint
  | { kind: 'hours' } // office hours / address / location
  | { kind: 'health' } // health protocol (mask, covid)
  | { kind: 'greeting' }
  | { kind: 'thanks'; ack?: true; done?: true } // "makasih"; `ack` for "ok", "siap" (no "Sama-sama"); `done` for "tutup aja", "selesai" (a closing)
  | { kind: 'help' }
  | { kind: 'menu' }
  | { kind: 'language' }
  | { kind: 'unknown' };

export interface Nlu {
  classify(text: string): Intent;
  /** As classify, but no word is guessed to be a typo of another: at a name question "Salim" is a name, not "salam". */
  classifyAsTyped?(text: string): Intent;
  /** True when one typed word is in the vocabulary (chat spellings, keywords, known words), never by a typo guess: "tolong", "anak" are, "aminah" is not. */
  knowsWord?(word: string): boolean;
  /** 'en' when a message is plainly written in English ("I lost my ID card"), else undefined. */
  writtenIn?(text: string): Lang | undefined;
  /** Readers for answers to the bot's own questions (yes/no, options, dates, times, names). */
  answers?: AnswerReader;
}

let shippedAnswers: AnswerReader | undefined;
/** The answer readers of an NLU, or those of the shipped flows/nlu.yaml. */
export function answersOf(nlu: Nlu | undefined): AnswerReader {
  if (nlu?.answers) return nlu.answers;
  shippedAnswers ??= createAnswerReader(defaultNluVocab().answers);
  return shippedAnswers;
}

const MAX_AMBIGUOUS = 6;
/** How many other words may sit between the words of an intent phrase ("daftar buat rekam"). */
const MAX_PHRASE_GAP = 1;
const WEAK_WORD_WEIGHT = 0.5;
/** Checked before services: a booking or status question often names a document too ("booking rekam ktp"). */
const BEFORE_SERVICES: PhraseIntent[] = ['my_bookings', 'booking', 'status', 'officer'];
/** Checked after fee, which takes the named service along. */
const AFTER_FEE: PhraseIntent[] = ['hours', 'health'];
/** Only when no service is named: small talk must not hide a question ("halo, syarat kk?"). */
const AFTER_SERVICES: PhraseIntent[] = ['requirements', 'language', 'help', 'thanks', 'acknowledge', 'menu', 'greeting'];
/** What may come with a closing ("ok, sudah cukup, makasih"): any other word keeps its own meaning ("jam tutup"). */
const ALONG_DONE: PhraseIntent[] = ['thanks', 'acknowledge'];

interface Keyword<T> {
  target: T;
  words: string[];
  score: number;
}

interface ServiceMatch {
  intent?: Intent;
  /** Words used by matched service or category keywords: they do not also count as intent phrases ("ganti alamat ktp" is not "alamat"). */
  used: Set<string>;
}

export function createNlu(input: { services: Service[]; categories: Category[]; vocab?: NluVocab | undefined }): Nlu {
  const vocab = input.vocab ?? defaultNluVocab();
  const { services, categories } = input;
  const extraPhrases = [...services.flatMap((s) => s.keywords), ...categories.flatMap((c) => c.keywords)];
  const normalizer = createNormalizer(vocab, { extraPhrases, fixTypos: true });
  // The same words without typo guesses, for answers where a near word is meant as typed (a name).
  const asTypedNormalizer = createNormalizer(vocab, { extraPhrases, fixTypos: false });
  const weakWords = new Set(vocab.weak_words.flatMap((w) => normalizer.words(w)));
  function keyword<T>(target: T, phrase: string): Keyword<T> {
    const words = [...new Set(normalizer.words(phrase))];
    const score = words.reduce((sum, w) => sum + (weakWords.has(w) ? WEAK_WORD_WEIGHT : 1), 0);
    return { target, words, score };
  }

  const serviceKeywords = services.flatMap((s) => s.keywords.map((k) => keyword(s.id, k))).filter((k) => k.words.length > 0);
  const categoryKeywords = categories.flatMap((c) => c.keywords.map((k) => keyword(c.id, k))).filter((k) => k.words.length > 0);
  const servicesOfCategory = new Map<CategoryId, string[]>();
  for (const s of services) servicesOfCategory.set(s.category, [...(servicesOfCategory.get(s.category) ?? []), s.id]);

  const intentPhrases = new Map<PhraseIntent, string[][]>();
  for (const [intent, phrases] of Object.entries(vocab.intents) as [PhraseIntent, string[]][]) {
    intentPhrases.set(intent, phrases.map((p) => normalizer.words(p)).filter((w) => w.length > 0));
  }

  function mentions(words: string[], intent: PhraseIntent, used: Set<string>): boolean {
    return intentPhrases.get(intent)!.some((phrase) => !phrase.every((w) => used.has(w)) && containsInOrder(words, phrase));
  }

  /** "tutup aja", "ok sudah cukup makasih": a closing phrase, and nothing but thanks or "ok" around it. */
  function onlyDone(words: string[]): boolean {
    const covered = new Set<string>();
    const cover = (intent: PhraseIntent) => {
      let found = false;
      for (const phrase of intentPhrases.get(intent)!) {
        if (!containsInOrder(words, phrase)) continue;
        phrase.forEach((w) => covered.add(w));
        found = true;
      }
      return found;
    };
    if (!cover('done')) return false;
    ALONG_DONE.forEach(cover);
    return words.every((w) => covered.has(w));
  }

  /** The named service(s): the best-scoring keyword wins (more words, weak words count half); a bare category word is ambiguous. */
  function matchServices(words: string[]): ServiceMatch {
    const present = new Set(words);
    const used = new Set<string>();
    const bestScores = <T>(keywords: Keyword<T>[]) => {
      const scores = new Map<T, number>();
      for (const k of keywords) {
        if (!k.words.every((w) => present.has(w))) continue;
        scores.set(k.target, Math.max(scores.get(k.target) ?? 0, k.score));
        k.words.forEach((w) => used.add(w));
      }
      return scores;
    };
    const serviceScores = bestScores(serviceKeywords);
    const categoryScores = bestScores(categoryKeywords);
    const topService = Math.max(0, ...serviceScores.values());
    const topCategory = Math.max(0, ...categoryScores.values());
    if (topService === 0 && topCategory === 0) return { used };

    const ids = new Set<string>();
    if (topCategory >= topService) {
      for (const [category, score] of categoryScores) {
        if (score === topCategory) servicesOfCategory.get(category)?.forEach((id) => ids.add(id));
      }
    }
    if (topService >= topCategory) {
      for (const [id, score] of serviceScores) if (score === topService) ids.add(id);
    }
    const serviceIds = services.map((s) => s.id).filter((id) => ids.has(id));
    if (serviceIds.length === 0) return { used }; // a category without services in the content
    const intent: Intent =
      serviceIds.length === 1 ? { kind: 'service', serviceId: serviceIds[0]! } : { kind: 'ambiguous', serviceIds: serviceIds.slice(0, MAX_AMBIGUOUS) };
    return { intent, used };
  }

  const answers = createAnswerReader(vocab.answers);
  const asTyped = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  const wholeMessages = new Map(Object.entries(vocab.whole_messages).flatMap(([k, v]) => [[asTyped(k), v] as const, [normalizer.words(k).join(' '), v] as const]).filter(([k]) => k));
  const english = new Set(vocab.english_words.map((w) => w.toLowerCase()));
  const indonesian = new Set(vocab.indonesian_words.map((w) => w.toLowerCase()));
  /** On the words as typed: the normaliser turns English words into Indonesian ones. */
  function writtenIn(text: string): Lang | undefined {
    const words = text.toLowerCase().split(/[^\p{L}]+/u).filter(Boolean);
    if (words.some((w) => indonesian.has(w))) return undefined;
    return words.filter((w) => english.has(w)).length >= 2 ? 'en' : undefined;
  }
  return {
    answers,
    classify: memoByText((text) => classify(text, normalizer)),
    classifyAsTyped: memoByText((text) => classify(text, asTypedNormalizer)),
    knowsWord: (word) => asTypedNormalizer.knows(word),
    writtenIn,
  };

  function classify(text: string, by: Normalizer): Intent {
    // As typed ("min" is dropped by the normaliser as a filler), then in standard words.
    const whole = wholeMessages.get(asTyped(text));
    if (whole) return { kind: whole } as Intent;
    const words = by.words(text);
    if (words.length === 0) return { kind: 'unknown' };
    const wholeWords = wholeMessages.get(words.join(' '));
    if (wholeWords) return { kind: wholeWords } as Intent;
    // Before the hours, whose "tutup" it contains: "tutup aja" closes, "jam tutup" still asks.
    if (onlyDone(words)) return { kind: 'thanks', done: true };
    const { intent: named, used } = matchServices(words);
    for (const kind of BEFORE_SERVICES) if (mentions(words, kind, used)) return intentOf(kind);
    // Questions about a service take the named one along ("berapa lama bikin kk").
    for (const kind of ['fee', 'duration', 'online'] as const) {
      if (mentions(words, kind, used)) return named?.kind === 'service' ? { kind, serviceId: named.serviceId } : { kind };
    }
    for (const kind of AFTER_FEE) if (mentions(words, kind, used)) return intentOf(kind);
    if (named) return named;
    for (const kind of AFTER_SERVICES) if (mentions(words, kind, used)) return intentOf(kind);
    return { kind: 'unknown' };
  }
}

/**
 * An NLU that follows content edits: a reload (a Konten edit, "Ajari bot" on Statistik, "Muat
 * ulang") swaps new services and categories into `content` and counts up its `revision`; the
 * keywords are read again on the first call after that (a keyword taught is understood at once,
 * no restart). Between reloads a call costs one number compared.
 */
export function createLiveNlu(content: Pick<Content, 'services' | 'categories' | 'revision'>, vocab?: NluVocab): Nlu {
  let revision: number | undefined;
  let current: Nlu | undefined;
  const now = (): Nlu => {
    if (!current || revision !== content.revision) {
      revision = content.revision;
      current = createNlu({ services: [...content.services], categories: [...content.categories], vocab });
    }
    return current;
  };
  return {
    get answers() {
      return now().answers;
    },
    classify: (text) => now().classify(text),
    classifyAsTyped: (text) => now().classifyAsTyped!(text),
    knowsWord: (word) => now().knowsWord!(word),
    writtenIn: (text) => now().writtenIn!(text),
  };
}

/** The intent a phrase list names ("ok", "siap" are thanks that only acknowledge; "selesai" closes). */
function intentOf(kind: PhraseIntent): Intent {
  if (kind === 'done') return { kind: 'thanks', done: true };
  return kind === 'acknowledge' ? { kind: 'thanks', ack: true } : ({ kind } as Intent);
}

/** True when the phrase's words occur in order, with at most MAX_PHRASE_GAP other words between them. */
function containsInOrder(words: string[], phrase: string[]): boolean {
  for (let start = 0; start < words.length; start++) {
    if (words[start] !== phrase[0]) continue;
    let at = start;
    let matched = 1;
    while (matched < phrase.length) {
      let next = -1;
      for (let j = at + 1; j <= Math.min(at + 1 + MAX_PHRASE_GAP, words.length - 1); j++) {
        if (words[j] === phrase[matched]) {
          next = j;
          break;
        }
      }
      if (next === -1) break;
      at = next;
      matched++;
    }
    if (matched === phrase.length) return true;
  }
  return false;
}
