// Prometheus metrics (prom-client), one registry per app. Served at /metrics (see app.ts for
// who may read it). Gauges that need the database are read when scraped.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsSources {
  outboxDepth(): Array<{ channel: string; depth: number; oldestAgeSeconds: number }>;
  bookingsByStatus(): Array<{ status: string; n: number }>;
  walBytes(): number;
  diskFreeBytes(): number | undefined;
}

export class Metrics {
  readonly registry = new Registry();
  readonly messagesIn = new Counter({ name: 'adminduk_messages_in_total', help: 'Inbound messages handled, per channel', labelNames: ['channel'], registers: [this.registry] });
  readonly duplicates = new Counter({ name: 'adminduk_messages_duplicate_total', help: 'Inbound messages skipped as re-deliveries', labelNames: ['channel'], registers: [this.registry] });
  readonly repliesQueued = new Counter({ name: 'adminduk_messages_out_total', help: 'Replies queued to residents, per channel', labelNames: ['channel'], registers: [this.registry] });
  readonly deliveries = new Counter({ name: 'adminduk_deliveries_total', help: 'Outbox delivery attempts by outcome (sent, retry, failed)', labelNames: ['channel', 'outcome'], registers: [this.registry] });
  readonly deliveryFailures = new Counter({ name: 'adminduk_delivery_failures_total', help: 'Failed delivery attempts by reason', labelNames: ['channel', 'reason'], registers: [this.registry] });
  readonly stepSeconds = new Histogram({
    name: 'adminduk_step_seconds',
    help: 'Time from receiving a message to its commit (queue, step, effects, save)',
    labelNames: ['channel'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly dbBusy = new Counter({ name: 'adminduk_db_busy_total', help: 'Commits that met a lock or a full disk and were retried later', labelNames: ['reason'], registers: [this.registry] });
  readonly rateLimited = new Counter({ name: 'adminduk_rate_limited_total', help: 'Requests refused by a rate limit', labelNames: ['scope'], registers: [this.registry] });

  /** `processMetrics`: CPU, memory, event-loop lag of this process (once per process: main turns it on). */
  constructor(sources: MetricsSources, processMetrics = false) {
    if (processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'adminduk_' });
    const r = [this.registry];
    new Gauge({
      name: 'adminduk_outbox_depth',
      help: 'Messages due and not yet delivered, per channel',
      labelNames: ['channel'],
      registers: r,
      collect() {
        this.reset();
        for (const row of sources.outboxDepth()) this.set({ channel: row.channel }, row.depth);
      },
    });
    new Gauge({
      name: 'adminduk_outbox_oldest_age_seconds',
      help: 'How long the oldest due message has waited, per channel',
      labelNames: ['channel'],
      registers: r,
      collect() {
        this.reset();
        for (const row of sources.outboxDepth()) this.set({ channel: row.channel }, row.oldestAgeSeconds);
      },
    });
    new Gauge({
      name: 'adminduk_bookings',
      help: 'Bookings by status',
      labelNames: ['status'],
      registers: r,
      collect() {
        this.reset();
        for (const row of sources.bookingsByStatus()) this.set({ status: row.status }, row.n);
      },
    });
    new Gauge({ name: 'adminduk_wal_bytes', help: 'Size of the SQLite write-ahead log', registers: r, collect() { this.set(sources.walBytes()); } });
    new Gauge({
      name: 'adminduk_disk_free_bytes',
      help: 'Free space on the data folder disk',
      registers: r,
      collect() {
        const free = sources.diskFreeBytes();
        if (free !== undefined) this.set(free);
      },
    });
  }
}
