// A version of everything that decides which days have room (bookings, capacity, opened and
// closed days): it changes with every write to those tables, from this connection (temporary
// triggers call a function that bumps a counter in this process) or from another process
// sharing the file (SQLite's data_version). The booking service keys its "day full, here are
// other days" answer on it, so 2,000 refused presses compute that answer once, not 2,000 times.
//
// The counter only ever goes up: a write that is rolled back (a failed batch of the engine,
// run again message by message) still bumps it, so a version is never reused for another
// state of the tables. Reading the version is one `PRAGMA data_version` (well under a µs).
import type { Db } from './db.js';
import { onRowChanged } from './row-changes.js';

// Holiday-year confirmations and the officers' setting for unlisted years decide open days too.
const TABLES = ['booking', 'booking_capacity', 'booking_day', 'booking_holiday_year', 'booking_setting'];

/** One counter per connection: every BookingVersion on that connection shares it. */
const counters = new WeakMap<Db, { writes: number }>();

export class BookingVersion {
  private readonly dataVersion;
  private readonly counter: { writes: number };

  constructor(db: Db) {
    let counter = counters.get(db);
    if (!counter) {
      const c = (counter = { writes: 0 });
      counters.set(db, c);
      for (const table of TABLES) onRowChanged(db, table, 'rowid', () => c.writes++);
    }
    this.counter = counter;
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  current(): string {
    return `${this.counter.writes}:${this.dataVersion.get() as number}`;
  }
}
