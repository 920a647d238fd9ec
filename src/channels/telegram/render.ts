// Pure translation between the engine's channel-neutral shapes and Telegram's:
// long texts in parts, choices as an inline keyboard with compact callback data,
// commands with the bot's name stripped, media as a reference.
import { createHash } from 'node:crypto';
import type { InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity } from 'grammy/types';
import type { Choice, Input, MediaKind, Reply } from '../../core/types.js';
import { emphasisSpans } from '../emphasis.js';

/** Telegram's limit for one message (in UTF-16 code units, as the API counts). */
export const MAX_MESSAGE = 4096;
/** Telegram's limit for callback data (bytes). */
export const MAX_CALLBACK_BYTES = 64;
/** Callback data starting with this is a hash of a long choice id (see TelegramStore). */
const HASH_MARK = '#';

/**
 * Splits text into parts of at most `max` characters, preferring line breaks, then
 * spaces; a single endless word is cut (never inside a surrogate pair).
 */
export function splitText(text: string, max = MAX_MESSAGE): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    // A paragraph break in the second half of the window makes a more readable part.
    const paragraph = window.lastIndexOf('\n\n');
    let cut = paragraph > max / 2 ? paragraph : window.lastIndexOf('\n');
    let skip = 1;
    if (cut <= 0) {
      cut = window.lastIndexOf(' ');
    }
    if (cut <= 0) {
      cut = max;
      skip = 0;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    const part = rest.slice(0, cut).trimEnd();
    if (part) parts.push(part);
    rest = rest.slice(cut + skip).replace(/^\n+/, '');
  }
  if (rest.trim() || parts.length === 0) parts.push(rest);
  return parts;
}

/** One message of a reply as Telegram gets it: plain text plus bold entities (never parse_mode). */
export interface TelegramPart {
  text: string;
  entities?: MessageEntity[];
}

/**
 * A reply as Telegram messages: split within Telegram's limit (at paragraphs, then lines), the
 * facts to keep in bold as entities, so nothing in the text is ever read as markup. The caller
 * puts the buttons under the last part, after the text they act on.
 */
export function renderParts(reply: Reply, max = MAX_MESSAGE): TelegramPart[] {
  const parts = splitText(reply.text.trim() ? reply.text : '…', max);
  const pending = [...new Set((reply.emphasis ?? []).map((e) => e.trim()).filter(Boolean))];
  return parts.map((text) => {
    // Each piece is marked once, in the first part that holds it.
    const here = pending.filter((p) => text.includes(p));
    for (const p of here) pending.splice(pending.indexOf(p), 1);
    const entities: MessageEntity[] = emphasisSpans(text, here).map((s) => ({ type: 'bold', offset: s.start, length: s.end - s.start }));
    return entities.length ? { text, entities } : { text };
  });
}

/** A short, stable stand-in for a choice id that does not fit into callback data. */
export function hashChoice(id: string): string {
  return HASH_MARK + createHash('sha256').update(id).digest('base64url').slice(0, 16);
}

/** The callback data for a choice id: the id itself when it fits, else its hash. */
export function callbackDataFor(id: string): { data: string; hashed: boolean } {
  if (Buffer.byteLength(id, 'utf8') <= MAX_CALLBACK_BYTES && !id.startsWith(HASH_MARK)) return { data: id, hashed: false };
  return { data: hashChoice(id), hashed: true };
}

export function isHashedCallback(data: string): boolean {
  return data.startsWith(HASH_MARK);
}

/** Labels up to this long sit two to a row. */
const SHORT_LABEL = 16;

/** One button per row, or two per row when every label is short. */
export function inlineKeyboard(choices: Choice[], dataFor: (id: string) => string): InlineKeyboardMarkup {
  const buttons: InlineKeyboardButton[] = choices.map((c) => ({ text: c.label.trim() || c.id, callback_data: dataFor(c.id) }));
  const perRow = choices.length > 2 && choices.every((c) => [...c.label].length <= SHORT_LABEL) ? 2 : 1;
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
  return { inline_keyboard: rows };
}

/**
 * "/start@AdmindukBot payload" → "/start": the engine knows commands as bare words.
 * Anything that is not a command comes back unchanged.
 */
export function normalizeCommand(text: string): string {
  const m = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]+)?(?:\s[\s\S]*)?$/.exec(text.trim());
  return m ? `/${m[1]!.toLowerCase()}` : text;
}

/** Kinds of messages that carry content the bot cannot read (everything else non-text is a service note). */
const OTHER_CONTENT = ['poll', 'dice', 'game', 'story', 'invoice', 'paid_media', 'giveaway', 'checklist'] as const;

/** A resident's message as the engine's input; undefined for service notes that need no answer. */
export function inputFromMessage(msg: Message): Input | undefined {
  if (msg.text !== undefined) return { type: 'text', text: normalizeCommand(msg.text) };
  const caption = msg.caption;
  const media = (kind: MediaKind, ref?: string): Input => ({ type: 'media', media: kind, ...(ref ? { ref } : {}), ...(caption ? { caption } : {}) });
  // The largest size of a photo is last.
  if (msg.photo?.length) return media('photo', msg.photo[msg.photo.length - 1]!.file_id);
  // A GIF carries both animation and document: it is not a document.
  if (msg.animation) return media('video', msg.animation.file_id);
  if (msg.document) return media('document', msg.document.file_id);
  if (msg.voice) return media('voice', msg.voice.file_id);
  if (msg.audio) return media('audio', msg.audio.file_id);
  if (msg.video) return media('video', msg.video.file_id);
  if (msg.video_note) return media('video', msg.video_note.file_id);
  if (msg.sticker) return media('sticker', msg.sticker.file_id);
  // Places and phone numbers are personal data: answered, never kept.
  if (msg.location || msg.venue) return media('location');
  if (msg.contact) return media('contact');
  if (OTHER_CONTENT.some((key) => key in msg)) return media('other');
  return undefined;
}
