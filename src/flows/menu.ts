// The main menu: the place every conversation returns to.
import { plain } from '../nlu/answers.js';
import { answersOf } from '../nlu/index.js';
import type { Flow, FlowContext, Outcome } from './types.js';

/** Up to this many words, "untuk bpjs kak" at the menu is a reason for the urgent recording, not a longer request. */
const REASON_WORDS = 5;

/**
 * "untuk bpjs", "buat berobat": what the urgent KTP-el recording the menu offers is for, with
 * nothing else the bot understands in it. The booking, that reason taken (Flow.opensWith).
 */
function urgentReason(text: string, ctx: FlowContext): Outcome | undefined {
  if (plain(text).split(' ').length > REASON_WORDS || !answersOf(ctx.nlu).saysWhatFor(text)) return undefined;
  if (ctx.nlu.classify(text).kind !== 'unknown') return undefined;
  const params = ctx.opening?.('booking', text);
  return params ? { goto: 'booking', params } : undefined;
}

function menuReply(ctx: FlowContext, quiet: boolean) {
  return {
    text: ctx.t(quiet ? 'menu.prompt_again' : 'menu.prompt'),
    choices: [
      { id: 'm:req', label: ctx.t('menu.requirements') },
      { id: 'm:book', label: ctx.t('menu.booking') },
      { id: 'm:mybook', label: ctx.t('menu.my_bookings') },
      { id: 'm:status', label: ctx.t('menu.status') },
      { id: 'm:officer', label: ctx.t('menu.officer') },
      { id: ctx.lang === 'id' ? 'lang:en' : 'lang:id', label: ctx.t('menu.language') },
    ],
  };
}

export const menuFlow: Flow = {
  id: 'menu',
  version: 1,
  start(ctx, params) {
    // After a message to keep (a booking confirmed), the menu is not appended: that message
    // carries one "Menu utama" choice itself, so the code stays on screen.
    if (params?.short) return { node: 'main', data: {}, replies: [] };
    return { node: 'main', data: {}, replies: [menuReply(ctx, Boolean(params?.quiet))] };
  },
  onInput(_node, _data, input, ctx): Outcome {
    if (input.type === 'text') return urgentReason(input.text, ctx) ?? { unhandled: true };
    if (input.type !== 'choice') return { unhandled: true };
    switch (input.id) {
      case 'm:menu':
        return { goto: 'menu' };
      case 'm:req':
        return { goto: 'requirements' };
      case 'm:book':
        return { goto: 'booking' };
      case 'm:mybook':
        return { goto: 'booking', params: { action: 'list' } };
      case 'm:status':
        return { goto: 'status' };
      case 'm:officer':
        return { goto: 'officer' };
      default:
        return { unhandled: true };
    }
  },
  prompt(_node, _data, ctx) {
    return [menuReply(ctx, false)];
  },
};

/**
 * "Hubungi petugas" without the handoff feature (HANDOFF=off): the office's contacts, then back
 * to the menu. With it on (the default), src/handoff/flow.ts registers the flow 'officer' over
 * this one: the resident's message goes to an officer's inbox.
 */
export const officerFlow: Flow = {
  id: 'officer',
  version: 1,
  start(ctx) {
    const o = ctx.content.office;
    const lines = [
      ctx.t('info.officer', { name: o.name }),
      ...o.contacts.map((c) => `• ${c.label[ctx.lang]}: ${c.value}`),
      ctx.t('info.address_line', { address: o.address[ctx.lang] }),
      ctx.t('info.hours_line', { hours: o.hours[ctx.lang] }),
    ];
    return { goto: 'menu', params: { quiet: true }, replies: [{ text: lines.join('\n') }] };
  },
  onInput() {
    return { goto: 'menu' };
  },
  prompt(_n, _d, ctx) {
    return [{ text: ctx.t('menu.prompt') }];
  },
};
