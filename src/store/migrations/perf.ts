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
];
