// SQL for the dashboard's statistics: counters the engine records per message (in the
// message's own transaction), and read-only aggregates over the outbox and bookings.
import type { Db } from './db.js';

export interface DailyCount {
  day: string;
  channel: string;
  metric: string;
  key: string;
  count: number;
}

export class StatsStore {
  private readonly stmts;

  constructor(readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.stmts = {
      bump: p('INSERT INTO stats_daily (day, channel, metric, key, count) VALUES (?, ?, ?, ?, 1) ON CONFLICT (day, channel, metric, key) DO UPDATE SET count = count + 1'),
      active: p('INSERT OR IGNORE INTO stats_active (day, resident_id) VALUES (?, ?)'),
      unknown: p('INSERT INTO stats_unknown (at, channel, text) VALUES (?, ?, ?)'),
    };
  }

  bump(day: string, channel: string, metric: string, key = ''): void {
    this.stmts.bump.run(day, channel, metric, key);
  }

  active(day: string, residentId: number): void {
    this.stmts.active.run(day, residentId);
  }

  unknown(at: Date, channel: string, text: string): void {
    this.stmts.unknown.run(at.toISOString(), channel, text);
  }

  daily(from: string, to: string): DailyCount[] {
    return this.db.prepare('SELECT day, channel, metric, key, count FROM stats_daily WHERE day >= ? AND day <= ? ORDER BY day').all(from, to) as DailyCount[];
  }

  activePerDay(from: string, to: string): Array<{ day: string; residents: number }> {
    return this.db.prepare('SELECT day, count(*) AS residents FROM stats_active WHERE day >= ? AND day <= ? GROUP BY day ORDER BY day').all(from, to) as Array<{ day: string; residents: number }>;
  }

  /** The latest questions not understood, the same (masked) text counted together. */
  unknownQuestions(fromIso: string, limit: number): Array<{ text: string; count: number; last: string }> {
    return this.db
      .prepare('SELECT lower(text) AS text, count(*) AS count, max(at) AS last FROM stats_unknown WHERE at >= ? GROUP BY lower(text) ORDER BY last DESC LIMIT ?')
      .all(fromIso, limit) as Array<{ text: string; count: number; last: string }>;
  }

  /** Notifications, reminders and announcements by UTC day of creation: sent, failed, waiting, mean seconds to send. */
  deliveries(fromIso: string, toIso: string): Array<{ day: string; sent: number; failed: number; waiting: number; latency: number | null }> {
    return this.db
      .prepare(
        `SELECT substr(created_at, 1, 10) AS day,
                sum(status = 'sent') AS sent, sum(status = 'failed') AS failed, sum(status IN ('pending', 'sending')) AS waiting,
                avg(CASE WHEN status = 'sent' THEN (julianday(sent_at) - julianday(created_at)) * 86400 END) AS latency
           FROM outbox WHERE kind != 'reply' AND created_at >= ? AND created_at < ? GROUP BY day ORDER BY day`,
      )
      .all(fromIso, toIso) as Array<{ day: string; sent: number; failed: number; waiting: number; latency: number | null }>;
  }

  /** Bookings per day by outcome (quota use and no-show rate). */
  bookingOutcomes(from: string, to: string): Array<{ day: string; booked: number; checked_in: number; no_show: number }> {
    return this.db
      .prepare(
        `SELECT date AS day, sum(status IN ('active', 'checked_in', 'no_show', 'held')) AS booked,
                sum(status = 'checked_in') AS checked_in, sum(status = 'no_show') AS no_show
           FROM booking WHERE date >= ? AND date <= ? GROUP BY date ORDER BY date`,
      )
      .all(from, to) as Array<{ day: string; booked: number; checked_in: number; no_show: number }>;
  }

  prune(beforeDay: string, beforeIso: string): number {
    return (
      this.db.prepare('DELETE FROM stats_active WHERE day < ?').run(beforeDay).changes +
      this.db.prepare('DELETE FROM stats_unknown WHERE at < ?').run(beforeIso).changes
    );
  }
}
