// The pure engine core: step(state, input, ctx) → { state, replies, effects }.
// It owns what works at every step (menu, batal, bantuan, bahasa, numbered answers,
// idle restarts, stale buttons, free-text intents) and delegates the rest to flows.
import { translate } from '../content/load.js';
import type { Choice, Effect, Input, Lang, Reply } from '../core/types.js';
import type { Intent } from '../nlu/index.js';
import type { ConversationState, Flow, FlowContext, Outcome, StepContext, StepResult } from './types.js';

export type StepFn = (saved: ConversationState | undefined, input: Input, ctx: StepContext) => StepResult;

type GlobalWord = 'menu' | 'cancel' | 'help' | 'language';

const GLOBAL_WORDS: Record<string, GlobalWord> = {
  menu: 'menu', '0': 'menu', '/start': 'menu', '/menu': 'menu', start: 'menu', mulai: 'menu', 'menu utama': 'menu', 'main menu': 'menu',
  batal: 'cancel', '/batal': 'cancel', cancel: 'cancel', '/cancel': 'cancel', stop: 'cancel', keluar: 'cancel',
  bantuan: 'help', '/bantuan': 'help', help: 'help', '/help': 'help', tolong: 'help', '?': 'help',
  bahasa: 'language', '/bahasa': 'language', language: 'language', '/language': 'language', english: 'language', 'bahasa indonesia': 'language',
};

/** Longer than this, a message is cut before it reaches flows and the NLU (a 10,000-char paste must not slow anyone). */
const MAX_TEXT = 1000;
/** Flow switches (goto) in one step: a loop between flows is a bug, not a hang. */
const MAX_HOPS = 6;

export function createStep(flowList: Flow[]): StepFn {
  const flows = new Map(flowList.map((f) => [f.id, f]));
  const menu = flows.get('menu');
  if (!menu) throw new Error('a "menu" flow is required');
  // Words that answer an announcement or a notification ("berhenti info") work from anywhere.
  const routeWords = new Map<string, { flow: string; params?: Record<string, unknown> }>();
  for (const flow of flowList) {
    for (const [word, params] of Object.entries(flow.routeWords ?? {})) routeWords.set(word, { flow: flow.id, params });
  }
  const choiceOwners = flowList.flatMap((flow) => (flow.choicePrefixes ?? []).map((prefix) => ({ prefix, flow })));

  function flowCtx(ctx: StepContext, lang: Lang): FlowContext {
    return { ...ctx, lang, t: (key, vars) => translate(ctx.content.texts, lang, key, vars) };
  }

  function finish(state: ConversationState, replies: Reply[], effects: Effect[], ctx: StepContext): StepResult {
    const lastWithChoices = [...replies].reverse().find((r) => r.choices?.length);
    return {
      state: { ...state, choices: lastWithChoices?.choices?.map((c) => c.id) ?? [], at: ctx.now.toISOString() },
      replies,
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
        const next: ConversationState = {
          ...state,
          flow: currentFlow.id,
          flowVersion: currentFlow.version,
          node: current.node,
          data: current.data ?? (currentFlow.id === state.flow ? state.data : {}),
        };
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

  function toMenu(state: ConversationState, ctx: StepContext, pre: Reply[], params?: Record<string, unknown>): StepResult {
    return apply({ goto: 'menu', params }, menu!, state, ctx, pre);
  }

  function reprompt(state: ConversationState, ctx: StepContext, pre: Reply[]): StepResult {
    const flow = flows.get(state.flow);
    if (!flow) return toMenu(state, ctx, pre);
    return finish(state, [...pre, ...flow.prompt(state.node, state.data, flowCtx(ctx, state.lang))], [], ctx);
  }

  /** Where a recognised free-text intent leads, from anywhere. */
  function intentOutcome(intent: Intent, fc: FlowContext): Outcome | undefined {
    const t = fc.t;
    switch (intent.kind) {
      case 'service':
        return { goto: 'requirements', params: { serviceId: intent.serviceId } };
      case 'ambiguous':
        return { goto: 'requirements', params: { serviceIds: intent.serviceIds } };
      case 'requirements':
        return { goto: 'requirements' };
      case 'booking':
        return { goto: 'booking' };
      case 'my_bookings':
        return { goto: 'booking', params: { action: 'list' } };
      case 'status':
        return { goto: 'status' };
      case 'fee': {
        const service = intent.serviceId ? fc.content.servicesById.get(intent.serviceId) : undefined;
        const text = service ? `${service.short_name[fc.lang]}: ${service.fee[fc.lang]}` : t('info.fee');
        return { goto: 'menu', params: { quiet: true }, replies: [{ text }] };
      }
      case 'officer':
        return { goto: 'officer' };
      case 'hours':
        return { goto: 'menu', params: { quiet: true }, replies: [{ text: t('info.hours', { name: fc.content.office.name, address: fc.content.office.address[fc.lang], hours: fc.content.office.hours[fc.lang] }) }] };
      case 'health':
        return { goto: 'menu', params: { quiet: true }, replies: [{ text: `${t('info.health')}\n${fc.content.office.health_protocol.map((p) => `• ${p[fc.lang]}`).join('\n')}` }] };
      case 'greeting':
        return { goto: 'menu', replies: [{ text: t('core.greeting') }] };
      case 'thanks':
        return { goto: 'menu', params: { quiet: true }, replies: [{ text: t('core.thanks') }] };
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
    const next = { ...state, lang };
    return reprompt(next, ctx, [{ text: flowCtx(ctx, lang).t('core.language_switched') }]);
  }

  return function step(saved, rawInput, ctx) {
    const lang = saved?.lang ?? ctx.resident.lang;
    const fresh: ConversationState = { lang, flow: 'menu', flowVersion: menu.version, node: 'main', data: {}, choices: [], at: ctx.now.toISOString() };
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
      const welcomeLang: Lang = wantsOtherLanguage ? (lang === 'id' ? 'en' : 'id') : lang;
      const start = { ...fresh, lang: welcomeLang };
      const welcome = { text: flowCtx(ctx, welcomeLang).t('core.welcome', { office: ctx.content.office.name }) };
      const outcome = intent && intent.kind !== 'greeting' && intent.kind !== 'menu' ? intentOutcome(intent, fc) : undefined;
      if (outcome) return apply(outcome, menu, start, ctx, [welcome]);
      return toMenu(start, ctx, [welcome]);
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
      const notice = { text: fc.t('core.idle_restart') };
      const base = { ...fresh, lang };
      if (input.type === 'text') {
        const outcome = intentOutcome(ctx.nlu.classify(input.text.slice(0, MAX_TEXT)), fc);
        if (outcome) return apply(outcome, menu, base, ctx, [notice]);
      }
      return toMenu(base, ctx, [notice]);
    }

    if (input.type === 'text') {
      const text = input.text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim().slice(0, MAX_TEXT);
      if (!text) return reprompt(state, ctx, [{ text: fc.t('core.empty') }]);
      const word = text.toLowerCase().replace(/[.!,\s]+$/g, '');
      const global = GLOBAL_WORDS[word];
      // A flow may say what leaving means (an officer's case stays open).
      const leaving = global === 'menu' || global === 'cancel' ? (flows.get(state.flow)?.onLeave?.(state.node, state.data, fc) ?? []) : [];
      if (global === 'menu') return toMenu(state, ctx, leaving);
      if (global === 'cancel') return toMenu(state, ctx, leaving.length ? leaving : [{ text: fc.t(state.flow === 'menu' ? 'core.nothing_to_cancel' : 'core.cancelled') }], { quiet: true });
      if (global === 'help') return reprompt(state, ctx, [{ text: fc.t('core.help') }]);
      if (global === 'language') return switchLanguage(state, ctx);
      // "2" on WhatsApp (or typed anywhere) means the second choice shown last.
      if (/^\d{1,2}$/.test(text)) {
        const n = Number(text);
        const id = state.choices[n - 1];
        if (id) input = { type: 'choice', id };
        else if (state.choices.length) return reprompt(state, ctx, [{ text: fc.t('core.number_out_of_range', { max: state.choices.length }) }]);
      } else input = { type: 'text', text };
    }

    // Choices from the main menu and language buttons work from anywhere (old buttons included).
    if (input.type === 'choice') {
      if (input.id === 'lang:id' || input.id === 'lang:en') return switchLanguage(state, ctx, input.id === 'lang:id' ? 'id' : 'en');
      if (input.id.startsWith('m:') && state.flow !== 'menu') return apply(menu.onInput('main', {}, input, fc), menu, state, ctx, flows.get(state.flow)?.onLeave?.(state.node, state.data, fc) ?? []);
    }

    const current = flows.get(state.flow)!;
    const outcome = current.onInput(state.node, state.data, input, fc);
    if (!('unhandled' in outcome)) return apply(outcome, current, state, ctx);

    // A button of another flow (an older list, a notification) still leads there.
    if (input.type === 'choice') {
      const id = input.id;
      const owner = choiceOwners.find((o) => o.flow !== current && id.startsWith(o.prefix));
      if (owner) return apply({ goto: owner.flow.id, params: { choice: id } }, current, state, ctx);
    }

    if (input.type === 'text') {
      const intent = ctx.nlu.classify(input.text);
      if (intent.kind === 'language') return switchLanguage(state, ctx);
      const routed = intentOutcome(intent, fc);
      if (routed) return apply(routed, current, state, ctx);
      // "Pick one below" only when there is something below to pick; otherwise the question is typed.
      const again = reprompt(state, ctx, []);
      const key = again.replies.some((r) => r.choices?.length) ? 'core.not_understood' : 'core.not_understood_typed';
      return { ...again, replies: [{ text: fc.t(key) }, ...again.replies] };
    }
    if (input.type === 'media') {
      const effects: Effect[] = input.ref ? [{ type: 'media.keep', media: input.media, ref: input.ref, caption: input.caption ?? null }] : [];
      const key = input.media === 'photo' || input.media === 'document' ? 'core.media_document' : 'core.media_unsupported';
      const r = reprompt(state, ctx, [{ text: fc.t(key) }]);
      return { ...r, effects };
    }
    return reprompt(state, ctx, [{ text: fc.t('core.stale_choice') }]);
  };
}

/** Helper for flows: a reply with choices. */
export function ask(text: string, choices: Choice[]): Reply {
  return { text, choices };
}
