// Statistics for the dashboard: the engine hands every handled message to `record` (inside its
// transaction: two or three tiny upserts), and `report` reads a period back for the charts.
// Nothing personal is kept: counts per day, and the text of questions not understood with
// every run of digits masked (a NIK or phone number never lands here).
import type { Content } from '../content/load.js';
import { translate } from '../content/load.js';
import type { HandledEvent } from '../core/engine.js';
import { maskDigitsInText } from '../privacy/mask.js';
import type { StatsStore } from '../store/stats-store.js';

const DAY = 86_400_000;

export class StatsService {
  private dayKey = -1;
  private dayValue = '';
  private readonly fmt: Intl.DateTimeFormat;
  private activeDay = '';
  private readonly activeSeen = new Set<number>();

  constructor(private readonly d: { store: StatsStore; content: Content; timeZone: string }) {
    this.fmt = new Intl.DateTimeFormat('en-CA', { timeZone: d.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  }

  /** The office-local date (YYYY-MM-DD) of an instant; memoised per minute (the hot path). */
  day(at: Date): string {
    const minute = Math.floor(at.getTime() / 60_000);
    if (minute !== this.dayKey) {
      this.dayKey = minute;
      this.dayValue = this.fmt.format(at);
    }
    return this.dayValue;
  }

  private notUnderstood(text: string): boolean {
    const t = this.d.content.texts;
    for (const key of ['core.not_understood', 'core.not_understood_typed']) {
      if (!t[key]) continue;
      if (text === translate(t, 'id', key) || text === translate(t, 'en', key)) return true;
    }
    return false;
  }

  record(e: HandledEvent): void {
    if (e.input.type === 'result') return;
    const day = this.day(e.now);
    const s = this.d.store;
    s.bump(day, e.channel, 'messages');
    // One row per resident and day: remembered here so a resident's next messages cost no write.
    if (this.activeDay !== day) {
      this.activeDay = day;
      this.activeSeen.clear();
    }
    if (!this.activeSeen.has(e.residentId)) {
      s.active(day, e.residentId);
      this.activeSeen.add(e.residentId);
    }
    if (e.flowAfter !== e.flowBefore && e.flowAfter !== 'menu') s.bump(day, e.channel, 'intent', e.flowAfter);
    if (e.input.type === 'text' && e.replies.some((r) => this.notUnderstood(r.text))) {
      s.bump(day, e.channel, 'not_understood');
      s.unknown(e.now, e.channel, maskDigitsInText(e.input.text.trim().slice(0, 200)));
    }
  }

  /** Everything the Statistik page charts, for the days from..to (office dates, inclusive). */
  report(from: string, to: string) {
    const s = this.d.store;
    const days: string[] = [];
    for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`) && days.length < 400; t += DAY) days.push(new Date(t).toISOString().slice(0, 10));
    const daily = s.daily(from, to);
    const channels = [...new Set(daily.filter((r) => r.metric === 'messages').map((r) => r.channel))].sort();
    const series = (metric: string, channel?: string, key?: string) =>
      days.map((d) => daily.filter((r) => r.day === d && r.metric === metric && (channel === undefined || r.channel === channel) && (key === undefined || r.key === key)).reduce((n, r) => n + r.count, 0));
    const intents = new Map<string, number>();
    for (const r of daily) if (r.metric === 'intent') intents.set(r.key, (intents.get(r.key) ?? 0) + r.count);
    const active = new Map(s.activePerDay(from, to).map((r) => [r.day, r.residents]));
    const bookings = new Map(s.bookingOutcomes(from, to).map((r) => [r.day, r]));
    const deliveries = new Map(s.deliveries(`${from}T00:00:00.000Z`, new Date(Date.parse(`${to}T00:00:00Z`) + DAY).toISOString()).map((r) => [r.day, r]));
    return {
      from,
      to,
      days,
      messages: Object.fromEntries(channels.map((c) => [c, series('messages', c)])),
      totalMessages: daily.filter((r) => r.metric === 'messages').reduce((n, r) => n + r.count, 0),
      activeResidents: days.map((d) => active.get(d) ?? 0),
      intents: [...intents].sort((a, b) => b[1] - a[1]).map(([key, count]) => ({ key, count })),
      notUnderstood: series('not_understood'),
      bookings: days.map((d) => bookings.get(d) ?? { day: d, booked: 0, checked_in: 0, no_show: 0 }),
      deliveries: days.map((d) => deliveries.get(d) ?? { day: d, sent: 0, failed: 0, waiting: 0, latency: null }),
      unknownQuestions: s.unknownQuestions(`${from}T00:00:00.000Z`, 50),
    };
  }

  /** Active-resident rows and unknown questions go after 90 days (counters are not personal). */
  housekeeping(now: Date): number {
    const before = new Date(now.getTime() - 90 * DAY);
    return this.d.store.prune(this.day(before), before.toISOString());
  }
}
