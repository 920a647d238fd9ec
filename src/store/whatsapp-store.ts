// SQL of the WhatsApp channel: the linked device's login (creds + Signal keys) and a cache
// of messages (ours, for Baileys' getMessage retries; residents' media, kept by reference).
// Values are serialised with Baileys' BufferJSON, exactly as its multi-file auth state does,
// so Buffers and Uint8Arrays come back as they went in.
import { BufferJSON, proto, type AuthenticationCreds, type SignalDataSet, type SignalDataTypeMap, type WAMessage } from '@whiskeysockets/baileys';
import { writeTransaction, type Db } from './db.js';

export type WhatsAppKeyType = keyof SignalDataTypeMap;

export interface StoredMessage {
  id: string;
  jid: string;
  direction: 'in' | 'out';
  /** What it is: 'text' for our replies, the media kind for residents' files. */
  kind: string;
  message: WAMessage;
}

const serialise = (value: unknown): string => JSON.stringify(value, BufferJSON.replacer);
const deserialise = <T>(text: string): T => JSON.parse(text, BufferJSON.reviver) as T;

export class WhatsAppStore {
  private readonly stmts;

  constructor(readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.stmts = {
      loadCreds: p('SELECT data FROM whatsapp_creds WHERE id = 1').pluck(),
      saveCreds: p(
        `INSERT INTO whatsapp_creds (id, data, updated_at) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
      ),
      getKey: p('SELECT value FROM whatsapp_keys WHERE type = ? AND id = ?').pluck(),
      setKey: p('INSERT INTO whatsapp_keys (type, id, value) VALUES (?, ?, ?) ON CONFLICT (type, id) DO UPDATE SET value = excluded.value'),
      deleteKey: p('DELETE FROM whatsapp_keys WHERE type = ? AND id = ?'),
      clearKeys: p('DELETE FROM whatsapp_keys'),
      clearCreds: p('DELETE FROM whatsapp_creds'),
      clearSent: p(`DELETE FROM whatsapp_messages WHERE direction = 'out'`),
      countKeys: p('SELECT COUNT(*) FROM whatsapp_keys').pluck(),
      saveMessage: p('INSERT OR IGNORE INTO whatsapp_messages (id, jid, direction, kind, message, at) VALUES (?, ?, ?, ?, ?, ?)'),
      getMessage: p('SELECT id, jid, direction, kind, message FROM whatsapp_messages WHERE id = ?'),
      pruneMessages: p('DELETE FROM whatsapp_messages WHERE direction = ? AND at < ?'),
      // Replies held back while the link was down (see WhatsAppSender): due again now.
      releaseHeld: p(`UPDATE outbox SET next_attempt_at = ? WHERE channel = 'whatsapp' AND status = 'pending' AND last_error = ? AND next_attempt_at > ?`),
      // Read-only look-up in the core residents table: which of a person's two JIDs we know them by.
      knownResident: p(
        `SELECT address, alt_address AS altAddress FROM residents
         WHERE channel = 'whatsapp' AND (address IN (?, ?) OR alt_address IN (?, ?))
         ORDER BY last_inbound_at DESC LIMIT 1`,
      ),
    };
  }

  loadCreds(): AuthenticationCreds | undefined {
    const data = this.stmts.loadCreds.get() as string | undefined;
    return data === undefined ? undefined : deserialise<AuthenticationCreds>(data);
  }

  saveCreds(creds: AuthenticationCreds, now: Date): void {
    this.stmts.saveCreds.run(serialise(creds), now.toISOString());
  }

  getKeys<T extends WhatsAppKeyType>(type: T, ids: string[]): { [id: string]: SignalDataTypeMap[T] } {
    const found: { [id: string]: SignalDataTypeMap[T] } = {};
    for (const id of ids) {
      const text = this.stmts.getKey.get(type, id) as string | undefined;
      if (text === undefined) continue;
      let value = deserialise<unknown>(text);
      // Baileys expects a real protobuf object here, not the plain JSON shape.
      if (type === 'app-state-sync-key') value = proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>);
      found[id] = value as SignalDataTypeMap[T];
    }
    return found;
  }

  /** Writes one update in one transaction: a crash never leaves half a key set. `null` deletes. */
  setKeys(data: SignalDataSet): void {
    writeTransaction(this.db, () => {
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value === null || value === undefined) this.stmts.deleteKey.run(type, id);
          else this.stmts.setKey.run(type, id, serialise(value));
        }
      }
    });
  }

  clearKeys(): void {
    this.stmts.clearKeys.run();
  }

  /** Logout: the device is unlinked, so its creds, keys and sent-message cache are worthless. */
  wipeLogin(): void {
    writeTransaction(this.db, () => {
      this.stmts.clearCreds.run();
      this.stmts.clearKeys.run();
      this.stmts.clearSent.run();
    });
  }

  keyCount(): number {
    return this.stmts.countKeys.get() as number;
  }

  saveMessage(item: StoredMessage, now: Date): void {
    const bytes = proto.WebMessageInfo.encode(item.message as proto.IWebMessageInfo).finish();
    this.stmts.saveMessage.run(item.id, item.jid, item.direction, item.kind, Buffer.from(bytes), now.toISOString());
  }

  getStoredMessage(id: string): StoredMessage | undefined {
    const row = this.stmts.getMessage.get(id) as { id: string; jid: string; direction: 'in' | 'out'; kind: string; message: Buffer } | undefined;
    if (!row) return undefined;
    return { ...row, message: proto.WebMessageInfo.decode(row.message) as WAMessage };
  }

  /** The content Baileys re-encrypts when a recipient's phone asks for a message again. */
  getMessageContent(id: string): proto.IMessage | undefined {
    return this.getStoredMessage(id)?.message.message ?? undefined;
  }

  pruneMessages(direction: 'in' | 'out', olderThan: Date): number {
    return this.stmts.pruneMessages.run(direction, olderThan.toISOString()).changes;
  }

  /** After a reconnect: replies that only waited for the link go out now instead of at their next retry time. */
  releaseHeldReplies(reason: string, now: Date): number {
    const at = now.toISOString();
    return this.stmts.releaseHeld.run(at, reason, at).changes;
  }

  /**
   * WhatsApp may name one person by a LID or by a phone JID. Returns the pair as the
   * resident already known under either of them is stored, so one person stays one resident.
   */
  knownAddress(address: string, altAddress: string | undefined): { address: string; altAddress: string | null } | undefined {
    const alt = altAddress ?? address;
    return this.stmts.knownResident.get(address, alt, address, alt) as { address: string; altAddress: string | null } | undefined;
  }
}
