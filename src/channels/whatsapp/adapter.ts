// Between a WhatsApp socket and the engine: inbound messages in (mapped, deduped by the
// engine, marked read), replies out through the outbox with human pacing.
import { createHash } from 'node:crypto';
import type { BaileysEventMap, WAMessageKey } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { Texts } from '../../content/schema.js';
import { DeliveryError, type ChannelSender, type OutboundMessage } from '../../core/dispatcher.js';
import type { Engine } from '../../core/engine.js';
import type { Clock } from '../../core/types.js';
import { maskPhone } from '../../privacy/mask.js';
import type { CoreStore } from '../../store/core-store.js';
import type { WhatsAppStore } from '../../store/whatsapp-store.js';
import { KEPT_MEDIA, mapInbound } from './inbound.js';
import type { RecipientQueues } from './pacing.js';
import type { WhatsAppPort } from './port.js';
import { renderReply } from './render.js';

export interface InboundDeps {
  engine: Engine;
  store: WhatsAppStore;
  clock: Clock;
  log: Logger;
}

/** Feeds a socket's `messages.upsert` to the engine. */
export class WhatsAppInbound {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: InboundDeps) {}

  /** Starts listening on a port's events; returns the detach function. */
  attach(port: WhatsAppPort): () => void {
    const listener = (upsert: BaileysEventMap['messages.upsert']) => {
      const work = this.handleUpsert(port, upsert).catch((err: unknown) => this.deps.log.error({ err }, 'WhatsApp: inbound batch failed'));
      this.inFlight.add(work);
      void work.finally(() => this.inFlight.delete(work));
    };
    port.ev.on('messages.upsert', listener);
    return () => port.ev.off('messages.upsert', listener);
  }

  /** Resolves when every message received so far is committed and answered into the outbox. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  async handleUpsert(port: WhatsAppPort, upsert: BaileysEventMap['messages.upsert']): Promise<void> {
    // "append" and history syncs are old messages (or our own from the phone): never answer those.
    if (upsert.type !== 'notify') return;
    const { engine, store, clock, log } = this.deps;
    const handled: Array<Promise<{ key: WAMessageKey; duplicate: boolean }>> = [];
    for (const message of upsert.messages) {
      const mapped = mapInbound(message);
      if (mapped.kind === 'skip') {
        log.debug({ reason: mapped.reason, id: message.key.id }, 'WhatsApp: message ignored');
        continue;
      }
      // One person, one resident: use the JID pair they are already known by, if any.
      const known = store.knownAddress(mapped.address, mapped.altAddress);
      let address = mapped.address;
      let altAddress = mapped.altAddress;
      if (known && known.address !== address) {
        altAddress = address;
        address = known.address;
      }
      const input = mapped.input;
      if (input.type === 'media' && KEPT_MEDIA.has(input.media)) {
        store.saveMessage({ id: mapped.id, jid: address, direction: 'in', kind: input.media, message }, clock.now());
        log.info({ resident: maskPhone(address), media: input.media, ref: input.ref }, 'WhatsApp: file received and kept by reference');
      }
      // Calls are queued in order; the engine commits them together (group commit).
      handled.push(
        engine.handle({ id: mapped.id, channel: 'whatsapp', address, altAddress, input }).then((result) => ({ key: message.key, duplicate: result.duplicate })),
      );
    }
    const results = await Promise.all(handled);
    const toRead = results.filter((r) => !r.duplicate).map((r) => r.key);
    if (toRead.length) await port.readMessages(toRead).catch((err: unknown) => log.warn({ err }, 'WhatsApp: could not mark messages read'));
  }
}

export interface SenderDeps {
  core: CoreStore;
  store: WhatsAppStore;
  texts: Texts;
  clock: Clock;
  log: Logger;
  queues: RecipientQueues;
  /** The socket while the link is open, else undefined. */
  port(): WhatsAppPort | undefined;
}

/** The outbox error of a reply that only waits for the link (released early on reconnect). */
export const NOT_CONNECTED = 'WhatsApp is not connected';

/** Waits for the link grow (30 s, 1 min, 2 min … 15 min), so a long outage does not burn the retries in minutes. */
function linkWaitMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 15 * 60_000);
}

/**
 * The same outbox row always goes out under the same WhatsApp message id, in Baileys' own
 * format ("3EB0" + 36 hex). If we crash after WhatsApp took a message but before the outbox
 * marked it sent, the retry carries the id the resident's phone already has, and WhatsApp
 * treats it as the same message instead of showing it twice.
 */
export function stableMessageId(message: Pick<OutboundMessage, 'outboxId' | 'createdAt'>): string {
  return '3EB0' + createHash('sha256').update(`adminduk:${message.outboxId}:${message.createdAt}`).digest('hex').slice(0, 36).toUpperCase();
}

export class WhatsAppSender implements ChannelSender {
  private closing = false;

  constructor(private readonly deps: SenderDeps) {}

  async send(message: OutboundMessage): Promise<{ externalId?: string }> {
    const { core, store, texts, clock, log, queues } = this.deps;
    const resident = core.getResident(message.residentId);
    if (!resident) throw new DeliveryError('unknown resident', { permanent: true });
    // No cold messages: unsolicited messages from a linked number are the quickest way to a ban.
    if (!resident.last_inbound_at) throw new DeliveryError('resident never wrote to the office on WhatsApp (no cold messages)', { permanent: true });
    if (this.closing) throw new DeliveryError('WhatsApp channel is shutting down', { retryAfterMs: 30_000 });
    if (!this.deps.port()) throw new DeliveryError(NOT_CONNECTED, { retryAfterMs: linkWaitMs(message.attempt) });

    const text = renderReply(message.reply, resident.lang, texts);
    const jid = message.address;
    return queues.run(jid, async (pause) => {
      const port = this.deps.port();
      if (!port) throw new DeliveryError(NOT_CONNECTED, { retryAfterMs: linkWaitMs(message.attempt) });
      // "typing…" while we pause, as a person would.
      await port.sendPresenceUpdate('composing', jid).catch((err: unknown) => log.debug({ err }, 'WhatsApp: presence update failed'));
      await pause();
      let sent;
      try {
        sent = await port.sendMessage(jid, { text }, { messageId: stableMessageId(message) });
      } catch (err) {
        throw new DeliveryError(`WhatsApp send failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      await port.sendPresenceUpdate('paused', jid).catch(() => undefined);
      const id = sent?.key.id ?? undefined;
      // Kept so getMessage can re-encrypt it when the resident's phone asks again.
      if (sent && id) store.saveMessage({ id, jid, direction: 'out', kind: 'text', message: sent }, clock.now());
      return id ? { externalId: id } : {};
    });
  }

  /** Refuse new sends and wait for those already paced to go out. */
  async close(): Promise<void> {
    this.closing = true;
    await this.deps.queues.drain();
  }
}
