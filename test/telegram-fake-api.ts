// A fake Telegram Bot API as a grammY transformer: answers every call in memory, with
// no network. Tests and the benchmark install it innermost (under auto-retry and the
// throttler), so the real transformers run on top of it. getUpdates long-polls for
// updates pushed with `push`, so the real polling loop can run against it too.
import { HttpError, type Transformer } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';

export interface FakeCall {
  method: string;
  payload: Record<string, unknown>;
  /** False when the fake answered with an error. */
  ok?: boolean;
}

/** A scripted answer for the next call of `method` (an API error, or a network failure). */
export type FakeFailure =
  | { method: string; error_code: number; description: string; retry_after?: number }
  | { method: string; network: true };

export const fakeBotInfo: UserFromGetMe = {
  id: 7000000001,
  is_bot: true,
  first_name: 'Adminduk Test',
  username: 'AdmindukTestBot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

export class FakeBotApi {
  readonly calls: FakeCall[] = [];
  readonly failures: FakeFailure[] = [];
  /** Called on every call before it is answered (order checks in tests). */
  onCall?: (call: FakeCall) => void;
  private messageId = 1;
  private updates: Update[] = [];
  private waiting: (() => void) | undefined;

  constructor(readonly me: UserFromGetMe = fakeBotInfo) {}

  /** An update as Telegram would deliver it to getUpdates. */
  push(update: Update): void {
    this.updates.push(update);
    this.waiting?.();
  }

  /** What reached a chat (successful sendMessage calls), in order. */
  sent(chatId?: number | string): Array<{ chat_id: string; text: string; reply_markup?: { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> } }> {
    return this.calls
      .filter((c) => c.method === 'sendMessage' && c.ok && (chatId === undefined || String(c.payload.chat_id) === String(chatId)))
      .map((c) => c.payload as never);
  }

  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  readonly transformer: Transformer = (async (_prev: unknown, method: string, payload: Record<string, unknown> | undefined, signal?: AbortSignal) => {
    const call: FakeCall = { method, payload: payload ?? {} };
    this.calls.push(call);
    this.onCall?.(call);
    const i = this.failures.findIndex((f) => f.method === method);
    if (i >= 0) {
      const failure = this.failures.splice(i, 1)[0]!;
      call.ok = false;
      if ('network' in failure) throw new HttpError(`Network request for '${method}' failed!`, new Error('connect ECONNREFUSED'));
      return {
        ok: false,
        error_code: failure.error_code,
        description: failure.description,
        ...(failure.retry_after !== undefined ? { parameters: { retry_after: failure.retry_after } } : {}),
      };
    }
    const result = await this.answer(method, call.payload, signal);
    call.ok = true;
    return { ok: true, result };
  }) as Transformer;

  private async answer(method: string, payload: Record<string, unknown>, signal?: AbortSignal): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return this.me;
      case 'sendMessage':
        return {
          message_id: this.messageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(payload.chat_id), type: 'private', first_name: 'Warga' },
          from: this.me,
          text: payload.text,
        };
      case 'getUpdates':
        return this.nextUpdates(Number(payload.offset ?? 0), signal);
      default:
        // answerCallbackQuery, setMyCommands, setWebhook, deleteWebhook…
        return true;
    }
  }

  private async nextUpdates(offset: number, signal?: AbortSignal): Promise<Update[]> {
    this.updates = this.updates.filter((u) => u.update_id >= offset);
    if (this.updates.length || !signal) return this.updates.splice(0, 100);
    await new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(new Error('aborted'));
      this.waiting = resolve;
      signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    }).finally(() => (this.waiting = undefined));
    return this.updates.splice(0, 100);
  }
}
