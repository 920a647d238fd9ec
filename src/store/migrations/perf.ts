import type { Migration } from './types.js';

// Performance at a million rows (issue 15). Versions 700–709.
export const perfMigrations: Migration[] = [
  {
    version: 700,
    name: 'web-chat replies not yet fetched have their own small index (readiness and metrics read it, not the whole outbox)',
    // Web-chat rows stay out of outbox_due (they are pulled, never claimed). Without an index
    // of their own, counting the undelivered ones scanned every delivered row (723 ms at 1M
    // rows, on the event loop, at every readiness probe and metrics scrape). The entry is
    // written at the newest end of the index when a reply is queued and leaves it when the
    // page acknowledges the reply, so the index holds only what is waiting.
    up: `CREATE INDEX outbox_web_open ON outbox (next_attempt_at) WHERE status IN ('pending', 'sending') AND channel = 'web';`,
  },
  {
    version: 701,
    name: 'the outbox by resident: indexes of undelivered rows and of notifications only, not of every reply ever sent',
    // outbox_resident (resident_id, status, id) held an entry for each of the ~1M delivered
    // replies kept 90 days. A returning resident's new entry landed on a page of its own (read
    // from disk, split when full, written to the WAL at the commit): at a million rows that was
    // a third of the engine's extra cost per message. What reads by resident needs only:
    //  - undelivered rows (the web inbox, the dispatcher's order per resident, and with the
    //    channel, due time and status in the entry the readiness count of unfetched web replies, which
    //    had outbox_web_open of its own): outbox_open, small and hot;
    //  - notifications and reminders (what "1" answers, what an erasure must blank; a resident
    //    is erased after 365 silent days, when their replies are past the 90-day retention):
    //    outbox_resident_notices, written only for non-replies;
    //  - the last replies for an officer's case context: a bounded scan of the newest rows.
    // Residents are never deleted (erasure replaces the address), so the foreign key to them
    // needs no full index; the trigger keeps it that way.
    up: `
      DROP INDEX outbox_resident;
      DROP INDEX outbox_web_open;
      CREATE INDEX outbox_open ON outbox (resident_id, id, channel, next_attempt_at, status) WHERE status IN ('pending', 'sending');
      CREATE INDEX outbox_resident_notices ON outbox (resident_id, id) WHERE kind <> 'reply';
      CREATE TRIGGER residents_never_deleted BEFORE DELETE ON residents
        BEGIN SELECT RAISE(ABORT, 'residents are erased (their address replaced), never deleted'); END;
    `,
  },
];
