// Replies as WhatsApp text. Buttons and lists do not render for ordinary (non-API)
// accounts, so choices become a numbered list; the engine maps a typed "2" back to the
// second choice and "0" to the menu.
import { translate } from '../../content/load.js';
import type { Texts } from '../../content/schema.js';
import type { Lang, Reply } from '../../core/types.js';

export function renderReply(reply: Reply, lang: Lang, texts: Texts): string {
  const choices = reply.choices ?? [];
  if (!choices.length) return reply.text;
  const list = choices.map((choice, i) => `${i + 1}. ${choice.label}`).join('\n');
  const hint = choices.length === 1 ? translate(texts, lang, 'whatsapp.reply_with_one') : translate(texts, lang, 'whatsapp.reply_with_number', { max: choices.length });
  return `${reply.text}\n\n${list}\n\n_${hint}_`;
}
