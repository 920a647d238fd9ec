import type { Migration } from './types.js';

// Owned by the whatsapp feature. Versions in its range (see types.ts).
// The linked device's login lives here instead of a folder of JSON files, so it is backed
// up with the rest of the data and written atomically.
export const whatsappMigrations: Migration[] = [
  {
    version: 300,
    name: 'whatsapp auth creds, signal keys, message cache',
    up: `
      CREATE TABLE whatsapp_creds (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        data TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE whatsapp_keys (
        type TEXT NOT NULL,
        id TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (type, id)
      ) WITHOUT ROWID;

      -- Sent messages (for getMessage: re-encrypting on a recipient's retry request) and
      -- residents' media messages (kept by reference so an officer can fetch the file later).
      CREATE TABLE whatsapp_messages (
        id TEXT PRIMARY KEY,
        jid TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        kind TEXT NOT NULL,
        message BLOB NOT NULL,
        at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX whatsapp_messages_at ON whatsapp_messages (direction, at);
    `,
  },
  {
    version: 301,
    name: 'whatsapp: messages that arrived while the bot was offline, too old to answer',
    up: `
      -- Kept for officers (the inbox), not answered; the resident is told once, when they write next.
      CREATE TABLE whatsapp_unanswered (
        id TEXT PRIMARY KEY,
        jid TEXT NOT NULL,
        alt_jid TEXT,
        kind TEXT NOT NULL,
        text TEXT,
        message BLOB NOT NULL,
        sent_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        noticed_at TEXT
      ) WITHOUT ROWID;
      CREATE INDEX whatsapp_unanswered_jid ON whatsapp_unanswered (jid);
      CREATE INDEX whatsapp_unanswered_alt ON whatsapp_unanswered (alt_jid) WHERE alt_jid IS NOT NULL;
      CREATE INDEX whatsapp_unanswered_received ON whatsapp_unanswered (received_at);
    `,
  },
];
