// "Syarat dokumen": pick a service → what it needs → an interactive checklist
// (one question per document) → what is still missing and how to get it.
import type { CategoryId, RequiredDocument, Service } from '../content/schema.js';
import type { Choice, Input, Reply } from '../core/types.js';
import { plain } from '../nlu/answers.js';
import { answersOf, normalize } from '../nlu/index.js';
import { readAnswer, type TypedAnswer } from './answers.js';
import type { Flow, FlowContext, Outcome } from './types.js';

/** y: has it, n: does not, u: not sure, na: does not apply (conditional documents only). */
type Answer = 'y' | 'n' | 'u' | 'na';
const ANSWER_OF: Record<TypedAnswer, Answer> = { yes: 'y', no: 'n', unsure: 'u', not_needed: 'na' };

interface CheckData {
  serviceId: string;
  answers: Answer[];
  /** The resident's case ("hilang"/"rusak") for services with `cases`. */
  case?: string;
  /** Answers to documents not yet asked, by index ("kk udah ada" typed at an earlier question): skipped when reached. */
  ahead?: Ahead;
}

/** Answers given before their question, by the document's index in checkable(). */
type Ahead = Record<string, Answer>;

/** Every case applies ("dua duanya", "hilang dan rusak"): the checklist asks each case's documents. */
const ALL_CASES = '*';

/**
 * The case a resident's own words name ("ktp ilang" → hilang). Words naming every case mean all
 * apply only as the answer to "hilang atau rusak?" (`all`); elsewhere "KK hilang/rusak" is the
 * service's name.
 */
function caseFromWords(service: Service, said: string | undefined, all = false): string | undefined {
  if (!said || !service.cases?.length) return undefined;
  const words = new Set(normalize(said).split(' '));
  const cases = caseWords(service);
  const hits = cases.filter((c) => c.keywords.some((kw) => kw.every((w) => words.has(w))));
  if (hits.length === 1) return hits[0]!.id;
  return all && hits.length > 1 && hits.length === cases.length ? ALL_CASES : undefined;
}

interface CaseWords {
  id: string;
  /** The case's keywords as normalised words ("kena air" → [kena, air]). */
  keywords: string[][];
}

/** A service's cases with their keywords normalised, once per service object (a content reload replaces it). */
const caseWordsCache = new WeakMap<Service, CaseWords[]>();
function caseWords(service: Service): CaseWords[] {
  let cases = caseWordsCache.get(service);
  if (!cases) {
    cases = (service.cases ?? []).map((c) => ({ id: c.id, keywords: c.keywords.map((k) => normalize(k).split(' ').filter(Boolean)).filter((kw) => kw.length > 0) }));
    caseWordsCache.set(service, cases);
  }
  return cases;
}


function docLabel(doc: RequiredDocument, ctx: FlowContext): string {
  // A copy's name says so already ("Fotokopi KK", checked in test/content.test.ts); the other kinds add what to do.
  const label = doc.kind === 'copy' ? doc.item[ctx.lang] : `${doc.item[ctx.lang]} (${ctx.t(`req.kind.${doc.kind}`)})`;
  if (!doc.condition) return label;
  // Conditions are written as sentences ("Jika KTP-el hilang."): fit them into the line.
  const condition = doc.condition[ctx.lang].trim().replace(/[.!]+$/, '');
  return `${label} — ${condition.charAt(0).toLowerCase()}${condition.slice(1)}`;
}

/**
 * A document needed only in some cases ("jika sudah menikah") that may not apply to this resident:
 * not when the case it belongs to is the resident's own (KK hilang: the police letter is needed).
 * Such a document gets the "Tidak perlu" button, a typed "tidak perlu", and a "no" listed apart.
 */
function mayNotApply(doc: RequiredDocument, caseId?: string): boolean {
  return Boolean(doc.condition) && !(caseId && doc.case);
}

/** Forms are filled in at the office: nobody needs to "have" one, so the checklist skips them. */
function checkable(service: Service, caseId?: string): RequiredDocument[] {
  return service.documents.filter((d) => d.kind !== 'form' && (!d.case || !caseId || caseId === ALL_CASES || d.case === caseId));
}

function casePrompt(service: Service, ctx: FlowContext): Reply {
  return { text: ctx.t('nlu.case_question', { service: service.short_name[ctx.lang] }), choices: (service.cases ?? []).map((c) => ({ id: `case:${c.id}`, label: c.label[ctx.lang] })) };
}


function serviceChoices(services: Service[], ctx: FlowContext): Choice[] {
  return services.map((s) => ({ id: `svc:${s.id}`, label: s.short_name[ctx.lang] }));
}

function categoryPrompt(ctx: FlowContext): Reply {
  return {
    text: ctx.t('req.pick_category'),
    choices: ctx.content.categories.map((c) => ({ id: `cat:${c.id}`, label: c.name[ctx.lang] })),
  };
}

function servicesPrompt(serviceIds: string[], ctx: FlowContext): Reply {
  const services = serviceIds.map((id) => ctx.content.servicesById.get(id)).filter((s): s is Service => Boolean(s));
  return { text: ctx.t('req.pick_service'), choices: [...serviceChoices(services, ctx), { id: 'req:back', label: ctx.t('req.other_service') }] };
}

/**
 * A service's summary per language, built once: it is the longest text the bot sends and the
 * same for everyone. Keyed by the service object, which a content reload (an officer's edit,
 * texts included) replaces, so an edit is shown at once.
 */
const summaries = new WeakMap<Service, Partial<Record<FlowContext['lang'], string>>>();

export function serviceSummary(service: Service, ctx: FlowContext): string {
  let byLang = summaries.get(service);
  if (!byLang) summaries.set(service, (byLang = {}));
  return (byLang[ctx.lang] ??= buildSummary(service, ctx));
}

function buildSummary(service: Service, ctx: FlowContext): string {
  const lines = [
    service.name[ctx.lang],
    '',
    ctx.t('req.who'),
    ...service.eligibility.map((e) => `• ${e[ctx.lang]}`),
    '',
    ctx.t('req.documents'),
    ...service.documents.map((d, i) => `${i + 1}. ${docLabel(d, ctx)}`),
    '',
    `${ctx.t('req.fee')}: ${service.fee[ctx.lang]}`,
    `${ctx.t('req.time')}: ${service.processing_time[ctx.lang]}`,
    service.online[ctx.lang],
  ];
  return lines.join('\n');
}

function detailPrompt(service: Service, ctx: FlowContext): Reply[] {
  return [
    { text: serviceSummary(service, ctx) },
    nextSteps(ctx, [
      { id: 'req:check', label: ctx.t('req.check') },
      { id: 'req:full', label: ctx.t('req.full') },
      ...(service.offers_recording_booking ? [{ id: 'm:book', label: ctx.t('req.book_recording') }] : []),
    ]),
  ];
}

/** "What next?" with the given first options, then the ways out every screen offers. */
function nextSteps(ctx: FlowContext, first: Choice[]): Reply {
  return {
    text: ctx.t('req.next'),
    choices: [...first, { id: 'req:back', label: ctx.t('req.other_service') }, { id: 'm:menu', label: ctx.t('menu.main') }],
  };
}

/** The question about `docs[index]`, `docs` being checkable(service, caseId). */
function questionPrompt(docs: RequiredDocument[], index: number, ctx: FlowContext, caseId?: string): Reply {
  const doc = docs[index]!;
  const choices: Choice[] = [
    { id: 'ck:y', label: ctx.t('req.answer_yes') },
    { id: 'ck:n', label: ctx.t('req.answer_no') },
    { id: 'ck:u', label: ctx.t('req.answer_unsure') },
  ];
  if (mayNotApply(doc, caseId)) choices.push({ id: 'ck:na', label: ctx.t('req.answer_na') });
  // With the case known, its documents' conditions ("Jika KK hilang") go without saying.
  const caseKnown = Boolean(caseId && doc.case);
  return {
    text: ctx.t('req.question', { n: index + 1, total: docs.length, item: caseKnown ? doc.item[ctx.lang] : docLabel(doc, ctx) }),
    choices,
  };
}

/** What is still missing, `docs` being checkable(service, caseId) and `answers` the answers to them. */
function resultReplies(service: Service, docs: RequiredDocument[], answers: Answer[], ctx: FlowContext, caseId?: string): Reply[] {
  // A "no" to a document needed only in some cases ("jika sudah menikah") may just mean it does
  // not apply: it is listed apart, with its condition, never as missing.
  const missing = docs.filter((d, i) => answers[i] === 'n' && !mayNotApply(d, caseId));
  const ifApplies = docs.filter((d, i) => answers[i] === 'n' && mayNotApply(d, caseId));
  const unsure = docs.filter((_, i) => answers[i] === 'u');
  const forms = service.documents.filter((d) => d.kind === 'form');
  const lines: string[] = [];
  // A missing photocopy is made from the original; replacing the document is only for a lost or damaged one.
  const howTo = (d: RequiredDocument) => (d.kind === 'copy' ? `${ctx.t('nlu.copy_only')} ${d.how_to_get[ctx.lang]}` : d.how_to_get[ctx.lang]);
  if (missing.length === 0 && unsure.length === 0) lines.push(ctx.t(ifApplies.length ? 'req.complete_if_applies' : 'req.complete', { service: service.short_name[ctx.lang] }));
  if (missing.length) {
    lines.push(ctx.t('req.missing'));
    for (const d of missing) lines.push(`• ${d.item[ctx.lang]}: ${howTo(d)}`);
  }
  if (ifApplies.length) {
    if (lines.length) lines.push('');
    lines.push(ctx.t('req.if_applies'));
    for (const d of ifApplies) lines.push(`• ${docLabel(d, ctx)}: ${howTo(d)}`);
  }
  if (unsure.length) {
    if (lines.length) lines.push('');
    lines.push(ctx.t('req.unsure'));
    // A copy handed in with its original shown: the original is what to make sure of.
    for (const d of unsure) lines.push(`• ${d.item[ctx.lang]}: ${d.kind === 'show_original' ? `${ctx.t('nlu.show_original_too')} ` : ''}${howTo(d)}`);
  }
  if (forms.length) {
    lines.push('');
    lines.push(ctx.t('req.forms_at_office', { forms: forms.map((f) => f.item[ctx.lang]).join(', ') }));
  }
  return [
    { text: lines.join('\n') },
    nextSteps(ctx, [
      { id: 'req:full', label: ctx.t('req.full') },
      { id: 'req:check', label: ctx.t('req.check_again') },
      ...(service.offers_recording_booking ? [{ id: 'm:book', label: ctx.t('req.book_recording') }] : []),
    ]),
  ];
}

/**
 * "terus?", "lalu gimana", "habis itu?", "langkah selanjutnya apa" (as plain text): what to do
 * after reading a service's summary or its checklist's result.
 */
const THEN_WHAT =
  /^(?:(?:(?:lalu|terus|trus|trs|habis itu|abis itu|habis ini|abis ini|setelah itu|sesudah itu|setelahnya|kemudian|selanjutnya|next|then|and then|what next|now what|what now|whats next)(?: (?:gimana|bagaimana|gmn|gmna|gimna|apa|apa lagi|ngapain|harus|harus apa|saya|aku|sy|nya|caranya|langkahnya|what|do i do|should i do|ya|kak|kk|ka|min|dong|nih|sih|pak|bu))*)|(?:(?:langkah|step|tahap)(?:nya)? (?:selanjutnya|berikutnya|berikut|next|after that)(?: (?:apa|gimana|bagaimana|ya|kak|kk|min|dong))*))$/;

/**
 * The next step after a service's summary (`docs` undefined) or its checklist's result: get the
 * documents ready (or what is still missing), then bring them to the office or apply online. A
 * service that offers the recording booking is recorded in person (no online way), and an
 * urgent need can book.
 */
function nextStepReply(service: Service, ctx: FlowContext, caseId?: string, docs?: RequiredDocument[], answers?: Answer[]): Reply {
  const o = ctx.content.office;
  const open = docs && answers ? docs.some((d, i) => answers[i] === 'u' || (answers[i] === 'n' && !mayNotApply(d, caseId))) : undefined;
  const first = open === undefined ? 'req.then.prepare' : open ? 'req.then.complete_missing' : undefined;
  const recorded = service.offers_recording_booking;
  const bring = ctx.t(recorded ? 'req.then.come_in_person' : service.documents.some((d) => d.kind === 'form') ? 'req.then.bring_forms' : 'req.then.bring', { office: o.name, address: o.address[ctx.lang], hours: o.hours[ctx.lang] });
  const lines = [ctx.t('req.then.intro'), ...(first ? [`1. ${ctx.t(first)}`, `2. ${bring}`] : [bring])];
  lines.push(recorded ? ctx.t('req.then.booking') : service.online[ctx.lang]);
  return { text: lines.join('\n') };
}

/** Days in one of each unit of an age typed ("3 tahun", "8 bulan", "2 minggu", "40 hari"). */
const AGE_UNITS: Array<[RegExp, number]> = [
  [/^(?:tahun|thn|th|taun|thun|years?|yrs?|yo)$/, 365],
  [/^(?:bulan|bln|bl|months?)$/, 30],
  [/^(?:minggu|mgg|weeks?)$/, 7],
  [/^(?:hari|hr|days?)$/, 1],
];

/**
 * The age a message says ("anak saya umur 3 tahun", "anaknya 7 tahun", "baru 8 bulan", "usia 10",
 * "setahun"), in days, with the words that said it; undefined when it says none. A bare number
 * counts only after "umur" / "usia" (it could be a list choice).
 */
function ageIn(text: string): { days: number; said: string } | undefined {
  const words = plain(text).split(' ');
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const one = /^se(tahun|bulan|minggu|hari)$/.exec(w);
    if (one) return { days: AGE_UNITS.find(([re]) => re.test(one[1]!))![1], said: w };
    if (!/^\d{1,3}$/.test(w)) continue;
    const unit = AGE_UNITS.find(([re]) => re.test(words[i + 1] ?? ''));
    if (unit) return { days: Number(w) * unit[1], said: `${w} ${words[i + 1]}` };
    if (/^(?:umur|umurnya|usia|usianya|age|aged)$/.test(words[i - 1] ?? '') && Number(w) < 100) return { days: Number(w) * 365, said: w };
  }
  return undefined;
}

/**
 * An age past every one of `services` ("kia anak umur 17"): the service that age needs instead
 * (`ages.then`: the KTP-el), shown with a line saying why.
 */
function pastAges(services: Service[], age: { days: number; said: string }, ctx: FlowContext): Outcome | undefined {
  const aged = services.filter((s) => s.ages);
  const years = age.days / 365;
  const oldest = aged.find((s) => s.ages!.then && aged.every((o) => o.ages!.below <= s.ages!.below));
  const then = oldest && years >= oldest.ages!.below ? ctx.content.servicesById.get(oldest.ages!.then!) : undefined;
  if (!then) return undefined;
  const shown = detail(then, ctx);
  const why = { text: ctx.t('req.age_past', { age: age.said, service: oldest!.short_name[ctx.lang], then: then.short_name[ctx.lang] }) };
  return 'node' in shown ? { ...shown, replies: [why, ...shown.replies] } : shown;
}

/** Of `services`, the one whose ages hold `days` (KIA under 5, KIA 5–17). */
function serviceForAge(services: Service[], days: number): Service | undefined {
  const years = days / 365;
  const fit = services.filter((s) => s.ages && years >= s.ages.from && years < s.ages.below);
  return fit.length === 1 ? fit[0] : undefined;
}

/** The options under the screen `node` shows ("Selanjutnya?" at a summary or result), shown again after a side answer. */
function optionsAgain(node: string, data: Record<string, unknown>, ctx: FlowContext): Reply[] {
  return requirementsFlow.prompt(node, data, ctx).slice(-1);
}

/**
 * An age typed at a service's summary or result: for a service parted by age, whether it fits
 * (else the summary of the one of its category that does); for one with a deadline (akta
 * kelahiran: 60 days), whether the report is late and what that means. Then the same options.
 */
function ageReply(service: Service, node: string, data: Record<string, unknown>, text: string, ctx: FlowContext): Outcome | undefined {
  const age = ageIn(text);
  if (!age) return undefined;
  if (service.ages) {
    const fits = serviceForAge([service], age.days);
    if (fits) return { node, data, replies: [{ text: ctx.t('req.age_fits', { age: age.said, service: service.short_name[ctx.lang] }) }, ...optionsAgain(node, data, ctx)] };
    const inCategory = ctx.content.services.filter((s) => s.category === service.category);
    const other = serviceForAge(inCategory, age.days);
    if (!other) return pastAges(inCategory, age, ctx);
    const shown = detail(other, ctx);
    return 'node' in shown ? { ...shown, replies: [{ text: ctx.t('req.age_other', { age: age.said, service: other.short_name[ctx.lang] }) }, ...shown.replies] } : shown;
  }
  const deadline = service.report_deadline;
  if (!deadline) return undefined;
  // A month is 28 to 31 days: "2 bulan" is about the 60 days, not surely before or after them.
  const [low, high] = /bulan|bln|bl|month/.test(age.said) ? [(age.days / 30) * 28, (age.days / 30) * 31] : [age.days, age.days];
  const key = high <= deadline.days ? 'req.deadline.within' : low > deadline.days ? 'req.deadline.late' : 'req.deadline.around';
  const line = ctx.t(key, { age: age.said, days: deadline.days });
  return { node, data, replies: [{ text: key === 'req.deadline.within' ? line : `${line}\n${deadline.late[ctx.lang]}` }, ...optionsAgain(node, data, ctx)] };
}

/** Everything in one message, to save or forward to family. */
function fullList(service: Service, ctx: FlowContext): Reply {
  const o = ctx.content.office;
  return {
    text: [
      serviceSummary(service, ctx),
      '',
      ctx.t('info.address_line', { address: `${o.name}, ${o.address[ctx.lang]}` }),
      ctx.t('info.hours_line', { hours: o.hours[ctx.lang] }),
      '',
      ctx.t('req.forward_hint'),
    ].join('\n'),
  };
}

/** The service's summary; `ahead` keeps answers given before their turn for the checklist started from it. */
function detail(service: Service, ctx: FlowContext, caseId?: string, ahead: Ahead = {}) {
  const kept = Object.keys(ahead).length ? { ahead } : {};
  return { node: 'detail', data: { serviceId: service.id, ...(caseId ? { case: caseId } : {}), ...kept }, replies: detailPrompt(service, ctx) } satisfies Outcome;
}

function askQuestion(service: Service, docs: RequiredDocument[], given: Answer[], ctx: FlowContext, caseId?: string, ahead: Ahead = {}, before: Reply[] = []): Outcome {
  const c = caseId ? { case: caseId } : {};
  // Documents answered before their turn ("kk udah ada" at an earlier question) are not asked again.
  const answers = [...given];
  const rest = { ...ahead };
  while (answers.length < docs.length && rest[answers.length] !== undefined) {
    answers.push(rest[answers.length]!);
    delete rest[answers.length - 1];
  }
  if (answers.length >= docs.length) {
    return { node: 'result', data: { serviceId: service.id, answers, ...c }, replies: [...before, ...resultReplies(service, docs, answers, ctx, caseId)] };
  }
  const later = Object.keys(rest).length ? { ahead: rest } : {};
  return { node: 'check', data: { serviceId: service.id, answers, ...c, ...later } satisfies CheckData, replies: [...before, questionPrompt(docs, answers.length, ctx, caseId)] };
}

function startChecklist(service: Service, ctx: FlowContext, caseId?: string, ahead: Ahead = {}): Outcome {
  // Lost or damaged? Asked first unless the resident already said it ("ktp ilang").
  if (service.cases?.length && !caseId) return { node: 'case', data: { serviceId: service.id, answers: [] }, replies: [casePrompt(service, ctx)] };
  const c = caseId ? { case: caseId } : {};
  const docs = checkable(service, caseId);
  if (docs.length === 0) return { node: 'result', data: { serviceId: service.id, answers: [], ...c }, replies: resultReplies(service, docs, [], ctx, caseId) };
  if (Object.keys(ahead).length) return askQuestion(service, docs, [], ctx, caseId, ahead, [{ text: ctx.t('req.check_intro') }]);
  return { node: 'check', data: { serviceId: service.id, answers: [], ...c }, replies: [{ text: ctx.t('req.check_intro') }, questionPrompt(docs, 0, ctx, caseId)] };
}

/**
 * Words that may name the document asked about without changing the answer ("ktp nya ada",
 * "fotokopi kk udah"): a copy or an original, and whose it is. The document's own words come
 * from its label in flows/services (see itemWords).
 */
const COPY_WORDS = ['fotokopi', 'fotocopy', 'fotokopian', 'fotocopyan', 'fc', 'copy', 'kopi', 'salinan', 'photocopy'];
const ORIGINAL_WORDS = ['asli', 'aslinya', 'original'];
// As sets, for the lookups made on every word of a checklist answer.
const COPY_SET = new Set(COPY_WORDS);
const ORIGINAL_SET = new Set(ORIGINAL_WORDS);
const OTHER_WORDS = [
  'dokumen', 'berkas', 'kartu', 'surat', 'nya', 'saya', 'sy', 'aku', 'ku', 'kami', 'yang', 'yg', 'my', 'the', 'a', 'an', 'of',
  // Whose it is ("akta kelahiran bayi", "surat kematian almarhum").
  'bayi', 'bayinya', 'anak', 'anaknya', 'almarhum', 'almarhumah', 'alm', 'ayah', 'bapak', 'ibu', 'suami', 'istri', 'ortu', 'orang', 'tua', 'mertua', 'kakek', 'nenek',
  // Both of them ("fotokopi sama aslinya ada", "dua duanya ada").
  'sama', 'dan', 'dengan', 'serta', 'and', 'both', 'keduanya', 'duanya', 'dua',
];
/**
 * "besok", "nanti", "lagi diurus", "masih proses", "besok baru ada": not there yet (a no; the
 * result says how to get it). Plain words, after the document's own are dropped.
 */
const NOT_YET = /^(?:(?:baru|masih|lagi|sedang|lg|mau|akan|nanti|besok) )*(?:besok|lusa|nanti|ntar|entar|menyusul|nyusul|otw|diurus|ngurus|proses|diproses|dalam proses|dibuat|dibikin|dicetak|minggu depan|bulan depan|tomorrow|later|in progress)(?: (?:aja|saja|ya|kak|min|dong|deh|sih|lagi|baru|diurus|dibuat|ada|punya|jadi|selesai))*$/;

/** "fotokopi aja", "cuma fotokopi", "fotokopian doang": a copy is all there is. */
const ONLY_WORDS = new Set(['aja', 'saja', 'doang', 'cuma', 'cuman', 'hanya', 'only', 'just']);
/** Label words too common to say the resident is talking about this document. */
const WEAK_LABEL_WORDS = new Set(['atau', 'dan', 'yang', 'dari', 'di', 'ke', 'untuk', 'or', 'and', 'the', 'of', 'a', 'an', 'for', 'from', 'el', 'e']);
/** "ada, tapi patah": the document is there but may not do; such an answer is "to make sure". */
const BUT_WORDS = new Set(['tapi', 'tetapi', 'tp', 'namun', 'cuma', 'cuman', 'hanya', 'sayangnya', 'but', 'only']);

/** A message's words as plain() reads them, a slash parting words too ("desa/lurah"). */
const plainWords = (text: string): string[] => plain(text).split(/[ /]+/).filter(Boolean);

interface ItemWords {
  /** Words that may be dropped before reading the answer. */
  drop: Set<string>;
  /** Words that say the message is about this document ("fotokopi", "kk" for "Fotokopi KK"). */
  naming: Set<string>;
  /** Copy words, for a document whose original is asked for: "fotokopinya ada" is then not a yes. */
  copy: Set<string>;
}

/** Documents for which a photocopy is what is handed in (show_original: the copy, with the original shown). */
const COPY_KINDS = new Set<RequiredDocument['kind']>(['copy', 'show_original']);

/** Per document object: a content reload replaces it, so an edited label is read at once. */
const itemWordsCache = new WeakMap<RequiredDocument, ItemWords>();

function itemWords(doc: RequiredDocument, ctx: FlowContext): ItemWords {
  let words = itemWordsCache.get(doc);
  if (words) return words;
  const label = `${doc.item.id} ${doc.item.en}`;
  // The label as written and as the NLU reads it ("KTP-el" → ktp, "Kartu Keluarga" → kk).
  const own = new Set([...plainWords(label), ...normalize(label).split(' ')].filter(Boolean));
  // A word that is itself an answer ("ada", "no") is never dropped.
  const notAnswer = (w: string) => readAnswer(w, ctx.nlu) === undefined;
  const naming = new Set([...own].filter((w) => !WEAK_LABEL_WORDS.has(w) && notAnswer(w)));
  if (own.has('fotokopi')) COPY_WORDS.forEach((w) => naming.add(w));
  const drop = new Set([...own, ...COPY_WORDS, ...ORIGINAL_WORDS, ...OTHER_WORDS].filter(notAnswer));
  // A copy handed in with the original shown: "cuma fotokopi" is not enough either (the original is to be made sure of).
  const copy = new Set(doc.kind === 'show_original' ? COPY_WORDS : COPY_KINDS.has(doc.kind) ? [] : COPY_WORDS.filter((w) => !own.has(w)));
  words = { drop, naming, copy };
  itemWordsCache.set(doc, words);
  return words;
}

/**
 * Is `word` (or its stem: "ktpnya", "difotokopi") one of `set`? normalize() strips -nya/-ku only
 * off words of its lexicon ("ktpnya" → ktp, not "fotokopinya") and keeps di-: the stems are cut
 * here against the document's own words.
 */
function inSet(word: string, set: Set<string>): boolean {
  if (set.has(word)) return true;
  const stems = [word.replace(/(nya|ku)$/, ''), word.replace(/^di/, ''), word.replace(/^di/, '').replace(/(nya|ku)$/, '')];
  if (stems.some((s) => s.length >= 2 && s !== word && set.has(s))) return true;
  const n = normalize(word).split(' ').filter(Boolean);
  return n.length > 0 && n.every((w) => set.has(w));
}

/**
 * "surat kematian dari rs ada", "dari rumah sakit udah": who issued it says nothing of having it.
 * "dari" and the words after it, up to an answer or a filler, are set aside.
 */
function withoutSource(words: string[], ctx: FlowContext): string[] {
  const out: string[] = [];
  const stops = (w: string) => readAnswer(w, ctx.nlu) !== undefined || answersOf(ctx.nlu).fillers.has(w);
  for (let i = 0; i < words.length; i++) {
    if (words[i] !== 'dari' && words[i] !== 'from') out.push(words[i]!);
    else while (i + 1 < words.length && !stops(words[i + 1]!)) i++;
  }
  return out;
}

/**
 * A document that is one of several ("Fotokopi surat keterangan lahir atau akta kelahiran",
 * "buku nikah / akta perkawinan"): each alternative names a document. Not one document from
 * one of several issuers ("surat kematian dari dokter atau kepala desa/lurah") nor of two
 * people ("KTP-el ayah dan ibu (atau wali)").
 */
const eitherOrCache = new WeakMap<RequiredDocument, boolean>();
function isEitherOr(doc: RequiredDocument): boolean {
  let either = eitherOrCache.get(doc);
  if (either === undefined) {
    const alternatives = doc.item.id.split(/\s+atau\s+|\s*\/\s*/i);
    either = alternatives.length > 1 && alternatives.every((a) => namesIn(a, 1).length > 0);
    eitherOrCache.set(doc, either);
  }
  return either;
}

/** Where a message about several things parts ("…belum, surat lahir ada", "ada tapi akta belum"). */
const CLAUSE_BREAK = /\s*[,;]\s*|\s+(?:tapi|tetapi|tp|namun|sedangkan|sementara|kalau|kalo|klo|but)\s+/i;

/**
 * "akta kelahiran bayi belum, surat lahir ada" at "surat keterangan lahir atau akta kelahiran":
 * each part names one of the alternatives with its own answer; one there is enough (else not
 * sure, else none). Undefined unless two parts name the document and answer differently.
 */
function eitherOrAnswer(text: string, doc: RequiredDocument, ctx: FlowContext): Answer | undefined {
  if (!isEitherOr(doc)) return undefined;
  const parts = text.split(CLAUSE_BREAK).filter((p) => p.trim());
  if (parts.length < 2) return undefined;
  const read = parts.map((p) => readCheckText(p, doc, ctx));
  if (read.some((r) => !r.namesItem || !r.answer)) return undefined;
  const answers = new Set(read.map((r) => r.answer!));
  if (answers.size < 2) return undefined;
  return answers.has('y') ? 'y' : answers.has('u') ? 'u' : 'n';
}

/** A typed reply to a checklist question: the answer, or whether it names the document asked about. */
function readCheckText(text: string, doc: RequiredDocument | undefined, ctx: FlowContext): { answer?: Answer; namesItem: boolean } {
  const words = withoutSource(plainWords(text), ctx);
  const item = doc ? itemWords(doc, ctx) : { drop: new Set<string>(), naming: new Set<string>(), copy: new Set<string>() };
  // "fotokopinya ada" at an original: the copy is there, the original may not be ("aslinya juga ada" is a yes).
  const onlyCopy = words.some((w) => inSet(w, item.copy)) && !words.some((w) => ORIGINAL_SET.has(w));
  const answer = (a: TypedAnswer): Answer => (onlyCopy && (a === 'yes' || a === 'no') ? 'u' : ANSWER_OF[a]);
  const whole = readAnswer(text, ctx.nlu);
  if (whole) return { answer: answer(whole), namesItem: false };
  const namesItem = words.some((w) => inSet(w, item.naming));
  const either = doc ? eitherOrAnswer(text, doc, ctx) : undefined;
  if (either) return { answer: either, namesItem };
  const rest = words.filter((w) => !inSet(w, item.drop));
  const read = (ws: string[]) => (ws.length ? readAnswer(ws.join(' '), ctx.nlu) : undefined);
  const stripped = rest.length < words.length ? read(rest) : undefined;
  if (stripped) return { answer: answer(stripped), namesItem };
  if (rest.length && NOT_YET.test(rest.join(' '))) return { answer: 'n', namesItem };
  // "fotokopi aja": there is a copy (a yes at a copy, to make sure of at an original).
  if (rest.length && rest.every((w) => ONLY_WORDS.has(w)) && words.some((w) => inSet(w, COPY_SET))) return { answer: answer('yes'), namesItem };
  // "ktp nya rusak", "kk nya basah": the document named, and only that it is lost or damaged.
  if (rest.length && rest.length < words.length && onlyLossWords(rest, ctx)) return { answer: 'n', namesItem };
  // "ada tapi patah", "udah tapi sudah lama": there, but to be made sure of.
  const but = rest.findIndex((w) => BUT_WORDS.has(w));
  if (but > 0 && but < rest.length - 1 && read(rest.slice(0, but)) === 'yes') return { answer: 'u', namesItem };
  return { namesItem };
}

/** Do `words` hold a loss or damage word (the services' case keywords: "hilang", "kena air")? */
function hasLossWord(words: string[], ctx: FlowContext): boolean {
  const said = normalize(words.join(' ')).split(' ');
  return ctx.content.services.some((s) => lossKeywords(s).some((kw) => said.some((_, i) => kw.every((w, j) => said[i + j] === w))));
}

/** Are `words` nothing but loss or damage words (the services' case keywords: "rusak", "kena air")? */
function onlyLossWords(words: string[], ctx: FlowContext): boolean {
  const said = normalize(words.join(' ')).split(' ').filter(Boolean);
  const keywords = ctx.content.services.flatMap((s) => lossKeywords(s));
  let i = 0;
  while (i < said.length) {
    const kw = keywords.find((k) => k.every((w, j) => said[i + j] === w));
    if (!kw) return false;
    i += kw.length;
  }
  return said.length > 0;
}

/** Not yet there (plain words): "belum", "ga ada", "kurang". */
const NOT_THERE = '(?:belum|blm|blom|belom|ga ada|gak ada|gk ada|nggak ada|tidak ada|tdk ada|kurang)(?: ada| punya)?';
const ONLY = '(?:cuma|cuman|hanya|tinggal|tgl)';
/** "yang belum cuma kk", "tinggal buku nikah yang belum", "kurang kk doang": only these are missing. */
const ONLY_MISSING = [
  new RegExp(`^(?:yang |yg )?${NOT_THERE} ${ONLY} (.+)$`),
  new RegExp(`^${ONLY} (.+?) (?:yang |yg )?${NOT_THERE}$`),
  new RegExp(`^kurang (.+?) (?:doang|aja|saja)$`),
];

/** What is said to be missing of all the documents left ("semua ada kecuali …", "yang belum cuma …"), as plain text. */
function exceptPart(text: string, ctx: FlowContext): string | undefined {
  const p = plain(text);
  for (const re of ONLY_MISSING) {
    const m = re.exec(p);
    if (m) return m[1];
  }
  const m = /^(.*?)\b(?:kecuali|selain|except|but not)\b(.+)$/i.exec(text);
  if (!m || !/\b(semua|semuanya|all)\b/i.test(m[1]!) || readAnswer(m[1]!.replace(/\b(semua|semuanya|all)\b/gi, ' ').trim() || 'ada', ctx.nlu) !== 'yes') return undefined;
  return m[2];
}

/**
 * "semua ada kecuali kk sama buku nikah", "ada semua selain akta", "yang belum cuma kk": yes to
 * each document left, no to each one named; undefined when it names none of them.
 */
function allExcept(text: string, left: RequiredDocument[], ctx: FlowContext): Answer[] | undefined {
  const part = exceptPart(text, ctx);
  if (!part) return undefined;
  // Each document named ("kk sama buku nikah": both), by the names residents use.
  const names = namesIn(part).map((n) => n.key);
  const byName = left.map((doc) => names.some((key) => docNames(doc).has(key)));
  if (byName.some(Boolean)) return byName.map((no): Answer => (no ? 'n' : 'y'));
  // Else the documents whose label words it names best ("fotokopi kk" is the KK copy, not every copy).
  const named = plainWords(part).filter((w) => !WEAK_LABEL_WORDS.has(w));
  const scores = left.map((doc) => named.filter((w) => inSet(w, itemWords(doc, ctx).naming)).length);
  const best = Math.max(0, ...scores);
  if (best === 0) return undefined;
  return scores.map((score): Answer => (score === best ? 'n' : 'y'));
}

/**
 * How residents name documents ("kk", "akte lahir", "surat pindah"), to read an answer about a
 * document other than the one asked ("kk udah ada" at the RT/RW letter). A checklist document
 * answers to the names found in its label; a name no document of the checklist has is not
 * needed for the service. Each key has its display name in flows/texts (`req.doc.<key>`).
 * Bare "akta" is left out (which one?); "foto" just before another name is a photo of it ("foto kk").
 */
const DOCUMENT_NAMES: Record<string, string[]> = {
  kk: ['kk', 'kartu keluarga'],
  ktp: ['ktp', 'e-ktp', 'ktp-el', 'kartu tanda penduduk'],
  kia: ['kia', 'kartu identitas anak'],
  akta_lahir: ['akta kelahiran', 'akta lahir', 'akte lahir'],
  surat_lahir: ['surat keterangan lahir', 'surat keterangan kelahiran', 'surat lahir', 'surat kelahiran', 'keterangan lahir', 'suket lahir', 'sk lahir'],
  nikah: ['buku nikah', 'akta nikah', 'akta perkawinan', 'surat nikah', 'kutipan akta nikah'],
  pemberkatan: ['surat pemberkatan', 'pemberkatan'],
  kematian: ['akta kematian', 'surat kematian', 'surat keterangan kematian'],
  cerai: ['akta cerai', 'akta perceraian', 'surat cerai'],
  pengadilan: ['putusan pengadilan', 'penetapan pengadilan', 'surat pengadilan', 'putusan', 'penetapan'],
  pindah: ['surat pindah', 'skpwni', 'surat keterangan pindah'],
  polisi: ['surat kehilangan', 'surat keterangan kehilangan', 'keterangan kehilangan', 'surat polisi', 'surat dari polisi', 'laporan polisi', 'surat laporan kehilangan'],
  pengantar: ['surat pengantar', 'pengantar rt', 'pengantar'],
  foto: ['pas foto', 'pasfoto', 'foto berwarna', 'foto'],
  ijazah: ['ijazah'],
  pernyataan: ['surat pernyataan', 'surat tidak keberatan'],
  berita_acara: ['berita acara'],
};

/** The document names read (each needs its `req.doc.<key>` text: test/content.test.ts). */
export const documentNameKeys = (): string[] => Object.keys(DOCUMENT_NAMES);

/** The names as normalised words, longest first (so "surat keterangan lahir" wins over "surat lahir"). */
let documentPhrases: Array<{ key: string; words: string[] }> | undefined;
function phrases(): Array<{ key: string; words: string[] }> {
  documentPhrases ??= Object.entries(DOCUMENT_NAMES)
    .flatMap(([key, names]) => names.map((n) => ({ key, words: normalize(n).split(' ').filter(Boolean) })))
    .filter((p) => p.words.length > 0)
    .sort((a, b) => b.words.length - a.words.length);
  return documentPhrases;
}

/** Does `phrase` occur in `words` from `at`, with at most `gap` other words between its words? Returns the end. */
function phraseAt(words: string[], at: number, phrase: string[], gap: number): number | undefined {
  if (words[at] !== phrase[0]) return undefined;
  let i = at;
  for (const w of phrase.slice(1)) {
    const next = words.slice(i + 1, i + 2 + gap).indexOf(w);
    if (next < 0) return undefined;
    i += next + 1;
  }
  return i + 1;
}

/** The document names in `text`: "Surat keterangan kehilangan dari polisi" has polisi (a label may put a word between). */
function namesIn(text: string, gap = 0): Array<{ key: string; start: number; end: number }> {
  const words = normalize(text).split(' ');
  const found: Array<{ key: string; start: number; end: number }> = [];
  for (let i = 0; i < words.length; ) {
    let hit: { key: string; start: number; end: number } | undefined;
    for (const p of phrases()) {
      const end = phraseAt(words, i, p.words, 0) ?? (gap ? phraseAt(words, i, p.words, gap) : undefined);
      if (end !== undefined) {
        hit = { key: p.key, start: i, end };
        break;
      }
    }
    if (hit) found.push(hit);
    i = hit ? hit.end : i + 1;
  }
  return found.filter((n, j) => !(n.key === 'foto' && found[j + 1]?.start === n.end));
}

/** Words that join or end a part about one document ("kk ada tapi ktp belum"), not part of its answer. */
const JOINING_WORDS = new Set(['tapi', 'tetapi', 'tp', 'namun', 'dan', 'sama', 'ama', 'serta', 'terus', 'trus', 'lalu', 'kalau', 'kalo', 'klo', 'sedangkan', 'sementara', 'yang', 'yg', 'and', 'but', 'while']);
function trimJoins(words: string[]): string[] {
  let a = 0;
  let b = words.length;
  while (a < b && JOINING_WORDS.has(words[a]!)) a++;
  while (b > a && JOINING_WORDS.has(words[b - 1]!)) b--;
  return words.slice(a, b);
}

/** First words of names too common to say an example list names the document ("surat", "kartu"). */
const GENERIC_NAME_WORDS = new Set(['surat', 'kartu', 'keterangan', 'sk', 'laporan', 'pas', 'foto', 'berita']);

/** A document named only in general ("Dokumen asli yang akan dilegalisir", "Fotokopi dokumen peristiwa"). */
const isGeneral = (doc: RequiredDocument): boolean => plainWords(doc.item.id).includes('dokumen');

/**
 * The names a checklist document answers to, from its label in both languages; once per
 * document object. A document named in general answers to the examples its condition gives
 * ("bila ada, misalnya surat lahir, akta, buku nikah": a bare "akta" stands for every akta).
 */
const docNamesCache = new WeakMap<RequiredDocument, Set<string>>();
function docNames(doc: RequiredDocument): Set<string> {
  let names = docNamesCache.get(doc);
  if (!names) {
    names = new Set([...namesIn(doc.item.id, 1), ...namesIn(doc.item.en, 1)].map((n) => n.key));
    if (isGeneral(doc) && doc.condition) {
      namesIn(doc.condition.id, 1).forEach((n) => names!.add(n.key));
      const words = new Set(normalize(doc.condition.id).split(' '));
      for (const p of phrases()) if (words.has(p.words[0]!) && !GENERIC_NAME_WORDS.has(p.words[0]!)) names.add(p.key);
    }
    docNamesCache.set(doc, names);
  }
  return names;
}

/** Is the document named what this service makes ("ktp" for KTP-el baru, "surat pindah" for the SKPWNI)? */
function makesIt(service: Service, key: string): boolean {
  const own = ownWords(service);
  return phrases().some((p) => p.key === key && p.words.every((w) => own.has(w)));
}

/** "A, B dan C". */
function listOf(items: string[], ctx: FlowContext): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${ctx.t('req.and')} ${items.at(-1)}`;
}

interface OtherDocuments {
  /** The answer to the document asked now, when the message gives one too ("udah, tapi kk belum"). */
  current?: Answer;
  /** Answers to other documents of this checklist, by index. */
  others: Map<number, Answer>;
  /** Names of documents this checklist does not ask for ("ktp" for a move out): said so, never ticked. */
  notNeeded: string[];
}

/**
 * A message at a checklist question that talks about other documents ("kk udah ada tp ktp blm"):
 * what is said of each document named, and the answer to the question asked when it is given
 * apart ("udah, kk juga ada"). Undefined when it names no document or only the one asked about:
 * the usual reading applies.
 */
function readOtherDocuments(text: string, docs: RequiredDocument[], index: number, ctx: FlowContext, caseId?: string): OtherDocuments | undefined {
  const words = normalize(text).split(' ').filter(Boolean);
  let found = namesIn(text);
  // "udah ada kk": a last "kk" after an answer is chat for "kak", not the family card.
  const last = found.at(-1);
  if (last?.key === 'kk' && last.end === words.length && last.end - last.start === 1 && last.start > 0) {
    const before = words[last.start - 1]!;
    if (readAnswer(before, ctx.nlu) !== undefined || answersOf(ctx.nlu).fillers.has(before)) found = found.slice(0, -1);
  }
  if (found.length === 0) return undefined;
  // A question about fees, a booking, hours… naming a document is not about having it.
  if (!ITEM_QUESTION_INTENTS.has(ctx.nlu.classify(text).kind)) return undefined;
  const current = docs[index];
  // Which document each name points at: the one asked about, else one of this checklist (one
  // still to ask first), else one named in general with no examples ("Dokumen asli yang akan
  // dilegalisir": any document); none of them: the name itself, not needed here.
  const general = docs.flatMap((d, i) => (isGeneral(d) && !d.condition ? [i] : []));
  const targets = found.map((n): number | string => {
    const named = docs.flatMap((d, i) => (docNames(d).has(n.key) ? [i] : []));
    // "fotokopi akta nya ada" at the certified copy: the photocopy of the document, not the original.
    const copy = [n.start - 1, n.end].some((w) => COPY_SET.has(words[w] ?? ''));
    const matching = named.length ? named : general.filter((i) => COPY_KINDS.has(docs[i]!.kind) === copy);
    if (matching.includes(index)) return index;
    return matching.find((i) => i > index) ?? matching[0] ?? n.key;
  });
  if (targets.every((t) => t === index)) return undefined;
  // What is said of a name runs to the next name, a copy word just before it included ("fotokopi kk ada").
  const starts = found.map((n) => {
    let s = n.start;
    while (s > 0 && (COPY_SET.has(words[s - 1]!) || ORIGINAL_SET.has(words[s - 1]!))) s--;
    return s;
  });
  const docAt = (i: number) => (typeof targets[i] === 'number' ? docs[targets[i] as number] : current);
  const read = (ws: string[], doc: RequiredDocument | undefined) => (ws.length && doc ? readCheckText(ws.join(' '), doc, ctx).answer : undefined);
  const parts = found.map((n, i) => trimJoins([...words.slice(starts[i]!, n.start), ...words.slice(n.end, starts[i + 1] ?? words.length)]));
  const said = parts.map((ws, i) => read(ws, docAt(i)));
  // A name with nothing said of it takes what is said of the next ("kk sama ktp udah ada").
  const bare = parts.map((ws) => ws.every((w) => COPY_SET.has(w) || ORIGINAL_SET.has(w)));
  for (let i = said.length - 2; i >= 0; i--) if (said[i] === undefined && bare[i]) said[i] = said[i + 1];
  let currentAnswer = read(trimJoins(words.slice(0, starts[0])), current);
  // "udah ada kk sama ktp": an answer before names with nothing said of them is theirs.
  if (currentAnswer && said.every((a, i) => a === undefined && bare[i])) {
    said.fill(currentAnswer);
    currentAnswer = undefined;
  }
  const others = new Map<number, Answer>();
  const notNeeded: string[] = [];
  targets.forEach((t, i) => {
    const answer = said[i];
    if (typeof t === 'string') {
      // Only a name said to be there or not ("ktp blm"), not one asked about ("syarat akta
      // kelahiran apa") or said lost ("ktp hilang"): those are new requests, asked before leaving.
      if (answer && !hasLossWord(parts[i]!, ctx) && !notNeeded.includes(t)) notNeeded.push(t);
    } else if (answer && !(answer === 'na' && !mayNotApply(docs[t]!, caseId))) {
      if (t === index) currentAnswer ??= answer;
      else others.set(t, answer);
    }
  });
  if (others.size === 0 && notNeeded.length === 0) return undefined;
  return { ...(currentAnswer ? { current: currentAnswer } : {}), others, notNeeded };
}

/**
 * "belum semua", "ga semua ada", "belum lengkap", "ada yang belum", "sebagian": not every document
 * is there, none named (as plain text). Not "semua belum ada" (none is).
 */
const NOT_ALL =
  /^(?:(?:ada|udah|sudah|udh|sdh|yg|yang|tapi|tp) )*(?:(?:belum|blm|blom|belom|tidak|tdk|ga|gak|gk|nggak|ngga|enggak|engga|kurang|not) (?:ada |punya )?(?:semua|semuanya|lengkap|komplit|all)|(?:ada )?(?:yang|yg) (?:belum|blm|blom|belom|kurang|ga ada|gak ada|tidak ada)|(?:baru |cuma |cuman |hanya )?(?:sebagian|setengah|some|some of them)(?: (?:aja|saja|ada|yang ada|yg ada))?)(?: (?:ada|punya|nya|kak|kk|ka|min|sih|deh|ya|dong|nih|pak|bu))*$/;

/** The `answers` words of flows/nlu.yaml read at a checklist question, as plain words; once per vocabulary. */
interface ChecklistWords {
  all: Set<string>;
  complete: Set<string>;
  also: Set<string>;
}
const checklistWordsCache = new WeakMap<object, ChecklistWords>();
function checklistWords(ctx: FlowContext): ChecklistWords {
  const vocab = answersOf(ctx.nlu).vocab;
  let words = checklistWordsCache.get(vocab);
  if (!words) {
    const set = (list: string[]) => new Set(list.map(plain));
    checklistWordsCache.set(vocab, (words = { all: set(vocab.all), complete: set(vocab.complete), also: set(vocab.also) }));
  }
  return words;
}

/**
 * Is `answer` (read from `text`) for every document left? A yes with an `all` or `complete` word
 * ("ya semua ada", "udah lengkap semua"); a no or not sure with an `all` word before it ("semua
 * belum ada", "semuanya ga tau"; "belum lengkap semua" is one no). "belum semua" is NOT_ALL.
 */
function forEveryDocument(text: string, answer: Answer | undefined, ctx: FlowContext): boolean {
  if (answer !== 'y' && answer !== 'n' && answer !== 'u') return false;
  const words = plainWords(text);
  const { all, complete } = checklistWords(ctx);
  if (answer === 'y') return words.some((w) => all.has(w) || complete.has(w));
  const allAt = words.findIndex((w) => all.has(w));
  const answerAt = words.findIndex((w) => !all.has(w) && readAnswer(w, ctx.nlu) !== undefined);
  return allAt >= 0 && (answerAt < 0 || allAt < answerAt);
}

/** A checklist answer about all documents ("semua belum ada", "udah lengkap", "belum semua") typed before the checklist began. */
function aboutAllDocuments(text: string, ctx: FlowContext): boolean {
  if (NOT_ALL.test(plain(text))) return true;
  const typed = readAnswer(text, ctx.nlu);
  return typed !== undefined && forEveryDocument(text, ANSWER_OF[typed], ctx);
}

/**
 * "juga", "ini juga", "buku nikah juga" (nothing else said) at a checklist question: the yes or no
 * given just before (`before`), again. Another document named and nothing else ("kk juga" at the
 * marriage book's question): which one it answers is unclear ('again': the question once more).
 * Undefined when there is no "juga", something else is said ("syarat kk juga"), or there is no yes
 * or no just before.
 */
function alsoAnswer(text: string, doc: RequiredDocument, before: Answer | undefined, ctx: FlowContext): Answer | 'again' | undefined {
  const { also } = checklistWords(ctx);
  if (!plainWords(text).some((w) => also.has(w))) return undefined;
  // The words as namesIn() reads them, less the documents' names, "juga", fillers and the words a document's name may come with.
  const words = normalize(text).split(' ');
  const names = namesIn(text);
  const fillers = answersOf(ctx.nlu).fillers;
  const item = itemWords(doc, ctx);
  const rest = words.filter((w, i) => w && !names.some((n) => i >= n.start && i < n.end) && !also.has(w) && !fillers.has(w) && !inSet(w, item.drop));
  if (rest.length) return undefined;
  if (names.some((n) => !docNames(doc).has(n.key))) return 'again';
  return before === 'y' || before === 'n' ? before : undefined;
}

/**
 * "kk, udah", "kk udah" at another document's question: "kk" first may be the family card or
 * "kak" (a polite address: "kak, udah"). `rest`: the answer without it. With a KK in this
 * checklist (`kk`: its index) the resident is asked which was meant, never the KK ticked unasked;
 * without one, "kk," before an answer is "kak" (`kk` undefined), and "kk ada" is left to say the
 * KK is not needed here. Undefined when "kk" is not first, the KK is the document asked, or the
 * rest is not a plain yes, no or not sure.
 */
function kkOrKak(text: string, docs: RequiredDocument[], index: number, ctx: FlowContext): { rest: string; answer: Answer; kk?: number } | undefined {
  const m = /^\s*kk\b\s*([,.:;!-]*)\s*(.+)$/i.exec(text);
  const doc = docs[index];
  if (!m || !doc || docNames(doc).has('kk')) return undefined;
  const rest = m[2]!;
  const typed = readAnswer(rest, ctx.nlu);
  if (!typed || typed === 'not_needed') return undefined;
  const kk = docs.findIndex((d) => docNames(d).has('kk'));
  if (kk >= 0) return { rest, answer: ANSWER_OF[typed], kk };
  return m[1] ? { rest, answer: ANSWER_OF[typed] } : undefined;
}

function answerOf(input: Input, ctx: FlowContext, doc?: RequiredDocument): { answer?: Answer; namesItem: boolean } {
  if (input.type === 'choice') return { answer: input.id.startsWith('ck:') ? (input.id.slice(3) as Answer) : undefined, namesItem: false };
  if (input.type !== 'text') return { namesItem: false };
  return readCheckText(input.text, doc, ctx);
}

/** How far after the service's own words a loss word still says the document is lost ("akta kelahiran saya hilang"). */
const LOSS_WORD_REACH = 2;

/**
 * A service without cases, named with a word of loss or damage (the `cases` keywords of the
 * services that have them: hilang, rusak, sobek…) that is not in its own keywords, right after
 * one of its own words: "akta kelahiran hilang", not "akta kematian, keluarga kami kehilangan ayah".
 */
function saysLost(service: Service, said: string, ctx: FlowContext): boolean {
  if (service.cases?.length) return false;
  const own = ownWords(service);
  const words = normalize(said).split(' ');
  const ownAt = words.flatMap((w, i) => (own.has(w) ? [i] : []));
  if (ownAt.length === 0) return false;
  const at = (kw: string[], j: number) => kw.every((w, k) => words[j + k] === w && !own.has(w));
  // Next to the document's name, after it ("akta kelahiran hilang") or before it ("kehilangan akta"),
  // not anywhere ("akta kematian, keluarga kami kehilangan ayah" is a death, not a lost document).
  const nearOwn = (j: number, length: number) => ownAt.some((i) => (j > i && j - i <= LOSS_WORD_REACH) || (j < i && i - (j + length - 1) <= LOSS_WORD_REACH));
  return ctx.content.services.some((s) => lossKeywords(s).some((kw) => words.some((_, j) => nearOwn(j, kw.length) && at(kw, j))));
}

// Worked out once per service object (a content reload replaces them): this ran on every
// requirements question and was a fifth of the step's time.
const ownWordsCache = new WeakMap<Service, Set<string>>();
function ownWords(service: Service): Set<string> {
  let own = ownWordsCache.get(service);
  if (!own) ownWordsCache.set(service, (own = new Set(service.keywords.flatMap((k) => normalize(k).split(' ')))));
  return own;
}
const lossKeywordsCache = new WeakMap<Service, string[][]>();
/** A service's case keywords as normalised words, without those in every case's list ("dua duanya" says which case, not a loss). */
function lossKeywords(service: Service): string[][] {
  let list = lossKeywordsCache.get(service);
  if (!list) {
    const cases = caseWords(service);
    const same = (a: string[], b: string[]) => a.length === b.length && a.every((w, i) => w === b[i]);
    list = cases.flatMap((c) => c.keywords.filter((kw) => !cases.every((other) => other.keywords.some((o) => same(o, kw)))));
    lossKeywordsCache.set(service, list);
  }
  return list;
}

function lostPrompt(service: Service, ctx: FlowContext): Reply {
  return {
    text: ctx.t('req.lost_ask_officer', { service: service.short_name[ctx.lang] }),
    choices: [{ id: 'm:officer', label: ctx.t('menu.officer') }, { id: 'req:back', label: ctx.t('req.other_service') }, { id: 'm:menu', label: ctx.t('menu.main') }],
  };
}

/**
 * The regency's places as " word word " strings, once per `office.places` array: a reload replaces
 * the array but edits the office object in place, so the regency's name is checked too.
 */
const placesCache = new WeakMap<readonly string[], { regency: string; places: string[] }>();
function localPlaces(office: FlowContext['content']['office']): string[] {
  let cached = placesCache.get(office.places);
  if (!cached || cached.regency !== office.regency) {
    const places = [...office.places, office.regency.replace(/^kabupaten\s+/i, '')].map((p) => plainWords(p)).filter((p) => p.length).map((p) => ` ${p.join(' ')} `);
    placesCache.set(office.places, (cached = { regency: office.regency, places }));
  }
  return cached.places;
}

/** Is one of the regency's places (flows/office.yaml `places`, and its own name) named in `words`? */
function namesLocalPlace(words: string[], ctx: FlowContext): boolean {
  const text = ` ${words.join(' ')} `;
  return localPlaces(ctx.content.office).some((p) => text.includes(p));
}

type Way = NonNullable<Service['move']>;

/**
 * Words of "ke …" / "dari …" that name no place ("pindah ke rumah baru", "dari kontrakan"): such
 * a side says nothing of the way. "luar" (ke luar, dari luar daerah) is away from here.
 */
const NOT_PLACE_WORDS = new Set([
  'rumah', 'alamat', 'tempat', 'tinggal', 'baru', 'lama', 'lain', 'desa', 'kelurahan', 'kampung', 'dusun', 'jalan', 'jl', 'gang', 'gg', 'perumahan', 'blok',
  'rt', 'rw', 'sini', 'situ', 'sana', 'mana', 'kk', 'ktp', 'keluarga', 'orang', 'tua', 'mertua', 'suami', 'istri', 'anak', 'saudara', 'kos', 'kost', 'kontrakan',
  'yang', 'yg', 'di', 'sebelah', 'dekat', 'saya', 'aku', 'kami', 'kita', 'nya', 'mau', 'ingin', 'akan', 'bulan', 'minggu', 'tahun', 'depan', 'besok', 'ini', 'itu',
  'kecamatan', 'kabupaten', 'kota', 'provinsi', 'daerah', 'wilayah', 'kak', 'min', 'pak', 'bu', 'dong', 'ya', 'aja', 'saja', 'gimana', 'bagaimana', 'syaratnya', 'apa',
]);

/**
 * The ways a move may go, from the places said ("pindah dari X ke Y", "ke Bandar Lampung",
 * "dari Jakarta"); undefined when no place is said. With one side only, a place here leaves two
 * ways ("ke Kotabumi": coming in, or within), a place elsewhere one ("ke Metro": out).
 */
function moveWays(said: string, ctx: FlowContext): Way[] | undefined {
  const words = plainWords(said);
  const from = words.indexOf('dari');
  const to = words.indexOf('ke');
  // "masih lampura", "masih di kotabumi" (answers.still_here): where the resident is and stays;
  // it ends the side it is in ("ke desa sebelah, masih lampura": the way there names no place).
  const stillWords = new Set(answersOf(ctx.nlu).vocab.still_here);
  const still = words.findIndex((w, i) => stillWords.has(w) && namesLocalPlace(words.slice(i + 1, i + 4), ctx));
  const part = (at: number, other: number) => {
    if (at < 0) return undefined;
    const ends = [other, still].filter((e) => e > at);
    return words.slice(at + 1, ends.length ? Math.min(...ends) : undefined);
  };
  const side = (ws: string[] | undefined): 'here' | 'away' | undefined => {
    if (!ws) return undefined;
    if (namesLocalPlace(ws, ctx)) return 'here';
    return ws.includes('luar') || ws.some((w) => !NOT_PLACE_WORDS.has(w) && !/^\d+$/.test(w)) ? 'away' : undefined;
  };
  const fromSide = side(part(from, to));
  const toSide = side(part(to, from));
  if (still >= 0) {
    // Still here: out when the way there names a place elsewhere, in when the way from does, else within.
    if (toSide === 'away') return ['out'];
    return fromSide === 'away' ? ['in'] : ['within'];
  }
  if (fromSide === 'here' && toSide === 'here') return ['within'];
  if (fromSide === 'here') return toSide === 'away' ? ['out'] : ['out', 'within'];
  if (toSide === 'here') return fromSide === 'away' ? ['in'] : ['in', 'within'];
  if (fromSide === 'away' && toSide === 'away') return ['out', 'in', 'within'];
  if (toSide === 'away') return ['out'];
  if (fromSide === 'away') return ['in'];
  return undefined;
}

/** The question when the places said leave more than one way: which two (or all three) it may be. */
function moveQuestion(ways: Way[]): string {
  if (ways.length === 3) return 'req.move_which';
  return ways.includes('in') ? 'req.move_which_to_here' : 'req.move_which_from_here';
}

/**
 * The move service the places said choose among `moves` (detail), or one short question when
 * they leave two or three ways; `named` (from the keywords: "pindah rumah ke Kotabumi") decides
 * between ways the places allow. Undefined when no place is said.
 */
function moveChoice(said: string, moves: Service[], ctx: FlowContext, named?: Service): Outcome | undefined {
  const ways = moveWays(said, ctx);
  const fit = ways ? moves.filter((s) => s.move && ways.includes(s.move)) : [];
  if (!ways || fit.length === 0) return undefined;
  if (fit.length === 1) return detail(fit[0]!, ctx);
  if (named && fit.includes(named) && ways.length < 3) return detail(named, ctx);
  const ids = fit.map((s) => s.id);
  return { node: 'service', data: { serviceIds: ids }, replies: [{ ...servicesPrompt(ids, ctx), text: ctx.t(moveQuestion(ways)) }] };
}

/** Words asking for the requirements themselves ("syarat rekam ktp untuk bpjs apa aja"): the summary, not the booking. */
const ASKS_REQUIREMENTS = /\b(?:syarat\w*|persyaratan|requirements?)\b/;
/** Up to this many words, a message naming a reason is the reason itself ("bpjs", "berobat ke rs"). */
const REASON_ALONE_WORDS = 4;

/**
 * An urgent reason of the booking ("untuk bpjs", "buat berobat ke rs") said where this service
 * offers the urgent recording booking (its summary or result, or with its name in one message:
 * "mau rekam ktp untuk bpjs"): the booking, that reason chosen. Its first question keeps a
 * button back to this service's requirements. Not for a question of another kind (fees, hours)
 * or another service, nor when the requirements are asked for.
 */
function urgentBooking(service: Service, text: string, ctx: FlowContext): Outcome | undefined {
  const p = plain(text);
  if (!service.offers_recording_booking || ASKS_REQUIREMENTS.test(p)) return undefined;
  // Without saying what it is for (answers.purpose: "untuk", "buat"…), a longer message naming a
  // reason word ("saya masih sekolah, umur 16 boleh?") is not taken as the booking's reason.
  if (!answersOf(ctx.nlu).saysWhatFor(p) && p.split(' ').length > REASON_ALONE_WORDS) return undefined;
  const intent = ctx.nlu.classify(text);
  const here =
    intent.kind === 'unknown' ||
    intent.kind === 'booking' ||
    (intent.kind === 'service' && intent.serviceId === service.id) ||
    (intent.kind === 'ambiguous' && intent.serviceIds.includes(service.id));
  const params = here ? ctx.opening?.('booking', text) : undefined;
  if (!params) return undefined;
  return { goto: 'booking', params: { ...params, also: [{ id: `svc:${service.id}`, label: ctx.t('req.requirements_of', { service: service.short_name[ctx.lang] }) }] } };
}

/** "balik", "kembali lagi", "ke pertanyaan sebelumnya", "back": one question back (as plain text). */
const BACK = /^(?:(?:mau|ingin|bisa|tolong) )?(?:balik|kembali|mundur|back|sebelumnya|ke pertanyaan sebelumnya|pertanyaan sebelumnya|previous|go back)(?: (?:lagi|dong|ya|kak|min|aja|saja|dulu|please|pls))*$/;

/** What a message naming the document asked about may read as and still be about that document (not fees, hours, booking…). */
const ITEM_QUESTION_INTENTS = new Set(['service', 'ambiguous', 'unknown']);

export const requirementsFlow: Flow = {
  id: 'requirements',
  version: 1,
  // Service and category buttons of an older list work from anywhere.
  choicePrefixes: ['svc:', 'cat:'],

  expects(node) {
    if (node === 'check') return 'yesno';
    return 'choice';
  },

  // A checklist under way is half-finished work: a new request ("syarat akta kelahiran apa" at
  // the police letter's question) first asks before leaving it, and "menu" or a
  // long pause keeps it aside ("lanjut" brings it back).
  holds(node) {
    return node === 'check';
  },

  start(ctx, params) {
    if (typeof params?.choice === 'string') {
      const outcome = requirementsFlow.onInput('', {}, { type: 'choice', id: params.choice }, ctx);
      if (!('unhandled' in outcome)) return outcome;
    }
    const serviceId = typeof params?.serviceId === 'string' ? params.serviceId : undefined;
    const service = serviceId ? ctx.content.servicesById.get(serviceId) : undefined;
    const ids = Array.isArray(params?.serviceIds) ? (params.serviceIds as string[]).filter((id) => ctx.content.servicesById.has(id)) : [];
    if (typeof params?.said === 'string' && (service?.move || ids.some((id) => ctx.content.servicesById.get(id)!.move))) {
      // "pindah dari Kotabumi ke Metro", "mau pindah ke Bandar Lampung": the places said choose
      // the way, whether the words named one move service or all; unclear, one short question.
      const moved = moveChoice(params.said, ctx.content.services.filter((s) => s.move), ctx, service);
      if (moved) return moved;
    }
    if (service && typeof params?.said === 'string' && saysLost(service, params.said, ctx)) {
      // "akta kelahiran hilang": the sources give no list for a lost or damaged one, and the
      // first-application list would be wrong: say so plainly.
      return { node: 'lost', data: { serviceId: service.id }, replies: [lostPrompt(service, ctx)] };
    }
    // "mau rekam ktp untuk bpjs": the urgent booking, with its reason.
    const urgent = service && typeof params?.said === 'string' ? urgentBooking(service, params.said, ctx) : undefined;
    if (urgent) return urgent;
    if (service && typeof params?.said === 'string') {
      // "akta lahir anak saya umur 3 tahun", "kia bayi 7 tahun": the summary, with what that age means.
      const shown = detail(service, ctx, caseFromWords(service, params.said));
      const aged = 'node' in shown ? ageReply(service, 'detail', shown.data!, params.said, ctx) : undefined;
      if (!aged || !('node' in aged)) return aged ?? shown;
      return aged.data?.serviceId === service.id && 'node' in shown ? { ...shown, replies: [shown.replies[0]!, ...aged.replies] } : aged;
    }
    if (service) return detail(service, ctx);
    // "kia anak saya 3 tahun": the KIA for that age.
    const age = ids.length && typeof params?.said === 'string' ? ageIn(params.said) : undefined;
    const forAge = age ? serviceForAge(ids.map((id) => ctx.content.servicesById.get(id)!), age.days) : undefined;
    if (forAge) return detail(forAge, ctx);
    const past = age ? pastAges(ids.map((id) => ctx.content.servicesById.get(id)!), age, ctx) : undefined;
    if (past) return past;
    if (ids.length) return { node: 'service', data: { serviceIds: ids }, replies: [servicesPrompt(ids, ctx)] };
    return { node: 'category', data: {}, replies: [categoryPrompt(ctx)] };
  },

  onInput(node, data, input, ctx) {
    // Service and category buttons work from any node of this flow (e.g. an older list).
    if (input.type === 'choice') {
      if (input.id.startsWith('svc:')) {
        const service = ctx.content.servicesById.get(input.id.slice(4));
        return service ? detail(service, ctx) : { unhandled: true };
      }
      if (input.id.startsWith('cat:')) {
        const cat = input.id.slice(4) as CategoryId;
        const ids = ctx.content.services.filter((s) => s.category === cat).map((s) => s.id);
        return ids.length ? { node: 'service', data: { serviceIds: ids }, replies: [servicesPrompt(ids, ctx)] } : { unhandled: true };
      }
      if (input.id === 'req:back') return { node: 'category', data: {}, replies: [categoryPrompt(ctx)] };
    }

    // "semua belum ada", "udah lengkap" at the lists or the summary: answers for a checklist not begun yet.
    if (input.type === 'text' && (node === 'category' || node === 'service' || node === 'detail') && aboutAllDocuments(input.text, ctx)) {
      return { node, data, replies: [{ text: ctx.t(node === 'detail' ? 'req.all_before_check' : 'req.all_before_service', { check: ctx.t('req.check') }) }, ...optionsAgain(node, data, ctx)] };
    }

    // The moving list (or a move's summary): the places typed choose ("ke Bandar Lampung", "dari Jakarta").
    if (input.type === 'text' && (node === 'service' || node === 'detail')) {
      const listed = node === 'service' && Array.isArray(data.serviceIds) ? (data.serviceIds as string[]).map((id) => ctx.content.servicesById.get(id)) : [];
      const moves = listed.filter((s): s is Service => Boolean(s?.move));
      const shown = node === 'detail' && typeof data.serviceId === 'string' ? ctx.content.servicesById.get(data.serviceId) : undefined;
      const moved = moves.length ? moveChoice(input.text, moves, ctx) : shown?.move ? moveChoice(input.text, ctx.content.services.filter((s) => s.move), ctx, shown) : undefined;
      // At a summary, only another way is news; the same one goes on as before.
      if (moved && !('node' in moved && moved.node === 'detail' && moved.data?.serviceId === shown?.id)) return moved;
    }

    // A list of services: a typed case ("hilang" at the KK list) picks the one service with that
    // case and carries it, so the checklist does not ask "hilang atau rusak?" again.
    if (node === 'service' && input.type === 'text' && Array.isArray(data.serviceIds)) {
      const listed = (data.serviceIds as string[]).map((id) => ctx.content.servicesById.get(id)).filter((s): s is Service => Boolean(s));
      const withCase = listed.flatMap((s) => {
        const c = caseFromWords(s, input.text);
        return c ? [{ service: s, caseId: c }] : [];
      });
      // Not when the words name a service that is not in the list ("ktp hilang" at the KK list).
      const intent = ctx.nlu.classify(input.text);
      const inList = intent.kind === 'unknown' || (intent.kind === 'service' && listed.some((s) => s.id === intent.serviceId)) || (intent.kind === 'ambiguous' && intent.serviceIds.every((id) => listed.some((s) => s.id === id)));
      if (withCase.length === 1 && inList) return detail(withCase[0]!.service, ctx, withCase[0]!.caseId);
      // "anak saya umur 3 tahun" at the KIA list: the one for that age.
      const age = ageIn(input.text);
      const forAge = age ? serviceForAge(listed, age.days) : undefined;
      if (forAge) return detail(forAge, ctx);
      const past = age ? pastAges(listed, age, ctx) : undefined;
      if (past) return past;
    }

    const service = typeof data.serviceId === 'string' ? ctx.content.servicesById.get(data.serviceId) : undefined;
    const caseId = typeof data.case === 'string' ? data.case : undefined;
    // "lihat semua syarat", "syarat lengkap" with a service open: that service's full list, and
    // the same question again (not the category picker).
    if (service && input.type === 'text' && ['detail', 'result', 'check', 'case'].includes(node) && ctx.nlu.classify(input.text).kind === 'requirements') {
      const again = requirementsFlow.prompt(node, data, ctx);
      return { node, data, replies: [fullList(service, ctx), ...(node === 'detail' ? again.slice(1) : node === 'result' ? again.slice(-1) : again)] };
    }
    // "kalau akta hilang gimana" while reading about or checking that very service: the sources
    // give no list for a lost one (as when it is asked first); a checklist keeps its question.
    if (service && input.type === 'text' && ['detail', 'result', 'check'].includes(node)) {
      // The intent first (kept per text): the loss words are looked for only when it names this service.
      const intent = ctx.nlu.classify(input.text);
      if (((intent.kind === 'service' && intent.serviceId === service.id) || (intent.kind === 'ambiguous' && intent.serviceIds.includes(service.id))) && saysLost(service, input.text, ctx)) {
        if (node !== 'check') return { node: 'lost', data: { serviceId: service.id }, replies: [lostPrompt(service, ctx)] };
        const again = requirementsFlow.prompt(node, data, ctx).at(-1)!;
        return { node, data, replies: [{ text: ctx.t('req.lost_ask_officer', { service: service.short_name[ctx.lang] }) }, { ...again, choices: [...(again.choices ?? []), { id: 'm:officer', label: ctx.t('menu.officer') }] }] };
      }
    }
    if ((node === 'detail' || node === 'result') && service && input.type === 'text' && THEN_WHAT.test(plain(input.text))) {
      // "terus?" after the summary or the result: the next step, then the same options.
      const docs = checkable(service, caseId);
      const answers = node === 'result' ? ((data.answers as Answer[]) ?? []) : undefined;
      return { node, data, replies: [nextStepReply(service, ctx, caseId, node === 'result' ? docs : undefined, answers), ...optionsAgain(node, data, ctx)] };
    }
    // "anaknya 7 tahun" at a KIA summary, "anak saya umur 3 tahun" at the birth certificate's.
    const aged = (node === 'detail' || node === 'result') && service && input.type === 'text' ? ageReply(service, node, data, input.text, ctx) : undefined;
    if (aged) return aged;
    if (node === 'detail' || node === 'result') {
      // "untuk bpjs" where the urgent booking is offered: the booking, with that reason.
      const urgent = service && input.type === 'text' ? urgentBooking(service, input.text, ctx) : undefined;
      if (urgent) return urgent;
      if (!service || input.type !== 'choice') return { unhandled: true };
      if (input.id === 'req:check') return startChecklist(service, ctx, caseId, (data.ahead as Ahead | undefined) ?? {});
      if (input.id === 'req:full') return { node, data, replies: [fullList(service, ctx), ...optionsAgain(node, data, ctx)] };
      return { unhandled: true };
    }
    // "balik", "kembali", "sebelumnya" at a checklist question: the question before it (or the summary before the first).
    if ((node === 'check' || node === 'case') && service && input.type === 'text' && BACK.test(plain(input.text))) {
      const answers = (data.answers as Answer[]) ?? [];
      // Before the first question: the summary's options, not its long text again.
      // Answers given before their turn ("kk udah ada" at the first question) stay for the checklist begun again.
      if (node === 'case' || answers.length === 0) return { ...detail(service, ctx, caseId, (data.ahead as Ahead | undefined) ?? {}), replies: detailPrompt(service, ctx).slice(1) };
      const back = askQuestion(service, checkable(service, caseId), answers.slice(0, -1), ctx, caseId, (data.ahead as Ahead | undefined) ?? {});
      return 'node' in back ? { ...back, replies: [{ text: ctx.t('req.back') }, ...back.replies] } : back;
    }
    if (node === 'case' && service) {
      const typed = input.type === 'text' ? caseFromWords(service, input.text, true) : undefined;
      const picked = input.type === 'choice' && input.id.startsWith('case:') ? input.id.slice(5) : typed;
      if (!picked || (picked !== ALL_CASES && !service.cases?.some((c) => c.id === picked))) return { unhandled: true };
      return startChecklist(service, ctx, picked);
    }
    if (node === 'check' && service) {
      const answers = (data.answers as Answer[]) ?? [];
      const ahead = (data.ahead as Ahead | undefined) ?? {};
      const docs = checkable(service, caseId);
      const doc = docs[answers.length];
      // "semua ada": each document left is there, but one answered before its turn keeps that answer.
      const allLeft = (no: Answer[] = [], rest: Answer = 'y') => docs.slice(answers.length).map((_, j): Answer => (no[j] === 'n' ? 'n' : (ahead[answers.length + j] ?? rest)));
      // "semua ada kecuali buku nikah": every document left is there but the ones named after "kecuali".
      const except = input.type === 'text' ? allExcept(input.text, docs.slice(answers.length), ctx) : undefined;
      if (except) return askQuestion(service, docs, [...answers, ...allLeft(except)], ctx, caseId);
      // Answers to other documents noted (or those said not to be needed here), then the question.
      const noteOthers = (other: OtherDocuments): Outcome => {
        const earlier = [...answers];
        const later = { ...ahead };
        const lines: string[] = [];
        for (const [i, a] of [...other.others].sort(([x], [y]) => x - y)) {
          if (i < earlier.length) earlier[i] = a;
          else later[i] = a;
          lines.push(ctx.t('req.noted_item', { item: docs[i]!.item[ctx.lang], answer: ctx.t(`req.noted.${a}`) }));
        }
        if (lines.length) lines.unshift(ctx.t('req.noted'));
        for (const made of [false, true]) {
          const names = other.notNeeded.filter((key) => makesIt(service, key) === made).map((key) => ctx.t(`req.doc.${key}`));
          if (names.length) lines.push(ctx.t(made ? 'req.doc_being_made' : 'req.doc_not_needed', { doc: listOf(names, ctx), service: service.name[ctx.lang] }));
        }
        const note: Reply[] = lines.length ? [{ text: lines.join('\n') }] : [];
        return askQuestion(service, docs, other.current ? [...earlier, other.current] : earlier, ctx, caseId, later, note);
      };
      // "belum semua", "belum lengkap": not every document is there; which ones, one by one from
      // here (the question asked is not answered by it).
      if (input.type === 'text' && NOT_ALL.test(plain(input.text))) {
        return { node, data, replies: [{ text: ctx.t('req.one_by_one') }, questionPrompt(docs, answers.length, ctx, caseId)] };
      }
      // "kk, udah" at another document's question: "kak, udah" or "KK: udah"?
      const kk = input.type === 'text' ? kkOrKak(input.text, docs, answers.length, ctx) : undefined;
      if (kk && kk.kk === undefined) return requirementsFlow.onInput(node, data, { type: 'text', text: kk.rest }, ctx);
      if (kk && kk.kk !== undefined) {
        const answer = ctx.t(`req.noted.${kk.answer}`);
        const choices: Choice[] = [
          { id: `ck:doc:${kk.kk}:${kk.answer}`, label: `${docs[kk.kk]!.item[ctx.lang]}: ${answer}` },
          { id: `ck:${kk.answer}`, label: `${doc!.item[ctx.lang]}: ${answer}` },
        ];
        return { node, data, replies: [{ text: ctx.t('req.kk_or_kak'), choices }] };
      }
      // The KK picked after "kk, udah": noted, the question asked stays.
      const picked = input.type === 'choice' ? /^ck:doc:(\d+):(y|n|u)$/.exec(input.id) : null;
      if (picked && docs[Number(picked[1])]) return noteOthers({ others: new Map([[Number(picked[1]), picked[2] as Answer]]), notNeeded: [] });
      // "kk udah ada tp ktp blm" at another document's question: those are noted (or said not to
      // be needed here), and the question asked stays unless it was answered too.
      const other = input.type === 'text' ? readOtherDocuments(input.text, docs, answers.length, ctx, caseId) : undefined;
      if (other) return noteOthers(other);
      const read = answerOf(input, ctx, doc);
      const { namesItem } = read;
      // "juga", "ini juga": the yes or no just before, again; "kk juga" at another document's question: asked again.
      const also = !read.answer && input.type === 'text' && doc ? alsoAnswer(input.text, doc, answers.at(-1), ctx) : undefined;
      if (also === 'again') return { node, data, replies: [{ text: ctx.t('req.one_at_a_time') }, questionPrompt(docs, answers.length, ctx, caseId)] };
      const answer = also ?? read.answer;
      // (Its name alone, "surat lahir", asks nothing: the question again, as for any non-answer.)
      const saysMore = input.type === 'text' && doc !== undefined && (input.text.includes('?') || withoutSource(plainWords(input.text), ctx).some((w) => !inSet(w, itemWords(doc, ctx).drop)));
      if (!answer && namesItem && saysMore && input.type === 'text' && ITEM_QUESTION_INTENTS.has(ctx.nlu.classify(input.text).kind)) {
        // About this document ("fotokopi kk hitam putih boleh?"): not a new request; the
        // question stays, with a way to an officer.
        const again = questionPrompt(docs, answers.length, ctx, caseId);
        return { node, data, replies: [{ text: ctx.t('req.about_item') }, { ...again, choices: [...(again.choices ?? []), { id: 'm:officer', label: ctx.t('menu.officer') }] }] };
      }
      // Not an answer: the core tries it as a question ("biayanya berapa") before asking again.
      if (!answer) return { unhandled: true };
      if (answer === 'na' && !(doc && mayNotApply(doc, caseId))) return { node, data, replies: [{ text: ctx.t('req.answer_hint') }, questionPrompt(docs, answers.length, ctx, caseId)] };
      // "ya semua ada", "sudah lengkap semua", "semua belum ada": the same answer for every document
      // still to ask about (this one at least); one answered before its turn keeps its answer.
      if (doc && answer && input.type === 'text' && forEveryDocument(input.text, answer, ctx)) {
        return askQuestion(service, docs, [...answers, ...allLeft([], answer)], ctx, caseId);
      }
      return askQuestion(service, docs, [...answers, answer], ctx, caseId, ahead);
    }
    return { unhandled: true };
  },

  prompt(node, data, ctx) {
    const service = typeof data.serviceId === 'string' ? ctx.content.servicesById.get(data.serviceId) : undefined;
    if (node === 'service' && Array.isArray(data.serviceIds)) return [servicesPrompt(data.serviceIds as string[], ctx)];
    if (node === 'detail' && service) return detailPrompt(service, ctx);
    const caseId = typeof data.case === 'string' ? data.case : undefined;
    if (node === 'case' && service) return [casePrompt(service, ctx)];
    if (node === 'lost' && service) return [lostPrompt(service, ctx)];
    if (node === 'check' && service) return [questionPrompt(checkable(service, caseId), ((data.answers as Answer[]) ?? []).length, ctx, caseId)];
    if (node === 'result' && service) return resultReplies(service, checkable(service, caseId), (data.answers as Answer[]) ?? [], ctx, caseId);
    return [categoryPrompt(ctx)];
  },
};
