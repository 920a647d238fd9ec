import type { Migration } from './types.js';

// Owned by operations (health, retention, web chat identity). Versions 10–29 of the core range.
export const opsMigrations: Migration[] = [
  {
    version: 10,
    name: 'web chat clients: server-issued id and the hash of the secret the page keeps',
    up: `
      CREATE TABLE web_clients (
        client_id TEXT PRIMARY KEY,
        secret_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX web_clients_created ON web_clients (created_at);
    `,
  },
  {
    version: 11,
    name: 'readiness heartbeat (a real write) and audit entries whose personal fields were masked',
    up: `
      CREATE TABLE ops_heartbeat (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        at TEXT NOT NULL
      );
      ALTER TABLE audit_log ADD COLUMN masked_at TEXT;
      -- Retention walks outbox, audit_log and inbound_media in id order (ids grow with time);
      -- residents are found by their last message.
      CREATE INDEX residents_last_inbound ON residents (last_inbound_at);
    `,
  },
];
