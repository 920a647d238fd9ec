// "Cek status": tracking number → the applicant's check (last 4 NIK digits) → status, what it
// means, what to do, history → follow / stop following. Also the opt-out words for
// announcements. Pure: every database question is an effect whose answer comes back as input.
import type { Choice, Input, Reply } from '../core/types.js';
import type { Flow, FlowContext, Outcome } from '../flows/types.js';
import { readAnswer } from '../flows/answers.js';
import { normalizeDigits } from '../nlu/answers.js';
import { answersOf } from '../nlu/index.js';
import type { LookupResult } from './service.js';
import { serviceLabel, statusExplanation, statusName } from './texts.js';

export const STATUS_FLOW_ID = 'status';

/** Effects this flow asks for; the feature's handlers answer them. */
export const EFFECTS = {
  lookup: 'status.lookup',
  current: 'status.current',
  follow: 'status.follow',
  unfollow: 'status.unfollow',
  following: 'status.following',
  optOut: 'status.opt_out',
} as const;

interface FollowedItem {
  applicationId: number;
  trackingNo: string;
  service: string;
  status: string;
}

const MAX_LISTED = 8;

/** A label typed before the number: "no.", "No:", "nomor permohonan", "nomor saya". */
const NUMBER_LABEL = /^(?:(?:no|nmr|nomor|nomer|number|nr|resi|kode|tracking)(?:\s+(?:permohonan|registrasi|reg|pendaftaran|saya|nya|application))?|nomornya)\b[\s.:#=-]*/i;

/**
 * "gatau nomornya", "lupa", "nomor permohonan di mana ya", "bukti saya hilang": the resident has
 * no number at hand. Read as an answer (the yes/no vocabulary: "gatau", "ga punya", "belum ada")
 * once the words for the number are set aside, or as lost, forgotten or asked where. A loss with
 * no number word ("ktp saya hilang") is a new question instead, for the core.
 */
const NUMBER_WORDS = /\b(?:nomor\w*|nomer\w*|nmr|no|resi\w*|bukti\w*|tanda terima\w*|kwitansi\w*|permohonan\w*|number|receipt|application)\b/i;
const CHECK_WORDS = /\b(?:nik\w*|angka\w*|digit\w*|ktp\w*|4|empat)\b/i;
/** Lost, forgotten, or where it is: said of the number (not in the yes/no vocabulary). */
const LOST_OR_WHERE = /\b(?:lupa|hilang|ilang|(?:ga|gak|gk|nggak|tidak|tdk|ndak)\s?(?:inget|ingat)|(?:belum|blm|ga|gak|tidak|tdk)\s?(?:dapat|dpt|dikasih)|di\s?mana|dmn|dimana|apa\s?itu|dari\s?mana|darimana|gimana|bagaimana|forgot|lost|where|what\s?is|no\s?idea)\b/i;

/** What is said of the thing asked for, once its words (`named`) are set aside: missing, or asked where. */
function saysMissing(text: string, named: RegExp, ctx: FlowContext): boolean {
  const rest = text.replace(new RegExp(named.source, 'gi'), ' ').replace(/\s+/g, ' ').trim();
  const answer = rest ? readAnswer(rest, ctx.nlu) : undefined;
  return answer === 'no' || answer === 'unsure' || LOST_OR_WHERE.test(rest);
}

function saysNoNumber(text: string, ctx: FlowContext): boolean {
  if (/\d/.test(text)) return false;
  // Without a number word, only a bare "lupa", "gatau", "ga punya" (a loss sentence is a new question).
  return NUMBER_WORDS.test(text) ? saysMissing(text, NUMBER_WORDS, ctx) : bareMissing(text, ctx);
}

/** "lupa NIK", "gatau 4 angkanya": where the check digits are. */
function saysNoCheck(text: string, ctx: FlowContext): boolean {
  if (/\d{4}/.test(text)) return false;
  return CHECK_WORDS.test(text) ? saysMissing(text, CHECK_WORDS, ctx) : bareMissing(text, ctx);
}

/** "lupa", "gatau kak", "ga punya", "hilang": nothing but that. */
function bareMissing(text: string, ctx: FlowContext): boolean {
  const answer = readAnswer(text, ctx.nlu);
  return answer === 'no' || answer === 'unsure' || /^\s*(?:lupa|hilang|forgot|lost|no\s?idea)(?:\s+(?:kak|ka|pak|bu|min|ya|nih|sih|deh))*\s*[.!?]*\s*$/i.test(text);
}

/** The office's generated shape (prefix, date, 5 characters) found anywhere in a text, with what is around it. */
const GENERATED = /(?<![A-Za-z0-9])([A-Za-z]{2,4})[\s.-]?(\d{6})[\s.-]?([A-Za-z0-9]{5})(?![A-Za-z0-9])/;

/** Dashes as phone keyboards type them (en/em dash, minus sign) are plain dashes here. */
const typedForm = (raw: string) => normalizeDigits(raw).replace(/[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g, '-').replace(/[*_~`"“”']/g, ' ');

function looksLikeTrackingNo(raw: string): string | undefined {
  const typed = typedForm(raw);
  // "nomor saya LU 261130 abcde", "LU-261130-ABCDE ya", "no. LU-261130-ABCDE" → LU-261130-ABCDE
  // (the office's format, found inside a sentence, whatever is around it).
  const inSentence = GENERATED.exec(typed);
  if (inSentence) return `${inSentence[1]}-${inSentence[2]}-${inSentence[3]}`.toUpperCase();
  const compact = typed.trim().replace(NUMBER_LABEL, '').trim();
  if (compact.length > 40 || !/^[A-Za-z0-9][A-Za-z0-9 ./-]*$/.test(compact)) return undefined;
  const key = compact.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return key.length >= 4 && /\d/.test(key) ? shownTracking(compact) : undefined;
}

/**
 * A tracking number as residents should read it back: "lu 261201abcde" → "LU-261201-ABCDE"
 * when it has the generated shape (prefix, date, 5 characters); otherwise upper case with
 * single dashes. Lookups ignore dashes and spaces anyway.
 */
export function shownTracking(typed: string): string {
  const key = typed.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const generated = /^([A-Z]{1,5})(\d{6})([A-Z0-9]{5})$/.exec(key);
  if (generated) return `${generated[1]}-${generated[2]}-${generated[3]}`;
  return typed.trim().toUpperCase().replace(/[\s./-]+/g, '-');
}

/** YYMMDD of a generated number: a month 1–12 and a day 1–31 ("150000" of "pak 150000 mahal" is not one). */
function validDate(yymmdd: string): boolean {
  const month = Number(yymmdd.slice(2, 4));
  const day = Number(yymmdd.slice(4, 6));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

const GENERATED_ALL = new RegExp(GENERATED.source, 'g');

/**
 * The office's generated number (prefix, a real YYMMDD, 5 characters) inside a text, with the
 * check digits if they were typed along ("LU-261130-ABCDE, 0001"). Only this shape is read in
 * sentences: "status KTP saya sudah 2 minggu" is not a tracking number.
 */
function generatedIn(raw: string): { tracking: string; check?: string } | undefined {
  const typed = typedForm(raw);
  for (const m of typed.matchAll(GENERATED_ALL)) {
    if (!validDate(m[2]!)) continue;
    const tracking = `${m[1]}-${m[2]}-${m[3]}`.toUpperCase();
    const rest = `${typed.slice(0, m.index)} ${typed.slice(m.index + m[0].length)}`;
    const runs = rest.match(/\d[\d .-]*\d|\d/g) ?? [];
    const check = runs.length === 1 ? checkDigits(runs[0]!) : undefined;
    return check ? { tracking, check } : { tracking };
  }
  return undefined;
}

/** A tracking number and maybe its check digits: the next step of the flow (the lookup, or the 4-digit question). */
function nextFor(found: { tracking: string; check?: string }, ctx: FlowContext): Outcome {
  const { tracking, check } = found;
  if (check) return { node: 'lookup', data: { tracking }, replies: [], effects: [{ type: EFFECTS.lookup, tracking, check }] };
  return { node: 'check', data: { tracking }, replies: [askCheck(ctx, tracking)] };
}

/** Where the number is asked for, whatever looks like a number is one ("12345", "A-77"); elsewhere only the generated shape. */
function trackingTyped(text: string, ctx: FlowContext): Outcome | undefined {
  const generated = generatedIn(text);
  if (generated) return nextFor(generated, ctx);
  const tracking = looksLikeTrackingNo(text);
  return tracking ? nextFor({ tracking }, ctx) : undefined;
}

/** The generated shape only (said with "cek status", a correction at the 4-digit question, a new number after a result). */
function generatedTyped(text: string, ctx: FlowContext): Outcome | undefined {
  const generated = generatedIn(text);
  return generated ? nextFor(generated, ctx) : undefined;
}

/** The 4 check digits; a full 16-digit NIK typed by mistake also works (only its end is used), unless `nik` is false. */
function checkDigits(text: string, nik = true): string | undefined {
  const digits = normalizeDigits(text).replace(/[\s.-]/g, '');
  if (/^\d{4}$/.test(digits)) return digits;
  if (nik && /^\d{16}$/.test(digits)) return digits.slice(-4);
  return undefined;
}

/**
 * The check digits said in a short sentence ("the last 4 digits are 0001", "nik nya 0001",
 * "4 angka terakhir 0001"): the one run of 4 digits, a lone digit (the "4" of "4 digits") aside.
 */
function checkDigitsSaid(text: string): string | undefined {
  const plainText = normalizeDigits(text);
  if (plainText.split(/\s+/).length > 10) return undefined;
  const runs = (plainText.match(/\d+/g) ?? []).filter((run) => run.length > 1);
  return runs.length === 1 && runs[0]!.length === 4 ? runs[0] : undefined;
}

function askNumber(ctx: FlowContext, intro?: string): Reply {
  return {
    text: intro ? `${intro}\n${ctx.t('status.ask_number')}` : ctx.t('status.ask_number'),
    choices: [
      { id: 'st:mine', label: ctx.t('status.followed_button') },
      { id: 'm:menu', label: ctx.t('menu.main') },
    ],
  };
}

/** Where the number is, and who can help without it: asked again, with an officer offered. */
function noNumber(ctx: FlowContext): Reply {
  return {
    text: `${ctx.t('status.no_number')}\n${ctx.t('status.ask_number')}`,
    choices: [
      { id: 'st:mine', label: ctx.t('status.followed_button') },
      { id: 'm:officer', label: ctx.t('menu.officer') },
      { id: 'm:menu', label: ctx.t('menu.main') },
    ],
  };
}

function askCheck(ctx: FlowContext, tracking: string): Reply {
  return { text: ctx.t('status.ask_check', { tracking }), emphasis: [tracking], choices: [{ id: 'st:another', label: ctx.t('status.other_number') }, { id: 'm:menu', label: ctx.t('menu.main') }] };
}

function shownChoices(ctx: FlowContext, following: boolean): Choice[] {
  return [
    following ? { id: 'st:unfollow', label: ctx.t('status.unfollow_button') } : { id: 'st:follow', label: ctx.t('status.follow_button') },
    { id: 'st:another', label: ctx.t('status.other_number') },
    { id: 'm:menu', label: ctx.t('menu.main') },
  ];
}

function statusReplies(r: Extract<LookupResult, { found: true }>, ctx: FlowContext): Reply[] {
  const lines = [
    ctx.t('status.result_title', { tracking: r.trackingNo, service: serviceLabel(ctx.content, r.service, ctx.lang), applicant: r.applicant }),
    ctx.t('status.current', { status: statusName(ctx.t, r.status) }),
    statusExplanation(ctx.t, r.status, r.delivery),
  ];
  const latestNote = r.history.at(-1)?.note;
  if (latestNote) lines.push(ctx.t('status.note', { note: latestNote }));
  lines.push('', ctx.t('status.history'));
  for (const h of r.history) lines.push(`• ${h.when}: ${statusName(ctx.t, h.status)}${h.note ? ` (${h.note})` : ''}`);
  return [
    // The number and where it stands are what the resident looks for first.
    { text: lines.join('\n'), emphasis: [r.trackingNo, statusName(ctx.t, r.status)] },
    { text: ctx.t(r.following ? 'status.following_already' : 'status.offer_follow'), choices: shownChoices(ctx, r.following) },
  ];
}

/** "kapan jadinya", "sudah bisa diambil?", "prosesnya sampai mana": about the one shown; "cek status lain", "cek nomor" ask for another. */
const ABOUT_SHOWN = /\b(?:kapan|jadi\w*|selesai|diambil|ambil|kelar|beres|sampai mana|sudah sampai|progres\w*|prosesnya|kurang\w*|diperbaiki|perbaiki|perbaikan|when|ready|done|finished|missing)\b/i;
const ANOTHER_LOOKUP = /\b(?:cek|check|lihat|lain|nomor|another|other|baru)\b/i;
const asksAboutShown = (text: string) => ABOUT_SHOWN.test(text) && !ANOTHER_LOOKUP.test(text);

/** Where the application just shown stands, what comes next, and how long its service usually takes. */
function aboutShown(data: Record<string, unknown>, ctx: FlowContext): Reply[] {
  const status = String(data.status);
  const lines = [ctx.t('status.current_of', { tracking: String(data.trackingNo ?? ''), status: statusName(ctx.t, status) }), statusExplanation(ctx.t, status, typeof data.delivery === 'string' ? data.delivery : null)];
  // What is missing ("Perlu perbaikan") is in the officer's latest note.
  if (typeof data.note === 'string' && data.note) lines.push(ctx.t('status.note', { note: data.note }));
  const service = typeof data.serviceId === 'string' ? ctx.content.servicesById.get(data.serviceId) : undefined;
  if (service) lines.push(`${ctx.t('status.usual_time')} ${service.processing_time[ctx.lang]}`);
  return [
    { text: lines.join('\n'), emphasis: [statusName(ctx.t, status)] },
    { text: ctx.t('status.next_question'), choices: shownChoices(ctx, Boolean(data.following)) },
  ];
}

function followedReplies(items: FollowedItem[], ctx: FlowContext): Reply[] {
  if (!items.length) return [askNumber(ctx, ctx.t('status.followed_none'))];
  const shown = items.slice(0, MAX_LISTED);
  const lines = [ctx.t('status.followed_title'), ...shown.map((i) => `• ${i.trackingNo} (${serviceLabel(ctx.content, i.service, ctx.lang)}): ${statusName(ctx.t, i.status)}`)];
  return [
    { text: lines.join('\n') },
    {
      text: ctx.t('status.followed_hint'),
      choices: [
        ...shown.map((i) => ({ id: `st:unf:${i.applicationId}`, label: ctx.t('status.unfollow_one', { tracking: i.trackingNo }) })),
        { id: 'st:another', label: ctx.t('status.check_number') },
        { id: 'm:menu', label: ctx.t('menu.main') },
      ],
    },
  ];
}

function onResult(input: Extract<Input, { type: 'result' }>, data: Record<string, unknown>, ctx: FlowContext): Outcome {
  switch (input.effect) {
    case EFFECTS.lookup: {
      const r = input.data as LookupResult;
      if (!r.found && r.cooldownMinutes) return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('status.cooldown', { minutes: r.cooldownMinutes }) }] };
      // Unknown number and wrong check get the same words: nothing to learn from trying.
      // The number is kept: 4 digits typed next are the check again for it ("1234" wrong, then "0001").
      if (!r.found) return { node: 'number', data: typeof data.tracking === 'string' ? { lastTracking: data.tracking } : {}, replies: [askNumber(ctx, ctx.t('status.not_found'))] };
      // The service and status stay with the result: "kapan jadinya", "berapa lama lagi" are about it.
      return {
        node: 'shown',
        data: { applicationId: r.applicationId, trackingNo: r.trackingNo, following: r.following, serviceId: r.service, status: r.status, delivery: r.delivery },
        replies: statusReplies(r, ctx),
      };
    }
    case EFFECTS.current: {
      // "kapan jadinya" under a result: answered from where it stands now (a notification may have come meanwhile).
      const r = input.data as LookupResult;
      if (!r.found) return { node: 'number', data: {}, replies: [askNumber(ctx)] };
      const now = { ...data, trackingNo: r.trackingNo, following: r.following, serviceId: r.service, status: r.status, delivery: r.delivery, note: r.history.at(-1)?.note ?? undefined };
      return { node: 'shown', data: now, replies: aboutShown(now, ctx) };
    }
    case EFFECTS.follow: {
      const ok = Boolean((input.data as { ok: boolean }).ok);
      return {
        node: 'shown',
        data: { ...data, following: ok },
        replies: [{ text: ctx.t(ok ? 'status.followed' : 'status.follow_failed', { tracking: String(data.trackingNo ?? '') }), choices: shownChoices(ctx, ok) }],
      };
    }
    case EFFECTS.unfollow: {
      const { trackingNo } = input.data as { trackingNo?: string };
      const text = ctx.t('status.unfollowed', { tracking: trackingNo ?? String(data.trackingNo ?? '') });
      if (data.from === 'shown') return { node: 'shown', data: { ...data, from: undefined, following: false }, replies: [{ text, choices: shownChoices(ctx, false) }] };
      return { node: 'number', data: {}, replies: [askNumber(ctx, text)] };
    }
    case EFFECTS.following: {
      const { items } = input.data as { items: FollowedItem[] };
      return { node: 'followed', data: {}, replies: followedReplies(items, ctx) };
    }
    case EFFECTS.optOut: {
      const { optedOut } = input.data as { optedOut: boolean };
      return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t(optedOut ? 'broadcast.opted_out' : 'broadcast.opted_in') }] };
    }
    default:
      return { goto: 'menu' };
  }
}

export const statusFlow: Flow = {
  id: STATUS_FLOW_ID,
  version: 1,
  // Answers to an announcement or a notification, from anywhere ("stop" alone stays the global cancel).
  routeWords: {
    'berhenti info': { action: 'opt_out' },
    'stop info': { action: 'opt_out' },
    'mulai info': { action: 'opt_in' },
    'start info': { action: 'opt_in' },
    'berhenti ikuti': { action: 'following' },
    'stop following': { action: 'following' },
    status: undefined,
    '/status': undefined,
  },

  // "LU-261130-ABCDE" alone, as a first message or at the menu: the status of that number.
  // "stop notif", "jangan kirim lagi" (answers.stop_updates in nlu.yaml): the list of followed applications, to stop one.
  recognizes: (text, nlu) => generatedIn(text) !== undefined || answersOf(nlu).stopsUpdates(text),

  start(ctx, params) {
    if (params?.action === 'opt_out' || params?.action === 'opt_in') {
      return { node: 'optout', data: {}, replies: [], effects: [{ type: EFFECTS.optOut, optOut: params.action === 'opt_out' }] };
    }
    if (params?.action === 'following') return { node: 'followed', data: {}, replies: [], effects: [{ type: EFFECTS.following }] };
    // "stop notif": what this chat follows, each with its stop button (nothing stopped unasked).
    if (typeof params?.said === 'string' && answersOf(ctx.nlu).stopsUpdates(params.said)) return { node: 'followed', data: {}, replies: [], effects: [{ type: EFFECTS.following }] };
    // "cek status LU261130ABCDE": the number was said already, it is looked up straight away.
    const said = typeof params?.said === 'string' ? generatedTyped(params.said, ctx) : undefined;
    if (said) return said;
    return { node: 'number', data: {}, replies: [askNumber(ctx)] };
  },

  onInput(nodeName, data, input, ctx) {
    if (input.type === 'result') return onResult(input, data, ctx);

    if (input.type === 'choice') {
      if (input.id === 'st:mine') return { node: 'followed', data: {}, replies: [], effects: [{ type: EFFECTS.following }] };
      if (input.id === 'st:another') return { node: 'number', data: {}, replies: [askNumber(ctx)] };
      if (input.id === 'st:follow' && nodeName === 'shown' && typeof data.applicationId === 'number') {
        return { node: 'shown', data, replies: [], effects: [{ type: EFFECTS.follow, applicationId: data.applicationId }] };
      }
      if (input.id === 'st:unfollow' && nodeName === 'shown' && typeof data.applicationId === 'number') {
        // `from` tells the answer where the resident stood (this result, or the list of followed ones).
        return { node: 'shown', data: { ...data, from: 'shown' }, replies: [], effects: [{ type: EFFECTS.unfollow, applicationId: data.applicationId }] };
      }
      const unf = /^st:unf:(\d+)$/.exec(input.id);
      if (unf && nodeName === 'followed') return { node: 'followed', data: {}, replies: [], effects: [{ type: EFFECTS.unfollow, applicationId: Number(unf[1]) }] };
      return { unhandled: true };
    }
    if (input.type !== 'text') return { unhandled: true };

    if (nodeName === 'number') {
      const again = typeof data.lastTracking === 'string' ? checkDigits(input.text, false) : undefined;
      if (again) return { node: 'lookup', data: { tracking: data.lastTracking }, replies: [], effects: [{ type: EFFECTS.lookup, tracking: data.lastTracking, check: again }] };
      const typed = trackingTyped(input.text, ctx);
      if (typed) return typed;
      if (saysNoNumber(input.text, ctx)) return { node: 'number', data, replies: [noNumber(ctx)] };
      return { unhandled: true };
    }
    if (nodeName === 'check' && typeof data.tracking === 'string') {
      const check = checkDigits(input.text);
      // The number typed again (corrected): that one is asked about.
      const corrected = check ? undefined : generatedTyped(input.text, ctx);
      if (corrected) return corrected;
      const said = check ?? checkDigitsSaid(input.text);
      if (said) return { node: 'lookup', data: { tracking: data.tracking }, replies: [], effects: [{ type: EFFECTS.lookup, tracking: data.tracking, check: said }] };
      if (!check && saysNoCheck(input.text, ctx)) return { node: 'check', data, replies: [{ text: ctx.t('status.no_check') }, askCheck(ctx, data.tracking)] };
      // Words are maybe a new question ("cek status", "syarat kk"): the core tries them.
      if (!check && /\p{L}/u.test(input.text)) return { unhandled: true };
      if (!check) return { node: 'check', data, replies: [{ text: ctx.t('status.check_hint') }, askCheck(ctx, data.tracking)] };
      return { node: 'lookup', data: { tracking: data.tracking }, replies: [], effects: [{ type: EFFECTS.lookup, tracking: data.tracking, check }] };
    }
    // After a result, a new tracking number starts a new lookup straight away.
    if (nodeName === 'shown' || nodeName === 'followed') {
      const next = generatedTyped(input.text, ctx);
      if (next) return next;
    }
    // "ya kabari saya", "ga usah" under the result: the answer to "Mau kami kabari …?" (asked only while not following).
    if (nodeName === 'shown' && !data.following && typeof data.applicationId === 'number') {
      const answer = answersOf(ctx.nlu).followOrNot(input.text);
      if (answer === 'follow') return { node: 'shown', data, replies: [], effects: [{ type: EFFECTS.follow, applicationId: data.applicationId }] };
      if (answer === 'no') return { node: 'shown', data, replies: [{ text: ctx.t('status.follow_declined') }, { text: ctx.t('status.next_question'), choices: shownChoices(ctx, false) }] };
    }
    // "kapan jadinya", "sudah bisa diambil?" under the result: about this application, not a new lookup.
    if (nodeName === 'shown' && typeof data.applicationId === 'number' && asksAboutShown(input.text) && ctx.nlu.classify(input.text).kind === 'status') {
      return { node: 'shown', data, replies: [], effects: [{ type: EFFECTS.current, applicationId: data.applicationId }] };
    }
    return { unhandled: true };
  },

  expects(nodeName) {
    if (nodeName === 'number') return 'tracking';
    if (nodeName === 'check') return 'digits';
    return 'choice';
  },

  prompt(nodeName, data, ctx) {
    if (nodeName === 'check' && typeof data.tracking === 'string') return [askCheck(ctx, data.tracking)];
    if (nodeName === 'shown') return [{ text: ctx.t('status.next_question'), choices: shownChoices(ctx, Boolean(data.following)) }];
    return [askNumber(ctx)];
  },
};
