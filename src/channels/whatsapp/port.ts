// The narrow part of a Baileys socket the adapter uses. Tests implement it with Baileys'
// own makeEventBuffer as `ev` and a recording sendMessage; production passes makeWASocket.
import type { AnyMessageContent, AuthenticationState, BaileysEventEmitter, CacheStore, proto, WAMessage, WAMessageKey, WAPresence } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';

export interface WhatsAppPort {
  ev: BaileysEventEmitter;
  /** `messageId` (Baileys' MiscMessageGenerationOptions) lets a retried send reuse the first attempt's id. */
  sendMessage(jid: string, content: AnyMessageContent, options?: { messageId?: string }): Promise<WAMessage | undefined>;
  sendPresenceUpdate(type: WAPresence, toJid?: string): Promise<void>;
  readMessages(keys: WAMessageKey[]): Promise<void>;
  /** The raw frames: the server's <ack class="message"> for each send (see acks.ts). */
  ws?: { on(event: string, listener: (node: { attrs?: Record<string, string> }) => void): unknown; off(event: string, listener: (node: { attrs?: Record<string, string> }) => void): unknown };
  /** Baileys' LID↔PN mapping (its cache and store; getLIDForPN may ask WhatsApp's servers). */
  signalRepository?: { lidMapping: { getLIDForPN(pn: string): Promise<string | null>; getPNForLID(lid: string): Promise<string | null> } };
}

/** What the connection manager needs on top: linking and closing. */
export interface WhatsAppSocket extends WhatsAppPort {
  requestPairingCode(phoneNumber: string): Promise<string>;
  logout(msg?: string): Promise<void>;
  end(error: Error | undefined): void | Promise<void>;
}

export interface SocketOptions {
  auth: AuthenticationState;
  logger: Logger;
  getMessage(key: WAMessageKey): Promise<proto.IMessage | undefined>;
  msgRetryCounterCache: CacheStore;
  /** Groups, status, broadcast lists and newsletters: acked and dropped by Baileys before decryption. */
  shouldIgnoreJid(jid: string): boolean;
}

export type SocketFactory = (options: SocketOptions) => WhatsAppSocket;
