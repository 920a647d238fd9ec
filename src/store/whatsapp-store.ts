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

/** A message that arrived while the bot was offline, too old to answer: kept for officers. */
export interface UnansweredMessage {
  id: string;
  /** The resident's JID as the bot knows them (LID or phone JID), and the other one when known. */
  jid: string;
  altJid: string | null;
  /** 'text' or the media kind. */
  kind: string;
  /** What the resident wrote (or the caption). Personal data: pruned with the retention rules. */
  text: string | null;
  /** When the resident sent it, and when the bot got it. */
  sentAt: string;
  receivedAt: string;
  /** When the resident was told it was not answered (their next message); null until then. */
  noticedAt: string | null;
}

/** Failed WhatsApp sends in the outbox, by reason (see sendFailureReason). */
export interface FailedSendCount {
  lastError: string;
  count: number;
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
      saveUnanswered: p(
        `INSERT OR IGNORE INTO whatsapp_unanswered (id, jid, alt_jid, kind, text, message, sent_at, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      listUnanswered: p(
        `SELECT id, jid, alt_jid AS altJid, kind, text, sent_at AS sentAt, received_at AS receivedAt, noticed_at AS noticedAt
         FROM whatsapp_unanswered WHERE (@jid IS NULL OR jid = @jid OR alt_jid = @jid) ORDER BY sent_at, id LIMIT @limit`,
      ),
      unnoticed: p(
        `SELECT id FROM whatsapp_unanswered WHERE noticed_at IS NULL AND (jid IN (@a, @b) OR alt_jid IN (@a, @b)) ORDER BY sent_at LIMIT 1`,
      ).pluck(),
      markNoticed: p(`UPDATE whatsapp_unanswered SET noticed_at = @at WHERE noticed_at IS NULL AND (jid IN (@a, @b) OR alt_jid IN (@a, @b))`),
      pruneUnanswered: p('DELETE FROM whatsapp_unanswered WHERE received_at < ?'),
      countUnanswered: p('SELECT COUNT(*) FROM whatsapp_unanswered').pluck(),
      // Baileys' own LID↔PN store (keys of type lid-mapping, written through our auth state):
      // "<pn user>" → "<lid user>" and "<lid user>_reverse" → "<pn user>".
      mappingKey: p(`SELECT value FROM whatsapp_keys WHERE type = 'lid-mapping' AND id = ?`).pluck(),
      // A mapping learned later (lid-mapping.update, contacts.upsert): the resident known by one JID gets the other,
      // unless another resident already has it.
      linkAlt: p(
        `UPDATE residents SET alt_address = @other
         WHERE channel = 'whatsapp' AND address = @one AND alt_address IS NULL
           AND NOT EXISTS (SELECT 1 FROM residents r WHERE r.channel = 'whatsapp' AND (r.address = @other OR r.alt_address = @other))`,
      ),
      // Residents known by one JID whose other one Baileys has stored (e.g. from the history sync, which emits no event).
      unlinkedMapped: p(
        `SELECT r.address AS address, json_extract(k.value, '$') || '@s.whatsapp.net' AS other FROM residents r
           JOIN whatsapp_keys k ON k.type = 'lid-mapping' AND k.id = substr(r.address, 1, instr(r.address, '@') - 1) || '_reverse'
           WHERE r.channel = 'whatsapp' AND r.alt_address IS NULL AND r.address LIKE '%@lid'
         UNION ALL
         SELECT r.address, json_extract(k.value, '$') || '@lid' FROM residents r
           JOIN whatsapp_keys k ON k.type = 'lid-mapping' AND k.id = substr(r.address, 1, instr(r.address, '@') - 1)
           WHERE r.channel = 'whatsapp' AND r.alt_address IS NULL AND r.address LIKE '%@s.whatsapp.net'`,
      ),
      failedSends: p(
        `SELECT last_error AS lastError, COUNT(*) AS count FROM outbox WHERE channel = 'whatsapp' AND status = 'failed' GROUP BY last_error`,
      ),
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
          // Baileys learned who a LID is (history sync, a lookup, an event): the resident gets both JIDs.
          if (type === 'lid-mapping' && typeof value === 'string' && !id.endsWith('_reverse')) this.linkResidentJids(`${value}@lid`, `${id}@s.whatsapp.net`);
        }
      }
    });
  }

  /** Links residents to the other JID Baileys already stored for them (start-up, housekeeping). Returns rows changed. */
  linkStoredMappings(): number {
    const rows = this.stmts.unlinkedMapped.all() as Array<{ address: string; other: string }>;
    let changed = 0;
    for (const { address, other } of rows) changed += address.endsWith('@lid') ? this.linkResidentJids(address, other) : this.linkResidentJids(other, address);
    return changed;
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

  // --- messages that arrived while the bot was offline ------------------------------------

  /** Keeps a message too old to answer. False when it was already kept (WhatsApp delivered it twice). */
  saveUnanswered(item: Omit<UnansweredMessage, 'noticedAt'> & { message: WAMessage }): boolean {
    const bytes = proto.WebMessageInfo.encode(item.message as proto.IWebMessageInfo).finish();
    return (
      this.stmts.saveUnanswered.run(item.id, item.jid, item.altJid, item.kind, item.text, Buffer.from(bytes), item.sentAt, item.receivedAt).changes === 1
    );
  }

  /** For officers (the inbox): messages never answered because they came too late, oldest first; one resident's with `jid`. */
  listUnanswered(options: { jid?: string; limit?: number } = {}): UnansweredMessage[] {
    return this.stmts.listUnanswered.all({ jid: options.jid ?? null, limit: options.limit ?? 200 }) as UnansweredMessage[];
  }

  /**
   * The resident (by either JID) writes again: true once if they have unanswered messages they
   * were not told about yet, which are then marked as told.
   */
  takeUnansweredNotice(address: string, altAddress: string | undefined, now: Date): boolean {
    const params = { a: address, b: altAddress ?? address };
    if (this.stmts.unnoticed.get(params) === undefined) return false;
    this.stmts.markNoticed.run({ ...params, at: now.toISOString() });
    return true;
  }

  pruneUnanswered(olderThan: Date): number {
    return this.stmts.pruneUnanswered.run(olderThan.toISOString()).changes;
  }

  unansweredCount(): number {
    return this.stmts.countUnanswered.get() as number;
  }

  // --- LID ↔ phone number -----------------------------------------------------------------

  /**
   * The other JID of a person from Baileys' LID↔PN mapping store (persisted in whatsapp_keys):
   * the phone JID for a LID, the LID for a phone JID; undefined when unknown.
   */
  mappedJid(jid: string): string | undefined {
    const [user, server] = splitJid(jid);
    if (!user) return undefined;
    if (server === 'lid') {
      const pn = this.readMapping(`${user}_reverse`);
      return pn ? `${pn}@s.whatsapp.net` : undefined;
    }
    if (server === 's.whatsapp.net') {
      const lid = this.readMapping(user);
      return lid ? `${lid}@lid` : undefined;
    }
    return undefined;
  }

  private readMapping(id: string): string | undefined {
    const text = this.stmts.mappingKey.get(id) as string | undefined;
    if (text === undefined) return undefined;
    const value = deserialise<unknown>(text);
    return typeof value === 'string' && value ? value : undefined;
  }

  /** One person, both JIDs: the resident known by either gets the other as alt_address. Returns rows changed. */
  linkResidentJids(lid: string, pn: string): number {
    return this.stmts.linkAlt.run({ one: lid, other: pn }).changes + this.stmts.linkAlt.run({ one: pn, other: lid }).changes;
  }

  /** Failed WhatsApp outbox rows grouped by their recorded error. */
  failedSendCounts(): FailedSendCount[] {
    return this.stmts.failedSends.all() as FailedSendCount[];
  }
}

/** "6281…:12@s.whatsapp.net" → ["6281…", "s.whatsapp.net"] (device dropped). */
function splitJid(jid: string): [string | undefined, string | undefined] {
  const at = jid.indexOf('@');
  if (at < 0) return [undefined, undefined];
  const user = jid.slice(0, at).split(':')[0]!.split('_')[0];
  return [user || undefined, jid.slice(at + 1)];
}
