// The channel-neutral contract between adapters, the engine and the flows.
// Nothing in here does IO: adapters translate to/from these shapes, the store persists them.

export type Lang = 'id' | 'en';

/** Channels the bot speaks on. `web` is the embedded local chat. */
export type ChannelName = 'web' | 'telegram' | 'whatsapp';

/**
 * A pulled channel's page fetches its replies (the web chat): a reply waits for the page, not for
 * a sender, and each message is answered at once in its own response. The others are pushed.
 */
export function isPulledChannel(channel: ChannelName): boolean {
  return channel === 'web';
}

/** One selectable option under a reply. `id` is stable and short (it travels in callback data). */
export interface Choice {
  id: string;
  label: string;
}

/** What the bot says. Adapters render `choices` their own way (buttons, numbered list…). */
export interface Reply {
  text: string;
  choices?: Choice[];
  /**
   * The facts to keep (a booking code, a tracking number, a date and time): exact pieces of
   * `text`, its first occurrence each, which every channel makes stand out its own way
   * (WhatsApp *bold*, Telegram bold entities, web chat <strong>). Never markup inside `text`,
   * so nothing a resident or officer types can turn into formatting.
   */
  emphasis?: string[];
}

export type MediaKind = 'photo' | 'document' | 'voice' | 'audio' | 'video' | 'sticker' | 'location' | 'contact' | 'other';

/** The longest text a flow that takes any text (a message to an officer) keeps: a Telegram message's length. */
export const MAX_MESSAGE = 4000;

/** What a resident sent, already stripped of channel details. */
export type Input =
  /**
   * `cut`: the step kept only the first MAX_MESSAGE characters (the flow may say so).
   * `whole`: a text longer than the NLU reads, kept to MAX_MESSAGE for a flow that passes it on to
   * an officer (`text` is then its start).
   */
  | { type: 'text'; text: string; cut?: true; whole?: string }
  | { type: 'choice'; id: string }
  | { type: 'media'; media: MediaKind; ref?: string; caption?: string }
  /** The runner's answer to an effect the step asked for (see Effect). Never sent by a resident. */
  | { type: 'result'; effect: string; data: unknown };

/** An inbound message as an adapter hands it to the engine. */
export interface InboundMessage {
  /** Channel-unique message id (Telegram update id, WhatsApp message id…): the dedupe key. */
  id: string;
  channel: ChannelName;
  /** The resident's address on that channel (chat id, JID, browser id). */
  address: string;
  /** Another address WhatsApp knows the same person by (LID ↔ phone JID), if any. */
  altAddress?: string;
  input: Input;
  /** Language hint from the channel (e.g. Telegram's language_code), used for new residents only. */
  langHint?: string;
  /** Pull channels (web chat): outbox ids the resident's page showed, marked delivered in this message's commit. */
  acked?: number[];
}

/**
 * A side effect the pure step wants done. The runner executes it inside the same
 * transaction as the message. A handler may return data: the runner then feeds it back
 * to the step as `{ type: 'result', effect, data }`, so flows can ask the store for
 * things (free days, a booking) without doing IO themselves.
 */
export interface Effect {
  type: string;
  [key: string]: unknown;
}

/** The resident as the engine sees them (no personal data beyond the channel identity). */
export interface ResidentRef {
  id: number;
  channel: ChannelName;
  address: string;
  lang: Lang;
}

/** Injected time, so tests are exact. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
