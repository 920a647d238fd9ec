// The resident's booking conversation, pure: rules → reason → NIK → name → day → arrival
// time → confirm; "Booking saya" (list, cancel, reschedule, waitlist offers). Whatever needs
// the database is asked for with an effect; the answer comes back as a `result` input.
import type { Content } from '../content/load.js';
import type { Choice, Effect, Input, Reply } from '../core/types.js';
import { normalizeDigits, plain } from '../nlu/answers.js';
import { answersOf, INFO_INTENTS } from '../nlu/index.js';
import type { Flow, FlowContext, Outcome } from '../flows/types.js';
import type { OfficeCalendar } from './calendar.js';
import { ageOn, validateNik, type NikProblem, type Regions } from './nik.js';
import { normalizeCode, type BookingService, type BookingView, type FreeDay, type FreeSession, type Refusal } from './service.js';
import { placeText, type BookingSettings, type PlaceInfo } from './settings.js';

export const BOOKING_FLOW_ID = 'booking';
/** The resident lets the bot pick the place with the nearest free day. */
export const ANY_PLACE = '*';

interface ListResult {
  bookings: BookingView[];
  displaced: Array<BookingView & { note: string | null }>;
  waiting: Array<{ id: number; date: string; position: number }>;
  max: number;
}

/** The conversation's saved data. Everything a prompt needs to be shown again is kept here. */
interface Data {
  mode?: 'new' | 'resched';
  /** Moving a booking whose day officers closed: it is already cancelled, nothing "stays". */
  displaced?: boolean;
  /** The booking being managed or moved. */
  code?: string;
  reason?: string;
  note?: string;
  nik?: string;
  name?: string;
  date?: string;
  session?: number;
  time?: string;
  days?: FreeDay[];
  /** What was said with a request about one's bookings ("batalin booking saya", "undur ke kamis"): acted on once the list is known. */
  said?: string;
  /** A day said with a request to move a booking ("undur ke kamis"), tried once the free days are known. */
  wantedDay?: string;
  /** A time typed along with the day ("besok jam 9"), tried once that day's sessions are known. */
  wantedTime?: string;
  /** The time chosen before another day was typed at the summary ("kamis aja"): kept there if free, said so either way. */
  keptTime?: string;
  /** A full day the resident may join the waitlist of. */
  fullDate?: string;
  sessions?: FreeSession[];
  list?: ListResult;
  /** The place picked first when the office records at several places. */
  place?: string;
  /** Reasons named with the request ("rekam ktp untuk bpjs"), asked about once the rules are shown: one is taken, two are asked between. */
  named?: string[];
  /** Choices shown once with the first question (a way back to what the resident was reading). */
  also?: Choice[];
  [key: string]: unknown;
}

/** Words around a corrected name at the summary ("namanya salah, harusnya …"), removed from its start. */
const CORRECTION_WORDS = /^(?:[\s:=,.;!\-–—]+|(?:nya|saya|sy|lengkap|is|jadi|menjadi|harusnya|seharusnya|mestinya|semestinya|yang benar|yg benar|yang bener|yg bener|benarnya|salah|keliru|typo|wrong|should be|ganti|diganti|ubah|diubah)(?=$|[\s:=,.;!\-–—]))/iu;

/** A corrected name without the words before it ("nya salah, harusnya Siti Aisyah" → "Siti Aisyah"). */
function withoutCorrectionWords(text: string): string {
  let after = text;
  for (let before = ''; before !== after; ) {
    before = after;
    after = after.replace(CORRECTION_WORDS, '');
  }
  return after.trim();
}

/** What a resident wants done with their booking, typed ("batalin booking saya", "ganti jadwal", "undur ke kamis"). */
const CANCEL_WORDS = /\b(batal\w*|cancel\w*|hapus\w*|gak jadi datang|ga jadi datang|tidak jadi datang|can[’']?t come|cannot come|can not come|not coming)\b/i;
// "pindah ke jumat" moves the booking; "pindah ke kotabumi" never reaches here (it reads as moving house).
const MOVE_WORDS = /\b(?:(?:ganti jadwal|ubah jadwal|pindah(?:in|kan)? jadwal|ganti hari|pindah hari|ubah hari|ganti tanggal|undur\w*|reschedule|resched|move|mundur\w*|majukan)\b|pindah(?:in|kan)? (?:ke )?(?=(?:hari |tanggal |tgl |jam )?(?:senin|selasa|rabu|kamis|jum'?at|sabtu|besok|lusa|\d)))/i;
function wantedOf(text: unknown): 'cancel' | 'resched' | undefined {
  if (typeof text !== 'string') return undefined;
  return CANCEL_WORDS.test(text) ? 'cancel' : MOVE_WORDS.test(text) ? 'resched' : undefined;
}

/**
 * "ga jadi", "gak jadi deh kak", "ga jadi booking", "batal aja": the resident stops the booking being
 * made (or the move), as "batal" does. Read on plain text; a longer sentence is something else, and
 * "batalin booking saya" may mean a booking already made.
 */
const NEVER_MIND =
  /^(?:(?:eh|oh|wah|maaf|sorry) )?(?:(?:ga|gak|gk|g|nggak|ngga|ngak|enggak|engga|tidak|tdk|tak|ndak|nda|kagak) jadi(?: (?:booking\w*|pesan\w*|daftar\w*|rekam\w*|nya))?|batal\w*|cancel)(?: (?:deh|aja|saja|dulu|kak|ka|min|ya|dong|sih|nih|pak|bu|mas|mbak))*$/;

/** The resident said to stop the booking being made ("ga jadi deh"): asking to leave, as "batal". */
export function saysNeverMind(text: string): boolean {
  return NEVER_MIND.test(plain(text.trim()));
}

/** "bisa?", "masih ada?", "kalau …", "boleh gak", "ganti ke …": asking for a day or time, around it. */
const ASKING_FREE = /\b(?:ganti|ubah|pindah|tukar|jadi|ke|mau|minta|change|to|is|are|can i|can we|(?:bisa|bs|boleh|ada|kosong|tersedia|available)(?: (?:ga|gak|gk|g|nggak|ngga|engga|enggak|tidak|tdk|nda|ndak|kah))?|kalau|kalo|klo|gimana|gmn|bagaimana|apa|apakah|masih|kuota\w*|slot\w*|kah)\b/g;
/** "ga bisa", "tidak ada": a day or time that does not suit, never read as the one asked for. */
const NOT_FREE = /\b(?:ga|gak|gk|g|nggak|ngga|engga|enggak|tidak|tdk|nda|ndak) (?:bisa|bs|boleh|ada|mau)\b/;

/** The day or time asked about ("hari jumat bisa?" → "hari jumat", "ganti ke kamis" → "kamis"); else the text as typed. */
function askedAbout(text: string): string {
  const p = plain(text);
  if (NOT_FREE.test(p)) return text;
  const asked = p.replace(ASKING_FREE, ' ').replace(/\s+/g, ' ').trim();
  return asked && asked !== p ? asked : text;
}

/**
 * A word typed as a booking code ("K7QX4M", "abc123"): six letters and digits, both. A code of
 * letters only is known only when it is one of the resident's own.
 */
/** A word without the punctuation typed around or inside a code ("K7QX4M.", "(K7Q-X4M)"). */
const bareWord = (word: string) => word.replace(/[-.,:;!?()"'*]/g, '');

function looksLikeCode(word: string): boolean {
  const w = bareWord(word);
  return /^[\p{L}\p{N}]{6}$/u.test(w) && /\p{N}/u.test(w) && /\p{L}/u.test(w);
}

/** "ganti hari", "tanggal lain aja", "pindah tanggal": the day list again. */
const wantsOtherDay = (text: string) => /\b(tanggal|tgl|hari|day|date)\b/i.test(text) && /\b(ganti|ubah|salah|pindah|change|wrong|lain|other)\b/i.test(text);


/** Why the service could not offer a day (BookingService.whyNotBookable). */
type Unbookable = ReturnType<BookingService['whyNotBookable']>;

const NAME_RE = /^[\p{L}][\p{L}\p{M} .'’,-]*$/u;
/** Punctuation and words next to a NIK that are no part of a name typed with it ("Budi, NIK saya: 1803…"). */
const NIK_WORDS = '(?:nik|niknya|no|nomor|nomer|nmr|ktp|ktpnya|e-?ktp|ktp-?el|kk|saya|sy|aku|adalah|yaitu|yakni|ialah|ini|itu|dan|dengan|with|is|my|number)';
const NIK_SEP = String.raw`[\s:=,.;()\[\]/\-–—]`;
const NIK_EDGE_START = new RegExp(String.raw`^(?:${NIK_SEP}+|${NIK_WORDS}(?=$|${NIK_SEP}))`, 'iu');
const NIK_EDGE_END = new RegExp(String.raw`(?:${NIK_SEP}+|(?<=^|${NIK_SEP})${NIK_WORDS})$`, 'iu');
/** Words that go with a thanks ("makasih banyak ya", "terima kasih atas infonya"): small talk too, never a name. */
const THANKS_TAIL = new Set(['banyak', 'bnyk', 'byk', 'bnyak', 'sekali', 'banget', 'bgt', 'you', 'atas', 'info', 'infonya', 'informasinya', 'bantuannya']);

export interface BookingFlowDeps {
  settings: BookingSettings;
  regions: Regions;
  calendar: OfficeCalendar;
  /** Where recording is done (BookingService.places); one place = no question about it. */
  places: PlaceInfo[];
}

export function createBookingFlow({ settings, regions, calendar, places }: BookingFlowDeps): Flow {
  const reasons = new Map(settings.reasons.map((r) => [r.id, r]));
  const placeById = new Map(places.map((p) => [p.id, p]));
  const severalPlaces = places.length > 1;
  const placeOf = (id: string | undefined) => (id ? placeById.get(id) : undefined) ?? places[0]!;

  const time = (hhmm: string, ctx: FlowContext) => (ctx.lang === 'id' ? hhmm.replace(':', '.') : hhmm);
  const day = (date: string, ctx: FlowContext) => calendar.label(date, ctx.lang);
  const longDay = (date: string, ctx: FlowContext) => calendar.longLabel(date, ctx.lang);
  const menuChoice = (ctx: FlowContext): Choice => ({ id: 'm:menu', label: ctx.t('menu.main') });
  const effect = (type: string, fields: Record<string, unknown> = {}): Effect => ({ type, ...fields });

  // ------------------------------------------------------------------ prompts

  /** Several places: which one, with address, hours and a map link. */
  function placePrompt(ctx: FlowContext): Reply {
    const lines = places.map((p, i) => {
      const details = [p.address?.[ctx.lang], p.hours?.[ctx.lang], p.map_url].filter(Boolean).join(' · ');
      return `${i + 1}. ${p.name[ctx.lang]}${details ? `\n   ${details}` : ''}`;
    });
    const choices = [...places.map((p) => ({ id: `pl:${p.id}`, label: p.name[ctx.lang] })), { id: `pl:${ANY_PLACE}`, label: ctx.t('booking.any_place') }];
    return { text: `${ctx.t('booking.ask_place')}\n${lines.join('\n')}`, choices };
  }

  /** "Tempat: …" above day lists and the confirmation question, when there are several places. */
  function placeLine(data: Data, ctx: FlowContext): string[] {
    return severalPlaces && data.place && data.place !== ANY_PLACE ? [ctx.t('booking.place_line', { place: placeOf(data.place).name[ctx.lang] })] : [];
  }

  /** A typed place name, id or keyword ("mpp", "dinas"). */
  function typedPlace(text: string): PlaceInfo | undefined {
    const typed = text.toLowerCase().trim();
    if (typed.length < 2) return undefined;
    return places.find((p) => p.id === typed || p.keywords.some((k) => typed.includes(k.toLowerCase())) || p.name.id.toLowerCase().includes(typed) || p.name.en.toLowerCase().includes(typed));
  }

  /** The reasons whose keywords (flows/booking.yaml) the text names, as whole words. */
  const reasonKeywords = settings.reasons.map((r) => ({ reason: r, phrases: r.keywords.map((k) => ` ${plain(k)} `) }));
  function reasonsNamed(text: string) {
    const typed = ` ${plain(text)} `;
    return reasonKeywords.filter(({ phrases }) => phrases.some((k) => typed.includes(k))).map(({ reason }) => reason);
  }

  function reasonPrompt(ctx: FlowContext): Reply {
    return { text: ctx.t('booking.ask_reason'), choices: settings.reasons.map((r) => ({ id: `r:${r.id}`, label: r.label[ctx.lang] })) };
  }

  /**
   * The reasons a request names ("rekam ktp untuk bpjs", "darurat buat rumah sakit"), "Lainnya"
   * aside: it needs the need described, and "other" is said of many things.
   */
  const namedReasons = (text: unknown): string[] => (typeof text === 'string' ? reasonsNamed(text).filter((r) => !r.describe).map((r) => r.id) : []);

  /**
   * The reason question, or what was said with the request in its place: one reason named is
   * taken (said so, then its proof and the NIK), two are asked between. `before` goes first (the rules).
   */
  function reasonStep(data: Data, before: Reply[], ctx: FlowContext): Outcome {
    const { named, also, ...rest } = data;
    const known = (named ?? []).filter((id) => reasons.has(id));
    const withAlso = (r: Reply): Reply => (also?.length ? { ...r, choices: [...(r.choices ?? []), ...also] } : r);
    if (known.length === 1) {
      const taken = flow.onInput('reason', rest, { type: 'choice', id: `r:${known[0]}` }, ctx);
      if ('node' in taken) {
        const replies = taken.replies.map((r, i) => (i === taken.replies.length - 1 ? withAlso(r) : r));
        return { ...taken, replies: [...before, { text: ctx.t('booking.reason_taken', { reason: reasons.get(known[0]!)!.label[ctx.lang] }) }, ...replies] };
      }
    }
    if (known.length > 1) {
      const choices = known.map((id) => ({ id: `r:${id}`, label: reasons.get(id)!.label[ctx.lang] }));
      return { node: 'reason', data: rest, replies: [...before, withAlso({ text: ctx.t('nlu.did_you_mean'), choices })] };
    }
    return { node: 'reason', data: rest, replies: [...before, withAlso(reasonPrompt(ctx))] };
  }

  function rules(ctx: FlowContext): Reply {
    // Several places: their quotas as a range ("4–8 orang per hari").
    const quotas = places.map((p) => p.quota.per_day);
    const [low, high] = [Math.min(...quotas), Math.max(...quotas)];
    const quota = severalPlaces && low !== high ? `${low}–${high}` : places[0]!.quota.per_day;
    return { text: ctx.t('booking.rules', { quota, age: settings.min_age, minutes: places[0]!.quota.session_minutes }) };
  }

  /** A day's label, marked when its year's holidays are not confirmed or officers opened it specially. */
  function dayChoiceLabel(d: FreeDay, ctx: FlowContext): string {
    const label = ctx.t('booking.day_choice', { day: day(d.date, ctx), free: d.free });
    if (d.opened) return `${label} ${ctx.t('booking.day_mark_opened')}`;
    if (d.unconfirmed) return `${label} ${ctx.t('booking.day_mark_unconfirmed')}`;
    return label;
  }

  /** The lines under a list of days: which year's holidays are unconfirmed, why a day is open. */
  function dayNotes(days: FreeDay[], ctx: FlowContext): string[] {
    const lines: string[] = [];
    for (const d of days) if (d.opened) lines.push(ctx.t('booking.day_note_opened', { day: day(d.date, ctx), reason: d.opened }));
    const years = [...new Set(days.filter((d) => d.unconfirmed && !d.opened).map((d) => d.date.slice(0, 4)))];
    for (const year of years) lines.push(ctx.t('booking.day_note_unconfirmed', { year }));
    return lines;
  }

  function daysPrompt(data: Data, ctx: FlowContext): Reply {
    const days = data.days ?? [];
    const choices: Choice[] = days.map((d) => ({ id: `d:${d.date}`, label: dayChoiceLabel(d, ctx) }));
    if (data.fullDate && data.mode !== 'resched') choices.push({ id: 'bk:wait', label: ctx.t('booking.join_waitlist', { day: day(data.fullDate, ctx) }) });
    choices.push(menuChoice(ctx));
    const notes = dayNotes(days, ctx);
    const text = [...placeLine(data, ctx), ctx.t(data.mode === 'resched' ? 'booking.ask_new_day' : 'booking.ask_day')].join('\n');
    return { text: notes.length ? `${text}\n${notes.join('\n')}` : text, choices };
  }

  function sessionsPrompt(data: Data, ctx: FlowContext): Reply {
    const choices: Choice[] = (data.sessions ?? [])
      .filter((s) => s.free > 0)
      .map((s) => ({ id: `s:${s.index}`, label: ctx.t('booking.session_choice', { time: time(s.time, ctx), free: s.free }) }));
    choices.push({ id: 'bk:other_day', label: ctx.t('booking.other_day') });
    const text = ctx.t('booking.ask_session', { day: longDay(data.date!, ctx), minutes: placeOf(data.place).quota.session_minutes });
    const picked = data.days?.find((d) => d.date === data.date);
    const notes = picked ? dayNotes([picked], ctx) : [];
    return { text: notes.length ? `${notes.join('\n')}\n${text}` : text, choices };
  }

  function confirmPrompt(data: Data, ctx: FlowContext): Reply {
    const reason = reasons.get(data.reason ?? '');
    const move = data.mode === 'resched';
    const key = move ? (data.displaced ? 'booking.confirm_new_day' : 'booking.confirm_move') : 'booking.confirm_new';
    return {
      text: [...placeLine(data, ctx), ctx.t(key, {
        code: data.code ?? '',
        name: data.name ?? '',
        reason: reason ? reason.label[ctx.lang] + (data.note ? ` (${data.note})` : '') : '',
        date: longDay(data.date!, ctx),
        time: time(data.time!, ctx),
      })].join('\n'),
      emphasis: [longDay(data.date!, ctx), time(data.time!, ctx)],
      choices: [
        { id: 'bk:yes', label: ctx.t(move ? 'booking.yes_move' : 'booking.yes_book') },
        { id: 'bk:other_day', label: ctx.t('booking.other_day') },
        menuChoice(ctx),
      ],
    };
  }

  function listPrompt(list: ListResult, ctx: FlowContext): Reply {
    const lines: string[] = [];
    const choices: Choice[] = [];
    const held = list.bookings.filter((b) => b.status === 'held');
    const active = list.bookings.filter((b) => b.status === 'active');
    for (const b of held) {
      lines.push(ctx.t('booking.list_offer', { date: longDay(b.date, ctx), time: time(b.time, ctx), until: b.holdUntil ? calendar.timeLabel(new Date(b.holdUntil), ctx.lang) : '' }));
      choices.push({ id: `bk:accept:${b.code}`, label: ctx.t('booking.accept_offer', { day: day(b.date, ctx), time: time(b.time, ctx) }) });
      choices.push({ id: `bk:decline:${b.code}`, label: ctx.t('booking.decline_offer') });
    }
    for (const b of active) {
      lines.push(ctx.t('booking.list_item', { code: b.code, date: longDay(b.date, ctx), time: time(b.time, ctx), queue: b.queueNo }));
      choices.push({ id: `bk:pick:${b.code}`, label: `${b.code} · ${day(b.date, ctx)} ${time(b.time, ctx)}` });
    }
    for (const b of list.displaced) {
      lines.push(ctx.t('booking.list_displaced', { code: b.code, date: longDay(b.date, ctx), reason: b.note ?? '' }));
      choices.push({ id: `bk:newday:${b.code}`, label: ctx.t('booking.pick_new_day_for', { code: b.code }) });
    }
    for (const w of list.waiting) {
      lines.push(ctx.t('booking.list_waiting', { date: longDay(w.date, ctx), position: w.position }));
      choices.push({ id: `bk:unwait:${w.id}`, label: ctx.t('booking.leave_waitlist', { day: day(w.date, ctx) }) });
    }
    if (!lines.length) return { text: ctx.t('booking.list_empty'), choices: [{ id: 'm:book', label: ctx.t('booking.book_new') }, menuChoice(ctx)] };
    if (list.bookings.length < list.max) choices.push({ id: 'm:book', label: ctx.t('booking.book_new') });
    choices.push(menuChoice(ctx));
    const emphasis = [...active, ...list.displaced].map((b) => b.code);
    return { text: `${ctx.t('booking.list_title')}\n\n${lines.join('\n\n')}\n\n${ctx.t('booking.list_hint')}`, emphasis, choices };
  }

  function managePrompt(data: Data, ctx: FlowContext): Reply {
    const b = data.list?.bookings.find((x) => x.code === data.code);
    return {
      text: b ? ctx.t('booking.list_item', { code: b.code, date: longDay(b.date, ctx), time: time(b.time, ctx), queue: b.queueNo }) : ctx.t('booking.ask_manage'),
      choices: [
        { id: 'bk:resched', label: ctx.t('booking.reschedule') },
        { id: 'bk:cancel', label: ctx.t('booking.cancel') },
        { id: 'bk:back', label: ctx.t('booking.back_to_list') },
      ],
    };
  }

  function cancelPrompt(data: Data, ctx: FlowContext): Reply {
    const b = data.list?.bookings.find((x) => x.code === data.code);
    return {
      text: ctx.t('booking.cancel_confirm', { code: data.code ?? '', date: b ? longDay(b.date, ctx) : '', time: b ? time(b.time, ctx) : '' }),
      choices: [
        { id: 'bk:cancel_yes', label: ctx.t('booking.cancel_yes') },
        { id: 'bk:back', label: ctx.t('booking.cancel_no') },
      ],
    };
  }

  /**
   * The full confirmation: everything to bring and to know, in one message to keep. Code, date
   * and time stand out; it carries a single "Menu utama" choice instead of the whole menu
   * after it, so nothing pushes the code off a small screen.
   */
  function confirmation(b: BookingView, data: Data, ctx: FlowContext, content: Content): Reply {
    const reason = reasons.get(b.reason);
    const bring = [...settings.bring.map((x) => x[ctx.lang]), ...(reason ? [reason.proof[ctx.lang]] : [])];
    return {
      emphasis: [b.code, longDay(b.date, ctx), time(b.time, ctx)],
      choices: [menuChoice(ctx)],
      text: ctx.t(data.mode === 'resched' ? 'booking.moved' : 'booking.confirmed', {
        code: b.code,
        queue: b.queueNo,
        date: longDay(b.date, ctx),
        time: time(b.time, ctx),
        place: placeText(placeOf(b.place), ctx.lang),
        bring: bring.map((x) => `• ${x}`).join('\n'),
        health: content.office.health_protocol.map((p) => `• ${p[ctx.lang]}`).join('\n'),
        name: data.name ?? '',
      }),
    };
  }

  // ------------------------------------------------------------------ steps

  function nikProblemText(p: NikProblem, ctx: FlowContext): string {
    switch (p.code) {
      case 'empty':
        return ctx.t('booking.nik.empty');
      case 'not_digits':
        return ctx.t('booking.nik.not_digits', { chars: p.chars });
      case 'length':
        return ctx.t(p.got < 16 ? 'booking.nik.too_short' : 'booking.nik.too_long', { got: p.got });
      case 'province':
        return ctx.t('booking.nik.province', { code: p.value });
      case 'regency':
        return ctx.t('booking.nik.regency', { code: p.value, province: p.province });
      case 'district':
        return ctx.t('booking.nik.district');
      case 'day':
        return ctx.t('booking.nik.day', { value: p.value });
      case 'month':
        return ctx.t('booking.nik.month', { value: p.value });
      case 'date':
        return ctx.t('booking.nik.date', { date: `${p.day}-${p.month}` });
      case 'serial':
        return ctx.t('booking.nik.serial');
      case 'district_unknown':
        return ctx.t('nlu.nik.district_unknown', { code: p.value, regency: p.regency });
      case 'kk':
        return ctx.t('nlu.nik.kk');
      case 'phone':
        return ctx.t('nlu.nik.phone');
    }
  }

  function onNik(text: string, data: Data, ctx: FlowContext): Outcome {
    // Words without digits are not a NIK attempt: let the core try them as a question.
    if (!/\d/.test(normalizeDigits(text))) return { unhandled: true };
    // A request with a small number in it ("petugas minta uang 50 ribu", "syarat kk 2 lembar?")
    // is no NIK attempt either: the core asks before leaving, the request is not lost.
    const digits = normalizeDigits(text).replace(/\D/g, '').length;
    if (digits < 8 && !['unknown', 'greeting', 'thanks'].includes(ctx.nlu.classify(text).kind)) return { unhandled: true };
    const today = calendar.today(ctx.now);
    // "NIK saya adalah *1803…*" is still just the number: validateNik finds it.
    const result = validateNik(text, regions, today);
    if (!result.ok) {
      const lines = result.problems.map((p) => `• ${nikProblemText(p, ctx)}`);
      return { node: 'nik', data, replies: [{ text: `${ctx.t('booking.nik.invalid')}\n${lines.join('\n')}\n\n${ctx.t('booking.nik.again')}` }] };
    }
    const info = result.info;
    const age = ageOn(info.birthDate, today);
    if (age < settings.min_age) {
      // Married minors may record, and old NIK dates can be wrong: an officer can look at it.
      return {
        goto: 'menu',
        params: { quiet: true },
        replies: [{ text: `${ctx.t('booking.too_young', { age, min: settings.min_age })}\n${ctx.t('nlu.too_young_officer')}`, choices: [{ id: 'm:officer', label: ctx.t('menu.officer') }] }],
      };
    }
    // "Budi, NIK 1803…", "1803… a.n. Siti Aminah": the name is kept too, not asked for again.
    const name = data.correcting ? undefined : nameWithNik(text, data, ctx);
    return { node: 'nik_check', data: { ...data, nik: info.nik, ...(name ? { name } : {}) }, replies: [], effects: [effect('booking.check_nik', { nik: info.nik })] };
  }

  /**
   * A name typed before or after the NIK, read as at the name question: after "nama", "a.n." and
   * such, or else only when written with capitals ("Budi, NIK …", "1803… Siti Aminah"), so that
   * "1803… punya anak saya" or "nik saya 1803… kak" is no name. In small letters ("1803… siti
   * aminah"): two to four words, none known to the bot nor in `answers.not_names` (flows/nlu.yaml),
   * so "1803… mohon dibantu" is no name either; it is capitalised as at the name question.
   * A name on both sides: neither.
   */
  function nameWithNik(typed: string, data: Data, ctx: FlowContext): string | undefined {
    const text = normalizeDigits(typed);
    const first = text.search(/\d/);
    const last = text.search(/\d\D*$/);
    if (first < 0) return undefined;
    const answers = answersOf(ctx.nlu);
    const polite = new Set([...answers.fillers, ...answers.vocab.name_suffixes.map(plain)]);
    const prefixes = answers.vocab.name_prefixes.map(plain);
    const knows = ctx.nlu.knowsWord;
    const notNames = answers.notNames;
    const names = [text.slice(0, first), text.slice(last + 1)].flatMap((part) => {
      let said = part;
      for (let before = ''; before !== said; ) {
        before = said;
        said = said.replace(NIK_EDGE_START, '').replace(NIK_EDGE_END, '');
      }
      said = said.trim();
      if (!said) return [];
      const lower = plain(said);
      const marked = prefixes.some((p) => lower.startsWith(`${p} `));
      if (!marked) {
        const words = said.split(/\s+/).filter((w) => !polite.has(plain(w)));
        const capitals = words.every((w) => /^\p{Lu}/u.test(w));
        const small = Boolean(knows) && words.length >= 2 && said === said.toLowerCase() && words.every((w) => !knows!(w) && !notNames.has(plain(w)));
        // Capitals (or small letters as above), and no word the bot knows ("1803… BPJS" is the reason, not a name).
        if (!words.length || words.length > 4 || !(capitals || small) || asTyped(said, ctx).kind !== 'unknown' || reasonsNamed(said).length) return [];
      }
      const read = onName(said, { ...data, name: undefined }, ctx);
      return 'node' in read && read.node === 'loading' && typeof read.data?.name === 'string' ? [read.data.name] : [];
    });
    return names.length === 1 ? names[0] : undefined;
  }

  function nikAccepted(data: Data, ctx: FlowContext): Outcome {
    const today = calendar.today(ctx.now);
    const result = validateNik(data.nik ?? '', regions, today);
    if (!result.ok) return { node: 'nik', data, replies: [{ text: ctx.t('booking.ask_nik') }] };
    const info = result.info;
    const lines = [
      ctx.t('booking.nik.ok', { date: longDayOfBirth(info.birthDate, ctx), sex: ctx.t(info.sex === 'F' ? 'booking.female' : 'booking.male') }),
    ];
    if (info.regencyCode !== ctx.content.office.regency_code) {
      lines.push(ctx.t('booking.nik.elsewhere', { region: info.regencyName ? `${info.regencyName}, ${info.provinceName}` : info.provinceName }));
    }
    if (ageOn(info.birthDate, today) < 17) lines.push(ctx.t('booking.age_16_note'));
    if (data.correcting && data.name && data.date && data.time) {
      const next: Data = { ...data, correcting: undefined };
      return { node: 'confirm', data: next, replies: [{ text: lines.join('\n') }, confirmPrompt(next, ctx)] };
    }
    // The name came with the NIK: said in one line, on to the days (the summary can still change it).
    if (data.name) return { node: 'loading', data, replies: [{ text: [...lines, ctx.t('booking.name_with_nik', { name: data.name })].join('\n') }], effects: [effect('booking.days')] };
    return { node: 'name', data, replies: [{ text: lines.join('\n') }, { text: ctx.t('booking.ask_name') }] };
  }

  function longDayOfBirth(date: string, ctx: FlowContext): string {
    return calendar.longLabel(date, ctx.lang).replace(/^[^,]+, /, '');
  }

  /** Classified as typed: a name is not a typo of a greeting ("Salim" is not "salam"). */
  const asTyped = (text: string, ctx: FlowContext) => (ctx.nlu.classifyAsTyped ?? ctx.nlu.classify)(text);

  /**
   * The small-talk kind of 1–3 words typed around a name or a description: a thanks or an "oke"
   * (`thanks`), a greeting, a yes word, a filler ("kak", "ya"). Only single words are classified:
   * "terima kasih budi" is a thanks to the NLU, but "budi" is not small talk.
   */
  function socialKind(g: string, n: number, afterThanks: boolean, ctx: FlowContext): 'thanks' | 'greeting' | 'yes' | 'filler' | undefined {
    const answers = answersOf(ctx.nlu);
    if (answers.fillers.has(g)) return asTyped(g, ctx).kind === 'thanks' ? 'thanks' : 'filler';
    if (n > 1) return undefined;
    const kind = asTyped(g, ctx).kind;
    if (kind === 'thanks' || kind === 'greeting') return kind;
    if (afterThanks && THANKS_TAIL.has(g)) return 'filler';
    return answers.yesNo(g) === 'yes' ? 'yes' : undefined;
  }

  /**
   * What a typed text is, when it is not a name or a description: only greeting or thanks words ("selamat
   * pagi kak", "terima kasih banyak") is small talk; only yes/no, day or such words ("iya", "belum tau",
   * "besok") answers another question. A word of a real name ("Ahmad Selamat", "Siti Malam") counts only
   * when every word of the text is such a word; a word is never read as a typo of one ("Salim").
   */
  function smallTalkOrAnswer(text: string, ctx: FlowContext): 'small_talk' | 'answer' | undefined {
    const answers = answersOf(ctx.nlu);
    const words = plain(text).split(' ').filter(Boolean);
    if (!words.length || words.length > 6) return undefined;
    const today = calendar.today(ctx.now);
    let answer = false;
    let social = false;
    for (let i = 0; i < words.length; ) {
      let n = Math.min(3, words.length - i);
      for (; n >= 1; n--) {
        const g = words.slice(i, i + n).join(' ');
        if (answers.fillers.has(g)) {
          if (asTyped(g, ctx).kind === 'thanks') social = true;
          break;
        }
        if (answers.yesNo(g) || answers.date(g, today)) {
          answer = true;
          break;
        }
        const kind = socialKind(g, n, social, ctx);
        if (kind === 'thanks' || kind === 'greeting') social = true;
        if (kind) break;
      }
      // A word that is none of these: a name or a description.
      if (n === 0) return undefined;
      i += n;
    }
    if (answer || !social) return 'answer';
    return 'small_talk';
  }

  /**
   * The name without small talk around it: "makasih, nama saya Siti Aminah", "oke, Budi", "siap Budi
   * Santoso", "Siti Aminah terima kasih". A thanks, an "oke" or a yes word never starts a name; a
   * greeting may ("Selamat Riyadi"), so one is taken off only before a comma or stop, "nama …", or
   * with another word ("halo kak Siti"). Only small talk: the text as it was.
   */
  function withoutSmallTalk(text: string, ctx: FlowContext): string {
    const fillers = answersOf(ctx.nlu).fillers;
    const tokens = [...text.matchAll(/[\p{L}\p{M}\p{N}'’]+/gu)]
      .map((m) => ({ word: plain(m[0]), start: m.index, end: m.index + m[0].length }))
      .filter((t) => t.word);
    const group = (from: number, n: number) => tokens.slice(from, from + n).map((t) => t.word).join(' ');
    // From the start: the longest groups of small talk.
    const kinds = new Set<string>();
    let first = 0;
    while (first < tokens.length) {
      let n = Math.min(3, tokens.length - first);
      let kind = socialKind(group(first, n), n, kinds.has('thanks'), ctx);
      while (!kind && --n >= 1) kind = socialKind(group(first, n), n, kinds.has('thanks'), ctx);
      if (!kind) break;
      kinds.add(kind);
      first += n;
    }
    if (first > 0 && first < tokens.length) {
      const between = text.slice(tokens[first - 1]!.end, tokens[first]!.start);
      const rest = plain(text.slice(tokens[first]!.start));
      const introduced = answersOf(ctx.nlu).vocab.name_prefixes.some((p) => rest.startsWith(`${plain(p)} `));
      const leading = kinds.has('thanks') || kinds.has('yes') || (kinds.has('greeting') && first > 1) || /[,.;:!?\-–—]/.test(between) || introduced;
      if (!leading) first = 0;
    } else first = 0;
    // At the end: a thanks ("… terima kasih banyak"), never an "oke" word ("Siti Baik").
    let last = tokens.length;
    let thanked = false;
    while (last > first) {
      let n = Math.min(3, last - first);
      for (; n >= 1; n--) {
        const g = group(last - n, n);
        const said = asTyped(g, ctx);
        const thanks = said.kind === 'thanks' && !said.ack && (n === 1 || fillers.has(g));
        if (thanks || (n === 1 && (fillers.has(g) || THANKS_TAIL.has(g)))) {
          thanked ||= thanks;
          break;
        }
      }
      if (n === 0) break;
      last -= n;
    }
    if (!thanked || last === first) last = tokens.length;
    if (!tokens.length) return text.trim();
    return text.slice(first ? tokens[first]!.start : 0, last < tokens.length ? tokens[last - 1]!.end : text.length).trim();
  }

  function onName(typedText: string, data: Data, ctx: FlowContext): Outcome {
    // "makasih, nama saya Siti Aminah": the name. "halo", "makasih" alone are small talk, not a
    // name: the core answers and asks again. A name with such a word in it ("Ahmad Selamat") is a name.
    const text = withoutSmallTalk(typedText, ctx);
    const said = ctx.nlu.classify(text).kind;
    const not = smallTalkOrAnswer(text, ctx);
    if (not === 'small_talk' && !data.correcting) return { unhandled: true };
    // "iya", "besok", "belum tau": an answer to another question, not a name.
    if (not) return { node: 'name', data, replies: [{ text: `${ctx.t('booking.name.not_a_name')}\n${ctx.t('booking.ask_name')}` }] };
    // A question ("kalau kk hilang syaratnya apa") is not a name either.
    const asks = /(\?|\b(apa|apakah|bagaimana|gimana|gmn|syarat\w*|berapa|brp|kalau|kalo|klo|kapan|dimana|di mana|bisa|bayar|biaya|cek|status|booking|how|what|where|when|can)\b)/i.test(text);
    if (asks && said !== 'unknown' && said !== 'greeting' && said !== 'thanks' && !data.correcting && !/^\s*(nama|atas nama|a\.?\s?n\.?|my name)\b/i.test(text)) return { unhandled: true };
    // "nama saya Siti Aminah", "a.n. SITI AMINAH" → "Siti Aminah". Correcting it, the words
    // around the name go first ("nama nya salah, harusnya …"). Nothing left ("nama saya"): asked again.
    const typed = data.correcting ? withoutCorrectionWords(text.replace(/^\s*(?:nama(?:\s+lengkap)?(?:nya)?|name)\b/i, '')) : text;
    const name = answersOf(ctx.nlu).name(typed);
    if (!name) return { node: 'name', data, replies: [{ text: ctx.t(data.correcting ? 'booking.ask_correct_name' : 'booking.ask_name') }] };
    let problem: string | undefined;
    if (name.length < 2) problem = 'booking.name.too_short';
    else if (name.length > 60) problem = 'booking.name.too_long';
    else if (/\d/.test(name)) problem = 'booking.name.digits';
    else if (!NAME_RE.test(name)) problem = 'booking.name.symbols';
    if (problem) return { node: 'name', data, replies: [{ text: `${ctx.t(problem, { got: name.length })}\n${ctx.t('booking.ask_name')}` }] };
    if (data.correcting && data.date && data.time) {
      const next: Data = { ...data, name, correcting: undefined };
      return { node: 'confirm', data: next, replies: [confirmPrompt(next, ctx)] };
    }
    return { node: 'loading', data: { ...data, name }, replies: [], effects: [effect('booking.days')] };
  }

  /** One line saying why a day cannot be booked (the service's reason), before the free days. */
  function unbookableLine(date: string, u: Unbookable | undefined, ctx: FlowContext): string {
    const vars = { day: longDay(date, ctx), note: u?.note ?? '' };
    switch (u?.why) {
      case 'past':
        return ctx.t('nlu.day.past', vars);
      case 'weekend':
        return ctx.t('nlu.day.weekend', vars);
      case 'holiday':
      case 'cuti_bersama':
        return ctx.t('nlu.day.holiday', vars);
      case 'closed':
        return ctx.t(u.note ? 'booking.day_closed' : 'booking.day_closed_no_reason', vars);
      case 'beyond':
        return ctx.t('nlu.day.beyond', vars);
      default:
        return ctx.t('booking.day_gone');
    }
  }

  function showDays(data: Data, days: FreeDay[], ctx: FlowContext, pre: Reply[] = []): Outcome {
    if (!days.length) {
      return { goto: 'menu', params: { quiet: true }, replies: [...pre, { text: ctx.t('booking.no_free_days') }] };
    }
    const next: Data = { ...data, days, wantedDay: undefined };
    // The day said with the request ("undur ke kamis jam 9"): picked as if typed at the list.
    if (typeof data.wantedDay === 'string') {
      const said = data.wantedDay.replace(MOVE_WORDS, ' ').replace(/\b(ke|booking|saya|jadwal|nya|my|to|it|can i|can we)\b/gi, ' ').replace(/\s+/g, ' ').trim();
      const picked = said ? onTypedDayAt(said, next, ctx) : undefined;
      if (picked) return picked;
    }
    return { node: 'date', data: next, replies: [...pre, daysPrompt(next, ctx)] };
  }

  /**
   * The replies to a refusal many presses share (a surge: the service hands every refused press
   * the same cached answer object), built once per answer, language and shape of conversation.
   * Still current after officers edit the texts: each hit checks the text entries it used.
   */
  const shared = new WeakMap<Refusal, Map<string, { used: Array<[string, unknown]>; replies: Reply[] }>>();
  function sharedReplies(r: Refusal, shape: string, ctx: FlowContext, build: (ctx: FlowContext) => Reply[]): Reply[] {
    const texts = ctx.content.texts;
    let byShape = shared.get(r);
    if (!byShape) shared.set(r, (byShape = new Map()));
    const key = `${ctx.lang}|${shape}`;
    let hit = byShape.get(key);
    if (!hit || hit.used.some(([k, entry]) => texts[k] !== entry)) {
      const used: Array<[string, unknown]> = [];
      const recording: FlowContext = { ...ctx, t: (k, vars) => (used.push([k, texts[k]]), ctx.t(k, vars)) };
      hit = { used, replies: build(recording) };
      byShape.set(key, hit);
    }
    // Copies: whoever gets them may change them; the next press gets its own.
    return hit.replies.map((x) => ({ ...x, ...(x.choices && { choices: x.choices.map((c) => ({ ...c })) }), ...(x.emphasis && { emphasis: [...x.emphasis] }) }));
  }

  function refusalOutcome(r: Refusal, data: Data, ctx: FlowContext): Outcome {
    switch (r.why) {
      case 'banned':
        return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('booking.banned', { date: longDay(r.noShowDate, ctx), until: longDay(r.until, ctx) }) }] };
      case 'nik_active':
        return {
          node: 'after_refusal',
          data,
          replies: [
            {
              text: ctx.t('booking.nik_has_booking', { code: r.booking.code, date: longDay(r.booking.date, ctx), time: time(r.booking.time, ctx) }),
              emphasis: [r.booking.code],
              choices: [{ id: 'm:mybook', label: ctx.t('booking.my_bookings') }, menuChoice(ctx)],
            },
          ],
        };
      case 'chat_limit':
        return { goto: BOOKING_FLOW_ID, params: { action: 'list' }, replies: [{ text: ctx.t('booking.chat_limit', { max: r.max }) }] };
      case 'day_unavailable': {
        if (!r.days.length) return showDays({ ...data, fullDate: undefined }, r.days, ctx, [{ text: ctx.t('booking.day_gone') }]);
        const next: Data = { ...withoutSessions(data), fullDate: undefined, days: r.days };
        const replies = sharedReplies(r, `${data.mode}|${data.place}`, ctx, (c) => [{ text: c.t('booking.day_gone') }, daysPrompt(next, c)]);
        return { node: 'date', data: next, replies };
      }
      case 'session_full': {
        const next: Data = { ...data, date: r.date, sessions: r.sessions };
        return { node: 'session', data: next, replies: [{ text: ctx.t('booking.session_gone') }, sessionsPrompt(next, ctx)] };
      }
      case 'day_full': {
        const next: Data = { ...withoutSessions(data), fullDate: r.date, days: r.days };
        const text = (c: FlowContext) => c.t(data.mode === 'resched' ? (data.displaced ? 'booking.day_full_new_day' : 'booking.day_full_move') : 'booking.day_full', { day: longDay(r.date, c) });
        if (!r.days.length && data.mode === 'resched') return { goto: 'menu', params: { quiet: true }, replies: [{ text: text(ctx) }, { text: ctx.t('booking.no_free_days') }] };
        const replies = sharedReplies(r, `${data.mode}|${data.displaced === true}|${data.place}`, ctx, (c) => [{ text: text(c) }, daysPrompt(next, c)]);
        return { node: 'date', data: next, replies };
      }
      case 'not_found':
        return { goto: BOOKING_FLOW_ID, params: { action: 'list' }, replies: [{ text: ctx.t('booking.not_found') }] };
      case 'paused':
        return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('ops.bookings_paused') }] };
    }
  }

  /**
   * A booking code typed with a request ("kode booking saya K7QX4M mau batal", "undur K7Q-X4M ke
   * kamis"): that booking, and what was asked of it. A code that is none of this chat's is said so,
   * with the list: never another booking acted on in its place.
   */
  function byTypedCode(text: string, list: ListResult, ctx: FlowContext): Outcome | undefined {
    const words = text.split(/\s+/);
    const mine = (c: string | undefined) => Boolean(c) && (list.bookings.some((b) => b.code === c) || list.displaced.some((b) => b.code === c));
    const codes = words.map((w) => normalizeCode(bareWord(w)));
    const code = codes.find(mine);
    if (code) {
      if (list.displaced.some((b) => b.code === code)) return listChoice(`bk:newday:${code}`, { list }, ctx);
      const data: Data = { list, code };
      const wanted = wantedOf(text);
      if (wanted === 'cancel') return { node: 'cancel_confirm', data, replies: [cancelPrompt(data, ctx)] };
      // The day said with it ("… ke kamis") is tried once the free days are known; the code is no part of it.
      const said = words.filter((_, i) => codes[i] !== code).join(' ');
      if (wanted === 'resched') return flow.onInput('manage', { ...data, wantedDay: said }, { type: 'choice', id: 'bk:resched' }, ctx);
      return { node: 'manage', data, replies: [managePrompt(data, ctx)] };
    }
    const other = words.find(looksLikeCode);
    if (!other) return undefined;
    return { node: 'list', data: { list }, replies: [{ text: ctx.t('booking.code_not_here', { code: bareWord(other).toUpperCase() }) }, listPrompt(list, ctx)] };
  }

  /** With exactly one active booking, "batalkan" or "ganti jadwal" acts on it without asking which. */
  function actOnTheOnly(list: ListResult, said: unknown, ctx: FlowContext): Outcome | undefined {
    const wanted = wantedOf(said);
    const active = list.bookings.filter((b) => b.status === 'active');
    if (active.length !== 1 || (wanted !== 'cancel' && wanted !== 'resched')) return undefined;
    const data: Data = { list, code: active[0]!.code };
    if (wanted === 'cancel') return { node: 'cancel_confirm', data, replies: [cancelPrompt(data, ctx)] };
    return flow.onInput('manage', typeof said === 'string' ? { ...data, wantedDay: said } : data, { type: 'choice', id: 'bk:resched' }, ctx);
  }

  /** "batal" with several active bookings: which one, the list again (none is cancelled unasked). */
  function cancelWhich(list: ListResult, said: string, ctx: FlowContext): Outcome | undefined {
    if (wantedOf(said) !== 'cancel' || list.bookings.filter((b) => b.status === 'active').length < 2) return undefined;
    return { node: 'list', data: { list }, replies: [{ text: ctx.t('booking.cancel_which') }, listPrompt(list, ctx)] };
  }

  function onResult(node: string, data: Data, effectType: string, result: unknown, ctx: FlowContext): Outcome {
    const r = result as Record<string, unknown>;
    switch (effectType) {
      case 'booking.list': {
        const list = result as ListResult;
        if (data.mode === 'new') {
          if (list.bookings.filter((b) => b.status === 'active' || b.status === 'held').length >= list.max) {
            return { node: 'list', data: { list }, replies: [{ text: ctx.t('booking.chat_limit', { max: list.max }) }, listPrompt(list, ctx)] };
          }
          // What was said with the request ("untuk bpjs") is kept for the reason question.
          const asked: Data = { mode: 'new', ...(data.named?.length ? { named: data.named } : {}), ...(data.also?.length ? { also: data.also } : {}) };
          if (severalPlaces) return { node: 'place', data: asked, replies: [rules(ctx), placePrompt(ctx)] };
          return reasonStep(asked, [rules(ctx)], ctx);
        }
        const acted = (typeof data.said === 'string' ? byTypedCode(data.said, list, ctx) : undefined) ?? actOnTheOnly(list, data.said, ctx);
        if (acted) return acted;
        return { node: 'list', data: { list }, replies: [listPrompt(list, ctx)] };
      }
      case 'booking.check_nik': {
        const refusal = r.refusal as Refusal | undefined;
        if (refusal) return refusalOutcome(refusal, data, ctx);
        return nikAccepted(data, ctx);
      }
      case 'booking.days':
        // With "any place", the place with the nearest free day comes back and is kept.
        return showDays({ ...data, fullDate: undefined, ...(typeof r.place === 'string' ? { place: r.place } : {}) }, r.days as FreeDay[], ctx);
      case 'booking.sessions': {
        const sessions = r.sessions as FreeSession[];
        const date = r.date as string;
        // The time typed along with the day ("besok jam 9") is tried once, whatever the day's answer.
        // So is the time kept from the summary when only another day was typed ("kamis aja").
        const { wantedTime, keptTime, ...base } = data;
        if (!r.bookable) return showDays({ ...base, fullDate: undefined }, r.days as FreeDay[], ctx, [{ text: unbookableLine(date, r.unbookable as Unbookable | undefined, ctx) }]);
        if (!sessions.some((s) => s.free > 0)) return refusalOutcome({ ok: false, why: 'day_full', date, days: r.days as FreeDay[] }, base, ctx);
        const next: Data = { ...base, date, sessions };
        if (typeof keptTime === 'string') {
          const vars = { day: longDay(date, ctx), time: time(keptTime, ctx) };
          const same = sessions.find((s) => s.time === keptTime && s.free > 0);
          if (same) {
            const chosen: Data = { ...base, date, session: same.index, time: same.time };
            return { node: 'confirm', data: chosen, replies: [{ text: ctx.t('booking.day_changed_time_kept', vars) }, confirmPrompt(chosen, ctx)] };
          }
          const unchosen: Data = { ...next, session: undefined, time: undefined };
          return { node: 'session', data: unchosen, replies: [{ text: ctx.t('booking.day_changed_time_gone', vars) }, sessionsPrompt(unchosen, ctx)] };
        }
        const wanted = typeof wantedTime === 'string' ? onTypedTime(wantedTime, next, ctx) : undefined;
        if (wanted) return wanted;
        return { node: 'session', data: next, replies: [sessionsPrompt(next, ctx)] };
      }
      case 'booking.reserve':
      case 'booking.reschedule': {
        if (r.ok !== true) return refusalOutcome(result as Refusal, data, ctx);
        return { goto: 'menu', params: { quiet: true, short: true }, replies: [confirmation(r.booking as BookingView, data, ctx, ctx.content)] };
      }
      case 'booking.waitlist': {
        if (r.ok !== true) return refusalOutcome(result as Refusal, data, ctx);
        const key = r.position === 0 ? 'booking.waitlist_offered_now' : 'booking.waitlist_joined';
        return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t(key, { day: longDay(r.date as string, ctx), position: r.position as number, hold: settings.waitlist_hold_minutes }) }] };
      }
      case 'booking.cancel':
        if (r.ok !== true) return refusalOutcome(result as Refusal, data, ctx);
        return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('booking.cancelled', { code: (r.booking as BookingView).code }) }] };
      case 'booking.accept':
        if (r.ok !== true) return { goto: BOOKING_FLOW_ID, params: { action: 'list' }, replies: [{ text: ctx.t('booking.offer_gone') }] };
        return { goto: 'menu', params: { quiet: true, short: true }, replies: [confirmation(r.booking as BookingView, data, ctx, ctx.content)] };
      case 'booking.decline':
        return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('booking.offer_declined') }] };
      case 'booking.leave_wait':
        return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t(r.ok ? 'booking.waitlist_left' : 'booking.not_found') }] };
      default:
        return { node, data, replies: [] };
    }
  }

  function listChoice(id: string, data: Data, ctx: FlowContext): Outcome | undefined {
    const [, action, arg] = id.split(':');
    if (!arg) return undefined;
    switch (action) {
      case 'pick': {
        const next: Data = { ...data, code: arg };
        return { node: 'manage', data: next, replies: [managePrompt(next, ctx)] };
      }
      case 'accept':
        return { node: 'loading', data: { ...data, code: arg }, replies: [], effects: [effect('booking.accept', { code: arg })] };
      case 'decline':
        return { node: 'loading', data, replies: [], effects: [effect('booking.decline', { code: arg })] };
      case 'newday':
        return { node: 'loading', data: { mode: 'resched', displaced: true, code: arg, list: data.list }, replies: [], effects: [effect('booking.days')] };
      case 'unwait':
        return { node: 'loading', data, replies: [], effects: [effect('booking.leave_wait', { id: Number(arg) })] };
      default:
        return undefined;
    }
  }

  /** A typed day ("besok", "kamis", "3 des", "yang paling cepat") at the day list. */
  function onTypedDay(text: string, data: Data, ctx: FlowContext): Outcome | undefined {
    const days = data.days ?? [];
    const read = answersOf(ctx.nlu).date(text, calendar.today(ctx.now));
    if (!read) return undefined;
    const picked = read === 'earliest' ? days[0]?.date : read === 'latest' ? days.at(-1)?.date : days.find((d) => d.date === read)?.date;
    if (picked) return flow.onInput('date', data, { type: 'choice', id: `d:${picked}` }, ctx);
    if (read === 'earliest' || read === 'latest') return undefined;
    if (read < calendar.today(ctx.now)) return { node: 'date', data, replies: [{ text: ctx.t('nlu.day.past', { day: longDay(read, ctx) }) }, daysPrompt(data, ctx)] };
    // Not among the days shown: the service knows whether it can be booked (further ahead than
    // the list, full with a waitlist, closed by officers, a weekend opened specially), as for a button.
    return flow.onInput('date', data, { type: 'choice', id: `d:${read}` }, ctx);
  }

  /** A typed time ("jam 9", "08.30", "pagi", "yang pertama") at the session list. */
  function onTypedTime(text: string, data: Data, ctx: FlowContext): Outcome | undefined {
    const free = (data.sessions ?? []).filter((s) => s.free > 0);
    const read = answersOf(ctx.nlu).time(askedAbout(text));
    if (!read || !free.length) return undefined;
    const minutes = (s: FreeSession) => Number(s.time.slice(0, 2)) * 60 + Number(s.time.slice(3, 5));
    let pick: FreeSession | undefined;
    if (read === 'earliest') pick = free[0];
    else if (read === 'latest') pick = free.at(-1);
    else if ('part' in read) pick = free.find((s) => minutes(s) >= read.part[0] && minutes(s) < read.part[1]);
    else {
      const len = settings.quota.session_minutes;
      pick = free.find((s) => minutes(s) === read.minute) ?? free.find((s) => read.minute >= minutes(s) && read.minute < minutes(s) + len);
      if (!pick) {
        const all = (data.sessions ?? []).find((s) => read.minute >= minutes(s) && read.minute < minutes(s) + len);
        const line = all ? ctx.t('nlu.time.full', { time: time(all.time, ctx) }) : ctx.t('nlu.time.none');
        return { node: 'session', data, replies: [{ text: line }, sessionsPrompt(data, ctx)] };
      }
    }
    if (!pick) return { node: 'session', data, replies: [{ text: ctx.t('nlu.time.none') }, sessionsPrompt(data, ctx)] };
    return flow.onInput('session', data, { type: 'choice', id: `s:${pick.index}` }, ctx);
  }

  /** A day typed, alone or with its time ("besok jam 9", "kamis pagi"): that day, then that time if free. */
  function onTypedDayAt(typed: string, data: Data, ctx: FlowContext): Outcome | undefined {
    // "hari jumat bisa?": that day.
    const text = askedAbout(typed);
    const day = onTypedDay(text, data, ctx);
    if (day) return day;
    const both = answersOf(ctx.nlu).dateAndTime(text, calendar.today(ctx.now));
    return both ? onTypedDay(both.day, { ...data, wantedTime: both.time }, ctx) : undefined;
  }

  /**
   * A time typed at the day list ("jam 9 pagi aja", "yang pagi aja"): kept and tried on the day then
   * picked (a bare "pagi" is a greeting there).
   */
  function timeBeforeDay(text: string, data: Data, ctx: FlowContext): Outcome | undefined {
    const read = answersOf(ctx.nlu).time(askedAbout(text));
    if (!read || typeof read !== 'object') return undefined;
    if ('part' in read && !/\b(aja|saja|yang|yg|jam|pukul|sesi)\b/.test(plain(text))) return undefined;
    const next: Data = { ...data, wantedTime: text };
    return { node: 'date', data: next, replies: [{ text: ctx.t('booking.time_noted') }, daysPrompt(next, ctx)] };
  }

  /** That day's times again (as its button), trying `at` first when given ("jam 8 aja"). */
  function sameDayAt(at: string | undefined, data: Data, ctx: FlowContext): Outcome {
    return flow.onInput('confirm', at ? { ...data, wantedTime: at } : data, { type: 'choice', id: `d:${data.date}` }, ctx);
  }

  /**
   * Another day typed where a time or a yes was asked ("kamis aja", "lusa"), or with its time ("kamis jam 8");
   * the same day with a time is that time. `keep`: the time already chosen (at the summary), tried on
   * the new day when none is typed with it.
   */
  function otherDay(typed: string, data: Data, ctx: FlowContext, keep?: string): Outcome | undefined {
    const text = askedAbout(typed);
    const answers = answersOf(ctx.nlu);
    const today = calendar.today(ctx.now);
    const both = answers.dateAndTime(text, today);
    const day = answers.date(both?.day ?? text, today);
    if (!day || day === 'earliest' || day === 'latest') return undefined;
    if (day === data.date) return both && data.date ? sameDayAt(both.time, data, ctx) : undefined;
    const moved = onTypedDayAt(text, data, ctx);
    // Only once that day's sessions are asked for (a past day stays at the day list, nothing kept).
    if (keep && !both && moved && 'node' in moved && moved.node === 'loading' && moved.effects?.some((e) => e.type === 'booking.sessions')) {
      return { ...moved, data: { ...moved.data, keptTime: keep } };
    }
    return moved;
  }

  /** At the summary: "salah, nik nya 1803…", "ganti tanggal", "eh namanya Siti Aminah", "kamis aja", "jam 8 aja". */
  function onCorrection(text: string, data: Data, ctx: FlowContext): Outcome | undefined {
    const lower = answersOf(ctx.nlu).yesNo(text) ? '' : text.toLowerCase();
    if (!lower) return undefined;
    // "kamis aja": that day, at the time chosen when it is free there.
    const day = otherDay(text, data, ctx, data.time);
    if (day) return day;
    // "jam 8 aja": the same day at that time, if it is free (else its times with why).
    const at = answersOf(ctx.nlu).time(askedAbout(text));
    if (at && typeof at === 'object' && data.date) return sameDayAt(text, data, ctx);
    if (/\bnik\b/.test(lower) && /\d{6,}/.test(normalizeDigits(text).replace(/[\s.-]/g, ''))) {
      return onNik(text, { ...data, correcting: true }, ctx);
    }
    if (wantsOtherDay(lower)) return flow.onInput('confirm', data, { type: 'choice', id: 'bk:other_day' }, ctx);
    if (/\b(jam|pukul|sesi|waktu|time|session)\b/.test(lower) && /\b(ganti|ubah|salah|change|wrong|lain|other)\b/.test(lower) && data.date) return sameDayAt(undefined, data, ctx);
    const named = /\b(nama|namanya|name)\b/.exec(lower);
    if (named) {
      // "namanya salah, harusnya Siti Aisyah" → "Siti Aisyah"; "namanya salah" → ask for it.
      const after = withoutCorrectionWords(text.slice(named.index + named[0].length));
      if (after.length >= 2) return onName(text.slice(named.index), { ...data, correcting: true }, ctx);
      return { node: 'name', data: { ...data, correcting: true }, replies: [{ text: ctx.t('booking.ask_correct_name') }] };
    }
    return undefined;
  }

  const flow: Flow = {
    id: BOOKING_FLOW_ID,
    version: 1,
    // The buttons under a waitlist offer work from anywhere: one tap takes the place. So does
    // "Pilih hari baru" under a closed-day notice: one tap shows the free days for that booking.
    choicePrefixes: ['bk:accept:', 'bk:decline:', 'bk:newday:'],
    // "untuk bpjs" where the booking is offered (the KTP-el summary): a new booking with that reason.
    opensWith: (text) => (namedReasons(text).length ? { action: 'new', said: text } : undefined),
    // "mau batal K7QX4M", "undur ABC123 ke kamis": about a booking, by its code (start() gets `said`).
    recognizes: (text) => Boolean(wantedOf(text)) && text.split(/\s+/).some((w) => looksLikeCode(w) || (w === w.toUpperCase() && normalizeCode(w) !== undefined)),

    expects(node) {
      switch (node) {
        case 'note':
          return 'text';
        case 'nik':
          return 'nik';
        case 'name':
          return 'name';
        case 'date':
          return 'date';
        case 'session':
          return 'time';
        case 'confirm':
        case 'cancel_confirm':
          return 'confirm';
        default:
          return 'choice';
      }
    },

    // Leaving a booking being moved or looked at ("batal", "menu"): it stands as it was, said so
    // (a bare "dibatalkan" there read as if the booking itself was cancelled).
    onLeave(node, raw, ctx) {
      const data = raw as Data;
      // (A booking the office cancelled by closing its day does not stand: nothing is said.)
      const managing = (data.mode === 'resched' && !data.displaced) || node === 'manage' || node === 'cancel_confirm';
      return managing && data.code ? [{ text: ctx.t('booking.kept', { code: data.code }) }] : [];
    },

    // "batal" at the list of one's bookings means a booking, not leaving: with one, asked to confirm; with more, which.
    ownsCancel(node, raw) {
      const data = raw as Data;
      return node === 'list' && Boolean(data.list?.bookings.some((b) => b.status === 'active'));
    },

    holds(node, raw) {
      const data = raw as Data;
      return (data.mode === 'new' || data.mode === 'resched') && ['reason', 'note', 'nik', 'nik_check', 'name', 'date', 'session', 'confirm'].includes(node);
    },

    start(ctx, params) {
      const fromButton = typeof params?.choice === 'string' ? listChoice(params.choice, {}, ctx) : undefined;
      if (fromButton) return fromButton;
      // Recognised by a code (`said` alone): about one's bookings too.
      const list = params?.action === 'list' || (params?.action === undefined && typeof params?.said === 'string');
      if (!list) {
        // A new booking: the reasons said with it ("rekam ktp darurat buat rumah sakit") are taken once the rules are shown.
        const named = namedReasons(params?.said);
        const also = Array.isArray(params?.also) ? (params.also as Choice[]) : [];
        return { node: 'loading', data: { mode: 'new', ...(named.length ? { named } : {}), ...(also.length ? { also } : {}) }, replies: [], effects: [effect('booking.list')] };
      }
      // "batalin booking saya": with one booking, straight to what was asked of it.
      const said = typeof params?.said === 'string' && (wantedOf(params.said) || params.said.split(/\s+/).some(looksLikeCode)) ? params.said : undefined;
      return { node: 'loading', data: said ? { said } : {}, replies: [], effects: [effect('booking.list')] };
    },

    onInput(node, raw, input: Input, ctx) {
      const data = raw as Data;
      if (input.type === 'result') return onResult(node, data, input.effect, input.data, ctx);

      if (input.type === 'choice') {
        const id = input.id;
        if (id.startsWith('bk:') && ['pick', 'accept', 'decline', 'newday', 'unwait'].includes(id.split(':')[1]!)) {
          return listChoice(id, data, ctx) ?? { unhandled: true };
        }
        if (node === 'place' && id.startsWith('pl:')) {
          const place = id.slice(3) === ANY_PLACE ? ANY_PLACE : placeById.get(id.slice(3))?.id;
          if (!place) return { unhandled: true };
          return reasonStep({ ...data, place }, [], ctx);
        }
        if (node === 'reason' && id.startsWith('r:')) {
          const reason = reasons.get(id.slice(2));
          if (!reason) return { unhandled: true };
          const next: Data = { ...data, reason: reason.id };
          if (reason.describe) return { node: 'note', data: next, replies: [{ text: ctx.t('booking.ask_note') }] };
          return { node: 'nik', data: next, replies: [{ text: ctx.t('booking.proof', { proof: reason.proof[ctx.lang] }) }, { text: ctx.t('booking.ask_nik') }] };
        }
        if ((node === 'date' || node === 'session' || node === 'confirm') && id.startsWith('d:')) {
          const date = id.slice(2);
          return { node: 'loading', data: { ...data, date }, replies: [], effects: [effect('booking.sessions', { date, code: data.mode === 'resched' ? data.code : undefined })] };
        }
        if (node === 'date' && id === 'bk:wait' && data.fullDate) {
          return {
            node: 'loading',
            data,
            replies: [],
            effects: [effect('booking.waitlist', { nik: data.nik, name: data.name, reason: data.reason, note: data.note ?? null, date: data.fullDate })],
          };
        }
        if ((node === 'session' || node === 'confirm') && id === 'bk:other_day') {
          return { node: 'loading', data: { ...data, fullDate: undefined }, replies: [], effects: [effect('booking.days')] };
        }
        if (node === 'session' && id.startsWith('s:')) {
          const s = data.sessions?.find((x) => x.index === Number(id.slice(2)) && x.free > 0);
          if (!s) return { unhandled: true };
          // The session list is asked for again whenever it is shown again: not kept past this node.
          const next: Data = { ...withoutSessions(data), session: s.index, time: s.time };
          return { node: 'confirm', data: next, replies: [confirmPrompt(next, ctx)] };
        }
        if (node === 'confirm' && id === 'bk:yes') {
          if (data.mode === 'resched') {
            return { node: 'loading', data, replies: [], effects: [effect('booking.reschedule', { code: data.code, date: data.date, session: data.session })] };
          }
          return {
            node: 'loading',
            data,
            replies: [],
            effects: [effect('booking.reserve', { nik: data.nik, name: data.name, reason: data.reason, note: data.note ?? null, date: data.date, session: data.session })],
          };
        }
        if (node === 'manage' && id === 'bk:resched') {
          return { node: 'loading', data: { ...data, mode: 'resched' }, replies: [], effects: [effect('booking.days')] };
        }
        if (node === 'manage' && id === 'bk:cancel') return { node: 'cancel_confirm', data, replies: [cancelPrompt(data, ctx)] };
        if (node === 'cancel_confirm' && id === 'bk:cancel_yes') {
          return { node: 'loading', data, replies: [], effects: [effect('booking.cancel', { code: data.code })] };
        }
        if ((node === 'manage' || node === 'cancel_confirm') && id === 'bk:back') {
          return { node: 'loading', data: {}, replies: [], effects: [effect('booking.list')] };
        }
        return { unhandled: true };
      }

      if (input.type !== 'text') return { unhandled: true };
      const text = input.text.trim();
      // "ga jadi" while a booking is made or moved: stopped, never read as a name. (At the summary it
      // is a "no" to it: the way to another day or back to the start is explained there.)
      if (node !== 'confirm' && flow.holds!(node, data) && saysNeverMind(text)) {
        const kept = flow.onLeave!(node, data, ctx);
        return { goto: 'menu', params: { quiet: true }, replies: kept.length ? kept : [{ text: ctx.t(data.mode === 'resched' ? 'core.cancelled' : 'booking.stopped') }] };
      }
      switch (node) {
        case 'place': {
          if (/\b(mana saja|terserah|yang terdekat|any)\b/i.test(text)) return flow.onInput(node, data, { type: 'choice', id: `pl:${ANY_PLACE}` }, ctx);
          const place = typedPlace(text);
          return place ? flow.onInput(node, data, { type: 'choice', id: `pl:${place.id}` }, ctx) : { unhandled: true };
        }
        case 'reason': {
          // "bpjs", "rumah sakit": a typed reason works like its button.
          const typed = text.toLowerCase();
          const reason = typed.length >= 3 ? settings.reasons.find((r) => r.id === typed || r.label.id.toLowerCase().includes(typed) || r.label.en.toLowerCase().includes(typed)) : undefined;
          if (reason) return flow.onInput(node, data, { type: 'choice', id: `r:${reason.id}` }, ctx);
          // As people say it ("buat bpjs kak", "berobat ke rs", "melamar kerja"): the reasons' keywords.
          const meant = reasonsNamed(text);
          if (meant.length === 1) return flow.onInput(node, data, { type: 'choice', id: `r:${meant[0]!.id}` }, ctx);
          if (meant.length > 1) return { node, data, replies: [{ text: ctx.t('nlu.did_you_mean'), choices: meant.map((r) => ({ id: `r:${r.id}`, label: r.label[ctx.lang] })) }] };
          return { unhandled: true };
        }
        case 'note': {
          // "makasih", "halo kak", "bayar ga?" are not the need: the core answers and asks again.
          if (smallTalkOrAnswer(text, ctx)) return { unhandled: true };
          // Questions answered in place (fees, hours, processing time, help): typed as the description, they are not one.
          if (INFO_INTENTS.has(ctx.nlu.classify(text).kind) && (text.includes('?') || text.split(/\s+/).length <= 3)) return { unhandled: true };
          if (text.length < 5) return { node, data, replies: [{ text: ctx.t('booking.note_short') }] };
          const note = text.replace(/\s+/g, ' ').slice(0, 200);
          const reason = reasons.get(data.reason ?? '')!;
          return { node: 'nik', data: { ...data, note }, replies: [{ text: ctx.t('booking.proof', { proof: reason.proof[ctx.lang] }) }, { text: ctx.t('booking.ask_nik') }] };
        }
        case 'date':
          return onTypedDayAt(text, data, ctx) ?? timeBeforeDay(text, data, ctx) ?? { unhandled: true };
        case 'session':
          // "kamis aja" at the times: that day's times instead (the days shown are still known).
          // "ganti hari" (no day said): the day list again, as its button.
          return onTypedTime(text, data, ctx) ?? otherDay(text, data, ctx) ?? (wantsOtherDay(text) ? flow.onInput(node, data, { type: 'choice', id: 'bk:other_day' }, ctx) : { unhandled: true });
        case 'confirm':
        case 'cancel_confirm': {
          // A correction first ("salah, nik nya …", "ganti tanggal"), then "ya" / "siap" / "tidak" typed instead of tapping.
          if (node === 'confirm') {
            const corrected = onCorrection(text, data, ctx);
            if (corrected) return corrected;
          }
          if (node === 'cancel_confirm') {
            // Cancelling gives the place away: only its own answers ("iya batalin", "eh jangan", "ga jadi
            // batal") and plain no-words act. A bare "ok" / "siap" / "sip" is small talk here, and
            // "lanjut" (what a resident is told to type to come back to a booking set aside) no yes.
            const meant = answersOf(ctx.nlu).cancelOrKeep(text);
            if (meant === 'cancel') return flow.onInput(node, data, { type: 'choice', id: 'bk:cancel_yes' }, ctx);
            if (meant === 'keep' || answersOf(ctx.nlu).yesNo(text) === 'no') return flow.onInput(node, data, { type: 'choice', id: 'bk:back' }, ctx);
            return { unhandled: true };
          }
          const answer = answersOf(ctx.nlu).yesNo(text);
          if (answer === 'yes') return flow.onInput(node, data, { type: 'choice', id: 'bk:yes' }, ctx);
          if (answer === 'no') return { node, data, replies: [{ text: ctx.t(data.mode === 'resched' ? 'booking.confirm_no_move' : 'booking.confirm_no') }, confirmPrompt(data, ctx)] };
          return { unhandled: true };
        }
        case 'nik':
          return onNik(text, data, ctx);
        case 'name':
          return onName(text, data, ctx);
        case 'list':
        case 'manage': {
          // A booking code typed in ("batal K7QX4M", "K7Q-X4M") picks that booking.
          if (!data.list) return { unhandled: true };
          return byTypedCode(text, data.list, ctx) ?? (node === 'list' ? (actOnTheOnly(data.list, text, ctx) ?? cancelWhich(data.list, text, ctx)) : undefined) ?? { unhandled: true };
        }
        default:
          return { unhandled: true };
      }
    },

    prompt(node, raw, ctx) {
      const data = raw as Data;
      switch (node) {
        case 'place':
          return [placePrompt(ctx)];
        case 'reason':
          return [reasonPrompt(ctx)];
        case 'note':
          return [{ text: ctx.t('booking.ask_note') }];
        case 'nik':
        case 'nik_check':
          return [{ text: ctx.t('booking.ask_nik') }];
        case 'name':
          return [{ text: ctx.t('booking.ask_name') }];
        case 'date':
          return [daysPrompt(data, ctx)];
        case 'session':
          return [sessionsPrompt(data, ctx)];
        case 'confirm':
          return [confirmPrompt(data, ctx)];
        case 'list':
          return data.list ? [listPrompt(data.list, ctx)] : [{ text: ctx.t('booking.list_empty') }];
        case 'manage':
          return [managePrompt(data, ctx)];
        case 'cancel_confirm':
          return [cancelPrompt(data, ctx)];
        default:
          return [{ text: ctx.t('booking.ask_again'), choices: [{ id: 'm:book', label: ctx.t('booking.book_new') }, { id: 'm:mybook', label: ctx.t('booking.my_bookings') }, menuChoice(ctx)] }];
      }
    },
  };
  // Every booking effect knows its place: the one picked, or (moving a booking) the booking's own.
  const stepInput = flow.onInput.bind(flow);
  flow.onInput = (node, raw, input, ctx) => withPlace(raw as Data, stepInput(node, raw, input, ctx));
  return flow;
}

/**
 * The data without the session list: past the session node it is read by nothing (every way
 * back to a session list asks the database again), and every press parses, writes and hashes
 * the saved data.
 */
function withoutSessions(data: Data): Data {
  const { sessions: _sessions, ...rest } = data;
  return rest;
}

function withPlace(before: Data, outcome: Outcome): Outcome {
  if (!('effects' in outcome) || !outcome.effects?.length) return outcome;
  const after = ('data' in outcome ? (outcome.data as Data | undefined) : undefined) ?? before;
  const code = after.mode === 'resched' ? after.code : undefined;
  for (const e of outcome.effects) {
    if (after.place && e.place === undefined) e.place = after.place;
    if (code && e.code === undefined) e.code = code;
  }
  return outcome;
}
