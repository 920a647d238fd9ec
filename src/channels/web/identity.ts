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

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

export class WebIdentity {
  private readonly store: WebStore;

  constructor(
    db: Db,
    private readonly clock: Clock,
  ) {
    this.store = new WebStore(db);
  }

  /** A new browser: a fresh id and secret. `clientId` is for tests and tools that need a known id. */
  issue(clientId?: string): { clientId: string; secret: string } {
    const id = clientId ?? 'w' + randomBytes(16).toString('base64url');
    const secret = randomBytes(32).toString('base64url');
    this.store.createClient(id, hash(secret), this.clock.now());
    return { clientId: id, secret };
  }

  /** The client id when the secret matches, else undefined. */
  verify(clientId: string | undefined, secret: string | undefined): string | undefined {
    if (!clientId || !secret || clientId.length > 64 || secret.length > 128) return undefined;
    const stored = this.store.secretHashOf(clientId);
    if (!stored) return undefined;
    const a = Buffer.from(stored, 'hex');
    const b = Buffer.from(hash(secret), 'hex');
    return a.length === b.length && timingSafeEqual(a, b) ? clientId : undefined;
  }
}
