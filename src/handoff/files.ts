// Files residents sent on a case, fetched from their channel when an officer asks for one.
// They were kept by reference only (Telegram file id, WhatsApp message record): nothing is
// downloaded until an officer opens it, and nothing is stored on disk.
import type { ChannelName } from '../core/types.js';
import type { Db } from '../store/db.js';

export interface FetchedFile {
  bytes: Uint8Array;
  mime: string;
  name: string;
}

export type FileFetcher = (file: { channel: ChannelName; media: string; ref: string; caption: string | null }) => Promise<FetchedFile | undefined>;

const MIME_BY_EXT: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', pdf: 'application/pdf' };

/** Telegram: getFile, then the file URL of the Bot API (files up to 20 MB). */
export function telegramFetcher(token: string | undefined, apiRoot: string): FileFetcher {
  return async (file) => {
    if (!token || file.channel !== 'telegram') return undefined;
    const root = apiRoot.replace(/\/+$/, '');
    const meta = (await (await fetch(`${root}/bot${token}/getFile?file_id=${encodeURIComponent(file.ref)}`)).json()) as { ok: boolean; result?: { file_path?: string } };
    const filePath = meta.ok ? meta.result?.file_path : undefined;
    if (!filePath) return undefined;
    const res = await fetch(`${root}/file/bot${token}/${filePath}`);
    if (!res.ok) return undefined;
    const name = filePath.split('/').pop() ?? 'file';
    const ext = name.split('.').pop()?.toLowerCase() ?? '';
    return { bytes: new Uint8Array(await res.arrayBuffer()), mime: res.headers.get('content-type') && res.headers.get('content-type') !== 'application/octet-stream' ? res.headers.get('content-type')! : (MIME_BY_EXT[ext] ?? 'application/octet-stream'), name };
  };
}

/** WhatsApp: the kept message record holds the media key; Baileys downloads and decrypts it while WhatsApp still has it. */
export function whatsappFetcher(db: Db): FileFetcher {
  return async (file) => {
    if (file.channel !== 'whatsapp' || !file.ref.startsWith('whatsapp:')) return undefined;
    // Loaded only when an officer opens a WhatsApp file: the channel library is big.
    const [{ WhatsAppStore }, baileys] = await Promise.all([import('../store/whatsapp-store.js'), import('@whiskeysockets/baileys')]);
    const stored = new WhatsAppStore(db).getStoredMessage(file.ref.slice('whatsapp:'.length));
    if (!stored) return undefined;
    const content = baileys.normalizeMessageContent(stored.message.message);
    const doc = content?.documentMessage;
    const image = content?.imageMessage;
    const bytes = (await baileys.downloadMediaMessage(stored.message, 'buffer', {})) as Buffer;
    const mime = doc?.mimetype ?? image?.mimetype ?? 'application/octet-stream';
    const name = doc?.fileName ?? `${stored.id}.${mime.split('/')[1]?.split(';')[0] ?? 'bin'}`;
    return { bytes: new Uint8Array(bytes), mime, name };
  };
}

/** Asks each channel's fetcher in turn; undefined when none could get the file. */
export async function fetchCaseFile(fetchers: FileFetcher[], file: { channel: ChannelName; media: string; ref: string; caption: string | null }): Promise<FetchedFile | undefined> {
  for (const fetcher of fetchers) {
    const got = await fetcher(file).catch(() => undefined);
    if (got) return got;
  }
  return undefined;
}
