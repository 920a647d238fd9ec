// Delivers the outbox through each push channel's sender (Telegram, WhatsApp).
// Rows are leased before sending, so a crash mid-send makes them due again; a resident's
// messages go out in order; failures retry with backoff until they are clearly permanent.
import type { Logger } from 'pino';
import type { CoreStore, OutboxKind, OutboxRow } from '../store/core-store.js';
import { isTransientDbError, retryTransient } from '../store/db.js';
import type { ChannelName, Clock, Reply } from './types.js';

export interface OutboundMessage {
  outboxId: number;
  residentId: number;
  channel: ChannelName;
  address: string;
  reply: Reply;
  kind: OutboxKind;
  idempotencyKey: string | null;
  /** When the row was queued (ISO). With outboxId it names this message uniquely, across database resets too. */
  createdAt: string;
  attempt: number;
}

/** What a sender throws when a message did not go out. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly info: {
      /** Retrying cannot help (blocked bot, unknown number, bad request). */
      permanent?: boolean;
      /** The resident cannot be reached at all any more (blocked the bot): stop everything to them. */
      unreachable?: boolean;
      /** The channel asked us to wait (Telegram 429 retry_after). */
      retryAfterMs?: number;
    } = {},
  ) {
    super(message);
  }
}

export interface ChannelSender {
  send(message: OutboundMessage): Promise<{ externalId?: string } | void>;
}

export interface DispatcherOptions {
  store: CoreStore;
  clock: Clock;
  log: Logger;
  pollMs?: number;
  batchSize?: number;
  /** How long a claimed row stays claimed; after a crash it is retried then. */
  leaseMs?: number;
  maxAttempts?: number;
  /** Backoff base; attempt n waits base·2^(n-1) (capped), ±20 % jitter. */
  backoffBaseMs?: number;
  random?: () => number;
  /** Each delivery attempt's outcome (metrics): sent, retry or failed, with a short reason. */
  onDelivery?: (channel: ChannelName, outcome: 'sent' | 'retry' | 'failed', reason?: string) => void;
}

export class OutboxDispatcher {
  private readonly senders = new Map<ChannelName, ChannelSender>();
  /** Each channel has its own round, so a slow one (WhatsApp's paced sends) never holds up another. */
  private readonly rounds = new Map<ChannelName, { running?: Promise<number>; again: boolean }>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(private readonly opts: DispatcherOptions) {}

  register(channel: ChannelName, sender: ChannelSender): void {
    this.senders.set(channel, sender);
    this.rounds.set(channel, { again: false });
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.opts.pollMs ?? 500);
    this.timer.unref();
    this.kick();
  }

  /** Stops polling and waits for deliveries in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.rounds.values()].map((r) => r.running));
  }

  /** Deliver soon (called after a commit queued messages). */
  kick(): void {
    if (this.stopped) return;
    for (const channel of this.senders.keys()) this.kickChannel(channel);
  }

  private kickChannel(channel: ChannelName): void {
    const round = this.rounds.get(channel)!;
    if (round.running) {
      round.again = true;
      return;
    }
    round.running = this.runChannel(channel)
      .catch((err) => {
        // A lock held elsewhere or a full disk: the next poll tries again.
        if (isTransientDbError(err)) this.opts.log.warn({ channel, code: (err as { code?: string }).code }, 'outbox delivery round waits: database busy or full');
        else this.opts.log.error({ err, channel }, 'outbox delivery round failed');
        return 0;
      })
      .then((attempted) => {
        round.running = undefined;
        // A round that sent something may have unblocked a resident's next message: go on at once
        // rather than waiting for the next poll.
        if ((round.again || attempted > 0) && !this.stopped) {
          round.again = false;
          this.kickChannel(channel);
        }
        return attempted;
      });
  }

  /** One round over every channel at once: claims due rows and delivers them. Returns how many were attempted. */
  async runOnce(): Promise<number> {
    const counts = await Promise.all([...this.senders.keys()].map((channel) => this.runChannel(channel)));
    return counts.reduce((a, b) => a + b, 0);
  }

  private async runChannel(channel: ChannelName): Promise<number> {
    const { store, clock } = this.opts;
    const sender = this.senders.get(channel)!;
    const now = clock.now();
    const rows = store.claimDue(channel, now, new Date(now.getTime() + (this.opts.leaseMs ?? 60_000)), this.opts.batchSize ?? 50);
    // At most one row per resident per round, so these are independent: senders pace themselves.
    await Promise.all(rows.map((row) => this.deliver(sender, row)));
    return rows.length;
  }

  private async deliver(sender: ChannelSender, row: OutboxRow): Promise<void> {
    const { store, clock, log } = this.opts;
    const resident = store.getResident(row.resident_id);
    if (resident?.unreachable) {
      store.markFailed(row.id, 'resident unreachable (blocked the bot or number gone)');
      return;
    }
    try {
      const result = await sender.send({
        outboxId: row.id,
        residentId: row.resident_id,
        channel: row.channel,
        address: row.address,
        reply: JSON.parse(row.payload) as Reply,
        kind: row.kind,
        idempotencyKey: row.idempotency_key,
        createdAt: row.created_at,
        attempt: row.attempts,
      });
      // The channel took it: recording that must not fail on a passing lock, or it would be sent again.
      await retryTransient(() => store.markSent(row.id, clock.now(), result?.externalId));
      this.opts.onDelivery?.(row.channel, 'sent');
    } catch (err) {
      if (isTransientDbError(err)) {
        // The database was locked or full all along: the lease runs out and the row is tried again.
        log.warn({ outboxId: row.id, code: (err as { code?: string }).code }, 'outbox: could not record a delivery; the row is retried after its lease');
        return;
      }
      const info = err instanceof DeliveryError ? err.info : {};
      const message = err instanceof Error ? err.message : String(err);
      if (info.unreachable) store.setUnreachable(row.resident_id, true);
      if (info.permanent || info.unreachable || row.attempts >= (this.opts.maxAttempts ?? 8)) {
        this.opts.onDelivery?.(row.channel, 'failed', info.unreachable ? 'unreachable' : info.permanent ? 'permanent' : 'max_attempts');
        store.markFailed(row.id, message);
        log.warn({ outboxId: row.id, channel: row.channel, attempts: row.attempts, error: message }, 'outbox message failed permanently');
        return;
      }
      this.opts.onDelivery?.(row.channel, 'retry', info.retryAfterMs !== undefined ? 'retry_after' : 'error');
      const wait = info.retryAfterMs ?? this.backoff(row.attempts);
      store.markRetry(row.id, new Date(clock.now().getTime() + wait), message);
      log.info({ outboxId: row.id, channel: row.channel, attempts: row.attempts, waitMs: wait, error: message }, 'outbox message will be retried');
    }
  }

  private backoff(attempt: number): number {
    const base = this.opts.backoffBaseMs ?? 2_000;
    const capped = Math.min(base * 2 ** (attempt - 1), 15 * 60_000);
    const jitter = 0.8 + 0.4 * (this.opts.random ?? Math.random)();
    return Math.round(capped * jitter);
  }
}
