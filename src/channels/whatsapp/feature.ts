// WhatsApp through Baileys: the office's own number is linked to the bot as a "linked
// device" (like WhatsApp Web). Off unless WHATSAPP=on. Login keys live in our SQLite file.
import makeWASocket from '@whiskeysockets/baileys';
import QRCode from 'qrcode';
import { z } from 'zod';
import { onOff, parseEnv } from '../../config.js';
import type { FeatureFactory } from '../../core/feature.js';
import { officerOf } from '../../officers/auth.js';
import { WhatsAppStore } from '../../store/whatsapp-store.js';
import { NOT_CONNECTED, WhatsAppInbound, WhatsAppSender } from './adapter.js';
import { WhatsAppConnection } from './connection.js';
import { realSleep, RecipientQueues } from './pacing.js';
import type { SocketFactory, WhatsAppSocket } from './port.js';

declare module '../../core/feature.js' {
  interface Services {
    /** The WhatsApp page: link state, the QR, relink and reconnect. */
    whatsapp?: {
      status(): Omit<ReturnType<WhatsAppConnection['snapshot']>, 'qr'> & { qrAvailable: boolean };
      qr(): Promise<{ svg: string | null; pairingCode: string | null }>;
      relink(by: string): Promise<void>;
      reconnect(by: string): void;
    };
  }
}

const delayMs = z.coerce.number({ message: 'expected milliseconds' }).int().min(0).max(60_000, 'expected 0–60000 ms');

export const WhatsAppConfig = z
  .object({
    WHATSAPP: onOff.default(false),
    /** Link with an 8-character code typed on the phone instead of scanning the QR. */
    WHATSAPP_PAIRING_NUMBER: z
      .string()
      .transform((v) => v.replace(/[\s+()-]/g, ''))
      .pipe(z.string().regex(/^[1-9]\d{7,14}$/, 'expected the office number with country code, digits only, e.g. 6281234567890')),
    WHATSAPP_MIN_DELAY_MS: delayMs.default(1_000),
    WHATSAPP_MAX_DELAY_MS: delayMs.default(3_000),
    WHATSAPP_MAX_PARALLEL: z.coerce.number({ message: 'expected a number' }).int().min(1).max(20, 'expected 1–20').default(4),
  })
  .partial({ WHATSAPP_PAIRING_NUMBER: true })
  .refine((c) => c.WHATSAPP_MIN_DELAY_MS <= c.WHATSAPP_MAX_DELAY_MS, {
    message: 'must not be below WHATSAPP_MIN_DELAY_MS',
    path: ['WHATSAPP_MAX_DELAY_MS'],
  });

/** The real socket. Defaults are Baileys' own (its browser id is the one pairing codes work with). */
export const baileysSocket: SocketFactory = (options) =>
  makeWASocket({
    ...options,
    // Let the office phone keep its notifications; the bot is not "online" all day.
    markOnlineOnConnect: false,
    // Old chats are not ours to answer: skip history sync.
    syncFullHistory: false,
    shouldSyncHistoryMessage: () => false,
  }) as unknown as WhatsAppSocket;

export interface WhatsAppFeatureOptions {
  makeSocket?: SocketFactory;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  print?: (text: string) => void;
}

/** Longest a shutdown waits for paced messages still going out. */
const DRAIN_LIMIT_MS = 15_000;

export function createWhatsAppFeature(options: WhatsAppFeatureOptions = {}): FeatureFactory {
  return (ctx) => {
    const config = parseEnv(WhatsAppConfig, ctx.env);
    if (!config.WHATSAPP) return { name: 'whatsapp' };
    const { log: appLog, clock, store: core, engine, dispatcher, content, admin } = ctx;
    const log = appLog.child({ channel: 'whatsapp' });
    // Baileys logs a lot at info; keep it to warnings unless we are debugging.
    const quiet = ['debug', 'trace'].includes(appLog.level) ? appLog.level : ['silent', 'fatal', 'error'].includes(appLog.level) ? appLog.level : 'warn';
    const libLog = appLog.child({ module: 'baileys' }, { level: quiet });
    const store = new WhatsAppStore(ctx.db);
    const inbound = new WhatsAppInbound({ engine, store, clock, log });
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
      onSocket: (socket) => {
        detach?.();
        detach = inbound.attach(socket);
      },
      onOpen: () => {
        const released = store.releaseHeldReplies(NOT_CONNECTED, clock.now());
        if (released) log.info({ released }, 'WhatsApp: sending replies that waited for the connection');
        dispatcher.kick();
      },
    });
    const sender = new WhatsAppSender({ core, store, texts: content.texts, clock, log, queues, port: () => connection.openSocket() });
    dispatcher.register('whatsapp', sender);

    ctx.services.whatsapp = {
      status: () => {
        const { qr, ...status } = connection.snapshot();
        return { ...status, qrAvailable: Boolean(qr) };
      },
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
    };

    if (admin) {
      admin.get('/whatsapp', (c) => {
        const { qr, ...status } = connection.snapshot();
        return c.json({ ...status, qrAvailable: Boolean(qr) });
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

    return {
      name: 'whatsapp',
      start() {
        log.info('WhatsApp: starting (keys in the database; a QR appears if the office phone is not linked yet)');
        connection.start();
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
        await connection.stop();
      },
    };
  };
}

export const whatsappFeature: FeatureFactory = createWhatsAppFeature();
