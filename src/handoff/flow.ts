// "Hubungi petugas": the resident picks a topic, writes the message, and is told honestly when
// an answer comes. While the case is open the bot stays quiet: what the resident writes goes
// to the case. `menu` leaves (the case stays open), and a text the bot does not understand at the
// menu afterwards may be for the officer (start `stray`), as may thanks after the officer's answer
// (start `thanks`); an officer's answer comes with a button
// that leads back to the case from anywhere; after closing, one satisfaction question, which
// is also answered by what the resident types next into the closed case ("5", "sangat puas").
// Pure: the database is reached through effects (src/handoff/feature.ts).
import type { Choice, Input, Reply } from '../core/types.js';
import { readAnswer } from '../flows/answers.js';
import { answersOf } from '../nlu/index.js';
import { plain } from '../nlu/answers.js';
import { maskDigitsInText } from '../privacy/mask.js';
import type { Flow, FlowContext, Outcome } from '../flows/types.js';
import type { OfficeTime } from './hours.js';
import { HANDOFF_MAX_TEXT, TOPICS, type HandoffSettings, type Topic } from './settings.js';

export const HANDOFF_EFFECTS = {
  current: 'handoff.current',
  open: 'handoff.open',
  message: 'handoff.message',
  resume: 'handoff.resume',
  rate: 'handoff.rate',
  word: 'handoff.rate_word',
} as const;

/** What the effect handlers return to the flow. */
export interface OpenResult {
  caseId: number;
  topic: Topic;
  dueAt: string;
  inHours: boolean;
  nextOpening: string;
  reused: boolean;
}

const COMPLAINT = /(kabar|lama|lambat|bayar|pungli|uang|duit|calo|komplain|keluh|kecewa|aduan|adu|marah|dipersulit|tidak dilayani|complain)/i;
const SKIP = /^(lewati|skip|tidak|tidak ada|gak|ga|nggak|no|none|-)[.!]*$/i;
const MONEY = /(bayar|pungli|pungutan|uang|duit|calo|amplop|biaya tambahan)/i;
/** "tidak ada saran": the words naming what was asked for, set aside before the "no" is read. */
const SUGGESTION_WORDS = /\b(saran|masukan|kritik|komentar)(nya)?\b/gi;
/** What the resident will do, or when ("besok saya datang"): said to the officer, not about the service. */
const ACTING = /\b(saya|sy|aku|kami|besok|nanti|lusa|segera|sekarang|hari ini|minggu depan)\b/;

/** Words of the request itself ("saya mau komplain ke petugas"): what is left over is the message. */
const REQUEST_WORDS = new Set(
  'saya aku sy gw gue mau ingin pengen pingin mohon tolong minta bisa bisakah hubungi menghubungi hubungkan sambungkan bicara berbicara ngomong ngobrol chat sama dengan dgn ke kepada petugas petugasnya admin min operator cs orang manusia komplain complain komplen mengadu adu lapor melapor melaporkan pengaduan keluhan aduan contact officer talk speak to an a i want please the someone human kak pak bu bang mas mbak halo hai hallo dong ya nih sih yang ada langsung'.split(' '),
);
/** A rating word that is really a question or a request for an officer (it goes to a case, not to the statistics). */
const REQUEST = /\?|\b(kapan|bagaimana|gimana|kenapa|mengapa|apakah|belum (jadi|selesai|ada|keluar|dapat|diproses|dikirim|dibalas)|tolong (hubungi|telepon|telpon|tlp|cek|bantu|dibantu|proses|diproses)|mohon (dibantu|bantuan|hubungi|dicek|diproses)|(hubungi|telepon|telpon|tlp) saya|when|how|why|please (call|help|check))\b/i;
/** A short text that is a clear other request (every intent but asking for an officer): the core answers it instead of opening a case. */
const otherRequest = (text: string, ctx: FlowContext) => !readFirstMessage(text).substantial && !['officer', 'unknown'].includes(ctx.nlu.classify(text).kind);
/** Small talk: at "Silakan tulis pesan" a bare greeting or thanks is answered by the core, not sent. */
const SMALL_TALK = new Set(['greeting', 'thanks']);

/** A text with a letter or a digit in it: one of emoji or marks only ("🙏", "👍👍", "...") says nothing to an officer. */
const WORDS = /[\p{L}\p{N}]/u;
/** Up to this long, a text that reads as a yes ("udah", "iya kak") is that answer, not a message. */
const BARE_ANSWER_CHARS = 20;

const words = (text: string) => text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
/** The plain words of a text less the fillers of flows/nlu.yaml (answers.fillers: "kak", "ya", "dong"). */
const wordsBeyondFillers = (text: string, ctx: FlowContext) => {
  const fillers = answersOf(ctx.nlu).fillers;
  return plain(text)
    .split(' ')
    .filter((w) => w && !fillers.has(w));
};

/** A "no" by itself ("tidak", "nggak kak", "no"): at a question about a message, it declines. */
const NEGATION = new Set('tidak tdk tak gak ga g gk ngga nggak ngak enggak engga ndak nda kagak no nope nah n'.split(' '));
/** "tutup aja", "selesai", "udah cukup": the resident is done (not "jam tutup?"). */
const DONE = new Set('tutup selesai cukup sekian udahan sudahan'.split(' '));
/** Words that may come with those without changing them ("ga jadi", "tidak, terima kasih", "sudah selesai"). */
const ALONG = new Set('jadi usah perlu sudah udah dulu terima kasih thank you kasusnya chatnya'.split(' '));

/** Only asks for an officer ("min", "mau ngomong sama petugas", "halo admin ada?"): no message yet. */
const onlyAsks = (text: string) => {
  const ws = words(text);
  return ws.length > 0 && ws.length <= 8 && ws.every((w) => REQUEST_WORDS.has(w));
};

/** What a first message already says: the topic it reads like, money asked, and whether it is a message at all. */
export function readFirstMessage(text: string): { topic?: Topic; pungli: boolean; substantial: boolean } {
  const pungli = MONEY.test(text);
  const topic: Topic | undefined = pungli || COMPLAINT.test(text) ? 'pengaduan' : undefined;
  // "hubungi petugas", "saya mau komplain" say only what is wanted; four more words say what about.
  const rest = words(text).filter((w) => !REQUEST_WORDS.has(w));
  return { topic, pungli, substantial: rest.length >= 4 };
}

/** The rating words' phrases, longest first, each with its score. */
function ratingPhrases(ratingWords: HandoffSettings['rating_words']): Array<{ score: number; re: RegExp; all: RegExp }> {
  return Object.entries(ratingWords ?? {})
    .flatMap(([score, list]) => (list ?? []).map((word) => ({ score: Number(score), w: word.toLowerCase().trim() })))
    .sort((a, b) => b.w.length - a.w.length)
    .map(({ score, w }) => {
      const source = `(^| )${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?= |$)`;
      return { score, re: new RegExp(source), all: new RegExp(source, 'g') };
    });
}

/**
 * What is left of a text once the rating words in it ("ramah", "kecewa", "kurang puas") are set
 * aside, at any length; undefined when it holds none (it says nothing of how the service was).
 */
export function ratingWordsAside(ratingWords: HandoffSettings['rating_words']): (text: string) => string | undefined {
  const phrases = ratingPhrases(ratingWords);
  return (text) => {
    let typed = ` ${text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;
    let found = false;
    for (const p of phrases) {
      const next = typed.replace(p.all, ' ');
      if (next !== typed) found = true;
      typed = next;
    }
    return found ? typed.replace(/\s+/g, ' ').trim() : undefined;
  };
}

/**
 * Reads a score 1–5 in what the resident typed after the case was closed, if it is a rating.
 * The rating words' phrases are compiled once, longest first (the longest phrase found decides).
 */
export function ratingReader(ratingWords: HandoffSettings['rating_words'], stars: HandoffSettings['rating_stars'] = []): (text: string) => number | undefined {
  const marks = [...new Set(stars.map((s) => s.replace(/\uFE0F/g, '')))].filter(Boolean);
  /** How many stars a text of stars alone holds ("⭐⭐⭐⭐", "⭐ ⭐ ⭐"), or undefined. */
  const starsIn = (text: string): number | undefined => {
    let rest = text.replace(/[\s\uFE0F]+/gu, '');
    let n = 0;
    while (rest && n <= 5) {
      const mark = marks.find((m) => rest.startsWith(m));
      if (!mark) return undefined;
      rest = rest.slice(mark.length);
      n++;
    }
    return n >= 1 && n <= 5 ? n : undefined;
  };
  const phrases = ratingPhrases(ratingWords);
  return (text) => {
    const starred = starsIn(text);
    if (starred) return starred;
    const typed = text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    // A question or a longer sentence is not a rating ("sudah 5 hari, kapan jadi?").
    if (!typed || REQUEST.test(text) || typed.split(' ').length > 6) return undefined;
    const digits = typed.split(' ').filter((w) => /^\d+$/.test(w));
    if (digits.length === 1 && /^[1-5]$/.test(digits[0]!) && typed.split(' ').length <= 4) return Number(digits[0]);
    if (digits.length) return undefined;
    return phrases.find((p) => p.re.test(typed))?.score;
  };
}

const keepNote = (data: Record<string, unknown>) => (typeof data.note === 'string' ? { note: data.note } : {});
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v));


export function createHandoffFlow(deps: { settings: HandoffSettings; time: OfficeTime }): Flow {
  const { settings, time } = deps;
  const ratingOf = ratingReader(settings.rating_words, settings.rating_stars);
  const ratingAside = ratingWordsAside(settings.rating_words);
  const topicLabel = (topic: string, ctx: FlowContext) => settings.topics.find((t) => t.id === topic)?.label[ctx.lang] ?? topic;

  function topicQuestion(ctx: FlowContext): Reply {
    return { text: ctx.t('handoff.topic_question'), choices: settings.topics.map((t) => ({ id: `hf:t:${t.id}`, label: t.label[ctx.lang] })) };
  }

  function askMessage(topic: Topic, pungli: boolean, ctx: FlowContext): Reply[] {
    if (pungli) return [{ text: ctx.t('handoff.pungli_info') }];
    if (topic === 'pengaduan') {
      const choices: Choice[] = [{ id: 'hf:pungli', label: ctx.t('handoff.pungli_choice') }];
      return [{ text: `${ctx.t('handoff.ask_message')}\n\n${ctx.t('handoff.national_channels')}`, choices }];
    }
    return [{ text: ctx.t('handoff.ask_message') }];
  }

  /** The closing question again, with its five answers (on WhatsApp: the numbers 1–5). */
  function rateQuestion(caseId: number, ctx: FlowContext, intro: string): Reply {
    return { text: `${intro}\n${ctx.t('handoff.rate_question')}`, choices: [1, 2, 3, 4, 5].map((n) => ({ id: `hf:rate:${caseId}:${n}`, label: ctx.t(`handoff.rate_${n}`) })) };
  }

  /** "Send this to an officer as a new case?" for a message written into a closed case. */
  function offerNewCase(caseId: number, ctx: FlowContext): Reply {
    return { text: ctx.t('handoff.closed_offer', { id: caseId }), choices: [{ id: 'hf:new', label: ctx.t('handoff.send_new') }, { id: 'hf:no', label: ctx.t('handoff.dont_send') }] };
  }

  /** A long message is kept up to HANDOFF_MAX_TEXT characters (the step says when it cut one: `input.cut`): the resident is told. */
  function cutNotice(cut: boolean | undefined, ctx: FlowContext): Reply[] {
    return cut ? [{ text: ctx.t('handoff.cut', { max: HANDOFF_MAX_TEXT.toLocaleString('id-ID') }) }] : [];
  }

  /** "Selasa, 1 Des 15.30 WIB". */
  function dueLabel(iso: string, ctx: FlowContext): string {
    const due = new Date(iso);
    return `${time.calendar.label(time.calendar.today(due), ctx.lang)} ${time.calendar.timeLabel(due, ctx.lang)} WIB`;
  }

  /** `channelsShown`: the national channels were just shown with the question ("Silakan tulis pesan…"): not again. */
  function opened(r: OpenResult, ctx: FlowContext, channelsShown = false): Outcome {
    const dueText = dueLabel(r.dueAt, ctx);
    const next = new Date(r.nextOpening);
    const when = r.inHours
      ? ctx.t('handoff.answer_in_hours', { close: time.closeLabel(), due: dueText })
      : ctx.t('handoff.answer_out_of_hours', { hours: ctx.content.office.hours[ctx.lang], day: time.calendar.label(time.calendar.today(next), ctx.lang), open: time.openLabel(), due: dueText });
    const lines = [ctx.t('handoff.received', { id: r.caseId }), when];
    if (r.topic === 'pengaduan' && !channelsShown) lines.push(ctx.t('handoff.national_channels'));
    lines.push(ctx.t('handoff.while_open'));
    return { node: 'open', data: { caseId: r.caseId }, replies: [{ text: lines.join('\n\n') }] };
  }

  /**
   * Opens a case with this text as its first message (or adds it to the resident's open case).
   * `pre`: lines said before; `channelsShown`: see opened(); `cut`: the text was cut to HANDOFF_MAX_TEXT.
   */
  function openWith(text: string, topic: Topic, pungli: boolean, note: unknown, ctx: FlowContext, opts: { pre?: Reply[]; channelsShown?: boolean; cut?: boolean } = {}): Outcome {
    const { pre = [], channelsShown = false, cut } = opts;
    return { node: 'opening', data: channelsShown ? { channelsShown } : {}, replies: [...pre, ...cutNotice(cut, ctx)], effects: [{ type: HANDOFF_EFFECTS.open, topic, pungli, text, note }] };
  }

  /** The message written straight away, with the topic it reads like. */
  function openGuessing(text: string, note: unknown, ctx: FlowContext, opts: { pre?: Reply[]; cut?: boolean } = {}): Outcome {
    const first = readFirstMessage(text);
    return openWith(text, first.topic ?? 'pertanyaan', first.pungli, note, ctx, opts);
  }

  function mediaFields(input: Extract<Input, { type: 'media' }>) {
    return { media: input.media, ref: input.ref ?? null, caption: input.caption ?? null };
  }

  /** A sticker, a voice note, a location: nothing of it reaches an officer (only files kept by reference, and captions, do). */
  const unreadable = (input: Extract<Input, { type: 'media' }>) => !input.ref && !input.caption?.trim();

  /** "Is this for the officer?" for a text typed at the menu while the resident's case waits for an officer. */
  function strayQuestion(data: Record<string, unknown>, ctx: FlowContext): Reply {
    const vars = { id: num(data.caseId), topic: topicLabel(String(data.topic), ctx) };
    // `answered`: the officer wrote last, and the text was only a yes or a no ("tidak", "ga jadi").
    const text = data.answered === true ? ctx.t('handoff.stray_answer_question', vars) : ctx.t('handoff.stray_question', { ...vars, due: dueLabel(String(data.dueAt), ctx) });
    return { text, choices: [{ id: 'hf:stray:yes', label: ctx.t('handoff.send_new') }, { id: 'hf:stray:no', label: ctx.t('handoff.dont_send') }] };
  }

  /** A text for the open case, added to it; the resident is told, and is in the case again. */
  function sendStray(caseId: number, text: string, cut: boolean, ctx: FlowContext): Outcome {
    return { node: 'open', data: { caseId }, replies: [{ text: ctx.t('handoff.stray_sent', { id: caseId }) }, ...cutNotice(cut, ctx)], effects: [{ type: HANDOFF_EFFECTS.message, caseId, text }] };
  }

  /** Thanks, "ok" or "selesai" typed at the menu while a case waits (start `thanks`): the bot's own answer, then the menu (none after a closing). */
  function thanksAnswered(data: Record<string, unknown>, ctx: FlowContext, passedTo?: number): Outcome {
    const polite = ctx.t(data.done ? 'core.done' : data.ack ? 'core.ack' : 'core.thanks');
    const text = passedTo === undefined ? polite : `${polite}\n${ctx.t('handoff.thanks_passed', { id: passedTo })}`;
    return { goto: 'menu', params: data.done ? { short: true } : { quiet: true }, replies: [{ text }] };
  }

  /** A button under a message no longer kept (the conversation went idle, the draft was removed). */
  const draftGone = (ctx: FlowContext): Outcome => ({ goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('handoff.draft_gone') }] });

  const rate = (caseId: number, score: number): Outcome => ({ node: 'rating', data: { caseId }, replies: [], effects: [{ type: HANDOFF_EFFECTS.rate, caseId, score }] });
  // Notes are for officers: in Indonesian, as the inbox is.
  const newCaseNote = (caseId: number) => `Lanjutan dari kasus #${caseId} yang sudah ditutup.`;

  /**
   * What the resident typed after the officer closed the case: a rating ("5", "sangat puas"),
   * thanks (said once more: the rating question again), or a real message (offered as a new case).
   */
  function afterClose(text: string, caseId: number, rateable: boolean, asked: boolean, ctx: FlowContext): Outcome {
    const score = rateable ? ratingOf(text) : undefined;
    if (score) return rate(caseId, score);
    if (skips(text, ctx)) return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('handoff.thanks_rating') }] };
    const kind = ctx.nlu.classify(text).kind;
    if (kind === 'thanks' || kind === 'greeting' || readAnswer(text, ctx.nlu) === 'yes') {
      if (rateable && !asked) return { node: 'closed', data: { caseId, rateable }, replies: [rateQuestion(caseId, ctx, ctx.t(kind === 'greeting' ? 'handoff.closed_hello' : 'handoff.closed_thanks', { id: caseId }))] };
      return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('core.thanks') }] };
    }
    return { node: 'closed', data: { caseId, rateable, pending: text }, replies: [offerNewCase(caseId, ctx)] };
  }

  /** Buttons of this flow, wherever they are pressed (an officer's answer, the closing question). */
  function onChoice(id: string, data: Record<string, unknown>, ctx: FlowContext): Outcome | undefined {
    const parts = id.split(':');
    if (parts[0] !== 'hf') return undefined;
    switch (parts[1]) {
      case 't': {
        const topic = parts[2] as Topic;
        if (!(TOPICS as readonly string[]).includes(topic)) return undefined;
        return { node: 'message', data: { ...keepNote(data), topic, pungli: false }, replies: askMessage(topic, false, ctx) };
      }
      case 'pungli':
        return { node: 'message', data: { ...keepNote(data), topic: 'pengaduan', pungli: true }, replies: askMessage('pengaduan', true, ctx) };
      case 'reply':
        return { node: 'resuming', data: {}, replies: [], effects: [{ type: HANDOFF_EFFECTS.resume, caseId: num(parts[2]) }] };
      case 'rate':
        return rate(num(parts[2]), num(parts[3]));
      case 'skip':
        return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('handoff.thanks_rating') }] };
      case 'new':
        // The message written into a closed case goes to an officer as a new case, with a note linking the old one.
        if (typeof data.pending !== 'string') return draftGone(ctx);
        return openGuessing(data.pending, newCaseNote(num(data.caseId)), ctx, { cut: data.pendingCut === true });
      case 'no':
        if (typeof data.pending !== 'string') return draftGone(ctx);
        return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('handoff.not_sent') }] };
      case 'stray':
        // "Is this for the officer?" answered: the text goes to the open case, or nowhere.
        if (typeof data.pending !== 'string') return draftGone(ctx);
        if (parts[2] === 'yes') return sendStray(num(data.caseId), data.pending, data.pendingCut === true, ctx);
        return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('handoff.not_sent') }] };
      default:
        return undefined;
    }
  }

  function onResult(node: string, effect: string, r: Record<string, unknown>, data: Record<string, unknown>, ctx: FlowContext): Outcome {
    switch (effect) {
      case HANDOFF_EFFECTS.current: {
        const open = r.case as { id: number; topic: string; dueAt: string; officerLast: boolean } | undefined;
        const cut = data.cut === true;
        // Back at the menu after the officer closed the case, "sangat puas", "mantap pak" answer its closing question.
        const typed = typeof data.thanks === 'string' ? data.thanks : typeof data.stray === 'string' ? data.stray : undefined;
        const score = !open && typed !== undefined && typeof r.rateable === 'number' ? ratingOf(typed) : undefined;
        if (score) return rate(num(r.rateable), score);
        // Thanks typed at the menu (see start): after the officer's answer it is the resident's answer too.
        if (node === 'thanked') {
          if (!open?.officerLast || typeof data.thanks !== 'string') return thanksAnswered(data, ctx);
          const { thanks, ...flags } = data;
          return { node: 'thanked', data: { ...flags, caseId: open.id }, replies: [], effects: [{ type: HANDOFF_EFFECTS.message, caseId: open.id, text: thanks }] };
        }
        // "masih bingung" at the menu (see start): said of the officer's answer when the officer wrote
        // last (it goes to the case); otherwise the bot's usual help.
        if (typeof data.confused === 'string') {
          if (open?.officerLast) return sendStray(open.id, data.confused, cut, ctx);
          return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('core.help') }] };
        }
        // A text nobody understood at the menu, after the resident left their case (see start).
        if (typeof data.stray === 'string') {
          // No case (closed meanwhile): it was not for an officer after all; said as the core says it.
          if (!open) return { goto: 'menu', replies: [{ text: ctx.t('nlu.expect.choice') }] };
          // The officer wrote last: this is the resident's answer ("iya pak, besok saya datang"),
          // unless it is only a yes or a no ("tidak", "ga jadi"), which may as well be meant for the bot: asked.
          const bare = readAnswer(data.stray, ctx.nlu) !== undefined || declines(data.stray, ctx);
          if (open.officerLast && !bare) return sendStray(open.id, data.stray, cut, ctx);
          const ask = { caseId: open.id, topic: open.topic, dueAt: open.dueAt, pending: data.stray, ...(cut ? { pendingCut: true } : {}), ...(open.officerLast ? { answered: true } : {}) };
          return { node: 'stray', data: ask, replies: [strayQuestion(ask, ctx)] };
        }
        if (open) {
          // A message that came with the request goes to the open case, and the resident is told which.
          const said = typeof data.said === 'string' ? data.said : undefined;
          const vars = { id: open.id, topic: topicLabel(open.topic, ctx) };
          const replies = [{ text: ctx.t(said ? 'handoff.added_to_open' : 'handoff.already_open', vars) }, ...cutNotice(said !== undefined && cut, ctx)];
          return { node: 'open', data: { caseId: open.id }, replies, effects: said ? [{ type: HANDOFF_EFFECTS.message, caseId: open.id, text: said }] : [] };
        }
        const note = typeof data.note === 'string' ? { note: data.note } : {};
        // The first message already said what it is about: it opens the case.
        if (typeof data.said === 'string') return openWith(data.said, data.topic as Topic, Boolean(data.pungli), data.note, ctx, { cut });
        if (data.topic) return { node: 'message', data: { topic: data.topic, pungli: Boolean(data.pungli), ...note }, replies: askMessage(data.topic as Topic, Boolean(data.pungli), ctx) };
        return { node: 'topic', data: note, replies: [topicQuestion(ctx)] };
      }
      case HANDOFF_EFFECTS.open:
        return opened(r as unknown as OpenResult, ctx, data.channelsShown === true);
      case HANDOFF_EFFECTS.message:
        // The thanks typed at the menu reached the case: the resident is told, and is at the menu again.
        if (node === 'thanked') return thanksAnswered(data, ctx, 'closed' in r ? undefined : num(data.caseId));
        // Closed meanwhile: what was typed is the answer to the closing question, or a new message.
        if ('closed' in r) {
          const caseId = num(r.caseId ?? data.caseId);
          if (typeof r.text === 'string' && r.text.trim()) return afterClose(r.text, caseId, Boolean(r.rateable), false, ctx);
          return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('handoff.case_closed', { id: caseId }) }] };
        }
        // A sticker or a voice note cannot reach the officer: say so rather than stay quiet.
        if (r.unsupported) return { node: 'open', data, replies: [{ text: `${ctx.t('core.media_unsupported')} ${ctx.t('handoff.write_instead')}` }] };
        return { node: 'open', data, replies: r.file ? [{ text: ctx.t('handoff.file_received') }] : [] };
      case HANDOFF_EFFECTS.resume:
        if ('closed' in r) return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('handoff.not_open') }] };
        return { node: 'open', data: { caseId: r.caseId }, replies: [{ text: ctx.t('handoff.write_reply', { id: num(r.caseId) }) }] };
      case HANDOFF_EFFECTS.rate:
        if ('already' in r) return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('handoff.already_rated') }] };
        return { node: 'rate_word', data, replies: [{ text: ctx.t('handoff.ask_word'), choices: [{ id: 'hf:skip', label: ctx.t('handoff.skip') }] }] };
      case HANDOFF_EFFECTS.word:
        return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('handoff.thanks_rating') }] };
      default:
        return { goto: 'menu' };
    }
  }

  /** A topic typed in words ("pengaduan", "lainnya"); anything longer is the message itself. */
  function typedTopic(text: string, ctx: FlowContext): Topic | undefined {
    const word = text.trim().toLowerCase();
    return settings.topics.find((t) => t.id === word || t.label.id.toLowerCase() === word || t.label[ctx.lang].toLowerCase() === word)?.id;
  }

  const cancelled = (ctx: FlowContext): Outcome => ({ goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('handoff.cancelled') }] });
  /**
   * "gak jadi", "tidak usah", "ga perlu deh", a bare "tidak" / "no" / "nggak", "tutup aja": the
   * resident declines. Any other word makes it a message: "hilang", "belum", "tidak ada", "KTP saya
   * tidak bisa dipakai" typed as the message are the message.
   */
  const declines = (text: string, ctx: FlowContext) => {
    const a = readAnswer(text, ctx.nlu);
    if (a === 'not_needed' || (a === 'no' && /\b(jadi|usah|perlu)\b/i.test(text))) return true;
    const left = wordsBeyondFillers(text, ctx).filter((w) => !ALONG.has(w));
    return left.length > 0 && left.length <= 2 && left.every((w) => NEGATION.has(w) || DONE.has(w));
  };
  /** "lewati", "-", "tidak ada" (SKIP) or a decline: at the closing questions, nothing more to say. */
  const skips = (text: string, ctx: FlowContext) => SKIP.test(text.trim()) || declines(text, ctx);
  /** The answer to "send this message?" (its buttons typed too): yes, no, or neither. */
  const sendAnswer = (text: string, ctx: FlowContext): 'yes' | 'no' | undefined => {
    const picked = answersOf(ctx.nlu).option(text, [ctx.t('handoff.send_new'), ctx.t('handoff.dont_send')]);
    if (picked && 'index' in picked && !picked.loose) return picked.index === 0 ? 'yes' : 'no';
    const a = readAnswer(text, ctx.nlu);
    if (a === 'yes') return 'yes';
    return a === 'no' || declines(text, ctx) ? 'no' : undefined;
  };

  /** At "Ada satu kata atau saran?": "tidak", "tidak ada", "ga ada saran kak", "tidak usah", "tutup aja", "sudah cukup". */
  function noSuggestion(text: string, ctx: FlowContext): boolean {
    if (skips(text, ctx)) return true;
    const intent = ctx.nlu.classify(text);
    if (intent.kind === 'thanks' && intent.done) return true;
    const answer = readAnswer(text.replace(SUGGESTION_WORDS, ' '), ctx.nlu);
    return answer === 'no' || answer === 'not_needed';
  }

  /**
   * "iya pak, besok saya datang", "tidak bu, saya belum ambil", "siap, nanti saya kirim fotonya": a yes
   * or no to the officer, then what the resident will do or when. A word about the service is not one.
   */
  function answersOfficer(text: string, ctx: FlowContext): boolean {
    const ws = plain(text).split(' ').filter(Boolean);
    for (let n = Math.min(3, ws.length - 2); n >= 1; n--) {
      const opening = ws.slice(0, n).join(' ');
      const intent = ctx.nlu.classify(opening);
      const answer = readAnswer(opening, ctx.nlu);
      if (answer !== 'yes' && answer !== 'no' && !(intent.kind === 'thanks' && intent.ack)) continue;
      const rest = ws.slice(n).join(' ');
      return ACTING.test(rest) && ratingOf(rest) === undefined;
    }
    return false;
  }

  /** A rating word that asks for something ("belum jadi juga, tolong telepon …") is a message for an officer. */
  function isRequest(text: string, ctx: FlowContext): boolean {
    // A NIK, KK or phone number in it (what the masking hides): a message for an officer.
    if (text.length > 160 || REQUEST.test(text) || maskDigitsInText(text) !== text) return true;
    const asks = (t: string) => ['officer', 'status', 'booking', 'my_bookings'].includes(ctx.nlu.classify(t).kind);
    if (!asks(text)) return false;
    // Said of how it went ("petugasnya ramah tapi antri lama", "kecewa, antrian panjang"): a word
    // about the service, unless what is left only asks for an officer ("tidak puas, mau komplain").
    const rest = ratingAside(text);
    return rest === undefined || (onlyAsks(rest) && ctx.nlu.classify(rest).kind === 'officer');
  }

  return {
    id: 'officer',
    version: 1,
    keepWhenIdle: ['open'],
    // Left here, the case still waits for an officer: a text nobody understood at the menu comes back
    // (start: `stray`), and so do thanks (start: `thanks`; 'thanked' passes them on and goes back to the menu).
    awaits: ['open', 'stray', 'thanked'],
    routeWords: { 'balas petugas': { reply: true }, 'reply to the officer': { reply: true } },
    choicePrefixes: ['hf:'],
    // Every text typed there is the message for the officer: kept whole, a "1" is the answer itself.
    takesAnyText: (node) => node === 'open' || node === 'message',
    start(ctx, params) {
      if (typeof params?.choice === 'string') {
        const outcome = onChoice(params.choice, {}, ctx);
        if (outcome) return outcome;
      }
      if (params?.reply) return { node: 'resuming', data: {}, replies: [], effects: [{ type: HANDOFF_EFFECTS.resume }] };
      // `thanks`: thanks, "ok" or "selesai" typed at the menu after leaving the open case (the step's
      // `awaits`): the bot answers it; when the officer wrote last, the officer reads it too ("makasih pak").
      if (typeof params?.thanks === 'string' && params.thanks.trim()) {
        const flags = { ...(params.ack ? { ack: true } : {}), ...(params.done ? { done: true } : {}) };
        return { node: 'thanked', data: { thanks: params.thanks.slice(0, HANDOFF_MAX_TEXT), ...flags }, replies: [], effects: [{ type: HANDOFF_EFFECTS.current }] };
      }
      // `confused`: "masih bingung", "kurang jelas" at the menu after leaving the open case: the case is looked at first.
      if (typeof params?.confused === 'string' && params.confused.trim()) {
        const cut = params.confused.length > HANDOFF_MAX_TEXT;
        return { node: 'checking', data: { confused: params.confused.slice(0, HANDOFF_MAX_TEXT), ...(cut ? { cut } : {}) }, replies: [], effects: [{ type: HANDOFF_EFFECTS.current }] };
      }
      // `stray`: a text nobody understood at the menu after the resident left their open case (the
      // step's `awaits`): it may be their answer to the officer. The case is looked at first.
      if (typeof params?.stray === 'string' && params.stray.trim()) {
        const cut = params.cut === true || params.stray.length > HANDOFF_MAX_TEXT;
        return { node: 'checking', data: { stray: params.stray.slice(0, HANDOFF_MAX_TEXT), ...(cut ? { cut } : {}) }, replies: [], effects: [{ type: HANDOFF_EFFECTS.current }] };
      }
      // Other flows may send residents here with a topic and a line for the officer
      // (e.g. booking: "under 16, special case"): { goto: 'officer', params: { topic, note } }.
      const topic = (TOPICS as readonly string[]).includes(String(params?.topic)) ? (params!.topic as Topic) : undefined;
      const note = typeof params?.note === 'string' ? params.note.slice(0, 300) : undefined;
      // `said`: the words that asked for an officer. When they already say what it is about
      // ("saya mau komplain, petugas loket minta uang …") they are the case's first message and
      // the resident is not asked again; "saya mau komplain" alone still tells the topic.
      if (typeof params?.said === 'string' && params.said.trim()) {
        // Kept whole (the step passes it to MAX_MESSAGE, not cut to what the NLU reads).
        const said = params.said.slice(0, HANDOFF_MAX_TEXT);
        const cut = params.cut === true || params.said.length > HANDOFF_MAX_TEXT ? { cut: true } : {};
        const first = readFirstMessage(said);
        // A case already open is said first (as for a topic): the message is not added to it unseen.
        if (first.substantial) return { node: 'checking', data: { said, ...cut, topic: topic ?? first.topic ?? 'pertanyaan', pungli: first.pungli, ...(note ? { note } : {}) }, replies: [], effects: [{ type: HANDOFF_EFFECTS.current }] };
        if (!topic && first.topic) return { node: 'checking', data: { topic: first.topic, pungli: first.pungli, ...(note ? { note } : {}) }, replies: [], effects: [{ type: HANDOFF_EFFECTS.current }] };
      }
      return { node: 'checking', data: { ...(topic ? { topic } : {}), ...(note ? { note } : {}) }, replies: [], effects: [{ type: HANDOFF_EFFECTS.current }] };
    },
    onInput(node, data, input, ctx): Outcome {
      if (input.type === 'result') return onResult(node, input.effect, (input.data ?? {}) as Record<string, unknown>, data, ctx);
      if (input.type === 'choice') return onChoice(input.id, data, ctx) ?? { unhandled: true };
      switch (node) {
        case 'topic': {
          // "🙏", "👍", a sticker, a voice note: nothing for an officer yet. No case, the question again.
          if ((input.type === 'text' && !WORDS.test(input.text)) || (input.type === 'media' && unreadable(input))) {
            const line = input.type === 'media' ? `${ctx.t('core.media_unsupported')} ${ctx.t('handoff.topic_again')}` : ctx.t('handoff.topic_again');
            return { node: 'topic', data, replies: [{ text: line }, topicQuestion(ctx)] };
          }
          if (input.type === 'text') {
            const topic = typedTopic(input.text, ctx);
            if (topic) return { node: 'message', data: { ...data, topic, pungli: false }, replies: askMessage(topic, false, ctx) };
            // "gak jadi", "tidak": nothing is sent.
            if (declines(input.text, ctx)) return cancelled(ctx);
            const first = readFirstMessage(input.text);
            if (!first.substantial) {
              // "saya mau komplain": the topic, the message still to come.
              if (first.topic) return { node: 'message', data: { ...data, topic: first.topic, pungli: first.pungli }, replies: askMessage(first.topic, first.pungli, ctx) };
              // "min", "mau ngomong sama petugas": yes, this is the way; the question once more (typed again, it is the message).
              if (onlyAsks(input.text) && !data.asked) return { node: 'topic', data: { ...data, asked: true }, replies: [{ text: ctx.t('handoff.connecting') }, topicQuestion(ctx)] };
              // Small talk ("makasih", "halo") or a clear other request ("cek status", "jam buka?"):
              // the core answers it (small talk: one line and this question again).
              if (otherRequest(input.text, ctx)) return { unhandled: true };
              // A bare yes, no or "udah" ("iya", "blm", "sudah") says nothing for an officer: no case,
              // one line and this question again.
              if (readAnswer(input.text, ctx.nlu) !== undefined) return { node: 'topic', data, replies: [{ text: ctx.t('handoff.topic_again') }, topicQuestion(ctx)] };
            }
            // The message written straight away: keep it (whole), with the topic it reads like.
            return openGuessing(input.whole ?? input.text, data.note, ctx, { cut: input.cut });
          }
          if (input.type === 'media') return { node: 'opening', data: {}, replies: [], effects: [{ type: HANDOFF_EFFECTS.open, topic: 'dokumen', pungli: false, note: data.note, ...mediaFields(input) }] };
          return { unhandled: true };
        }
        case 'message': {
          const topic = (data.topic as Topic) ?? 'lainnya';
          const pungli = Boolean(data.pungli);
          // "🙏", "👍", a sticker, a voice note: no message yet, so no case is opened with nothing in it.
          // (Counted in `nudged`, so the core does not take it for the question missed again and offer
          // an officer here, where the resident is already on the way to one.)
          if ((input.type === 'text' && !WORDS.test(input.text)) || (input.type === 'media' && unreadable(input))) {
            const line = input.type === 'media' ? `${ctx.t('core.media_unsupported')} ${ctx.t('handoff.write_instead')}` : ctx.t('handoff.write_instead');
            return { node: 'message', data: { ...data, nudged: (Number(data.nudged) || 0) + 1 }, replies: [{ text: line }] };
          }
          if (input.type === 'text') {
            // Every text here is the message (a typed "1" is not turned into an option by the core),
            // except "1" for the one option of a complaint, "gak jadi", and a bare greeting.
            if (topic === 'pengaduan' && !pungli && /^\s*1\s*$/.test(input.text)) return onChoice('hf:pungli', data, ctx)!;
            if (declines(input.text, ctx)) return cancelled(ctx);
            const first = readFirstMessage(input.text);
            if (!first.substantial && SMALL_TALK.has(ctx.nlu.classify(input.text).kind)) return { unhandled: true };
            // A bare "udah", "iya" (as at "Tentang apa?"): no message yet; asked for it, no case with "udah" in it.
            if (!first.substantial && input.text.length <= BARE_ANSWER_CHARS && readAnswer(input.text, ctx.nlu) === 'yes') return { node: 'message', data: { ...data, nudged: (Number(data.nudged) || 0) + 1 }, replies: [{ text: ctx.t('handoff.write_instead') }] };
            // "min", "saya mau komplain": still no message; asked once more (with the complaint's question when it says so).
            if (!first.substantial && onlyAsks(input.text) && !data.asked) {
              const now = first.topic && topic !== 'pengaduan' ? { topic: first.topic, pungli: first.pungli } : { topic, pungli };
              return { node: 'message', data: { ...data, ...now, asked: true }, replies: [{ text: ctx.t('handoff.connecting') }, ...askMessage(now.topic, now.pungli, ctx)] };
            }
            // The complaint's question showed the national channels (askMessage): the receipt does not repeat them.
            return openWith(input.text, topic, pungli || (topic === 'pengaduan' && MONEY.test(input.text)), data.note, ctx, { channelsShown: topic === 'pengaduan' && !pungli, cut: input.cut });
          }
          if (input.type === 'media') return { node: 'opening', data: topic === 'pengaduan' && !pungli ? { channelsShown: true } : {}, replies: [], effects: [{ type: HANDOFF_EFFECTS.open, topic, pungli, note: data.note, ...mediaFields(input) }] };
          return { unhandled: true };
        }
        case 'open': {
          // Quiet: the message goes to the case, the bot does not answer it (unless it had to be cut).
          if (input.type === 'text') return { node: 'open', data, replies: cutNotice(input.cut, ctx), effects: [{ type: HANDOFF_EFFECTS.message, caseId: data.caseId, text: input.text }] };
          if (input.type === 'media') return { node: 'open', data, replies: [], effects: [{ type: HANDOFF_EFFECTS.message, caseId: data.caseId, ...mediaFields(input) }] };
          return { unhandled: true };
        }
        case 'closed': {
          if (input.type !== 'text') return { unhandled: true };
          const caseId = num(data.caseId);
          if (typeof data.pending === 'string') {
            // "ya", "tidak", "tidak usah" (its button typed), "tutup aja".
            const answer = sendAnswer(input.text, ctx);
            if (answer === 'yes') return onChoice('hf:new', data, ctx)!;
            if (answer === 'no') return onChoice('hf:no', data, ctx)!;
            const score = data.rateable ? ratingOf(input.text) : undefined;
            if (score) return rate(caseId, score);
            // A clear other request goes to the core; more lines join the message waiting to be sent
            // (kept to HANDOFF_MAX_TEXT; when it is sent, the resident is told it was cut).
            if (otherRequest(input.text, ctx)) return { unhandled: true };
            const joined = `${data.pending}\n${input.text}`;
            const cut = data.pendingCut === true || joined.length > HANDOFF_MAX_TEXT;
            return { node: 'closed', data: { ...data, pending: joined.slice(0, HANDOFF_MAX_TEXT), ...(cut ? { pendingCut: true } : {}) }, replies: [offerNewCase(caseId, ctx)] };
          }
          // Asked once more for a rating: a rating is taken, anything else lets go.
          const score = data.rateable ? ratingOf(input.text) : undefined;
          if (score) return rate(caseId, score);
          const kind = ctx.nlu.classify(input.text).kind;
          if (kind === 'thanks' || skips(input.text, ctx)) return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('core.thanks') }] };
          if (otherRequest(input.text, ctx)) return { unhandled: true };
          return afterClose(input.text, caseId, false, true, ctx);
        }
        case 'stray': {
          if (input.type !== 'text' || typeof data.pending !== 'string') return { unhandled: true };
          const answer = sendAnswer(input.text, ctx);
          if (answer) return onChoice(`hf:stray:${answer}`, data, ctx)!;
          // A clear other request goes to the core; more lines join the message waiting (as at a closed case).
          if (otherRequest(input.text, ctx)) return { unhandled: true };
          const joined = `${data.pending}\n${input.whole ?? input.text}`;
          const cut = data.pendingCut === true || input.cut === true || joined.length > HANDOFF_MAX_TEXT;
          const next = { ...data, pending: joined.slice(0, HANDOFF_MAX_TEXT), ...(cut ? { pendingCut: true } : {}) };
          return { node: 'stray', data: next, replies: [strayQuestion(next, ctx)] };
        }
        case 'rate_word': {
          if (input.type !== 'text') return { unhandled: true };
          const text = input.text;
          const done: Outcome = { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('handoff.thanks_rating') }] };
          // "tidak usah", "tidak ada (saran)", "tutup aja", "sudah cukup": no word (not kept as one for the statistics).
          if (noSuggestion(text, ctx)) return done;
          // A request ("belum jadi juga, NIK saya …, tolong telepon …") goes to an officer, not to the statistics.
          if (isRequest(text, ctx)) return openGuessing(text, `Ditulis warga sebagai saran setelah menilai kasus #${num(data.caseId)}.`, ctx, { pre: [{ text: ctx.t('handoff.word_to_officer') }] });
          const word: Outcome = { node: 'rate_word', data, replies: [], effects: [{ type: HANDOFF_EFFECTS.word, caseId: data.caseId, word: text }] };
          // A word about the service ("mantap", "ok, cepat sekali"), also where it could be an "ok": kept.
          if (ratingOf(text) !== undefined) return word;
          // "ok pak", "iya", "siap", "makasih": nothing to suggest; a bare "halo": the question again.
          const kind = ctx.nlu.classify(text).kind;
          const short = wordsBeyondFillers(text, ctx).length <= 2;
          if (readAnswer(text, ctx.nlu) === 'yes' || (short && kind === 'thanks')) return done;
          if (short && kind === 'greeting') return { unhandled: true };
          // "iya pak, besok saya datang": an answer to the officer, not a suggestion. It goes where such
          // a message goes once the case is closed: offered to an officer as a new case.
          if (answersOfficer(text, ctx)) return { node: 'closed', data: { caseId: num(data.caseId), rateable: false, pending: text }, replies: [offerNewCase(num(data.caseId), ctx)] };
          return word;
        }
        default:
          return { unhandled: true };
      }
    },
    prompt(node, data, ctx) {
      switch (node) {
        case 'message':
          return askMessage((data.topic as Topic) ?? 'lainnya', Boolean(data.pungli), ctx);
        case 'open':
          return [{ text: ctx.t('handoff.while_open') }];
        case 'stray':
          return [strayQuestion(data, ctx)];
        case 'rate_word':
          return [{ text: ctx.t('handoff.ask_word'), choices: [{ id: 'hf:skip', label: ctx.t('handoff.skip') }] }];
        case 'closed':
          return typeof data.pending === 'string' ? [offerNewCase(num(data.caseId), ctx)] : [rateQuestion(num(data.caseId), ctx, ctx.t('handoff.closed_thanks', { id: num(data.caseId) }))];
        default:
          return [topicQuestion(ctx)];
      }
    },
    onLeave(node, data, ctx) {
      return (node === 'open' || node === 'stray') && data.caseId ? [{ text: ctx.t('handoff.left_open', { id: num(data.caseId) }) }] : [];
    },
  };
}
