// What a failed Bot API call means for the outbox row (see OutboxDispatcher).
import { GrammyError, HttpError } from 'grammy';
import { DeliveryError } from '../../core/dispatcher.js';

/** Telegram's wording when a 400 means the chat itself is gone. */
const CHAT_GONE = /chat not found|user not found|PEER_ID_INVALID|user is deactivated/i;

export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof GrammyError) {
    const code = err.error_code;
    const what = `Telegram ${code}: ${err.description}`;
    // Blocked by the resident, or their account is gone: stop sending to them.
    if (code === 403) return new DeliveryError(what, { unreachable: true });
    if (code === 429) return new DeliveryError(what, { retryAfterMs: (err.parameters.retry_after ?? 5) * 1000 });
    if (code === 400) return new DeliveryError(what, CHAT_GONE.test(err.description) ? { unreachable: true } : { permanent: true });
    // 401/404: the token was revoked or the API root is wrong. The message itself is fine;
    // it goes out once the operator fixes the configuration.
    if (code === 401 || code === 404) return new DeliveryError(`${what} (check TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT)`);
    return new DeliveryError(what);
  }
  if (err instanceof HttpError) return new DeliveryError(`Telegram unreachable: ${describeHttpError(err)}`);
  return new DeliveryError(redactToken(err instanceof Error ? err.message : String(err)));
}

/** The request URL inside a network error carries the bot token: never let it reach a log or a row. */
export function redactToken(text: string): string {
  return text.replace(/bot\d+:[A-Za-z0-9_-]+/g, 'bot<token>');
}

/** "fetch failed" alone says little; the cause (ECONNREFUSED, ENOTFOUND…) says what to fix. */
export function describeHttpError(err: HttpError): string {
  const inner = err.error as { message?: string; code?: string; cause?: { code?: string; message?: string } } | undefined;
  const cause = inner?.cause?.code ?? inner?.code ?? inner?.cause?.message ?? inner?.message;
  return redactToken(cause ? `${err.message} (${cause})` : err.message);
}
