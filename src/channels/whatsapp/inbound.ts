// What a WhatsApp message means to the engine. Pure: a WAMessage in, an Input (or the
// reason it is ignored) out, so the whole table is tested without a socket.
import {
  isHostedLidUser,
  isHostedPnUser,
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isJidStatusBroadcast,
  isLidUser,
  isPnUser,
  jidNormalizedUser,
  normalizeMessageContent,
  type WAMessage,
  type proto,
} from '@whiskeysockets/baileys';
import type { Input, MediaKind } from '../../core/types.js';

export type SkipReason = 'no_id' | 'own' | 'group' | 'status' | 'broadcast' | 'newsletter' | 'not_a_person' | 'no_content' | 'protocol';

export type InboundMapping =
  | { kind: 'skip'; reason: SkipReason }
  | {
      kind: 'message';
      id: string;
      /** The chat's JID, normalised (device suffix removed): a LID (…@lid) or a phone JID (…@s.whatsapp.net). */
      address: string;
      /** The same person's other JID when WhatsApp sent it (phone JID for a LID chat, or the reverse). */
      altAddress?: string;
      input: Input;
    };

/** Housekeeping that needs no answer: edits, deletions, reactions, poll votes, key exchange. */
const SILENT = new Set<keyof proto.IMessage>([
  'protocolMessage',
  'reactionMessage',
  'encReactionMessage',
  'pollUpdateMessage',
  'keepInChatMessage',
  'pinInChatMessage',
  'senderKeyDistributionMessage',
  'messageContextInfo',
  'editedMessage',
]);

/**
 * Given to Baileys as shouldIgnoreJid: groups, status updates, broadcast lists and newsletters
 * are acked and dropped before decryption (no "Bad MAC" floods, no sender keys kept for them).
 */
export function ignoreJid(jid: string): boolean {
  return Boolean(isJidGroup(jid) || isJidStatusBroadcast(jid) || isJidBroadcast(jid) || isJidNewsletter(jid));
}

const isPerson = (jid: string) => Boolean(isPnUser(jid) || isLidUser(jid) || isHostedPnUser(jid) || isHostedLidUser(jid));

/** The text a resident typed or picked, from every message shape that carries one. */
export function textOf(content: proto.IMessage): string | undefined {
  return (
    content.conversation ??
    content.extendedTextMessage?.text ??
    content.buttonsResponseMessage?.selectedDisplayText ??
    content.buttonsResponseMessage?.selectedButtonId ??
    content.listResponseMessage?.title ??
    content.listResponseMessage?.singleSelectReply?.selectedRowId ??
    content.templateButtonReplyMessage?.selectedDisplayText ??
    content.templateButtonReplyMessage?.selectedId ??
    content.interactiveResponseMessage?.body?.text ??
    undefined
  );
}

function mediaOf(content: proto.IMessage): { media: MediaKind; caption?: string } | undefined {
  const caption = (text: string | null | undefined) => (text ? { caption: text } : {});
  if (content.imageMessage) return { media: 'photo', ...caption(content.imageMessage.caption) };
  if (content.documentMessage) return { media: 'document', ...caption(content.documentMessage.caption ?? content.documentMessage.fileName) };
  if (content.audioMessage) return { media: content.audioMessage.ptt ? 'voice' : 'audio' };
  if (content.videoMessage || content.ptvMessage) return { media: 'video', ...caption(content.videoMessage?.caption) };
  if (content.stickerMessage) return { media: 'sticker' };
  if (content.locationMessage || content.liveLocationMessage) return { media: 'location' };
  if (content.contactMessage || content.contactsArrayMessage) return { media: 'contact' };
  return undefined;
}

/** Photos and documents are kept (by reference) so an officer can fetch them later. */
export const KEPT_MEDIA: ReadonlySet<MediaKind> = new Set(['photo', 'document']);

export function mediaRef(id: string): string {
  return `whatsapp:${id}`;
}

export function mapInbound(message: WAMessage): InboundMapping {
  const { key } = message;
  const remoteJid = key.remoteJid ?? '';
  if (!key.id) return { kind: 'skip', reason: 'no_id' };
  if (key.fromMe) return { kind: 'skip', reason: 'own' };
  if (isJidGroup(remoteJid)) return { kind: 'skip', reason: 'group' };
  if (isJidStatusBroadcast(remoteJid)) return { kind: 'skip', reason: 'status' };
  if (isJidBroadcast(remoteJid) || message.broadcast) return { kind: 'skip', reason: 'broadcast' };
  if (isJidNewsletter(remoteJid)) return { kind: 'skip', reason: 'newsletter' };
  if (!isPerson(remoteJid)) return { kind: 'skip', reason: 'not_a_person' };

  const content = normalizeMessageContent(message.message);
  if (!content) return { kind: 'skip', reason: 'no_content' };

  const address = jidNormalizedUser(remoteJid);
  const alt = key.remoteJidAlt ? jidNormalizedUser(key.remoteJidAlt) : undefined;
  const base = { kind: 'message' as const, id: key.id, address, ...(alt && alt !== address ? { altAddress: alt } : {}) };

  const text = textOf(content);
  if (typeof text === 'string') return { ...base, input: { type: 'text', text } };

  const media = mediaOf(content);
  if (media) {
    const ref = KEPT_MEDIA.has(media.media) ? { ref: mediaRef(key.id) } : {};
    return { ...base, input: { type: 'media', ...media, ...ref } };
  }

  const present = (Object.keys(content) as Array<keyof proto.IMessage>).filter((k) => content[k] !== null && content[k] !== undefined);
  if (present.every((k) => SILENT.has(k))) return { kind: 'skip', reason: 'protocol' };
  // Polls, events, payments…: answered politely like any media the bot cannot read.
  return { ...base, input: { type: 'media', media: 'other' } };
}
