// A version of everything that decides which days have room (bookings, capacity, opened and
// closed days): it changes with every write to those tables, from this connection (temporary
// triggers bump a counter, rolled back with the write) or from another process sharing the
// file (SQLite's data_version). The booking service keys its "day full, here are other days"
// answer on it, so 2,000 refused presses compute that answer once, not 2,000 times.
import type { Db } from './db.js';

// Holiday-year confirmations and the officers' setting for unlisted years decide open days too.
const TABLES = ['booking', 'booking_capacity', 'booking_day', 'booking_holiday_year', 'booking_setting'];

export class BookingVersion {
  private readonly read;

  constructor(db: Db) {
    db.exec(`
      CREATE TEMP TABLE IF NOT EXISTS booking_changes (n INTEGER NOT NULL);
      INSERT INTO temp.booking_changes (n) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM temp.booking_changes);
      ${TABLES.flatMap((t) =>
        ['INSERT', 'UPDATE', 'DELETE'].map(
          (op) => `CREATE TEMP TRIGGER IF NOT EXISTS ${t}_changes_${op.toLowerCase()} AFTER ${op} ON main.${t} BEGIN UPDATE temp.booking_changes SET n = n + 1; END;`,
        ),
      ).join('\n')}
    `);
    this.read = db.prepare('SELECT (SELECT n FROM temp.booking_changes) || \':\' || (SELECT data_version FROM pragma_data_version) AS v').pluck();
  }

  current(): string {
    return this.read.get() as string;
  }
}
