// Web chat identity: the server issues an unguessable id (128 bits) and a secret (256 bits)
// that the page keeps in localStorage and sends in headers (never in the URL). Only the
// secret's SHA-256 is stored. Whoever lacks the secret can neither read nor acknowledge
// (hide) nor write a resident's messages.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../core/types.js';
import { WebStore } from '../../store/web-store.js';
import type { Db } from '../../store/db.js';

export const CLIENT_HEADER = 'x-chat-client';
export const SECRET_HEADER = 'x-chat-secret';

const hash = (secret: string) => createHash('sha256').update(secret).digest();

/** A fresh id (128 bits) and secret (256 bits); `clientId` for tests and tools that need a known id. */
function newCredentials(clientId?: string): { clientId: string; secret: string } {
  return { clientId: clientId ?? 'w' + randomBytes(16).toString('base64url'), secret: randomBytes(32).toString('base64url') };
}

/** Stored hashes kept in memory (~200 bytes each); the oldest go first past this. */
const CACHED_CLIENTS = 20_000;

export class WebIdentity {
  readonly store: WebStore;
  /**
   * Client id → its stored secret hash, so a page's every message does not read web_clients
   * again (one SELECT per message). An entry goes when its row is updated or deleted through
   * this connection (temporary triggers: retention, erasure, a re-issued id), and every entry
   * when another process has committed to the database since the last look (data_version,
   * read once per turn of the event loop, when the first request of that turn asks).
   */
  private readonly known = new Map<string, Buffer>();
  private looked = false;

  constructor(
    db: Db,
    private readonly clock: Clock,
  ) {
    this.store = new WebStore(db);
    this.store.onClientChanged((clientId) => this.known.delete(clientId));
  }

  /** A new browser: a fresh id and secret. `clientId` is for tests and tools that need a known id. */
  issue(clientId?: string): { clientId: string; secret: string } {
    const issued = newCredentials(clientId);
    this.store.createClient(issued.clientId, hash(issued.secret).toString('hex'), this.clock.now());
    return issued;
  }

  private waiting: Array<{ clientId: string; secret: string; resolve: (v: { clientId: string; secret: string }) => void; reject: (err: unknown) => void }> = [];

  /**
   * As issue(), written on the next turn of the event loop together with every other new
   * browser that asked in this one: one commit for all of them instead of one each. A failed
   * write (a lock) rejects them all; nothing of theirs was stored.
   */
  issueSoon(): Promise<{ clientId: string; secret: string }> {
    return new Promise((resolve, reject) => {
      if (this.waiting.push({ ...newCredentials(), resolve, reject }) === 1) setImmediate(() => this.writeWaiting());
    });
  }

  private writeWaiting(): void {
    const batch = this.waiting;
    this.waiting = [];
    try {
      this.store.createClients(batch.map((w) => ({ clientId: w.clientId, secretHash: hash(w.secret).toString('hex') })), this.clock.now());
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    for (const w of batch) w.resolve({ clientId: w.clientId, secret: w.secret });
  }

  /** The client id when the secret matches, else undefined. */
  verify(clientId: string | undefined, secret: string | undefined): string | undefined {
    if (!clientId || !secret || clientId.length > 64 || secret.length > 128) return undefined;
    const stored = this.storedHash(clientId);
    if (!stored) return undefined;
    const given = hash(secret);
    return stored.length === given.length && timingSafeEqual(stored, given) ? clientId : undefined;
  }

  private storedHash(clientId: string): Buffer | undefined {
    if (!this.looked) {
      this.looked = true;
      setImmediate(() => (this.looked = false));
      if (this.store.committedElsewhere()) this.known.clear();
    }
    const cached = this.known.get(clientId);
    if (cached) return cached;
    const hex = this.store.secretHashOf(clientId);
    if (!hex) return undefined;
    const stored = Buffer.from(hex, 'hex');
    if (this.known.size >= CACHED_CLIENTS) this.known.delete(this.known.keys().next().value!);
    this.known.set(clientId, stored);
    return stored;
  }
}
