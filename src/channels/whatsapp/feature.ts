// WhatsApp through Baileys: the office's own number is linked to the bot as a "linked
// device" (like WhatsApp Web). Off unless WHATSAPP=on. Login keys live in our SQLite file.
import makeWASocket, { proto, type UserFacingSocketConfig } from '@whiskeysockets/baileys';
import QRCode from 'qrcode';
import { parseEnv } from '../../config.js';
import { WhatsAppConfig } from './config.js';

export { WhatsAppConfig };
import type { Feature, FeatureFactory } from '../../core/feature.js';
import { maskPhone } from '../../privacy/mask.js';
import { WhatsAppStore, type UnansweredMessage } from '../../store/whatsapp-store.js';
import { AckTracker, type AckTimer } from './acks.js';
import { NOT_CONNECTED, sendFailureReason, WhatsAppInbound, WhatsAppSender, type SendFailureReason } from './adapter.js';
import { SENT_CACHE_MS, WhatsAppConnection, type LinkStatus } from './connection.js';
import { routeLibsignalConsole } from './console.js';
import { officerOf } from '../../officers/auth.js';
import { realSleep, RecipientQueues } from './pacing.js';
import type { SocketFactory, SocketOptions, WhatsAppSocket } from './port.js';

/** Residents' files (by reference) are kept this long, like delivered messages. */
const MEDIA_KEEP_MS = 90 * 24 * 3600_000;
/** Unanswered messages from an outage stay this long for officers to read. */
const UNANSWERED_KEEP_MS = 30 * 24 * 3600_000;

declare module '../../core/feature.js' {
  interface Services {
    /** The WhatsApp page: link state, the QR, relink and reconnect. */
    whatsapp?: {
      status(): WhatsAppStatus;
      qr(): Promise<{ svg: string | null; pairingCode: string | null }>;
      relink(by: string): Promise<void>;
      reconnect(by: string): void;
      /** Cheap (in memory, no SQL): the alert officers must see on every page, if any. */
      alert(): (NonNullable<LinkStatus['alert']> & { state: LinkStatus['state']; failedReconnects: number }) | undefined;
      /** Messages from an outage that were too old to answer, oldest first (unmasked: mask before showing). */
      unanswered(options?: { jid?: string; limit?: number }): UnansweredMessage[];
    };
  }
}


/**
 * History Baileys may sync: what carries LID↔PN mappings and chat (privacy) tokens, whose
 * absence is linked to error 463 on sends (initial bootstrap, recent chats, push names,
 * non-blocking data, status). Not the full history, not on-demand fetches. The old messages
 * in it are never answered: the adapter does not listen to messaging-history.set.
 */
export function shouldSyncHistoryMessage(msg: proto.Message.IHistorySyncNotification): boolean {
  return msg.syncType !== proto.Message.HistorySyncType.FULL && msg.syncType !== proto.Message.HistorySyncType.ON_DEMAND;
}

/** What we set on top of Baileys' defaults (its browser id is the one pairing codes work with). */
export function socketConfig(options: SocketOptions): Partial<UserFacingSocketConfig> {
  return {
    ...options,
    // Let the office phone keep its notifications; the bot is not "online" all day.
    markOnlineOnConnect: false,
    syncFullHistory: false,
    shouldSyncHistoryMessage,
  };
}

/** The real socket. */
export const baileysSocket: SocketFactory = (options) => makeWASocket(socketConfig(options) as UserFacingSocketConfig) as unknown as WhatsAppSocket;

/** What officers (the dashboard) see of WhatsApp. */
export interface WhatsAppStatus extends Omit<LinkStatus, 'qr'> {
  qrAvailable: boolean;
  /** Failed outbox rows (kept per retention) by reason, and failed attempts since start (retried or not). */
  sendFailures: { failed: Partial<Record<SendFailureReason, number>>; attemptsSinceStart: Partial<Record<SendFailureReason, number>> };
  /** Messages sent while the bot was offline that were too old to answer (kept for officers). */
  unanswered: number;
}

/** The WhatsApp feature's service for officers' tools (the dashboard, the inbox). */
export interface WhatsAppService {
  status(): WhatsAppStatus;
  /** Messages that arrived while the bot was offline and were not answered, oldest first. */
  unanswered(options?: { jid?: string; limit?: number }): UnansweredMessage[];
  reconnect(): void;
}

export interface WhatsAppFeature extends Feature {
  /** Undefined when WhatsApp is off. */
  service?: WhatsAppService;
}

export interface WhatsAppFeatureOptions {
  makeSocket?: SocketFactory;
  sleep?: (ms: number) => Promise<void>;
  /** How ack timeouts are timed (tests fire them by hand). */
  ackTimer?: AckTimer;
  /** Reconnect backoff (tests: small). */
  backoffBaseMs?: number;
  random?: () => number;
  print?: (text: string) => void;
}

/** Longest a shutdown waits for paced messages still going out. */
const DRAIN_LIMIT_MS = 15_000;

export function createWhatsAppFeature(options: WhatsAppFeatureOptions = {}): FeatureFactory {
  return (ctx) => {
    const config = parseEnv(WhatsAppConfig, ctx.env);
    if (!config.WHATSAPP) return { name: 'whatsapp' } satisfies WhatsAppFeature;
    const { log: appLog, clock, store: core, engine, dispatcher, content, admin } = ctx;
    const log = appLog.child({ channel: 'whatsapp' });
    // Baileys logs a lot at info; keep it to warnings unless we are debugging.
    const quiet = ['debug', 'trace'].includes(appLog.level) ? appLog.level : ['silent', 'fatal', 'error'].includes(appLog.level) ? appLog.level : 'warn';
    const libLog = appLog.child({ module: 'baileys' }, { level: quiet });
    const store = new WhatsAppStore(ctx.db);
    const inbound = new WhatsAppInbound({
      engine,
      store,
      core,
      texts: content.texts,
      clock,
      log,
      answerWindowMs: config.WHATSAPP_ANSWER_OFFLINE_HOURS * 3_600_000,
      onQueued: () => dispatcher.kick(),
    });
    const acks = new AckTracker(config.WHATSAPP_ACK_TIMEOUT_SECONDS * 1000, options.ackTimer);
    let detachAcks: (() => void) | undefined;
    let restoreConsole: (() => void) | undefined;
    const queues = new RecipientQueues({
      minDelayMs: config.WHATSAPP_MIN_DELAY_MS,
      maxDelayMs: config.WHATSAPP_MAX_DELAY_MS,
      maxParallel: config.WHATSAPP_MAX_PARALLEL,
      sleep: options.sleep ?? realSleep,
      random: options.random ?? Math.random,
    });
    let detach: (() => void) | undefined;
    const connection = new WhatsAppConnection({
      store,
      core,
      clock,
      log,
      libLog,
      makeSocket: options.makeSocket ?? baileysSocket,
      pairingNumber: config.WHATSAPP_PAIRING_NUMBER,
      random: options.random,
      print: options.print,
      backoffBaseMs: options.backoffBaseMs,
      alertAfterFailures: config.WHATSAPP_ALERT_AFTER_RECONNECTS,
      onSocket: (socket) => {
        detach?.();
        detach = inbound.attach(socket);
        detachAcks?.();
        detachAcks = acks.attach(socket);
      },
      onClosed: () => acks.closeAll(),
      onOpen: () => {
        const released = store.releaseHeldReplies(NOT_CONNECTED, clock.now());
        if (released) log.info({ released }, 'WhatsApp: sending replies that waited for the connection');
        dispatcher.kick();
      },
    });
    const sender = new WhatsAppSender({
      core,
      store,
      texts: content.texts,
      clock,
      log,
      queues,
      acks,
      port: () => connection.openSocket(),
      // Reach-out time lock, or the cap on new chats reached: the same refusal.
      restriction: () => {
        const { restriction, newChatLimit } = connection.snapshot();
        if (restriction?.active) return restriction;
        if (newChatLimit?.capped) return { active: true, ...(newChatLimit.cycleEnds ? { until: newChatLimit.cycleEnds } : {}) };
        return undefined;
      },
    });
    dispatcher.register('whatsapp', sender);

    const service: WhatsAppService = {
      status() {
        const { qr, ...link } = connection.snapshot();
        const failed: Partial<Record<SendFailureReason, number>> = {};
        for (const row of store.failedSendCounts()) {
          const reason = sendFailureReason(row.lastError);
          failed[reason] = (failed[reason] ?? 0) + row.count;
        }
        return { ...link, qrAvailable: Boolean(qr), sendFailures: { failed, attemptsSinceStart: Object.fromEntries(sender.failures) }, unanswered: store.unansweredCount() };
      },
      unanswered: (o) => store.listUnanswered(o),
      reconnect: () => connection.reconnect(),
    };
    ctx.services.whatsapp = {
      status: () => service.status(),
      qr: async () => {
        const { qr, pairingCode } = connection.snapshot();
        return { svg: qr ? await QRCode.toString(qr, { type: 'svg', margin: 2 }) : null, pairingCode: pairingCode ?? null };
      },
      relink: async (by) => {
        core.audit(by, 'whatsapp.relink', null, undefined, clock.now());
        await connection.relink();
      },
      reconnect: (by) => {
        core.audit(by, 'whatsapp.reconnect', null, undefined, clock.now());
        connection.reconnect();
      },
      alert: () => {
        const { alert, state, failedReconnects } = connection.snapshot();
        return alert ? { ...alert, state, failedReconnects } : undefined;
      },
      unanswered: (o) => service.unanswered(o),
    };

    if (admin) {
      admin.get('/whatsapp', (c) => c.json(service.status()));
      admin.get('/whatsapp/unanswered', (c) => {
        const rows = store.listUnanswered({ limit: 200 }).map((m) => ({ ...m, jid: maskPhone(m.jid), altJid: m.altJid && maskPhone(m.altJid) }));
        return c.json({ messages: rows });
      });
      // The QR for the dashboard: JSON with an SVG (and the raw code), or ?format=svg for the image itself.
      admin.get('/whatsapp/qr', async (c) => {
        const { state, qr, pairingCode } = connection.snapshot();
        if (!qr) return c.json({ state, qr: null, error: state === 'open' ? 'already linked' : 'no QR yet: wait a few seconds and ask again' }, 404);
        const svg = await QRCode.toString(qr, { type: 'svg', margin: 2 });
        if (c.req.query('format') === 'svg') return c.body(svg, 200, { 'content-type': 'image/svg+xml', 'cache-control': 'no-store' });
        return c.json({ state, qr, svg, pairingCode: pairingCode ?? null }, 200, { 'cache-control': 'no-store' });
      });
      admin.post('/whatsapp/relink', async (c) => {
        core.audit(officerOf(c), 'whatsapp.relink', null, undefined, clock.now());
        await connection.relink();
        return c.json({ state: connection.state });
      });
      admin.post('/whatsapp/reconnect', (c) => {
        core.audit(officerOf(c), 'whatsapp.reconnect', null, undefined, clock.now());
        connection.reconnect();
        return c.json({ state: connection.state });
      });
    }

    const feature: WhatsAppFeature = {
      name: 'whatsapp',
      service,
      // For /readyz: residents are answered only while the link is open.
      health() {
        const st = service.status();
        return { name: 'whatsapp', state: st.state, ok: st.state === 'open', ...(st.alert ? { detail: st.alert.message } : {}) };
      },
      start() {
        restoreConsole ??= routeLibsignalConsole(libLog);
        const linked = store.linkStoredMappings();
        if (linked) log.info({ linked }, 'WhatsApp: residents linked to the LID or phone number WhatsApp gave for them');
        log.info('WhatsApp: starting (keys in the database; a QR appears if the office phone is not linked yet)');
        connection.start();
      },
      housekeeping(now) {
        const ago = (ms: number) => new Date(now.getTime() - ms);
        const sent = store.pruneMessages('out', ago(SENT_CACHE_MS));
        const media = store.pruneMessages('in', ago(MEDIA_KEEP_MS));
        const unanswered = store.pruneUnanswered(ago(UNANSWERED_KEEP_MS));
        connection.retryCounterCache.flushAll();
        store.linkStoredMappings();
        if (sent || media || unanswered) log.info({ sent, media, unanswered }, 'WhatsApp housekeeping: pruned the sent-message cache, old file references and unanswered messages');
      },
      async stop() {
        detach?.();
        detach = undefined;
        let timer: NodeJS.Timeout | undefined;
        const limit = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, DRAIN_LIMIT_MS);
          timer.unref();
        });
        await Promise.race([Promise.all([sender.close(), inbound.idle()]), limit]);
        clearTimeout(timer);
        // Sends still waiting for an ack stay pending in the outbox (same id next time).
        acks.closeAll();
        await connection.stop();
        detachAcks?.();
        restoreConsole?.();
        restoreConsole = undefined;
      },
    };
    return feature;
  };
}

export const whatsappFeature: FeatureFactory = createWhatsAppFeature();
