import type Database from 'better-sqlite3';
import type { Migration } from './types.js';

/**
 * Indexes on foreign keys of feature tables. Their own migrations create them on a new
 * database (they come later in version order); on a database made before, this adds them.
 * Without one, deleting a parent row (pruning delivered outbox rows) scans the child table
 * once per row.
 */
export const FK_INDEXES: Array<{ table: string; sql: string }> = [
  { table: 'booking_waitlist', sql: 'CREATE INDEX IF NOT EXISTS booking_waitlist_booking ON booking_waitlist (booking_id)' },
  { table: 'broadcast_recipients', sql: 'CREATE INDEX IF NOT EXISTS broadcast_recipients_outbox ON broadcast_recipients (outbox_id)' },
  { table: 'broadcast_recipients', sql: 'CREATE INDEX IF NOT EXISTS broadcast_recipients_resident ON broadcast_recipients (resident_id)' },
];

function tableExists(db: Database.Database, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
}

export const coreMigrations: Migration[] = [
  {
    version: 1,
    name: 'residents, conversations, inbound dedupe, outbox, audit',
    up: `
      CREATE TABLE residents (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        address TEXT NOT NULL,
        alt_address TEXT,
        lang TEXT NOT NULL DEFAULT 'id' CHECK (lang IN ('id', 'en')),
        opted_out INTEGER NOT NULL DEFAULT 0,
        unreachable INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        last_inbound_at TEXT,
        UNIQUE (channel, address)
      );
      CREATE INDEX residents_alt ON residents (channel, alt_address);

      CREATE TABLE conversations (
        resident_id INTEGER PRIMARY KEY REFERENCES residents (id),
        state_version INTEGER NOT NULL,
        state TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE inbound_seen (
        channel TEXT NOT NULL,
        message_id TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (channel, message_id)
      ) WITHOUT ROWID;
      CREATE INDEX inbound_seen_at ON inbound_seen (seen_at);

      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        resident_id INTEGER NOT NULL REFERENCES residents (id),
        channel TEXT NOT NULL,
        address TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'reply',
        payload TEXT NOT NULL,
        idempotency_key TEXT,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        external_id TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT
      );
      -- Most rows (plain replies) have no key: a partial index keeps them out of it.
      CREATE UNIQUE INDEX outbox_idempotency ON outbox (idempotency_key) WHERE idempotency_key IS NOT NULL;
      CREATE INDEX outbox_due ON outbox (channel, status, next_attempt_at);
      CREATE INDEX outbox_resident ON outbox (resident_id, status, id);

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT,
        detail TEXT
      );
    `,
  },
  {
    version: 2,
    name: 'files residents send (kept by reference)',
    up: `
      CREATE TABLE inbound_media (
        id INTEGER PRIMARY KEY,
        resident_id INTEGER NOT NULL REFERENCES residents (id),
        channel TEXT NOT NULL,
        media TEXT NOT NULL,
        ref TEXT NOT NULL,
        caption TEXT,
        received_at TEXT NOT NULL
      );
      CREATE INDEX inbound_media_resident ON inbound_media (resident_id, id);
    `,
  },
  {
    version: 30,
    name: 'an index on every foreign key',
    up: (db) => {
      for (const { table, sql } of FK_INDEXES) if (tableExists(db, table)) db.exec(sql);
    },
  },
  {
    version: 31,
    name: 'the due-outbox index holds only undelivered rows of pushed channels',
    // Delivered rows (most of the table, kept 90 days) leave it: it stays small and in cache,
    // and marking a row sent deletes one entry instead of rewriting it. Web-chat rows are
    // pulled by resident (outbox_resident), never claimed: they are not written to it at all.
    up: `
      DROP INDEX outbox_due;
      CREATE INDEX outbox_due ON outbox (channel, next_attempt_at) WHERE status IN ('pending', 'sending') AND channel <> 'web';
    `,
  },
];
