import type { Migration } from './types.js';

// Owned by the applications feature. Versions in its range (see types.ts).
export const applicationsMigrations: Migration[] = [
  {
    version: 400,
    name: 'applications, status history, subscriptions, lookup cool-down, broadcasts, officer request keys',
    up: `
      CREATE TABLE applications (
        id INTEGER PRIMARY KEY,
        tracking_no TEXT NOT NULL,
        -- Upper-case letters and digits only: what a resident types is matched loosely ("lu-123 45" = "LU12345").
        tracking_key TEXT NOT NULL UNIQUE,
        service TEXT NOT NULL,
        applicant_name TEXT NOT NULL,
        nik TEXT NOT NULL,
        contact_channel TEXT,
        contact_address TEXT,
        status TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX applications_status ON applications (status, id);
      CREATE INDEX applications_contact ON applications (contact_channel, contact_address);

      CREATE TABLE application_history (
        id INTEGER PRIMARY KEY,
        application_id INTEGER NOT NULL REFERENCES applications (id),
        status TEXT NOT NULL,
        note TEXT,
        -- selesai: 'pickup' (at the office) or 'digital' (signed PDF sent)
        delivery TEXT,
        officer TEXT NOT NULL,
        at TEXT NOT NULL
      );
      CREATE INDEX application_history_app ON application_history (application_id, id);

      CREATE TABLE application_subscriptions (
        application_id INTEGER NOT NULL REFERENCES applications (id),
        resident_id INTEGER NOT NULL REFERENCES residents (id),
        created_at TEXT NOT NULL,
        PRIMARY KEY (application_id, resident_id)
      ) WITHOUT ROWID;
      CREATE INDEX application_subscriptions_resident ON application_subscriptions (resident_id);

      -- Wrong status checks, per chat ('res:<id>') and per tracking number ('trk:<key>').
      CREATE TABLE status_check_failures (
        scope TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        first_at TEXT NOT NULL,
        locked_until TEXT
      ) WITHOUT ROWID;

      CREATE TABLE broadcasts (
        id INTEGER PRIMARY KEY,
        text_id TEXT NOT NULL,
        text_en TEXT NOT NULL,
        officer TEXT NOT NULL,
        urgent INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        skipped INTEGER NOT NULL DEFAULT 0
      );

      CREATE TABLE broadcast_recipients (
        broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id),
        resident_id INTEGER NOT NULL REFERENCES residents (id),
        outbox_id INTEGER NOT NULL REFERENCES outbox (id),
        PRIMARY KEY (broadcast_id, resident_id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS broadcast_recipients_outbox ON broadcast_recipients (outbox_id);
      CREATE INDEX IF NOT EXISTS broadcast_recipients_resident ON broadcast_recipients (resident_id);

      -- Idempotency-Key of officers' requests: a retried request gets the first answer again.
      CREATE TABLE officer_requests (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        status_code INTEGER NOT NULL,
        response TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (scope, key)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 401,
    name: 'subscriptions remember a chat that stopped following (the officer-entered contact stays off)',
    up: `ALTER TABLE application_subscriptions ADD COLUMN active INTEGER NOT NULL DEFAULT 1;`,
  },
];
