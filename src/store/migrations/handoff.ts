import type { Migration } from './types.js';

// Owned by the handoff feature (officer inbox). Versions 600–699.
export const handoffMigrations: Migration[] = [
  {
    version: 600,
    name: 'handoff cases, their messages, canned replies, per-topic deadlines',
    up: `
      CREATE TABLE handoff_cases (
        id INTEGER PRIMARY KEY,
        resident_id INTEGER NOT NULL REFERENCES residents (id),
        channel TEXT NOT NULL,
        topic TEXT NOT NULL,
        -- A complaint about someone asking for money (pungli).
        pungli INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
        assigned_to TEXT,
        opened_at TEXT NOT NULL,
        due_at TEXT NOT NULL,
        last_resident_at TEXT,
        first_reply_at TEXT,
        closed_at TEXT,
        closed_by TEXT,
        outcome TEXT,
        rating INTEGER CHECK (rating BETWEEN 1 AND 5),
        rating_word TEXT,
        rated_at TEXT,
        -- What the bot said last before the handoff (JSON list), for the officer's context.
        context TEXT,
        -- 1 once the texts were removed after the retention period.
        forgotten INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX handoff_cases_status ON handoff_cases (status, due_at);
      CREATE INDEX handoff_cases_resident ON handoff_cases (resident_id, status);
      CREATE INDEX handoff_cases_closed ON handoff_cases (closed_at) WHERE closed_at IS NOT NULL;

      CREATE TABLE handoff_messages (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES handoff_cases (id),
        at TEXT NOT NULL,
        -- resident, officer (sent to the resident), note (officers only), system
        author TEXT NOT NULL CHECK (author IN ('resident', 'officer', 'note', 'system')),
        officer TEXT,
        text TEXT,
        media_id INTEGER REFERENCES inbound_media (id),
        outbox_id INTEGER
      );
      CREATE INDEX handoff_messages_case ON handoff_messages (case_id, id);
      CREATE INDEX handoff_messages_media ON handoff_messages (media_id);

      CREATE TABLE handoff_canned (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      -- Officers' deadline per topic, over the default in flows/handoff.yaml.
      CREATE TABLE handoff_deadlines (
        topic TEXT PRIMARY KEY,
        working_days INTEGER NOT NULL,
        updated_by TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
];
