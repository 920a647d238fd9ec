// SQL of the Telegram channel: the callback-data map for long choice ids and the
// record of groups that were already told the bot serves private chats only.
import { writeTransaction, type Db } from './db.js';

export class TelegramStore {
  private readonly stmts;
  private readonly db: Db;

  constructor(db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.stmts = {
      rememberCallback: p('INSERT OR IGNORE INTO telegram_callbacks (hash, choice_id, created_at) VALUES (?, ?, ?)'),
      lookupCallback: p('SELECT choice_id FROM telegram_callbacks WHERE hash = ?').pluck(),
      pruneCallbacks: p('DELETE FROM telegram_callbacks WHERE created_at < ?'),
      markNoticed: p('INSERT OR IGNORE INTO telegram_group_notices (chat_id, noticed_at) VALUES (?, ?)'),
      // Dedupe keys from before they carried the bot id ("41" → "<bot id>:41").
      adoptBare: p(`UPDATE OR IGNORE inbound_seen SET message_id = ? || ':' || message_id WHERE channel = 'telegram' AND instr(message_id, ':') = 0`),
      dropBare: p(`DELETE FROM inbound_seen WHERE channel = 'telegram' AND instr(message_id, ':') = 0`),
    };
    this.db = db;
  }

  rememberCallback(hash: string, choiceId: string, now: Date): void {
    this.stmts.rememberCallback.run(hash, choiceId, now.toISOString());
  }

  lookupCallback(hash: string): string | undefined {
    return this.stmts.lookupCallback.get(hash) as string | undefined;
  }

  pruneCallbacks(olderThan: Date): number {
    return this.stmts.pruneCallbacks.run(olderThan.toISOString()).changes;
  }

  /** True the first time a group or channel is seen (it should get the notice then). */
  markGroupNoticed(chatId: string, now: Date): boolean {
    return this.stmts.markNoticed.run(chatId, now.toISOString()).changes === 1;
  }

  /**
   * The dedupe key of an update is `<bot id>:<update_id>` (update ids restart for another token).
   * Keys stored before that are bare update ids; they were the current bot's, so they get its id.
   * Idempotent: once none are left this changes nothing.
   */
  adoptBareUpdateIds(botId: string): number {
    return writeTransaction(this.db, () => {
      const changed = this.stmts.adoptBare.run(botId).changes;
      this.stmts.dropBare.run();
      return changed;
    });
  }
}
