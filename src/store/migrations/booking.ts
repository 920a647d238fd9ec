import type { Migration } from './types.js';

// Owned by the booking feature. Versions in its range (see types.ts).
// A booking holds a place (date, queue_no) while it is held, active, checked in or marked
// no-show; the unique index plus the quota trigger make overbooking impossible even if
// code elsewhere got the count wrong.
const OCCUPYING = `('held', 'active', 'checked_in', 'no_show')`;
const QUOTA_OF_NEW_DATE = `COALESCE(
      (SELECT per_day FROM booking_capacity WHERE scope = NEW.date),
      (SELECT per_day FROM booking_capacity WHERE scope = 'default'),
      (SELECT per_day FROM booking_capacity WHERE scope = 'file'), 0)`;

export const bookingMigrations: Migration[] = [
  {
    version: 100,
    name: 'booking: bookings, waitlist, capacity, day overrides',
    up: `
      CREATE TABLE booking_capacity (
        scope TEXT PRIMARY KEY, -- 'file' (flows/booking.yaml), 'default' (officers), or a date YYYY-MM-DD
        per_day INTEGER NOT NULL CHECK (per_day >= 1),
        first_session TEXT NOT NULL,
        sessions INTEGER NOT NULL CHECK (sessions >= 1),
        session_minutes INTEGER NOT NULL CHECK (session_minutes >= 1),
        updated_by TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE booking_day (
        date TEXT PRIMARY KEY,
        open INTEGER NOT NULL CHECK (open IN (0, 1)),
        reason TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE booking (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        resident_id INTEGER NOT NULL REFERENCES residents (id),
        nik TEXT NOT NULL,
        name TEXT NOT NULL,
        reason TEXT NOT NULL,
        reason_note TEXT,
        date TEXT NOT NULL,
        session INTEGER NOT NULL CHECK (session >= 0),
        session_time TEXT NOT NULL,
        queue_no INTEGER NOT NULL CHECK (queue_no >= 1),
        status TEXT NOT NULL CHECK (status IN ('held', 'active', 'checked_in', 'no_show', 'cancelled', 'closed', 'expired')),
        hold_until TEXT,
        note TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX booking_place ON booking (date, queue_no) WHERE status IN ${OCCUPYING};
      CREATE UNIQUE INDEX booking_one_per_nik ON booking (nik) WHERE status IN ('held', 'active');
      CREATE INDEX booking_by_date ON booking (date, status, session);
      CREATE INDEX booking_by_resident ON booking (resident_id, status);
      CREATE INDEX booking_by_nik ON booking (nik, status, date);
      CREATE INDEX booking_holds ON booking (status, hold_until);

      CREATE TRIGGER booking_quota_insert BEFORE INSERT ON booking
      WHEN NEW.status IN ${OCCUPYING} AND NEW.queue_no > ${QUOTA_OF_NEW_DATE}
      BEGIN SELECT RAISE(ABORT, 'booking quota exceeded'); END;

      CREATE TRIGGER booking_quota_update BEFORE UPDATE OF date, queue_no, status ON booking
      WHEN NEW.status IN ('held', 'active') AND NEW.queue_no > ${QUOTA_OF_NEW_DATE}
      BEGIN SELECT RAISE(ABORT, 'booking quota exceeded'); END;

      CREATE TABLE booking_waitlist (
        id INTEGER PRIMARY KEY,
        resident_id INTEGER NOT NULL REFERENCES residents (id),
        nik TEXT NOT NULL,
        name TEXT NOT NULL,
        reason TEXT NOT NULL,
        reason_note TEXT,
        date TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'booked', 'expired', 'declined', 'cancelled')),
        booking_id INTEGER REFERENCES booking (id),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX booking_waitlist_once ON booking_waitlist (date, nik) WHERE status IN ('waiting', 'offered');
      CREATE INDEX booking_waitlist_queue ON booking_waitlist (date, status, id);
      CREATE INDEX booking_waitlist_by_resident ON booking_waitlist (resident_id, status);
      CREATE INDEX IF NOT EXISTS booking_waitlist_booking ON booking_waitlist (booking_id);
    `,
  },
];
