// The pure engine core: step(state, input, ctx) → { state, replies, effects }.
// It owns what works at every step (menu, batal, bantuan, bahasa, numbered answers,
// idle restarts, stale buttons, free-text intents) and delegates the rest to flows.
import { translate } from '../content/load.js';
import { memoByText } from '../core/memo.js';
import { isoTime } from '../core/time.js';
import { MAX_MESSAGE, type Choice, type Effect, type Input, type Lang, type Reply } from '../core/types.js';
import { answersOf, INFO_INTENTS, type Intent, type Nlu } from '../nlu/index.js';
import type { ConversationState, Expectation, Flow, FlowContext, KeptAside, Outcome, StepContext, StepResult } from './types.js';

export type StepFn = (saved: ConversationState | undefined, input: Input, ctx: StepContext) => StepResult;

type GlobalWord = 'menu' | 'cancel' | 'help' | 'language';

const GLOBAL_WORDS: Record<string, GlobalWord> = {
  menu: 'menu', '0': 'menu', '/start': 'menu', '/menu': 'menu', start: 'menu', mulai: 'menu', 'menu utama': 'menu', 'main menu': 'menu',
  batal: 'cancel', '/batal': 'cancel', cancel: 'cancel', '/cancel': 'cancel', stop: 'cancel', keluar: 'cancel',
  bantuan: 'help', '/bantuan': 'help', help: 'help', '/help': 'help', tolong: 'help', '?': 'help',
  bahasa: 'language', '/bahasa': 'language', language: 'language', '/language': 'language',
};

/** Longer than this, a message is cut before it reaches flows and the NLU (a 10,000-char paste must not slow anyone). */
const MAX_TEXT = 1000;

type TextInput = Extract<Input, { type: 'text' }>;
/**
 * A typed text as flows get it (control characters out, trimmed): cut to MAX_TEXT for reading, or
 * to MAX_MESSAGE where every text is a message (`anyText`). A longer one keeps its `whole` too (to
 * MAX_MESSAGE), so a message for an officer typed anywhere reaches the case whole; `cut` when even
 * that was cut.
 */
function readText(typed: string, anyText: boolean): TextInput {
  const clean = typed.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim();
  const text = clean.slice(0, anyText ? MAX_MESSAGE : MAX_TEXT);
  const whole = !anyText && clean.length > MAX_TEXT ? { whole: clean.slice(0, MAX_MESSAGE) } : {};
  return { type: 'text', text, ...whole, ...(clean.length > MAX_MESSAGE ? { cut: true } : {}) };
}
/** Words that ask for a language by name set it (global words too); "bahasa" alone switches to the other one. */
const LANGUAGE_NAMED: Record<string, Lang> = { english: 'en', inggris: 'en', 'bahasa inggris': 'en', 'in english': 'en', indonesia: 'id', indonesian: 'id', 'bahasa indonesia': 'id' };
for (const word of Object.keys(LANGUAGE_NAMED)) GLOBAL_WORDS[word] = 'language';
/** Facts of a service asked about anywhere ("biayanya berapa", "berapa lama", "bisa online"), and their field. */
const SERVICE_FACTS = { fee: 'fee', duration: 'processing_time', online: 'online' } as const;
const isServiceFact = (kind: string): kind is keyof typeof SERVICE_FACTS => kind in SERVICE_FACTS;
/** Flow switches (goto) in one step: a loop between flows is a bug, not a hang. */
const MAX_HOPS = 6;
/** Between a choice id and the question it was shown for: "ck:y~k3x9q2". */
const TAG_MARK = '~';
/** Choice ids that work from anywhere, whatever question they were shown under. */
const GLOBAL_CHOICE = /^(m:|lang:|nav:)/;
/** Words that bring back what was set aside: "lanjut", "lanjutin booking nya", "mau lanjut booking yang tadi", "back to booking". */
const RESUME_TEXT = /^(?:(?:mau|ingin|tolong|ayo|yuk|ok|oke)\s+)?(?:lanjut\w*|kembali|balik|continue|resume|back(?=\s+to\b))(?:\s+(?:ke|lagi|aja|saja|dong|ya|kak|yang|yg|tadi|booking\w*|cek|dokumen\w*|checklist|pemesanan|nya|the|to|my))*$/;
/** A text as a global word or "lanjut" is looked up: lower case, no trailing dots, commas, spaces. */
const asWord = (text: string) => text.toLowerCase().replace(/[.!,\s]+$/g, '');
/** How many things set aside are remembered under the newest (a booking under a checklist). */
const KEPT_BELOW = 2;

/** `held` set aside on top of what was kept before (another flow's), which comes back after it. */
function keptWith(state: ConversationState, held: KeptAside): Pick<ConversationState, 'resume' | 'resumeBelow'> {
  const below = [state.resume, ...(state.resumeBelow ?? [])].filter((r): r is KeptAside => r !== undefined && r.flow !== held.flow).slice(0, KEPT_BELOW);
  return { resume: held, resumeBelow: below.length ? below : undefined };
}

/** What was kept aside once the newest is taken back (or replaced). */
function keptWithoutTop(state: ConversationState): Pick<ConversationState, 'resume' | 'resumeBelow'> {
  const [next, ...rest] = state.resumeBelow ?? [];
  return { resume: next, resumeBelow: rest.length ? rest : undefined };
}

const heldNow = (state: ConversationState): KeptAside => ({ flow: state.flow, flowVersion: state.flowVersion, node: state.node, data: state.data });
/** Intents that are no request: the question stays after a line. */
const SMALL_TALK = new Set(['greeting', 'thanks', 'language', 'menu']);

/** The language a text asks for by name ("english", "pakai bahasa indonesia"), if it names one. */
function languageNamed(text: string): Lang | undefined {
  const t = text.trim().toLowerCase().replace(/[.!?,\s]+$/g, '');
  const whole = LANGUAGE_NAMED[t];
  if (whole) return whole;
  if (/\b(english|inggris)\b/.test(t)) return 'en';
  if (/\bindonesia\b/.test(t)) return 'id';
  return undefined;
}

/** A short, stable hash (FNV-1a, base 36) of the question now asked. */
function hashTag(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36).padStart(7, '0').slice(0, 7);
}

/** "ck:y~k3x9q2" → { id: "ck:y", tag: "k3x9q2" }. */
export function splitChoiceId(id: string): { id: string; tag?: string } {
  const at = id.lastIndexOf(TAG_MARK);
  return at > 0 ? { id: id.slice(0, at), tag: id.slice(at + 1) } : { id };
}

/**
 * A node's data as JSON, once per data object: the step is pure, so an object a flow returned
 * is never changed afterwards (the question's tag and the "same question again" check read it).
 */
const dataJsonCache = new WeakMap<object, string>();
function dataJson(data: Record<string, unknown>): string {
  let json = dataJsonCache.get(data);
  if (json === undefined) dataJsonCache.set(data, (json = JSON.stringify(data)));
  return json;
}

const FLOW_CTX = Symbol('flowContexts');
type WithFlowCtx = StepContext & { [FLOW_CTX]?: Partial<Record<Lang, FlowContext>> };

/** What flows read: the message's context in one language, with its texts. */
class MessageFlowContext implements FlowContext {
  readonly now: Date;
  readonly content: StepContext['content'];
  readonly nlu: StepContext['nlu'];
  readonly resident: StepContext['resident'];
  readonly idleMs: number;
  /** A bound function: flows and the step take it apart (`const t = ctx.t`). */
  readonly t: FlowContext['t'];
  readonly opening: FlowContext['opening'];
  constructor(
    ctx: StepContext,
    readonly lang: Lang,
    opens?: (flow: string, text: string, fc: FlowContext) => Record<string, unknown> | undefined,
  ) {
    this.opening = (flow, text) => opens?.(flow, text, this);
    this.now = ctx.now;
    this.content = ctx.content;
    this.nlu = ctx.nlu;
    this.resident = ctx.resident;
    this.idleMs = ctx.idleMs;
    const texts = ctx.content.texts;
    this.t = (key, vars) => translate(texts, lang, key, vars);
  }
}

export function createStep(flowList: Flow[]): StepFn {
  const flows = new Map(flowList.map((f) => [f.id, f]));
  const menu = flows.get('menu');
  if (!menu) throw new Error('a "menu" flow is required');
  // Words that answer an announcement or a notification ("berhenti info") work from anywhere.
  const routeWords = new Map<string, { flow: string; params?: Record<string, unknown> }>();
  for (const flow of flowList) {
    for (const [word, params] of Object.entries(flow.routeWords ?? {})) routeWords.set(word, { flow: flow.id, params });
  }
  const recognisers = flowList.filter((f) => f.recognizes);
  /** A flow that knows this text by its shape (a tracking number), led into with what was said. */
  const recognised = (text: string, nlu?: Nlu): Outcome | undefined => {
    const owner = recognisers.find((f) => f.recognizes!(text, nlu));
    return owner ? { goto: owner.id, params: { said: text } } : undefined;
  };
  /** A first message read as if typed at the menu ("untuk bpjs"), when the menu takes it. */
  const atMenu = (text: string, fc: FlowContext): Outcome | undefined => {
    const taken = menu.onInput('main', {}, { type: 'text', text }, fc);
    return 'unhandled' in taken ? undefined : taken;
  };
  const choiceOwners = flowList.flatMap((flow) => (flow.choicePrefixes ?? []).map((prefix) => ({ prefix, flow })));

  // One FlowContext per message and language (a step asks for it several times); flows only read it.
  // Kept on the message's own context object: a WeakMap entry per message cost more than the lookup saved.
  const opens = (id: string, text: string, fc: FlowContext) => flows.get(id)?.opensWith?.(text, fc);
  function flowCtx(ctx: StepContext, lang: Lang): FlowContext {
    const byLang = ((ctx as WithFlowCtx)[FLOW_CTX] ??= {});
    return (byLang[lang] ??= new MessageFlowContext(ctx, lang, opens));
  }

  const ownedPrefixes = choiceOwners.map((o) => o.prefix);
  /** Ids that act from anywhere (menu, language, a notification's buttons) carry no question. */
  const isGlobalChoice = (id: string) => GLOBAL_CHOICE.test(id) || ownedPrefixes.some((p) => id.startsWith(p));
  // A flow's choice ids repeat from message to message: their tag-free form is worked out once.
  const plainChoice = memoByText((tagged: string) => {
    const id = splitChoiceId(tagged).id;
    return { id, global: isGlobalChoice(id) };
  });

  function finish(state: ConversationState, replies: Reply[], effects: Effect[], ctx: StepContext, keepMisses = false): StepResult {
    // The question now asked: its buttons carry its tag, so a press under an older question is
    // recognised as stale and never acts on this one (another checklist item, another booking).
    const tag = hashTag(`${state.flow}|${state.node}|${dataJson(state.data)}|${state.leave ? 'leave' : ''}`);
    const offerResume = state.resume && state.flow === 'menu' && !state.leave;
    const tagged = replies.map((r) => {
      if (!r.choices?.length) return r;
      const choices = r.choices.map((c) => {
        const { id: plainId, global } = plainChoice(c.id);
        return global ? (plainId === c.id ? c : { ...c, id: plainId }) : { ...c, id: `${plainId}${TAG_MARK}${tag}` };
      });
      return { ...r, choices };
    });
    const lastIndex = tagged.map((r) => Boolean(r.choices?.length)).lastIndexOf(true);
    if (offerResume && lastIndex >= 0) {
      const last = tagged[lastIndex]!;
      tagged[lastIndex] = { ...last, choices: [{ id: 'nav:resume', label: heldText(ctx, state.lang, 'nlu.resume_button', state.resume!.flow) }, ...last.choices!] };
    }
    const lastWithChoices = lastIndex >= 0 ? tagged[lastIndex] : undefined;
    const misses = keepMisses && state.tag === tag ? state.misses : undefined;
    return {
      state: {
        ...state,
        choices: lastWithChoices?.choices?.map((c) => c.id) ?? [],
        labels: lastWithChoices?.choices?.map((c) => c.label) ?? [],
        tag,
        misses,
        at: isoTime(ctx.now),
        shownAt: lastWithChoices ? isoTime(ctx.now) : state.shownAt,
      },
      replies: tagged,
      effects,
    };
  }

  /** Applies a flow's outcome, following goto hops. */
  function apply(outcome: Outcome, flow: Flow, state: ConversationState, ctx: StepContext, pre: Reply[] = [], preEffects: Effect[] = []): StepResult {
    const replies = [...pre];
    const effects = [...preEffects];
    let current = outcome;
    let currentFlow = flow;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      if ('unhandled' in current) {
        // Only reachable when a flow's start() says unhandled: fall back to the menu.
        current = { goto: 'menu' };
      }
      if ('node' in current) {
        replies.push(...current.replies);
        effects.push(...(current.effects ?? []));
        const data = current.data ?? (currentFlow.id === state.flow ? state.data : {});
        // A new booking begun replaces the one set aside; looking at one's bookings does not.
        const superseded = state.resume?.flow === currentFlow.id && currentFlow.holds?.(current.node, data);
        const next: ConversationState = {
          ...state,
          leave: undefined,
          ...(superseded ? keptWithoutTop(state) : {}),
          ...awaitedAfter(state, currentFlow.id),
          flow: currentFlow.id,
          flowVersion: currentFlow.version,
          node: current.node,
          data,
        };
        // The same question again (a NIK with a fault, a name refused) counts as a miss; the
        // second one under a typed question offers an officer.
        const again = currentFlow.id === state.flow && current.node === state.node && (next.data === state.data || dataJson(next.data) === dataJson(state.data)) && state.tag !== undefined;
        if (again && current.replies.length && !replies.some((r) => r.choices?.length)) {
          const misses = (state.misses ?? 0) + 1;
          const t = flowCtx(ctx, state.lang).t;
          if (misses >= 2) replies.push({ text: t('nlu.offer_officer'), choices: [{ id: 'm:officer', label: t('menu.officer') }] });
          return finish({ ...next, misses }, replies, effects, ctx, true);
        }
        return finish(next, replies, effects, ctx);
      }
      replies.push(...(current.replies ?? []));
      effects.push(...(current.effects ?? []));
      const target = flows.get(current.goto);
      if (!target) {
        replies.push({ text: flowCtx(ctx, state.lang).t('core.coming_soon') });
        currentFlow = menu!;
        current = menu!.start(flowCtx(ctx, state.lang), { quiet: true });
        continue;
      }
      currentFlow = target;
      current = target.start(flowCtx(ctx, state.lang), current.params);
    }
    throw new Error(`too many flow switches (last: ${currentFlow.id})`);
  }

  /** Leaving a node that waits on someone (Flow.awaits) remembers its flow; entering that flow forgets it. */
  function awaitedAfter(state: ConversationState, flowId: string): Pick<ConversationState, 'awaited'> {
    if (flowId === state.awaited) return { awaited: undefined };
    return flowId !== state.flow && flows.get(state.flow)?.awaits?.includes(state.node) ? { awaited: state.flow } : {};
  }

  function toMenu(state: ConversationState, ctx: StepContext, pre: Reply[], params?: Record<string, unknown>): StepResult {
    return apply({ goto: 'menu', params }, menu!, state, ctx, pre);
  }

  /**
   * Leaving by "menu", a menu button, a notification's button or "yes, ask first": a half-finished
   * booking or checklist (`holds`) is kept to come back to ("lanjut"), never dropped without a
   * word. The note is said only when the place where the step ends still keeps it (a new booking
   * begun replaces the one kept).
   */
  function leaveKeeping(state: ConversationState, ctx: StepContext, leaving: Reply[], go: (from: ConversationState, pre: Reply[]) => StepResult): StepResult {
    const flow = flows.get(state.flow);
    if (!flow?.holds?.(state.node, state.data)) return go({ ...state, leave: undefined }, leaving);
    const resume = heldNow(state);
    const result = go({ ...state, leave: undefined, ...keptWith(state, resume) }, leaving);
    if (result.state.resume !== resume) return result;
    const replies = [...result.replies];
    replies.splice(leaving.length, 0, { text: leaveText(state, ctx, 'nlu.set_aside') });
    return { ...result, replies };
  }

  /** What is said of a half-finished thing set aside: "nlu.set_aside.requirements" for a checklist, else the booking's words. */
  function heldText(ctx: StepContext, lang: Lang, key: string, flowId: string): string {
    const own = `${key}.${flowId}`;
    return flowCtx(ctx, lang).t(own in ctx.content.texts ? own : key);
  }

  /**
   * A text of the leave question: the request's own ("nlu.leave_question.booking.my_bookings":
   * "batalin booking saya" while making a new one), else the flow's, else the booking's words.
   */
  function leaveText(state: ConversationState, ctx: StepContext, key: string): string {
    const own = `${key}.${state.flow}.${(state.leave?.intent as Intent | undefined)?.kind}`;
    return own in ctx.content.texts ? flowCtx(ctx, state.lang).t(own) : heldText(ctx, state.lang, key, state.flow);
  }

  /**
   * A request for an officer waiting behind "Tinggalkan dulu?" (a complaint, often) that the
   * resident's answer did not pass on ("menu", "lanjutkan", an answer to the question under it):
   * said so, never dropped without a word.
   */
  function notPassedOn(state: ConversationState, ctx: StepContext): Reply[] {
    return (state.leave?.intent as Intent | undefined)?.kind === 'officer' ? [{ text: flowCtx(ctx, state.lang).t('nlu.officer_not_passed_on') }] : [];
  }

  function leaveQuestion(state: ConversationState, ctx: StepContext): Reply {
    const held = (key: string) => leaveText(state, ctx, key);
    return { text: held('nlu.leave_question'), choices: [{ id: 'nav:leave', label: held('nlu.leave_yes') }, { id: 'nav:stay', label: held('nlu.leave_no') }] };
  }

  /**
   * "Leave the booking for your new question?" read in its own context: its options' words and a
   * clear "ya" / "tidak" answer it. Other yes/no words ("ada", "udah", "belum ada"), a NIK, a day
   * answer the question underneath, so they are taken there, saying the resident is still in it.
   */
  function atLeaveQuestion(state: ConversationState, input: TextInput, ctx: StepContext): StepResult | undefined {
    const answers = answersOf(ctx.nlu);
    const picked = answers.option(input.text, state.labels ?? []);
    const meant = picked && 'index' in picked ? undefined : answers.leaveOrStay(input.text);
    const id = picked && 'index' in picked ? splitChoiceId(state.choices[picked.index] ?? '').id : meant === 'leave' ? 'nav:leave' : meant === 'stay' ? 'nav:stay' : undefined;
    if (id) return step(state, { type: 'choice', id }, ctx);
    const flow = flows.get(state.flow)!;
    const under: ConversationState = { ...state, leave: undefined };
    const outcome = flow.onInput(state.node, state.data, input, flowCtx(ctx, state.lang));
    // The same question again ("udah" at the name question: not a name) is no answer there,
    // unless it tries the number asked for (a NIK with a fault is pointed out).
    const again = 'node' in outcome && outcome.node === state.node && dataJson(outcome.data ?? state.data) === dataJson(state.data);
    if (!('unhandled' in outcome) && !(again && expectation(under) !== 'nik')) {
      // "ga jadi booking", "batal aja": the flow stops there, so the request asked about comes next.
      if ('goto' in outcome && outcome.goto === 'menu') {
        const routed = intentOutcome(state.leave!.intent as Intent, flowCtx(ctx, state.lang), state.leave!.said);
        if (routed && 'goto' in routed) return apply({ ...routed, replies: [...(outcome.replies ?? []), ...(routed.replies ?? [])], effects: [...(outcome.effects ?? []), ...(routed.effects ?? [])] }, flow, under, ctx);
        return apply(outcome, flow, under, ctx);
      }
      return apply(outcome, flow, under, ctx, [...notPassedOn(state, ctx), { text: heldText(ctx, state.lang, 'nlu.stay', state.flow) }]);
    }
    // The request asked about said again ("cek status" twice), or after a yes ("iya, syarat akta
    // lahir", "ya mau cek status"): that is a yes, for the request as typed now.
    const intent = ctx.nlu.classify(input.text);
    const pending = state.leave!.intent as Intent;
    if (intent.kind === 'unknown' || SMALL_TALK.has(intent.kind) || INFO_INTENTS.has(intent.kind) || (intent.kind === 'booking' && state.flow === 'booking')) return undefined;
    const same = dataJson(intent) === dataJson(pending);
    const firstWord = input.text.trim().split(/[\s,.!;:]+/)[0] ?? '';
    if (!same && answers.leaveOrStay(firstWord) !== 'leave') return undefined;
    // "ya syaratnya apa" asks about the document named before.
    const vaguer = intent.kind === 'requirements' && (pending.kind === 'service' || pending.kind === 'ambiguous');
    const leave = same || vaguer ? state.leave : { intent, said: intent.kind === 'officer' ? (input.whole ?? input.text) : input.text };
    return step({ ...state, leave }, { type: 'choice', id: 'nav:leave' }, ctx);
  }

  function reprompt(state: ConversationState, ctx: StepContext, pre: Reply[]): StepResult {
    const flow = flows.get(state.flow);
    if (!flow) return toMenu(state, ctx, pre);
    if (state.leave) return finish(state, [...pre, leaveQuestion(state, ctx)], [], ctx, true);
    return finish(state, [...pre, ...flow.prompt(state.node, state.data, flowCtx(ctx, state.lang))], [], ctx, true);
  }

  /** The question again without the long text already shown: only its options, or its last line. */
  function shortPrompt(state: ConversationState, ctx: StepContext): Reply[] {
    const flow = flows.get(state.flow);
    if (state.leave) return [leaveQuestion(state, ctx)];
    if (!flow) return [];
    const full = flow.prompt(state.node, state.data, flowCtx(ctx, state.lang));
    const withChoices = full.filter((r) => r.choices?.length);
    return withChoices.length ? withChoices : full.slice(-1);
  }

  function shortReprompt(state: ConversationState, ctx: StepContext, pre: Reply[], misses?: number): StepResult {
    const result = finish({ ...state, misses }, [...pre, ...shortPrompt(state, ctx)], [], ctx, true);
    return result;
  }

  function expectation(state: ConversationState): Expectation {
    const flow = flows.get(state.flow);
    if (state.leave) return 'choice';
    return flow?.expects?.(state.node, state.data) ?? (state.choices.length ? 'choice' : 'text');
  }

  /** Not understood: one line saying what is expected, the question again; the second miss offers an officer. */
  const light = (r: StepResult): StepResult => ({ ...r, smallTalk: true });

  function notUnderstood(state: ConversationState, ctx: StepContext): StepResult {
    return light(notUnderstoodReply(state, ctx));
  }

  function notUnderstoodReply(state: ConversationState, ctx: StepContext): StepResult {
    const t = flowCtx(ctx, state.lang).t;
    const misses = (state.misses ?? 0) + 1;
    if (state.leave) {
      // The leave question again in one short line, saying what to type.
      const question = leaveQuestion(state, ctx);
      const again: Reply = { text: leaveText(state, ctx, 'nlu.leave_again'), choices: question.choices };
      if (misses < 2) return finish({ ...state, misses }, [again], [], ctx, true);
      return finish({ ...state, misses }, [{ ...again, choices: [...again.choices!, { id: 'm:officer', label: t('menu.officer') }] }, { text: t('nlu.offer_officer') }], [], ctx, true);
    }
    const kind = expectation(state);
    const line = { text: t(`nlu.expect.${kind}`) };
    const again = shortPrompt(state, ctx);
    if (misses >= 2) {
      const officer: Reply = { text: t('nlu.offer_officer'), choices: [{ id: 'm:officer', label: t('menu.officer') }] };
      // The officer button joins the question's options (or stands alone under a typed question).
      const last = again.at(-1);
      // Where an officer is already one of the options (the menu), it is not shown twice.
      const shown = last?.choices?.some((c) => splitChoiceId(c.id).id === 'm:officer') === true;
      const replies = last?.choices?.length
        ? [line, ...again.slice(0, -1), shown ? last : { ...last, choices: [...last.choices, officer.choices![0]!] }, { text: officer.text }]
        : [line, ...again, officer];
      // The officer button must not change the question's tag: re-finish with the same state.
      return finish({ ...state, misses }, replies, [], ctx, true);
    }
    return finish({ ...state, misses }, [line, ...again], [], ctx, true);
  }

  /** Where a recognised free-text intent leads, from anywhere. `typed`: the text as read (readText), for what must reach an officer whole. */
  function intentOutcome(intent: Intent, fc: FlowContext, said?: string, typed?: TextInput): Outcome | undefined {
    const t = fc.t;
    switch (intent.kind) {
      case 'service':
        // What was said goes along: "ktp ilang" already tells the checklist the card is lost.
        return { goto: 'requirements', params: { serviceId: intent.serviceId, said } };
      case 'ambiguous':
        // What was said goes along: "mau pindah ke Bandar Lampung" names the way of the move.
        return { goto: 'requirements', params: { serviceIds: intent.serviceIds, said } };
      case 'requirements':
        return { goto: 'requirements' };
      case 'booking':
        // What was said goes along: "rekam darurat buat rumah sakit" already names the reason.
        return { goto: 'booking', params: said ? { action: 'new', said } : undefined };
      case 'my_bookings':
        // "batalin booking saya", "ganti jadwal": the booking flow acts on the only booking at once.
        return { goto: 'booking', params: { action: 'list', said } };
      case 'status':
        // What was said goes along: "cek status LU-261130-ABCDE" already names the application.
        return { goto: 'status', params: said ? { said } : undefined };
      case 'fee':
      case 'duration':
      case 'online': {
        // Of the service named, or of the one the resident is reading about ("berapa lama prosesnya").
        const service = intent.serviceId ? fc.content.servicesById.get(intent.serviceId) : undefined;
        const text = service ? `${service.short_name[fc.lang]}: ${service[SERVICE_FACTS[intent.kind]][fc.lang]}` : t(`info.${intent.kind}`);
        return { goto: 'menu', params: { quiet: true }, replies: [{ text }] };
      }
      case 'officer':
        // What was said goes along, whole (not cut to what the NLU reads): a complaint in the first message reaches the officer.
        return { goto: 'officer', params: said ? { said: typed?.whole ?? said, ...(typed?.cut ? { cut: true } : {}) } : undefined };
      case 'hours':
        return { goto: 'menu', params: { quiet: true }, replies: [{ text: t('info.hours', { name: fc.content.office.name, address: fc.content.office.address[fc.lang], hours: fc.content.office.hours[fc.lang] }) }] };
      case 'health':
        return { goto: 'menu', params: { quiet: true }, replies: [{ text: `${t('info.health')}\n${fc.content.office.health_protocol.map((p) => `• ${p[fc.lang]}`).join('\n')}` }] };
      case 'greeting':
        return { goto: 'menu', replies: [{ text: t('core.greeting') }] };
      case 'thanks':
        // "ok", "siap" acknowledge; only thanks get "Sama-sama"; "tutup aja", "selesai" close (no menu after it).
        if (intent.done) return { goto: 'menu', params: { short: true }, replies: [{ text: t('core.done') }] };
        return { goto: 'menu', params: { quiet: true }, replies: [{ text: t(intent.ack ? 'core.ack' : 'core.thanks') }] };
      case 'help':
        return { goto: 'menu', params: { quiet: true }, replies: [{ text: t('core.help') }] };
      case 'menu':
        return { goto: 'menu' };
      case 'language':
      case 'unknown':
        return undefined;
    }
  }

  function switchLanguage(state: ConversationState, ctx: StepContext, to?: Lang): StepResult {
    const lang: Lang = to ?? (state.lang === 'id' ? 'en' : 'id');
    const next = { ...state, lang, langChosen: true };
    return reprompt(next, ctx, [{ text: flowCtx(ctx, lang).t('core.language_switched') }]);
  }

  const step: StepFn = function step(saved: ConversationState | undefined, rawInput: Input, ctx: StepContext): StepResult {
    const lang = saved?.lang ?? ctx.resident.lang;
    // A language the resident chose stays chosen through a restart (a long pause, an update).
    const fresh: ConversationState = { lang, ...(saved?.langChosen ? { langChosen: true } : {}), flow: 'menu', flowVersion: menu.version, node: 'main', data: {}, choices: [], at: isoTime(ctx.now) };
    const fc = flowCtx(ctx, lang);
    let input = rawInput;

    // An effect's answer goes straight back to the flow that asked for it.
    if (input.type === 'result') {
      const flow = saved && flows.get(saved.flow);
      if (!saved || !flow) return toMenu(fresh, ctx, []);
      return apply(flow.onInput(saved.node, saved.data, input, fc), flow, saved, ctx);
    }

    if (input.type === 'text') {
      const route = routeWords.get(input.text.slice(0, 40).trim().toLowerCase().replace(/[.!?,\s]+$/g, '').replace(/\s+/g, ' '));
      if (route) return apply({ goto: route.flow, params: route.params }, menu, saved ?? fresh, ctx);
    }

    // First contact: welcome, then answer what they asked if it was clear.
    if (!saved) {
      const intent = input.type === 'text' ? ctx.nlu.classify(input.text.slice(0, MAX_TEXT)) : undefined;
      const wantsOtherLanguage = input.type === 'text' && (GLOBAL_WORDS[input.text.trim().toLowerCase()] === 'language' || intent?.kind === 'language');
      const typed = input.type === 'text' ? input.text.slice(0, MAX_TEXT) : '';
      // Asked for by name or by writing in it ("I lost my ID card"): the welcome is in that language.
      const welcomeLang: Lang = wantsOtherLanguage ? (languageNamed(typed) ?? (lang === 'id' ? 'en' : 'id')) : (ctx.nlu.writtenIn?.(typed) ?? lang);
      const start: ConversationState = { ...fresh, lang: welcomeLang, ...(wantsOtherLanguage ? { langChosen: true } : {}) };
      const welcome = { text: flowCtx(ctx, welcomeLang).t('core.welcome', { office: ctx.content.office.name }) };
      const outcome =
        intent && intent.kind !== 'greeting' && intent.kind !== 'menu'
          ? (intentOutcome(intent, flowCtx(ctx, welcomeLang), typed, input.type === 'text' ? readText(input.text, false) : undefined) ?? (intent.kind === 'unknown' ? (recognised(typed, ctx.nlu) ?? atMenu(typed, flowCtx(ctx, welcomeLang))) : undefined))
          : undefined;
      if (outcome) {
        const r = apply(outcome, menu, start, ctx, [welcome]);
        return intent?.kind === 'help' || intent?.kind === 'thanks' ? light(r) : r;
      }
      return light(toMenu(start, ctx, [welcome]));
    }

    // A state from an older flow version (or a flow that no longer exists).
    let state = saved;
    const flow = flows.get(state.flow);
    if (!flow) return toMenu(fresh, ctx, [{ text: fc.t('core.restarted_update') }]);
    if (state.flowVersion !== flow.version) {
      const migrated = flow.migrate?.(state.flowVersion, state.node, state.data);
      if (!migrated) return toMenu({ ...fresh }, ctx, [{ text: fc.t('core.restarted_update') }]);
      state = { ...state, ...migrated, flowVersion: flow.version };
    }

    // Long idle: start again at the menu, saying so; a clear question is still answered.
    // A button press is a deliberate answer (e.g. to a notification) and goes through.
    const idle = ctx.now.getTime() - Date.parse(state.at) > ctx.idleMs;
    if (idle && state.flow !== 'menu' && input.type !== 'choice' && !flow.keepWhenIdle?.includes(state.node)) {
      // A half-finished booking is kept aside, not dropped: "lanjut" brings it back.
      const held = flow.holds?.(state.node, state.data) === true;
      const notice = { text: held ? `${fc.t('core.idle_restart')}\n${heldText(ctx, lang, 'nlu.set_aside', state.flow)}` : fc.t('core.idle_restart') };
      // "lanjut" after the pause: the question that was waiting, at once.
      if (held && input.type === 'text' && RESUME_TEXT.test(input.text.trim().toLowerCase())) {
        return reprompt(state, ctx, [{ text: heldText(ctx, lang, 'nlu.resumed', state.flow) }]);
      }
      const base: ConversationState = { ...fresh, lang, ...(held ? keptWith(state, heldNow(state)) : { resume: state.resume, resumeBelow: state.resumeBelow }) };
      if (input.type === 'text') {
        const outcome = intentOutcome(ctx.nlu.classify(input.text.slice(0, MAX_TEXT)), fc, input.text);
        if (outcome) return apply(outcome, menu, base, ctx, [notice]);
      }
      return toMenu(base, ctx, [notice]);
    }

    if (input.type === 'text') {
      // Where every text is the answer (a message to an officer), it is kept whole and a number is not an option.
      const anyText = flow.takesAnyText?.(state.node, state.data) === true;
      const read = readText(input.text, anyText);
      const text = read.text;
      if (!text) return shortReprompt(state, ctx, [{ text: fc.t('core.empty') }], state.misses);
      // Written in English by a resident who never chose a language ("I lost my ID card" after
      // "halo"): the conversation goes on in English, this message answered there. Thanks and
      // greetings ("thank you") are said in English by Indonesian speakers too: no switch.
      if (state.lang === 'id' && !state.langChosen && !anyText && ctx.nlu.writtenIn?.(text) === 'en') {
        const kind = ctx.nlu.classify(text).kind;
        if (kind !== 'thanks' && kind !== 'greeting' && kind !== 'language') {
          const inEnglish = reprompt({ ...state, lang: 'en' }, ctx, []).state;
          const r = step(inEnglish, read, ctx);
          return { ...r, replies: [{ text: flowCtx(ctx, 'en').t('core.language_detected') }, ...r.replies] };
        }
      }
      const word = asWord(text);
      const cancelIsOwn = GLOBAL_WORDS[word] === 'cancel' && !state.leave && flows.get(state.flow)?.ownsCancel?.(state.node, state.data) === true;
      const global = cancelIsOwn ? undefined : GLOBAL_WORDS[word];
      // The question is answered in its own context first: "batal" at "Batalkan booking?" picks
      // "Ya, batalkan", "keluar" at the moving list picks "Pindah keluar daerah".
      if (global === 'cancel' && !state.leave && state.labels?.some((l) => l.toLowerCase().includes(word.slice(0, 4)))) {
        const picked = answersOf(ctx.nlu).option(text, state.labels);
        const id = picked && 'index' in picked ? state.choices[picked.index] : undefined;
        if (id) return step(state, { type: 'choice', id }, ctx);
      }
      // "batal" at "Tinggalkan dulu?" drops the new request, not what is half-finished under it (the
      // answers were promised to be kept): that stays, said so; "batal" once more cancels it too.
      if (global === 'cancel' && state.leave) return shortReprompt({ ...state, leave: undefined }, ctx, [...notPassedOn(state, ctx), { text: heldText(ctx, state.lang, 'nlu.leave_cancelled', state.flow) }]);
      // A flow may say what leaving means (an officer's case stays open).
      const leaving = global === 'menu' || global === 'cancel' ? [...(flows.get(state.flow)?.onLeave?.(state.node, state.data, fc) ?? []), ...notPassedOn(state, ctx)] : [];
      if (global === 'menu') return leaveKeeping(state, ctx, leaving, (from, pre) => toMenu(from, ctx, pre));
      if (global === 'cancel') return toMenu({ ...state, leave: undefined, resume: undefined, resumeBelow: undefined }, ctx, leaving.length ? leaving : [{ text: fc.t(state.flow === 'menu' ? 'core.nothing_to_cancel' : 'core.cancelled') }], { quiet: true });
      if (global === 'help') return reprompt(state, ctx, [{ text: fc.t('core.help') }]);
      if (global === 'language') return switchLanguage(state, ctx, languageNamed(word));
      const number = anyText ? undefined : /^\d{1,2}$/.test(text) ? Number(text) : state.choices.length ? answersOf(ctx.nlu).number(text) : undefined;
      // "lanjut" after something was set aside brings it back. (Not at a yes/no question, where
      // "lanjut" means yes, nor where it is one of the options shown: "Kembali" to the list, nor
      // at "leave the booking?", where it means going on with this one.)
      if (state.resume && !state.leave && RESUME_TEXT.test(word) && expectation(state) !== 'yesno' && expectation(state) !== 'confirm' && !state.labels?.some((l) => l.toLowerCase() === word)) input = { type: 'choice', id: 'nav:resume' };
      // "2" on WhatsApp (or typed anywhere) means the second choice shown last; so do "2.", "no 2", "yang kedua".
      else if (number !== undefined) {
        const id = state.choices[number - 1];
        if (id) input = { type: 'choice', id };
        else if (state.choices.length) return shortReprompt(state, ctx, [{ text: fc.t('core.number_out_of_range', { max: state.choices.length }) }], state.misses);
        else input = read;
      } else input = read;
    }

    if (input.type === 'choice') {
      // A button carries the question it was shown under: one from an older question is answered
      // with the current question, never acted on (another checklist item, another booking).
      const { id, tag } = splitChoiceId(input.id);
      if (!isGlobalChoice(id)) {
        const current = state.choices.map((c) => splitChoiceId(c).id);
        if (tag !== undefined ? tag !== state.tag : !current.includes(id) && state.leave) {
          return shortReprompt(state, ctx, [{ text: fc.t('nlu.stale_question') }], state.misses);
        }
      }
      input = { type: 'choice', id };
      // Choices from the main menu and language buttons work from anywhere (old buttons included).
      if (id === 'lang:id' || id === 'lang:en') return switchLanguage(state, ctx, id === 'lang:id' ? 'id' : 'en');
      if (id === 'nav:stay') return shortReprompt({ ...state, leave: undefined }, ctx, [...notPassedOn(state, ctx), { text: heldText(ctx, state.lang, 'nlu.stay', state.flow) }]);
      if (id === 'nav:leave') {
        const intent = state.leave?.intent as Intent | undefined;
        const flow = flows.get(state.flow)!;
        const routed = intent && intentOutcome(intent, fc, state.leave?.said);
        if (!routed) return shortReprompt({ ...state, leave: undefined }, ctx, []);
        return leaveKeeping(state, ctx, [], (from, pre) => apply(routed, flow, from, ctx, pre));
      }
      if (id === 'nav:resume') {
        const r = state.resume;
        const flow = r && flows.get(r.flow);
        if (!r || !flow || flow.version !== r.flowVersion) return toMenu({ ...state, ...keptWithoutTop(state) }, ctx, []);
        // What is half-finished here (a booking begun) is kept in turn, under what was kept before.
        const rest: ConversationState = { ...state, ...keptWithoutTop(state) };
        const holding = flows.get(state.flow)?.holds?.(state.node, state.data) === true;
        const back: ConversationState = { ...rest, ...(holding ? keptWith(rest, heldNow(state)) : {}), flow: r.flow, flowVersion: r.flowVersion, node: r.node, data: r.data, leave: undefined };
        // Left from a booking being looked at (its cancel question): it stands, said so.
        const leaving = flows.get(state.flow)?.onLeave?.(state.node, state.data, fc) ?? [];
        return reprompt(back, ctx, [...leaving, { text: heldText(ctx, state.lang, 'nlu.resumed', r.flow) }]);
      }
      if (id.startsWith('m:') && state.flow !== 'menu') {
        const picked = input;
        const leaving = [...(flows.get(state.flow)?.onLeave?.(state.node, state.data, fc) ?? []), ...(id === 'm:officer' ? [] : notPassedOn(state, ctx))];
        return leaveKeeping(state, ctx, leaving, (from, pre) => apply(menu.onInput('main', {}, picked, fc), menu, from, ctx, pre));
      }
    }

    const current = flows.get(state.flow)!;
    let outcome: Outcome;
    if (state.leave && input.type === 'text') {
      const r = atLeaveQuestion(state, input, ctx);
      if (r) return r;
      // Not its answer, nor one to the question underneath (tried there): small talk, a question
      // or another request is answered as anywhere, the leave question still waiting.
      outcome = { unhandled: true };
    } else outcome = current.onInput(state.node, state.data, input, fc);
    if (!('unhandled' in outcome)) return apply(outcome, current, state, ctx);

    // A button of another flow (an older list, a notification) still leads there.
    if (input.type === 'choice') {
      const id = input.id;
      const owner = choiceOwners.find((o) => o.flow !== current && id.startsWith(o.prefix));
      if (owner) return leaveKeeping(state, ctx, [], (from, pre) => apply({ goto: owner.flow.id, params: { choice: id } }, current, from, ctx, pre));
    }

    if (input.type === 'text') {
      // "lanjut", as told when something was set aside, that the question did not take as its
      // answer (it is no yes to cancelling a booking): what was set aside comes back.
      if (state.resume && !state.leave && RESUME_TEXT.test(asWord(input.text))) return step(state, { type: 'choice', id: 'nav:resume' }, ctx);
      const answers = answersOf(ctx.nlu);
      // A typed option label ("cek kelengkapan", "rumah sakit") answers like its button. At the
      // menu free text is the main way in, so intents go first there.
      const byLabel = (): StepResult | undefined => {
        const picked = answers.option(input.text, state.labels ?? []);
        if (!picked) return undefined;
        // Some words of a label ("booking" of "Booking baru") lose to a clear request for this
        // same flow ("booking saya" at the bookings list), unless a booking is half-finished.
        if ('index' in picked && picked.loose && !current.holds?.(state.node, state.data)) {
          const routed = intentOutcome(ctx.nlu.classify(input.text), fc, input.text);
          if (routed && 'goto' in routed && routed.goto === state.flow && routed.params) return apply(routed, current, state, ctx);
        }
        if ('index' in picked) {
          const id = state.choices[picked.index];
          return id ? step(state, { type: 'choice', id }, ctx) : undefined;
        }
        // Unclear: "did you mean A or B?" with just those, the question staying the same.
        const choices = picked.ambiguous.map((i) => ({ id: state.choices[i]!, label: state.labels![i]! }));
        return finish(state, [{ text: fc.t('nlu.did_you_mean'), choices }], [], ctx, true);
      };
      if (state.flow !== 'menu') {
        const r: StepResult | undefined = byLabel();
        if (r) return r;
      }
      const intent = ctx.nlu.classify(input.text);
      if (intent.kind === 'language') return switchLanguage(state, ctx, languageNamed(input.text));
      if (state.flow !== 'menu') {
        // Small talk never ends a flow: one line, then the question again.
        if (intent.kind === 'greeting' || intent.kind === 'thanks') {
          const line = intent.kind === 'greeting' ? 'nlu.greeting_mid_flow' : intent.done ? 'nlu.done_mid_flow' : intent.ack ? 'nlu.ack_mid_flow' : 'nlu.thanks_mid_flow';
          return light(shortReprompt(state, ctx, [{ text: fc.t(line) }], state.misses));
        }
        // A question about fees, hours or the health protocol is answered in place.
        if (INFO_INTENTS.has(intent.kind)) {
          const current = typeof state.data.serviceId === 'string' ? state.data.serviceId : undefined;
          const about = isServiceFact(intent.kind) && !('serviceId' in intent && intent.serviceId) && current ? { ...intent, serviceId: current } : intent;
          const routed = intentOutcome(about, fc);
          const said = routed && 'goto' in routed ? (routed.replies ?? []) : [];
          return shortReprompt(state, ctx, said, state.misses);
        }
        // A clear new request while a booking is half-finished: ask before leaving it. "mau booking"
        // while booking is this booking; "batalin booking saya" means one already made, so it is
        // asked for like any other request (the one being made is kept aside for it).
        if (intent.kind !== 'unknown' && current.holds?.(state.node, state.data)) {
          const sameFlow = intent.kind === 'booking' && state.flow === 'booking';
          if (sameFlow) return shortReprompt(state, ctx, [], state.misses);
          // A message for an officer waits whole; what else was said, as read.
          const asking: ConversationState = { ...state, leave: { intent, said: intent.kind === 'officer' ? (input.whole ?? input.text) : input.text } };
          return finish(asking, [leaveQuestion(asking, ctx)], [], ctx);
        }
        if (intent.kind === 'menu') return toMenu(state, ctx, []);
      }
      // At the menu while a case waits for an officer (Flow.awaits), that flow hears what may be meant for them.
      const awaiting = state.flow === 'menu' && state.awaited && flows.has(state.awaited) ? state.awaited : undefined;
      // Thanks ("makasih pak" after the officer's answer): that flow hears it too.
      if (awaiting && intent.kind === 'thanks') {
        return apply({ goto: awaiting, params: { thanks: input.whole ?? input.text, ...(intent.ack ? { ack: true } : {}), ...(intent.done ? { done: true } : {}) } }, current, state, ctx);
      }
      // "masih bingung", "kurang jelas pak": maybe said of the officer's answer; that flow finds out
      // (passed on when the officer wrote last, else the usual help).
      if (awaiting && intent.kind === 'help') return apply({ goto: awaiting, params: { confused: input.whole ?? input.text } }, current, state, ctx);
      const routed = intentOutcome(intent, fc, input.text, input) ?? (intent.kind === 'unknown' && !current.holds?.(state.node, state.data) ? recognised(input.text, ctx.nlu) : undefined);
      if (routed) {
        const r = apply(routed, current, state, ctx);
        return intent.kind === 'greeting' || intent.kind === 'thanks' || intent.kind === 'help' ? light(r) : r;
      }
      if (state.flow === 'menu') {
        const r: StepResult | undefined = byLabel();
        if (r) return r;
        // Not understood at the menu after leaving a case that waits for an officer: it may be the
        // resident's answer to the officer ("iya pak, besok saya datang"); that flow finds out.
        if (awaiting) return apply({ goto: awaiting, params: { stray: input.whole ?? input.text, ...(input.cut ? { cut: true } : {}) } }, current, state, ctx);
      }
      return notUnderstood(state, ctx);
    }
    if (input.type === 'media') {
      // One short line and the question again, never a long text already shown.
      const effects: Effect[] = input.ref ? [{ type: 'media.keep', media: input.media, ref: input.ref, caption: input.caption ?? null }] : [];
      const key = input.media === 'photo' || input.media === 'document' ? 'core.media_document' : 'core.media_unsupported';
      const r = shortReprompt(state, ctx, [{ text: fc.t(key) }], state.misses);
      return { ...r, effects };
    }
    return shortReprompt(state, ctx, [{ text: fc.t('nlu.stale_question') }], state.misses);
  };
  return step;
}

/** Helper for flows: a reply with choices. */
export function ask(text: string, choices: Choice[]): Reply {
  return { text, choices };
}
