// A WhatsApp socket without a network: Baileys' own makeEventBuffer as the emitter, and
// sendMessage / presence / read receipts recorded for assertions.
import { EventEmitter } from 'node:events';
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

/** How the fake server answers a send: acked, refused with an error code ('463', '479'…), or silence. */
export type ServerAnswer = 'ok' | 'none' | string;

export class FakeSocket implements WhatsAppSocket {
  readonly ev = makeEventBuffer(silentLog);
  /** Raw frames, as Baileys' socket emits them ('CB:ack,class:message' for the server's ack of a send). */
  readonly ws = new EventEmitter();
  /** Scripted server answers for the next sends, in order; 'ok' when empty. */
  readonly serverAnswers: ServerAnswer[] = [];
  /** What Baileys' LID mapping would find for a phone JID (it may ask WhatsApp's servers). */
  readonly lidForPn = new Map<string, string>();
  readonly signalRepository = {
    lidMapping: {
      getLIDForPN: async (pn: string) => this.lidForPn.get(pn) ?? null,
      getPNForLID: async (lid: string) => [...this.lidForPn].find(([, l]) => l === lid)?.[0] ?? null,
    },
  };
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
    const answer = this.serverAnswers.shift() ?? 'ok';
    // The server answers after the stanza left, as over a network.
    queueMicrotask(() => this.serverAck(jid, id, answer));
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

  /** The server's answer to a send, down the same paths Baileys uses (handleBadAck → messages.update). */
  serverAck(jid: string, id: string, answer: ServerAnswer): void {
    if (answer === 'none') return;
    if (answer === 'ok') {
      this.ws.emit('CB:ack,class:message', { tag: 'ack', attrs: { class: 'message', id, from: jid } });
      return;
    }
    this.ws.emit('CB:ack,class:message', { tag: 'ack', attrs: { class: 'message', id, from: jid, error: answer } });
    this.ev.emit('messages.update', [{ key: { remoteJid: jid, fromMe: true, id }, update: { status: proto.WebMessageInfo.Status.ERROR, messageStubParameters: [answer] } }]);
  }

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

  /** Emits one upsert (notify: live; append: sent while offline); resolves once the adapter marked it read (i.e. it was committed). */
  receive(message: WAMessage, type: 'notify' | 'append' = 'notify'): Promise<void> {
    const done = new Promise<void>((resolve) => this.readWaiters.push({ id: message.key.id!, resolve }));
    this.ev.emit('messages.upsert', { messages: [message], type });
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
