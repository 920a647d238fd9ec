// Replies as WhatsApp text. Buttons and lists do not render for ordinary (non-API)
// accounts, so choices become a numbered list; the engine maps a typed "2" back to the
// second choice and "0" to the menu.
import { translate } from '../../content/load.js';
import type { Texts } from '../../content/schema.js';
import type { Lang, Reply } from '../../core/types.js';
import { whatsappEmphasis } from '../emphasis.js';

export function renderReply(reply: Reply, lang: Lang, texts: Texts): string {
  const choices = reply.choices ?? [];
  // The facts to keep in WhatsApp's *bold*.
  const body = whatsappEmphasis(reply.text, reply.emphasis);
  if (!choices.length) return body;
  const list = choices.map((choice, i) => `${i + 1}. ${choice.label}`).join('\n');
  const hint = choices.length === 1 ? translate(texts, lang, 'whatsapp.reply_with_one') : translate(texts, lang, 'whatsapp.reply_with_number', { max: choices.length });
  return `${body}\n\n${list}\n\n_${hint}_`;
}
