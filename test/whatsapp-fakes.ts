// A WhatsApp socket without a network: Baileys' own makeEventBuffer as the emitter, and
// sendMessage / presence / read receipts recorded for assertions.
import { makeEventBuffer, proto, type AnyMessageContent, type WAMessage, type WAMessageKey, type WAPresence } from '@whiskeysockets/baileys';
import type { SocketOptions, WhatsAppSocket } from '../src/channels/whatsapp/port.js';
import { createLogger } from '../src/log.js';

export const silentLog = createLogger('silent');

export interface SentRecord {
  jid: string;
  text: string;
  id: string;
}

let outSeq = 0;
let inSeq = 0;

export class FakeSocket implements WhatsAppSocket {
  readonly ev = makeEventBuffer(silentLog);
  readonly sent: SentRecord[] = [];
  readonly presence: Array<{ type: WAPresence; jid?: string }> = [];
  readonly read: WAMessageKey[] = [];
  /** Everything in call order: "presence:composing", "send", "presence:paused"… */
  readonly calls: string[] = [];
  pairingRequests: string[] = [];
  ended = false;
  loggedOut = false;
  failNextSend: Error | undefined;
  private readWaiters: Array<{ id: string; resolve: () => void }> = [];

  constructor(readonly options?: SocketOptions) {}

  async sendMessage(jid: string, content: AnyMessageContent, options?: { messageId?: string }): Promise<WAMessage> {
    this.calls.push(`send:${jid}`);
    if (this.failNextSend) {
      const err = this.failNextSend;
      this.failNextSend = undefined;
      throw err;
    }
    const text = 'text' in content ? content.text : '';
    const id = options?.messageId ?? `3EB0OUT${++outSeq}`;
    this.sent.push({ jid, text, id });
    return { key: { remoteJid: jid, fromMe: true, id }, message: proto.Message.create({ conversation: text }), messageTimestamp: 1_800_000_000 };
  }

  async sendPresenceUpdate(type: WAPresence, jid?: string): Promise<void> {
    this.calls.push(`presence:${type}:${jid}`);
    this.presence.push({ type, jid });
  }

  async readMessages(keys: WAMessageKey[]): Promise<void> {
    this.read.push(...keys);
    for (const key of keys) {
      for (const w of this.readWaiters.filter((w) => w.id === key.id)) w.resolve();
      this.readWaiters = this.readWaiters.filter((w) => w.id !== key.id);
    }
  }

  async requestPairingCode(phone: string): Promise<string> {
    this.pairingRequests.push(phone);
    return 'ABCD1234';
  }

  async logout(): Promise<void> {
    this.loggedOut = true;
    this.close(401);
  }

  end(): void {
    this.ended = true;
  }

  // --- driving the socket from a test ---------------------------------------

  open(): void {
    this.ev.emit('connection.update', { connection: 'open' });
  }

  showQr(qr = '2@fake-qr-ref,fake-noise-key,fake-identity-key,fake-adv'): void {
    this.ev.emit('connection.update', { connection: 'connecting', qr });
  }

  close(statusCode: number | undefined): void {
    const error = Object.assign(new Error(`closed ${statusCode}`), { output: { statusCode } });
    this.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } });
  }

  /** Emits one notify upsert; resolves once the adapter marked it read (i.e. it was committed). */
  receive(message: WAMessage): Promise<void> {
    const done = new Promise<void>((resolve) => this.readWaiters.push({ id: message.key.id!, resolve }));
    this.ev.emit('messages.upsert', { messages: [message], type: 'notify' });
    return done;
  }
}

/** A resident's message as Baileys hands it over. */
export function incoming(from: string, content: proto.IMessage, key: Partial<WAMessage['key']> = {}): WAMessage {
  return {
    key: { remoteJid: from, fromMe: false, id: `3A${(++inSeq).toString(16).toUpperCase().padStart(18, '0')}`, ...key },
    message: content,
    messageTimestamp: 1_800_000_000,
    pushName: 'Warga',
  };
}

export const text = (from: string, body: string, key: Partial<WAMessage['key']> = {}) => incoming(from, { conversation: body }, key);
