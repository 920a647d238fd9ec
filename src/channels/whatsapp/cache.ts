// A small Map-backed CacheStore for Baileys' msgRetryCounterCache. It belongs to the
// connection, not the socket, so retry counts survive reconnects (otherwise a message
// that keeps failing to decrypt is retried afresh after every reconnect).
import type { CacheStore } from '@whiskeysockets/baileys';

export class MapCache implements CacheStore {
  private readonly map = new Map<string, unknown>();

  constructor(private readonly maxEntries = 10_000) {}

  get<T>(key: string): T | undefined {
    return this.map.get(key) as T | undefined;
  }

  set<T>(key: string, value: T): void {
    this.map.delete(key);
    this.map.set(key, value);
    // Oldest first out: Map keeps insertion order.
    if (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value!);
  }

  del(key: string): void {
    this.map.delete(key);
  }

  flushAll(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}
