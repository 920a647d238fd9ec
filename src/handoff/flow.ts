// "Hubungi petugas": the resident picks a topic, writes the message, and is told honestly when
// an answer comes. While the case is open the bot stays quiet: what the resident writes goes
// to the case. `menu` leaves (the case stays open); an officer's answer comes with a button
// that leads back to the case from anywhere; after closing, one satisfaction question.
// Pure: the database is reached through effects (src/handoff/feature.ts).
import type { Choice, Input, Reply } from '../core/types.js';
import type { Flow, FlowContext, Outcome } from '../flows/types.js';
import type { OfficeTime } from './hours.js';
import { TOPICS, type HandoffSettings, type Topic } from './settings.js';

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

const keepNote = (data: Record<string, unknown>) => (typeof data.note === 'string' ? { note: data.note } : {});
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v));

export function createHandoffFlow(deps: { settings: HandoffSettings; time: OfficeTime }): Flow {
  const { settings, time } = deps;
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

  function opened(r: OpenResult, ctx: FlowContext): Outcome {
    const due = new Date(r.dueAt);
    const dueText = `${time.calendar.label(time.calendar.today(due), ctx.lang)} ${time.calendar.timeLabel(due, ctx.lang)} WIB`;
    const next = new Date(r.nextOpening);
    const when = r.inHours
      ? ctx.t('handoff.answer_in_hours', { close: time.closeLabel(), due: dueText })
      : ctx.t('handoff.answer_out_of_hours', { hours: ctx.content.office.hours[ctx.lang], day: time.calendar.label(time.calendar.today(next), ctx.lang), open: time.openLabel(), due: dueText });
    const lines = [ctx.t('handoff.received', { id: r.caseId }), when];
    if (r.topic === 'pengaduan') lines.push(ctx.t('handoff.national_channels'));
    lines.push(ctx.t('handoff.while_open'));
    return { node: 'open', data: { caseId: r.caseId }, replies: [{ text: lines.join('\n\n') }] };
  }

  function mediaFields(input: Extract<Input, { type: 'media' }>) {
    return { media: input.media, ref: input.ref ?? null, caption: input.caption ?? null };
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
        return { node: 'rating', data: { caseId: num(parts[2]) }, replies: [], effects: [{ type: HANDOFF_EFFECTS.rate, caseId: num(parts[2]), score: num(parts[3]) }] };
      case 'skip':
        return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('handoff.thanks_rating') }] };
      default:
        return undefined;
    }
  }

  function onResult(effect: string, r: Record<string, unknown>, data: Record<string, unknown>, ctx: FlowContext): Outcome {
    switch (effect) {
      case HANDOFF_EFFECTS.current: {
        const open = r.case as { id: number; topic: string } | undefined;
        if (open) return { node: 'open', data: { caseId: open.id }, replies: [{ text: ctx.t('handoff.already_open', { id: open.id, topic: topicLabel(open.topic, ctx) }) }] };
        const note = typeof data.note === 'string' ? { note: data.note } : {};
        if (data.topic) return { node: 'message', data: { topic: data.topic, pungli: false, ...note }, replies: askMessage(data.topic as Topic, false, ctx) };
        return { node: 'topic', data: note, replies: [topicQuestion(ctx)] };
      }
      case HANDOFF_EFFECTS.open:
        return opened(r as unknown as OpenResult, ctx);
      case HANDOFF_EFFECTS.message:
        if ('closed' in r) return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('handoff.case_closed', { id: num(data.caseId) }) }] };
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

  return {
    id: 'officer',
    version: 1,
    keepWhenIdle: ['open'],
    routeWords: { 'balas petugas': { reply: true }, 'reply to the officer': { reply: true } },
    choicePrefixes: ['hf:'],
    start(ctx, params) {
      if (typeof params?.choice === 'string') {
        const outcome = onChoice(params.choice, {}, ctx);
        if (outcome) return outcome;
      }
      if (params?.reply) return { node: 'resuming', data: {}, replies: [], effects: [{ type: HANDOFF_EFFECTS.resume }] };
      // Other flows may send residents here with a topic and a line for the officer
      // (e.g. booking: "under 16, special case"): { goto: 'officer', params: { topic, note } }.
      const topic = (TOPICS as readonly string[]).includes(String(params?.topic)) ? (params!.topic as Topic) : undefined;
      const note = typeof params?.note === 'string' ? params.note.slice(0, 300) : undefined;
      return { node: 'checking', data: { ...(topic ? { topic } : {}), ...(note ? { note } : {}) }, replies: [], effects: [{ type: HANDOFF_EFFECTS.current }] };
    },
    onInput(node, data, input, ctx): Outcome {
      if (input.type === 'result') return onResult(input.effect, (input.data ?? {}) as Record<string, unknown>, data, ctx);
      if (input.type === 'choice') return onChoice(input.id, data, ctx) ?? { unhandled: true };
      switch (node) {
        case 'topic': {
          if (input.type === 'text') {
            const topic = typedTopic(input.text, ctx);
            if (topic) return { node: 'message', data: { ...data, topic, pungli: false }, replies: askMessage(topic, false, ctx) };
            // The message written straight away: keep it, with the topic it reads like.
            const pungli = MONEY.test(input.text);
            const guessed: Topic = pungli || COMPLAINT.test(input.text) ? 'pengaduan' : 'pertanyaan';
            return { node: 'opening', data: {}, replies: [], effects: [{ type: HANDOFF_EFFECTS.open, topic: guessed, pungli, text: input.text, note: data.note }] };
          }
          if (input.type === 'media') return { node: 'opening', data: {}, replies: [], effects: [{ type: HANDOFF_EFFECTS.open, topic: 'dokumen', pungli: false, note: data.note, ...mediaFields(input) }] };
          return { unhandled: true };
        }
        case 'message': {
          const topic = (data.topic as Topic) ?? 'lainnya';
          const pungli = Boolean(data.pungli);
          if (input.type === 'text') return { node: 'opening', data: {}, replies: [], effects: [{ type: HANDOFF_EFFECTS.open, topic, pungli: pungli || (topic === 'pengaduan' && MONEY.test(input.text)), text: input.text, note: data.note }] };
          if (input.type === 'media') return { node: 'opening', data: {}, replies: [], effects: [{ type: HANDOFF_EFFECTS.open, topic, pungli, note: data.note, ...mediaFields(input) }] };
          return { unhandled: true };
        }
        case 'open': {
          // Quiet: the message goes to the case, the bot does not answer it.
          if (input.type === 'text') return { node: 'open', data, replies: [], effects: [{ type: HANDOFF_EFFECTS.message, caseId: data.caseId, text: input.text }] };
          if (input.type === 'media') return { node: 'open', data, replies: [], effects: [{ type: HANDOFF_EFFECTS.message, caseId: data.caseId, ...mediaFields(input) }] };
          return { unhandled: true };
        }
        case 'rate_word':
          if (input.type === 'text' && SKIP.test(input.text.trim())) return { goto: 'menu', params: { quiet: true }, replies: [{ text: ctx.t('handoff.thanks_rating') }] };
          if (input.type === 'text') return { node: 'rate_word', data, replies: [], effects: [{ type: HANDOFF_EFFECTS.word, caseId: data.caseId, word: input.text }] };
          return { unhandled: true };
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
        case 'rate_word':
          return [{ text: ctx.t('handoff.ask_word'), choices: [{ id: 'hf:skip', label: ctx.t('handoff.skip') }] }];
        default:
          return [topicQuestion(ctx)];
      }
    },
    onLeave(node, data, ctx) {
      return node === 'open' && data.caseId ? [{ text: ctx.t('handoff.left_open', { id: num(data.caseId) }) }] : [];
    },
  };
}
