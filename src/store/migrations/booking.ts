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

const QUOTA_OF_NEW_PLACE_DATE = `COALESCE(
      (SELECT per_day FROM booking_capacity WHERE place = NEW.place AND scope = NEW.date),
      (SELECT per_day FROM booking_capacity WHERE place = NEW.place AND scope = 'default'),
      (SELECT per_day FROM booking_capacity WHERE place = NEW.place AND scope = 'file'), 0)`;

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
  {
    version: 101,
    name: 'booking: officers confirm a year of holidays; booking settings officers change',
    up: `
      CREATE TABLE booking_holiday_year (
        year INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL, -- the list as it was confirmed; a changed file needs a new confirmation
        confirmed_by TEXT NOT NULL,
        confirmed_at TEXT NOT NULL,
        note TEXT
      );

      CREATE TABLE booking_setting (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL, -- JSON
        updated_by TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 102,
    name: 'booking: several places, each with its own quota (one place keeps the id "main")',
    up: `
      ALTER TABLE booking ADD COLUMN place TEXT NOT NULL DEFAULT 'main';
      ALTER TABLE booking_waitlist ADD COLUMN place TEXT NOT NULL DEFAULT 'main';

      DROP TRIGGER booking_quota_insert;
      DROP TRIGGER booking_quota_update;
      DROP INDEX booking_place;
      CREATE UNIQUE INDEX booking_place ON booking (place, date, queue_no) WHERE status IN ${OCCUPYING};
      CREATE INDEX booking_by_place_date ON booking (place, date, status, session);
      CREATE INDEX booking_waitlist_place ON booking_waitlist (place, date, status, id);

      CREATE TABLE booking_capacity_new (
        place TEXT NOT NULL DEFAULT 'main',
        scope TEXT NOT NULL, -- 'file' (flows/booking.yaml), 'default' (officers), or a date YYYY-MM-DD
        per_day INTEGER NOT NULL CHECK (per_day >= 1),
        first_session TEXT NOT NULL,
        sessions INTEGER NOT NULL CHECK (sessions >= 1),
        session_minutes INTEGER NOT NULL CHECK (session_minutes >= 1),
        updated_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (place, scope)
      );
      INSERT INTO booking_capacity_new (place, scope, per_day, first_session, sessions, session_minutes, updated_by, updated_at)
        SELECT 'main', scope, per_day, first_session, sessions, session_minutes, updated_by, updated_at FROM booking_capacity;
      DROP TABLE booking_capacity;
      ALTER TABLE booking_capacity_new RENAME TO booking_capacity;

      CREATE TRIGGER booking_quota_insert BEFORE INSERT ON booking
      WHEN NEW.status IN ${OCCUPYING} AND NEW.queue_no > ${QUOTA_OF_NEW_PLACE_DATE}
      BEGIN SELECT RAISE(ABORT, 'booking quota exceeded'); END;

      CREATE TRIGGER booking_quota_update BEFORE UPDATE OF date, queue_no, status, place ON booking
      WHEN NEW.status IN ('held', 'active') AND NEW.queue_no > ${QUOTA_OF_NEW_PLACE_DATE}
      BEGIN SELECT RAISE(ABORT, 'booking quota exceeded'); END;
    `,
  },
];
