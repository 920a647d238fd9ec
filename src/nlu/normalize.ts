// Turns a resident's chat message into standard words: "Syarat bkin e-KTP gmn??" →
// "syarat buat ktp bagaimana". Spellings and abbreviations come from flows/nlu.yaml.
import { distance } from 'fastest-levenshtein';
import { memoByText } from '../core/memo.js';
import { defaultNluVocab, type NluVocab } from './vocab.js';

/** Nothing a resident asks needs more; cutting first bounds the work for a 10,000-character paste. */
const MAX_INPUT_CHARS = 500;
const MAX_WORDS = 60;
/** Possessive endings: "ktpnya" → "ktp", "bookingku" → "booking saya". */
const SUFFIXES: ReadonlyArray<readonly [string, string[]]> = [
  ['nya', []],
  ['ku', ['saya']],
  ['mu', []],
];
const TYPO_CACHE_LIMIT = 10_000;

/** Lower case, without accents, emoji, punctuation or control characters, split into words. */
function splitWords(text: string): string[] {
  const cleaned = text
    .slice(0, MAX_INPUT_CHARS)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’‘`´]/gu, '') // assalamu'alaikum is one word
    .replace(/(^|[^\p{L}\p{N}])(\p{N}+)(?=\p{L})/gu, '$1$2 ') // "17thn" → "17 thn", but not "anak2nya"
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return cleaned ? cleaned.split(' ', MAX_WORDS) : [];
}

export interface Normalizer {
  /** The standard words of a message. */
  words(text: string): string[];
  /** True when one typed word is in the vocabulary (a chat spelling, a keyword, a known word), typos aside. */
  knows(word: string): boolean;
}

export interface NormalizerOptions {
  /** Phrases whose words count as known (service and category keywords). */
  extraPhrases?: Iterable<string>;
  /** Replace an unknown word by a known one within a small edit distance ("persyaratn" → "persyaratan"). */
  fixTypos?: boolean;
}

export function createNormalizer(vocab: NluVocab, options: NormalizerOptions = {}): Normalizer {
  const replacements = new Map<string, string[]>();
  let longestReplacement = 1;
  for (const [from, to] of Object.entries(vocab.replacements)) {
    const key = splitWords(from);
    if (key.length === 0) continue;
    replacements.set(key.join(' '), splitWords(to));
    longestReplacement = Math.max(longestReplacement, key.length);
  }

  // Insertion order matters for typo fixes: on a tie the earlier (more meaningful) word wins.
  const lexicon = new Set<string>();
  const learn = (phrase: string) => splitWords(phrase).forEach((w) => lexicon.add(w));
  for (const phrase of options.extraPhrases ?? []) learn(phrase);
  for (const phrases of Object.values(vocab.intents)) phrases.forEach(learn);
  for (const [from, to] of Object.entries(vocab.replacements)) {
    learn(from);
    learn(to);
  }
  vocab.known_words.forEach(learn);

  const typoTargets = new Map<number, string[]>();
  for (const word of lexicon) {
    if (word.length < 4 || !/^\p{L}+$/u.test(word)) continue;
    const bucket = typoTargets.get(word.length) ?? [];
    bucket.push(word);
    typoTargets.set(word.length, bucket);
  }
  /** Edit distance ≤1 for 4–6 letter words, ≤2 for longer ones; short words are never guessed. */
  const correctTypo = memoByText(guessTypo, TYPO_CACHE_LIMIT);
  function guessTypo(word: string): string | undefined {
    if (word.length < 4 || !/^\p{L}+$/u.test(word)) return undefined;
    let best: string | undefined;
    let bestDistance = Infinity;
    for (let length = word.length - 2; length <= word.length + 2; length++) {
      for (const target of typoTargets.get(length) ?? []) {
        const allowed = target.length >= 7 ? 2 : 1;
        if (Math.abs(target.length - word.length) > allowed) continue;
        const d = distance(word, target);
        if (d <= allowed && d < bestDistance) {
          best = target;
          bestDistance = d;
        }
      }
    }
    return best;
  }

  function standardWord(word: string, fixTypos = options.fixTypos): string[] {
    if (lexicon.has(word)) return [word];
    const base = word.replace(/^(\p{L}{3,})2(?=\p{L}*$)/u, '$1'); // chat writes "anak-anak" as "anak2"
    const twice = base.replace(/(\p{L})\1{2,}/gu, '$1$1');
    if (lexicon.has(twice)) return [twice];
    const once = twice.replace(/(\p{L})\1/gu, '$1');
    if (lexicon.has(once)) return [once];
    // A letter typed three times or more is elongation ("halooo"); a plain double may be real.
    const candidate = twice === base ? base : once;
    for (const [suffix, addition] of SUFFIXES) {
      if (candidate.length <= suffix.length + 1 || !candidate.endsWith(suffix)) continue;
      const stem = candidate.slice(0, -suffix.length);
      if (lexicon.has(stem)) return [stem, ...addition];
    }
    const fixed = fixTypos ? correctTypo(candidate) : undefined;
    return [fixed ?? candidate];
  }

  function replacePhrases(words: string[]): string[] {
    const out: string[] = [];
    let i = 0;
    while (i < words.length) {
      let replaced = false;
      for (let n = Math.min(longestReplacement, words.length - i); n >= 1; n--) {
        const to = replacements.get(n === 1 ? words[i]! : words.slice(i, i + n).join(' '));
        if (to === undefined) continue;
        out.push(...to);
        i += n;
        replaced = true;
        break;
      }
      if (!replaced) out.push(words[i++]!);
    }
    return out;
  }

  return {
    words: memoByText((text) => replacePhrases(splitWords(text).flatMap((w) => standardWord(w)))),
    knows: (word) => {
      const [w, ...more] = splitWords(word);
      return w !== undefined && !more.length && (replacements.has(w) || lexicon.has(standardWord(w, false)[0]!));
    },
  };
}

let defaultNormalizer: Normalizer | undefined;

/** Normalises with the shipped flows/nlu.yaml, without typo guessing: "Halooo, KTP ilang gmn??" → "halo ktp hilang bagaimana". */
export function normalize(text: string): string {
  defaultNormalizer ??= createNormalizer(defaultNluVocab());
  return defaultNormalizer.words(text).join(' ');
}
