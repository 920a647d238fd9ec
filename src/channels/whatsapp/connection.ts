// The link between the office's WhatsApp number and the bot: one socket at a time, the QR
// or pairing code while unlinked, and what to do when the socket closes (the reconnect table).
import { DisconnectReason, jidNormalizedUser, makeCacheableSignalKeyStore, type ConnectionState } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import QRCode from 'qrcode';
import type { Clock } from '../../core/types.js';
import { maskPhone } from '../../privacy/mask.js';
import type { CoreStore } from '../../store/core-store.js';
import type { WhatsAppStore } from '../../store/whatsapp-store.js';
import { sqliteAuthState } from './auth-state.js';
import { MapCache } from './cache.js';
import { ignoreJid } from './inbound.js';
import type { SocketFactory, WhatsAppSocket } from './port.js';

export type LinkState = 'stopped' | 'connecting' | 'waiting_for_scan' | 'open' | 'reconnecting' | 'logged_out' | 'replaced';

export type CloseAction =
  /** 401: the phone unlinked us. Wipe the keys and show a new QR. */
  | 'relink'
  /** 515: WhatsApp asks for a fresh socket (always right after linking). */
  | 'restart'
  /** 440: another session took over this login. Reconnecting would fight it in a loop. */
  | 'stop'
  /** Anything else (network, timeouts, server trouble): try again later, each time later. */
  | 'backoff';

export function closeAction(statusCode: number | undefined): CloseAction {
  switch (statusCode) {
    case DisconnectReason.loggedOut:
      return 'relink';
    case DisconnectReason.restartRequired:
      return 'restart';
    case DisconnectReason.connectionReplaced:
      return 'stop';
    default:
      return 'backoff';
  }
}

const REASONS: Record<number, string> = {
  401: 'logged out from the phone',
  403: 'forbidden (number may be restricted)',
  408: 'connection lost or timed out',
  411: 'multi-device mismatch',
  428: 'connection closed',
  440: 'replaced by another session',
  500: 'bad session',
  503: 'WhatsApp unavailable',
  515: 'restart required',
};

export function closeReason(statusCode: number | undefined): string {
  return (statusCode !== undefined && REASONS[statusCode]) || `closed (${statusCode ?? 'no status'})`;
}

/** Attempt n (from 1) waits base·2^(n-1), capped, with jitter so many bots don't retry in step. */
export function backoffDelay(attempt: number, random: () => number, baseMs = 2_000, maxMs = 5 * 60_000): number {
  const capped = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), maxMs);
  return Math.round(capped * (0.5 + 0.5 * random()));
}

/** Sent messages are kept this long for getMessage (a resident's phone asking for one again). */
export const SENT_CACHE_MS = 7 * 24 * 3600_000;

/** Restarts in a row (515) before they count as trouble and back off like any other close. */
const MAX_QUICK_RESTARTS = 3;

export interface ConnectionOptions {
  store: WhatsAppStore;
  core: CoreStore;
  clock: Clock;
  log: Logger;
  /** Baileys' own logger (chatty: a child at warn by default). */
  libLog: Logger;
  makeSocket: SocketFactory;
  /** With a number (country code, digits only) the phone links with an 8-character code instead of the QR. */
  pairingNumber?: string;
  random?: () => number;
  /** Where the QR and pairing code go for the person at the terminal. */
  print?: (text: string) => void;
  /** A new socket exists: attach the inbound handler to its events. */
  onSocket?: (socket: WhatsAppSocket) => void;
  /** The link is open (again): deliver what waited for it. */
  onOpen?: () => void;
  /** The socket closed: sends waiting for an ack on it will not get one. */
  onClosed?: () => void;
  /** Failed reconnects in a row (any code) before an alert: log `alert: true`, audit, dashboard banner. */
  alertAfterFailures?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

export interface LinkStatus {
  state: LinkState;
  /** The linked number, masked. */
  number?: string;
  qr?: string;
  pairingCode?: string;
  lastDisconnect?: { statusCode?: number; reason: string; at: string };
  nextAttemptAt?: string;
  /** Reconnects in a row that did not lead to an open link. */
  failedReconnects: number;
  /** Set when officers must act or know: too many failed reconnects, logged out, replaced. */
  alert?: { message: string; since: string };
  /** WhatsApp's reach-out time lock (the number may not start chats for now), from connection.update. */
  restriction?: { active: boolean; until?: string };
  /** WhatsApp's cap on messages to new chats this cycle (message-capping.update): warning, or capped. */
  newChatLimit?: { status: string; used?: number; total?: number; cycleEnds?: string; capped: boolean };
}

export class WhatsAppConnection {
  private socket: WhatsAppSocket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private quickRestarts = 0;
  private stopped = true;
  private status: LinkStatus = { state: 'stopped', failedReconnects: 0 };
  /** Failed reconnects in a row (reset by an open link). */
  private failures = 0;
  /** Outlives sockets on purpose (see MapCache). */
  private readonly retryCounters = new MapCache();

  constructor(private readonly opts: ConnectionOptions) {}

  get state(): LinkState {
    return this.status.state;
  }

  snapshot(): LinkStatus {
    return { ...this.status };
  }

  /** The retry-counter cache (pruned by housekeeping). */
  get retryCounterCache(): MapCache {
    return this.retryCounters;
  }

  /** The socket, only while the link is open (senders must not write into a closed one). */
  openSocket(): WhatsAppSocket | undefined {
    return this.status.state === 'open' ? this.socket : undefined;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    this.setState('stopped');
    await socket?.end(undefined);
  }

  /** After "replaced", or to skip a backoff wait: an officer asks to connect now. */
  reconnect(): void {
    if (this.stopped) return;
    this.attempt = 0;
    this.quickRestarts = 0;
    if (this.socket) return;
    if (this.timer) clearTimeout(this.timer);
    this.connect();
  }

  /** Unlink this device and show a new QR (another phone number, or a compromised login). */
  async relink(): Promise<void> {
    const socket = this.socket;
    if (socket && this.status.state === 'open') {
      try {
        // Baileys closes with 401 after logging out: the table below wipes and shows a new QR.
        await socket.logout('relink requested by an officer');
        return;
      } catch (err) {
        // The phone keeps listing this device until someone removes it there; our side unlinks anyway.
        this.opts.log.warn({ err }, 'WhatsApp: logout request failed; wiping the keys here');
      }
    }
    this.socket = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await socket?.end(undefined);
    this.opts.store.wipeLogin();
    this.attempt = 0;
    if (!this.stopped) this.connect();
  }

  private setState(state: LinkState, extra: Partial<LinkStatus> = {}): void {
    this.status = { ...this.status, state, ...extra };
  }

  private connect(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const { store, clock, libLog, makeSocket } = this.opts;
    const auth = sqliteAuthState(store, clock);
    this.setState('connecting', { nextAttemptAt: undefined, qr: undefined, pairingCode: undefined });
    const socket = makeSocket({
      auth: { creds: auth.state.creds, keys: makeCacheableSignalKeyStore(auth.state.keys, libLog) },
      logger: libLog,
      getMessage: async (key) => (key.id ? store.getMessageContent(key.id) : undefined),
      msgRetryCounterCache: this.retryCounters,
      shouldIgnoreJid: ignoreJid,
    });
    this.socket = socket;
    const linkedAtStart = Boolean(auth.state.creds.account);
    let askedForScan = false;
    let pairingRequested = false;
    socket.ev.on('creds.update', () => auth.saveCreds());
    socket.ev.on('message-capping.update', (cap) => {
      if (socket !== this.socket) return;
      const cycleEnds = cap.cycle_end_timestamp ? new Date(Number(cap.cycle_end_timestamp) * 1000).toISOString() : undefined;
      const status = cap.capping_status ?? 'NONE';
      this.status.newChatLimit = { status, used: cap.used_quota, total: cap.total_quota, ...(cycleEnds ? { cycleEnds } : {}), capped: status === 'CAPPED' };
      if (status !== 'NONE') {
        this.opts.log.error(
          { alert: status === 'CAPPED', status, used: cap.used_quota, total: cap.total_quota, cycleEnds },
          status === 'CAPPED'
            ? 'WhatsApp capped messages to new chats for this number; messages to residents who have not written recently are refused, not retried'
            : 'WhatsApp warns that this number is near its limit of messages to new chats',
        );
        this.opts.core.audit('whatsapp', 'whatsapp.new_chat_limit', null, { status, used: cap.used_quota, total: cap.total_quota, cycleEnds }, this.opts.clock.now());
      }
    });
    socket.ev.on('connection.update', (update) => {
      if (socket !== this.socket) return; // a socket we already let go of
      if (update.qr) {
        this.onQr(update.qr, !askedForScan);
        askedForScan = true;
        if (this.opts.pairingNumber && !linkedAtStart && !pairingRequested) {
          pairingRequested = true;
          void this.requestPairingCode(socket, this.opts.pairingNumber);
        }
      }
      if (update.reachoutTimeLock) {
        const lock = update.reachoutTimeLock;
        const until = lock.timeEnforcementEnds ? new Date(lock.timeEnforcementEnds).toISOString() : undefined;
        this.status.restriction = { active: Boolean(lock.isActive), ...(until ? { until } : {}) };
        if (lock.isActive) {
          this.opts.log.error({ alert: true, until }, 'WhatsApp restricts the office number from starting chats for now; messages to residents who have not written recently are refused, not retried');
          this.opts.core.audit('whatsapp', 'whatsapp.restricted', null, { until }, this.opts.clock.now());
        }
      }
      if (update.connection === 'open') this.onOpen(auth.state.creds.me?.id);
      if (update.connection === 'close') this.onClose(update, Boolean(auth.state.creds.account));
    });
    this.opts.onSocket?.(socket);
  }

  private onQr(qr: string, first: boolean): void {
    const { log, print = (text) => process.stdout.write(text) } = this.opts;
    this.setState('waiting_for_scan', { qr });
    if (first) log.info('WhatsApp: waiting for the office phone to link (scan the QR: WhatsApp → Linked devices → Link a device)');
    if (this.opts.pairingNumber) return; // the code is printed instead; the QR stays available to officers
    QRCode.toString(qr, { type: 'terminal', small: true })
      .then((art) => print(`\n${art}\nWhatsApp: scan this QR with the office phone (WhatsApp → Linked devices → Link a device).\n\n`))
      .catch((err: unknown) => log.warn({ err }, 'WhatsApp: could not draw the QR in the terminal'));
  }

  private async requestPairingCode(socket: WhatsAppSocket, number: string): Promise<void> {
    const { log, print = (text) => process.stdout.write(text) } = this.opts;
    try {
      const code = await socket.requestPairingCode(number);
      const shown = code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
      this.setState(this.status.state, { pairingCode: shown });
      print(`\nWhatsApp pairing code for ${maskPhone(number)}: ${shown}\nOn the office phone: WhatsApp → Linked devices → Link a device → Link with phone number instead.\n\n`);
      log.info({ number: maskPhone(number) }, 'WhatsApp: pairing code issued; enter it on the office phone');
    } catch (err) {
      log.warn({ err }, 'WhatsApp: could not get a pairing code; scan the QR instead');
    }
  }

  private onOpen(meId: string | undefined): void {
    const { log, store, clock } = this.opts;
    this.attempt = 0;
    this.quickRestarts = 0;
    const recovered = this.failures >= this.alertAfter;
    this.failures = 0;
    const number = meId ? maskPhone(jidNormalizedUser(meId)) : undefined;
    this.setState('open', { number, qr: undefined, pairingCode: undefined, nextAttemptAt: undefined, failedReconnects: 0, alert: undefined });
    log.info({ number }, `WhatsApp: connected as ${number ?? 'the linked number'}`);
    if (recovered) this.opts.core.audit('whatsapp', 'whatsapp.reconnected', null, undefined, clock.now());
    // Retries come within minutes; a week of sent messages is plenty for getMessage.
    store.pruneMessages('out', new Date(clock.now().getTime() - SENT_CACHE_MS));
    this.opts.onOpen?.();
  }

  private get alertAfter(): number {
    return this.opts.alertAfterFailures ?? 5;
  }

  private onClose(update: Partial<ConnectionState>, wasLinked: boolean): void {
    const { log, store, core, clock } = this.opts;
    this.socket = undefined;
    this.opts.onClosed?.();
    const statusCode = (update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
    const reason = closeReason(statusCode);
    this.status.lastDisconnect = { statusCode, reason, at: clock.now().toISOString() };
    if (this.stopped) return;
    const action = closeAction(statusCode);
    switch (action) {
      case 'relink': {
        store.wipeLogin();
        this.setState('logged_out', { number: undefined, alert: { message: 'WhatsApp logged the bot out: link the office phone again (scan the new QR)', since: clock.now().toISOString() } });
        core.audit('whatsapp', 'whatsapp.logged_out', null, { statusCode }, clock.now());
        log.error({ alert: true, statusCode }, 'WhatsApp: logged out from the phone; keys wiped. Link the office phone again (new QR follows)');
        // A fresh QR at once; but a login that never linked cannot be "logged out" again and again.
        this.schedule(wasLinked ? 0 : this.nextBackoff(), reason);
        return;
      }
      case 'restart':
        this.quickRestarts += 1;
        if (this.quickRestarts > MAX_QUICK_RESTARTS) this.countFailure(statusCode, reason);
        log.info({ statusCode }, 'WhatsApp: restart required; reconnecting');
        this.schedule(this.quickRestarts <= MAX_QUICK_RESTARTS ? 0 : this.nextBackoff(), reason);
        return;
      case 'stop':
        this.setState('replaced', { alert: { message: 'This WhatsApp login was opened elsewhere; close the other session, then reconnect', since: clock.now().toISOString() } });
        core.audit('whatsapp', 'whatsapp.replaced', null, { statusCode }, clock.now());
        log.error({ alert: true, statusCode }, 'WhatsApp: this login was opened elsewhere (connection replaced); not reconnecting. Close the other session, then restart the bot');
        return;
      case 'backoff':
        this.countFailure(statusCode, reason);
        this.schedule(this.nextBackoff(), reason);
        return;
    }
  }

  /** A close that is trouble (not a 515 restart): after N in a row, officers are alerted once. */
  private countFailure(statusCode: number | undefined, reason: string): void {
    const { log, core, clock } = this.opts;
    this.failures += 1;
    this.status.failedReconnects = this.failures;
    if (this.failures !== this.alertAfter) return;
    const message = `WhatsApp keeps disconnecting (${this.failures} times in a row, last: ${reason}); the bot keeps trying. Check the server's internet and that the office phone is on and still lists the bot under Linked devices`;
    this.status.alert = { message, since: clock.now().toISOString() };
    log.error({ alert: true, statusCode, failedReconnects: this.failures }, message);
    core.audit('whatsapp', 'whatsapp.reconnect_failing', null, { statusCode, failedReconnects: this.failures }, clock.now());
  }

  private nextBackoff(): number {
    this.attempt += 1;
    return backoffDelay(this.attempt, this.opts.random ?? Math.random, this.opts.backoffBaseMs, this.opts.backoffMaxMs);
  }

  private schedule(delayMs: number, reason: string): void {
    const { log, clock } = this.opts;
    if (this.status.state !== 'logged_out') this.setState('reconnecting');
    this.status.nextAttemptAt = new Date(clock.now().getTime() + delayMs).toISOString();
    if (delayMs > 0) log.warn({ reason, retryInMs: delayMs, attempt: this.attempt }, `WhatsApp: disconnected (${reason}); reconnecting in ${Math.round(delayMs / 1000)} s`);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delayMs);
    this.timer.unref?.();
  }
}
