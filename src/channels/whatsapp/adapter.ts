// Between a WhatsApp socket and the engine: inbound messages in (mapped, deduped by the
// engine, marked read), replies out through the outbox with human pacing.
import { createHash } from 'node:crypto';
import { jidNormalizedUser, toNumber, type BaileysEventMap, type WAMessage, type WAMessageKey } from '@whiskeysockets/baileys';
import { translate } from '../../content/load.js';
import type { Logger } from 'pino';
import type { Texts } from '../../content/schema.js';
import { DeliveryError, type ChannelSender, type OutboundMessage } from '../../core/dispatcher.js';
import { EngineBusyError, type Engine, type HandleResult } from '../../core/engine.js';
import type { Clock, InboundMessage } from '../../core/types.js';
import { maskPhone } from '../../privacy/mask.js';
import type { CoreStore } from '../../store/core-store.js';
import type { WhatsAppStore } from '../../store/whatsapp-store.js';
import type { AckTracker } from './acks.js';
import { KEPT_MEDIA, mapInbound } from './inbound.js';
import type { RecipientQueues } from './pacing.js';
import type { WhatsAppPort } from './port.js';
import { renderReply } from './render.js';

export interface InboundDeps {
  engine: Engine;
  store: WhatsAppStore;
  core: CoreStore;
  texts: Texts;
  clock: Clock;
  log: Logger;
  /** `append` messages (sent while the bot was offline) older than this are kept for officers, not answered. */
  answerWindowMs: number;
  /** A notice was queued outside the engine: deliver soon. */
  onQueued?: () => void;
}

/** When the resident sent it (WhatsApp's timestamp, seconds), or undefined when absent. */
function sentAt(message: WAMessage): Date | undefined {
  const ts = message.messageTimestamp;
  if (ts === null || ts === undefined) return undefined;
  const seconds = toNumber(ts);
  return seconds > 0 ? new Date(seconds * 1000) : undefined;
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
    // One person, two JIDs: what WhatsApp tells us later links them, so an officer's phone
    // contact finds a resident who so far wrote only from a LID.
    const onMapping = ({ lid, pn }: BaileysEventMap['lid-mapping.update']) => this.link(lid, pn);
    const onContacts = (contacts: BaileysEventMap['contacts.upsert']) => {
      for (const c of contacts) {
        const lid = c.lid ?? (c.id?.endsWith('@lid') ? c.id : undefined);
        const pn = c.phoneNumber ?? (c.id?.endsWith('@s.whatsapp.net') ? c.id : undefined);
        if (lid && pn) this.link(lid, pn);
      }
    };
    port.ev.on('messages.upsert', listener);
    port.ev.on('lid-mapping.update', onMapping);
    port.ev.on('contacts.upsert', onContacts);
    return () => {
      port.ev.off('messages.upsert', listener);
      port.ev.off('lid-mapping.update', onMapping);
      port.ev.off('contacts.upsert', onContacts);
    };
  }

  private link(lid: string, pn: string): void {
    try {
      const changed = this.deps.store.linkResidentJids(jidNormalizedUser(lid), jidNormalizedUser(pn));
      if (changed) this.deps.log.info({ resident: maskPhone(jidNormalizedUser(pn)) }, 'WhatsApp: linked a resident\'s LID and phone number');
    } catch (err) {
      this.deps.log.warn({ err }, 'WhatsApp: could not record a LID mapping');
    }
  }

  /** Resolves when every message received so far is committed and answered into the outbox. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  async handleUpsert(port: WhatsAppPort, upsert: BaileysEventMap['messages.upsert']): Promise<void> {
    // "notify": live. "append": delivered on reconnect (sent while we were offline), or our own
    // messages from the phone (fromMe, skipped below). History syncs never come this way.
    if (upsert.type !== 'notify' && upsert.type !== 'append') return;
    const { store, core, texts, clock, log } = this.deps;
    const handled: Array<Promise<{ key: WAMessageKey; duplicate: boolean }>> = [];
    for (const message of upsert.messages) {
      const mapped = mapInbound(message);
      if (mapped.kind === 'skip') {
        log.debug({ reason: mapped.reason, id: message.key.id }, 'WhatsApp: message ignored');
        continue;
      }
      // One person, one resident: use the JID pair they are already known by, if any; a JID
      // WhatsApp did not pair comes from Baileys' LID↔PN store.
      const altFromStore = mapped.altAddress ? undefined : store.mappedJid(mapped.address);
      const known = store.knownAddress(mapped.address, mapped.altAddress ?? altFromStore);
      let address = mapped.address;
      let altAddress = mapped.altAddress ?? altFromStore;
      if (known && known.address !== address) {
        altAddress = address;
        address = known.address;
      }
      const input = mapped.input;
      const now = clock.now();
      const at = sentAt(message);
      if (upsert.type === 'append' && at && now.getTime() - at.getTime() > this.deps.answerWindowMs) {
        // Too old to answer out of context; kept for officers, the resident is told when they write next.
        const text = input.type === 'text' ? input.text : input.type === 'media' ? (input.caption ?? null) : null;
        const kind = input.type === 'media' ? input.media : 'text';
        const kept = store.saveUnanswered({ id: mapped.id, jid: address, altJid: altAddress ?? null, kind, text, sentAt: at.toISOString(), receivedAt: now.toISOString(), message });
        if (kept) log.info({ resident: maskPhone(address), ageHours: Math.round((now.getTime() - at.getTime()) / 3_600_000) }, 'WhatsApp: message sent while offline is too old to answer; kept for officers');
        continue;
      }
      if (store.takeUnansweredNotice(address, altAddress, now)) {
        // Before the answer to this message (outbox order), once.
        const resident = core.upsertResident('whatsapp', address, altAddress, 'id', now);
        core.enqueue(
          {
            residentId: resident.id,
            channel: 'whatsapp',
            address: resident.address,
            reply: { text: translate(texts, resident.lang, 'whatsapp.unanswered_while_offline') },
            idempotencyKey: `whatsapp:unanswered-notice:${mapped.id}`,
          },
          now,
        );
        this.deps.onQueued?.();
      }
      if (input.type === 'media' && KEPT_MEDIA.has(input.media)) {
        store.saveMessage({ id: mapped.id, jid: address, direction: 'in', kind: input.media, message }, now);
        log.info({ resident: maskPhone(address), media: input.media, ref: input.ref }, 'WhatsApp: file received and kept by reference');
      }
      // Calls are queued in order; the engine commits them together (group commit).
      handled.push(
        this.handleRetrying({ id: mapped.id, channel: 'whatsapp', address, altAddress, input }).then((result) => ({ key: message.key, duplicate: result.duplicate })),
      );
    }
    const results = await Promise.all(handled);
    const toRead = results.filter((r) => !r.duplicate).map((r) => r.key);
    if (toRead.length) await port.readMessages(toRead).catch((err: unknown) => log.warn({ err }, 'WhatsApp: could not mark messages read'));
  }

  /**
   * WhatsApp does not deliver a message again: a commit that meets a locked database or a full
   * disk (the engine already waits ~6 s) is tried again here for about a minute before it is
   * given up with an alert.
   */
  private async handleRetrying(msg: InboundMessage): Promise<HandleResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.engine.handle(msg);
      } catch (err) {
        if (!(err instanceof EngineBusyError) || attempt >= 8) {
          this.deps.log.error({ err, alert: true, messageId: msg.id }, 'WhatsApp: a resident message could not be recorded');
          throw err;
        }
        this.deps.log.warn({ reason: err.reason, attempt }, 'WhatsApp: message not recorded yet (database busy or disk full); trying again');
        await new Promise((resolve) => setTimeout(resolve, 5_000));
      }
    }
  }
}

export interface SenderDeps {
  core: CoreStore;
  store: WhatsAppStore;
  texts: Texts;
  clock: Clock;
  log: Logger;
  queues: RecipientQueues;
  acks: AckTracker;
  /** The socket while the link is open, else undefined. */
  port(): WhatsAppPort | undefined;
  /** WhatsApp's reach-out time lock on the office number (connection.update reachoutTimeLock), if active. */
  restriction?(): { active: boolean; until?: string } | undefined;
}

/** The outbox error of a reply that only waits for the link (released early on reconnect). */
export const NOT_CONNECTED = 'WhatsApp is not connected';

/** Someone who has not written for this long counts as a new chat for WhatsApp's reach-out limits. */
const REACH_OUT_AFTER_MS = 24 * 3_600_000;

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

/** Why a send failed, as a short stable word: the key of the counts officers see. */
export type SendFailureReason = 'rejected_463' | 'rejected_479' | 'rejected_other' | 'restricted' | 'no_ack' | 'not_connected' | 'no_cold_messages' | 'send_error' | 'other';

/** Reads the reason back from an outbox row's recorded error (the texts below start with it). */
export function sendFailureReason(error: string | null): SendFailureReason {
  if (!error) return 'other';
  if (error.startsWith('WhatsApp 463')) return 'rejected_463';
  if (error.startsWith('WhatsApp 479')) return 'rejected_479';
  if (error.startsWith('WhatsApp restricted')) return 'restricted';
  if (/^WhatsApp \d+/.test(error)) return 'rejected_other';
  if (error.startsWith('WhatsApp timeout')) return 'no_ack';
  if (error.startsWith(NOT_CONNECTED) || error.includes('shutting down')) return 'not_connected';
  if (error.includes('no cold messages')) return 'no_cold_messages';
  if (error.startsWith('WhatsApp send failed')) return 'send_error';
  return 'other';
}

function rejection(code: string, restricted: boolean | undefined): string {
  if (restricted) return 'WhatsApp restricted: the office number may not reach people who have not written recently for now (WhatsApp reach-out limit); not retried';
  if (code === '463')
    return 'WhatsApp 463: refused by the server (no chat token for this contact; WhatsApp limits messages to people who have not written recently); not retried';
  if (code === '479') return 'WhatsApp 479: rejected by the server (addressing or device session); not retried';
  return `WhatsApp ${code}: rejected by the server; not retried`;
}

const isLid = (jid: string | null | undefined): jid is string => Boolean(jid && jid.endsWith('@lid'));
const isPn = (jid: string | null | undefined): jid is string => Boolean(jid && jid.endsWith('@s.whatsapp.net'));

export class WhatsAppSender implements ChannelSender {
  private closing = false;
  /** Failed attempts since start, by reason (retried or not): for the officers' status. */
  readonly failures = new Map<SendFailureReason, number>();

  constructor(private readonly deps: SenderDeps) {}

  async send(message: OutboundMessage): Promise<{ externalId?: string }> {
    try {
      return await this.attempt(message);
    } catch (err) {
      const reason = sendFailureReason(err instanceof Error ? err.message : String(err));
      this.failures.set(reason, (this.failures.get(reason) ?? 0) + 1);
      throw err;
    }
  }

  private async attempt(message: OutboundMessage): Promise<{ externalId?: string }> {
    const { core, store, texts, clock, log, queues, acks } = this.deps;
    const resident = core.getResident(message.residentId);
    if (!resident) throw new DeliveryError('unknown resident', { permanent: true });
    // No cold messages: unsolicited messages from a linked number are the quickest way to a ban.
    if (!resident.last_inbound_at) throw new DeliveryError('resident never wrote to the office on WhatsApp (no cold messages)', { permanent: true });
    if (this.closing) throw new DeliveryError('WhatsApp channel is shutting down', { retryAfterMs: 30_000 });
    if (!this.deps.port()) throw new DeliveryError(NOT_CONNECTED, { retryAfterMs: linkWaitMs(message.attempt) });
    // While WhatsApp restricts the number, reaching someone who has not written lately is refused
    // at once: retrying would count as another reach-out and lengthen the restriction.
    const lock = this.deps.restriction?.();
    if (lock?.active && clock.now().getTime() - Date.parse(resident.last_inbound_at) > REACH_OUT_AFTER_MS) {
      throw new DeliveryError(`WhatsApp restricted: the office number may not reach people who have not written recently${lock.until ? ` until ${lock.until}` : ''}; not retried`, { permanent: true });
    }

    const text = renderReply(message.reply, resident.lang, texts);
    const id = stableMessageId(message);
    return queues.run(message.address, async (pause) => {
      const port = this.deps.port();
      if (!port) throw new DeliveryError(NOT_CONNECTED, { retryAfterMs: linkWaitMs(message.attempt) });
      // The address WhatsApp accepts: the LID when we know it, else the phone JID.
      let jid = this.replyJid(message.address, resident.alt_address);
      // "typing…" while we pause, as a person would.
      await port.sendPresenceUpdate('composing', jid).catch((err: unknown) => log.debug({ err }, 'WhatsApp: presence update failed'));
      await pause();
      const tried = new Set<string>();
      for (;;) {
        tried.add(jid);
        const acked = acks.expect(id);
        let sent;
        try {
          sent = await port.sendMessage(jid, { text }, { messageId: id });
        } catch (err) {
          acks.forget(id);
          throw new DeliveryError(`WhatsApp send failed: ${err instanceof Error ? err.message : String(err)}`);
        }
        // Kept before the ack, so getMessage can re-encrypt it when the resident's phone asks again.
        if (sent?.key.id) store.saveMessage({ id: sent.key.id, jid, direction: 'out', kind: 'text', message: sent }, clock.now());
        const outcome = await acked;
        if (outcome.ok) {
          await port.sendPresenceUpdate('paused', jid).catch(() => undefined);
          return { externalId: id };
        }
        if (outcome.code === 'timeout') throw new DeliveryError('WhatsApp timeout: the server did not acknowledge the message; sent again later under the same id');
        if (outcome.code === 'closed') throw new DeliveryError(NOT_CONNECTED, { retryAfterMs: linkWaitMs(message.attempt) });
        const restricted = 'restricted' in outcome && outcome.restricted;
        // 463/479 on a phone JID: the contact moved to a LID. Same message id, to the LID, once.
        if ((outcome.code === '463' || outcome.code === '479') && !restricted && isPn(jid)) {
          const lid = await this.lidFor(jid, port);
          if (lid && !tried.has(lid)) {
            store.linkResidentJids(lid, jid);
            log.info({ resident: maskPhone(jid), code: outcome.code }, 'WhatsApp: refused on the phone number; sending again to the resident\'s LID');
            jid = lid;
            continue;
          }
        }
        log.warn({ resident: maskPhone(jid), code: outcome.code, restricted: Boolean(restricted) }, 'WhatsApp: the server refused a message');
        throw new DeliveryError(rejection(outcome.code, restricted), { permanent: true });
      }
    });
  }

  private replyJid(address: string, alt: string | null): string {
    if (isLid(address)) return address;
    if (isLid(alt)) return alt;
    const mapped = isPn(address) ? this.deps.store.mappedJid(address) : undefined;
    return isLid(mapped) ? mapped : address;
  }

  private async lidFor(pn: string, port: WhatsAppPort): Promise<string | undefined> {
    const stored = this.deps.store.mappedJid(pn);
    if (isLid(stored)) return stored;
    const asked = await port.signalRepository?.lidMapping.getLIDForPN(pn).catch(() => null);
    return asked && isLid(jidNormalizedUser(asked)) ? jidNormalizedUser(asked) : undefined;
  }

  /** Refuse new sends and wait for those already paced to go out. */
  async close(): Promise<void> {
    this.closing = true;
    await this.deps.queues.drain();
  }
}
