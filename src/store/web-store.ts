// SQL of the web chat's identities: the server issues an id and a secret; only the secret's
// hash is stored, so a copy of the database does not let anyone write as a resident.
import { writeTransaction, type Db } from './db.js';
import { committedElsewhere, onRowChanged } from './row-changes.js';

export class WebStore {
  private readonly s;
  /** True when another process has committed to the file since the last call. */
  readonly committedElsewhere: () => boolean;

  constructor(readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.committedElsewhere = committedElsewhere(db);
    this.s = {
      insert: p('INSERT INTO web_clients (client_id, secret_hash, created_at) VALUES (?, ?, ?) ON CONFLICT (client_id) DO UPDATE SET secret_hash = excluded.secret_hash'),
      hash: p('SELECT secret_hash FROM web_clients WHERE client_id = ?').pluck(),
      // The page's inbox: what CoreStore.dueFor reads, only the two columns the answer needs
      // (~27 → ~15 µs). One range of outbox_open, already in id order (no sort); web rows
      // are pulled, never leased by the dispatcher, so never 'sending'.
      inbox: p(
        `SELECT id, payload FROM outbox WHERE resident_id = ? AND channel = 'web' AND status IN ('pending', 'sending') AND next_attempt_at <= ? ORDER BY id LIMIT 100`,
      ),
    };
  }

  createClient(clientId: string, secretHash: string, now: Date): void {
    this.s.insert.run(clientId, secretHash, now.toISOString());
  }

  /** Several new clients in one write transaction (one commit for all). */
  createClients(clients: Array<{ clientId: string; secretHash: string }>, now: Date): void {
    writeTransaction(this.db, () => {
      for (const c of clients) this.createClient(c.clientId, c.secretHash, now);
    });
  }

  /** A web resident's due rows not yet acknowledged, oldest first (id and the reply's JSON). */
  inbox(residentId: number, now: Date): Array<{ id: number; payload: string }> {
    return this.s.inbox.all(residentId, now.toISOString()) as Array<{ id: number; payload: string }>;
  }

  secretHashOf(clientId: string): string | undefined {
    return this.s.hash.get(clientId) as string | undefined;
  }

  /** Calls `listener` with the client id of every web_clients row updated or deleted through this connection. */
  onClientChanged(listener: (clientId: string) => void): void {
    // Retention, erasure, a re-issued id: inside the statement that does it.
    onRowChanged(this.db, 'web_clients', 'client_id', (key) => listener(String(key)));
  }
}
