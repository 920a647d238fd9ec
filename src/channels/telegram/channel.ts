// The Telegram channel: grammY in, grammY out. Updates become the engine's channel-neutral
// InboundMessage (the update id is the dedupe key); outbox rows become Telegram messages.
// Delivery goes through two transformers on every API call:
//   - the throttler (@grammyjs/transformer-throttler, Bottleneck): per chat at most one
//     message per TELEGRAM_CHAT_INTERVAL_MS, and all chats together at most
//     TELEGRAM_GLOBAL_RATE per second, so a broadcast never trips Telegram's flood limits;
//   - auto-retry (@grammyjs/auto-retry) above it: a 429 with a short retry_after and a 5xx
//     are retried in place (passing the throttler again). Long waits and network errors are
//     handed to the outbox dispatcher instead, which records them on the row and retries
//     with backoff, so one send never outlives its lease.
import { autoRetry, type AutoRetryOptions } from '@grammyjs/auto-retry';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { Bot, GrammyError, HttpError, webhookCallback, type Context, type Transformer } from 'grammy';
import type { BotCommand, UserFromGetMe } from 'grammy/types';
import { translate } from '../../content/load.js';
import type { OutboundMessage } from '../../core/dispatcher.js';
import type { AppContext } from '../../core/feature.js';
import type { InboundMessage, Input, Lang } from '../../core/types.js';
import { maskPhone } from '../../privacy/mask.js';
import { TelegramStore } from '../../store/telegram-store.js';
import type { TelegramConfig } from './config.js';
import { describeHttpError, toDeliveryError } from './errors.js';
import { callbackDataFor, inlineKeyboard, inputFromMessage, isHashedCallback, renderParts } from './render.js';

export interface TelegramChannelOptions {
  /** Installed innermost, under the throttler and auto-retry: a fake Bot API in tests and the benchmark. */
  transport?: Transformer[];
  /** Skips getMe at start-up (tests). */
  botInfo?: UserFromGetMe;
  autoRetry?: Partial<AutoRetryOptions>;
  /** Long-polling timeout in seconds (Telegram holds getUpdates open this long). */
  pollingTimeout?: number;
  /** How waits between start-up retries are spent (tests: at once, or on a virtual clock). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * The update kinds the bot acts on; everything else is not even fetched. Channels are never
 * served (a bot added to one hears of it through my_chat_member), so no channel_post.
 */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;
/** 409 at start (another poller, an overlapping restart): waits before polling again, then 5 min apart. */
const CONFLICT_BACKOFF_MS = [5_000, 15_000, 30_000, 60_000, 120_000, 300_000];
/** Retries of a 409 before it is raised as an alert (log `alert: true`, audit entry). */
const CONFLICT_ALERT_AFTER = 3;
const COMMANDS = ['start', 'menu', 'batal', 'bantuan', 'bahasa'] as const;
/** Hashed callback ids are kept this long: older buttons answer "no longer valid". */
const CALLBACK_TTL_MS = 180 * 24 * 3600_000;

/** The engine's dedupe key of an update: `<bot id>:<update_id>`. */
export function updateKey(botId: string, updateId: number): string {
  return `${botId}:${updateId}`;
}

function langFromHint(hint: string | undefined): Lang {
  return hint && /^en\b/i.test(hint) ? 'en' : 'id';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Resolves with the promise, or after `ms` (a shutdown must not hang on a dead network). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class TelegramChannel {
  readonly bot: Bot;
  private readonly store: TelegramStore;
  /** Parts of a long reply already delivered, so a retried row does not repeat them. */
  private readonly delivered = new Map<number, number>();
  private readonly abort = new AbortController();
  private stopping = false;
  private running: Promise<void> | undefined;
  private polling: Promise<void> | undefined;
  private unreachableSince: number | undefined;
  /** 409s in a row at getUpdates (another poller); 0 once an answer comes. */
  private conflicts = 0;
  /** The bot's numeric id (the token's first part): update ids are only unique per bot. */
  readonly botId: string;

  /** For /readyz: webhook or polling, and whether another instance is taking the updates (409). */
  health(): { name: string; state: string; ok: boolean; detail?: string } {
    if (this.stopping) return { name: 'telegram', state: 'stopped', ok: false };
    if (this.conflicts) return { name: 'telegram', state: 'conflict', ok: false, detail: `another instance polls with this token (${this.conflicts} times in a row)` };
    if (this.unreachableSince !== undefined) return { name: 'telegram', state: 'unreachable', ok: false, detail: `the Bot API cannot be reached (${this.config.apiRoot})` };
    return { name: 'telegram', state: this.config.webhook ? 'webhook' : 'polling', ok: true };
  }

  constructor(
    private readonly app: AppContext,
    readonly config: TelegramConfig,
    private readonly options: TelegramChannelOptions = {},
  ) {
    this.store = new TelegramStore(app.db);
    this.botId = config.token.split(':')[0]!;
    // Dedupe keys written before they carried the bot id belong to the bot of that time.
    const adopted = this.store.adoptBareUpdateIds(this.botId);
    if (adopted) app.log.info({ adopted }, 'Telegram: earlier update ids now carry the bot id');
    this.bot = new Bot(config.token, {
      botInfo: options.botInfo,
      // Above Telegram's 30 s long poll, well below the outbox lease (60 s).
      client: { apiRoot: config.apiRoot, timeoutSeconds: 45 },
    });
    const api = this.bot.api.config;
    for (const t of options.transport ?? []) api.use(t);
    api.use(this.watchPolling);
    api.use(
      apiThrottler({
        global: { reservoir: config.globalRate, reservoirRefreshAmount: config.globalRate, reservoirRefreshInterval: 1000 },
        out: { maxConcurrent: 1, minTime: config.chatIntervalMs },
        // Groups only ever get the one "private chats only" notice.
        group: { maxConcurrent: 1, minTime: Math.max(config.chatIntervalMs, 3000) },
      }),
    );
    api.use(autoRetry({ maxRetryAttempts: 2, maxDelaySeconds: 10, rethrowHttpErrors: true, ...options.autoRetry }));
    this.installHandlers();
    if (config.webhook) {
      app.http.post(config.webhook.path, webhookCallback(this.bot, 'hono', { secretToken: config.webhook.secret, timeoutMilliseconds: 30_000 }));
    }
  }

  // --- inbound ----------------------------------------------------------------------

  private installHandlers(): void {
    const { bot } = this;
    bot.on('my_chat_member', (c) => this.onMembership(c));
    // Residents only in private chats: anything from a group or channel gets the notice.
    bot.use(async (c, next) => {
      if (c.chat?.type === 'private') return next();
      if (c.chat) return this.noticeGroup(c);
      // A button under an inline-mode message has no chat: just stop the spinner.
      if (c.callbackQuery) await c.answerCallbackQuery().catch(() => undefined);
    });
    bot.on('callback_query', (c) => this.onButton(c));
    bot.on('message', async (c) => {
      const input = inputFromMessage(c.message);
      if (input) await this.toEngine(c, input);
    });
    bot.catch((err) => this.app.log.error({ err: err.error, updateId: err.ctx.update.update_id }, 'telegram update failed'));
  }

  private async onButton(c: Context): Promise<void> {
    const data = c.callbackQuery!.data;
    const id = data === undefined ? undefined : isHashedCallback(data) ? this.store.lookupCallback(data) : data;
    if (!id) {
      await c.answerCallbackQuery({ text: this.t(c, 'telegram.stale_button') }).catch((err) => this.warnAnswer(err));
      return;
    }
    // At once, before the step: the button's spinner stops even if the step is slow.
    void c.answerCallbackQuery().catch((err) => this.warnAnswer(err));
    await this.toEngine(c, { type: 'choice', id });
  }

  private async toEngine(c: Context, input: Input): Promise<void> {
    // Updates of a batch still unhandled when stopping are not confirmed to Telegram:
    // they come again after the restart.
    if (this.stopping && !this.config.webhook) return;
    const msg: InboundMessage = {
      // Per bot: Telegram restarts update ids for another token, or after a week without updates.
      id: updateKey(this.botId, c.update.update_id),
      channel: 'telegram',
      address: String(c.chat!.id),
      input,
      langHint: c.from?.language_code,
    };
    // Webhook: a failure answers 500 and Telegram delivers again. Polling: the update
    // counts as handled afterwards, so a failing commit (disk full, locked) is retried here.
    const attempts = this.config.webhook ? 1 : 3;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.app.engine.handle(msg);
        return;
      } catch (err) {
        if (attempt >= attempts) throw err;
        this.app.log.warn({ err, updateId: msg.id, attempt }, 'telegram update not recorded; trying again');
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }

  /** Blocked or unblocked by a resident; added to a group. */
  private async onMembership(c: Context): Promise<void> {
    const update = c.myChatMember!;
    const status = update.new_chat_member.status;
    if (update.chat.type === 'private') {
      const resident = this.app.store.findResident('telegram', String(update.chat.id));
      if (!resident) return;
      const blocked = status === 'kicked';
      this.app.store.setUnreachable(resident.id, blocked);
      this.app.log.info({ resident: resident.id }, blocked ? 'telegram: resident blocked the bot' : 'telegram: resident unblocked the bot');
      return;
    }
    if (status === 'member' || status === 'administrator') await this.noticeGroup(c);
  }

  private async noticeGroup(c: Context): Promise<void> {
    const chat = c.chat!;
    const username = `@${this.bot.botInfo.username}`;
    const texts = this.app.content.texts;
    if (c.callbackQuery) {
      await c.answerCallbackQuery({ text: this.t(c, 'telegram.private_only', { bot: username }) }).catch((err) => this.warnAnswer(err));
      return;
    }
    if (!this.store.markGroupNoticed(String(chat.id), this.app.clock.now())) return;
    // A group's language is unknown: both.
    const text = `${translate(texts, 'id', 'telegram.private_only', { bot: username })}\n\n${translate(texts, 'en', 'telegram.private_only', { bot: username })}`;
    await this.bot.api.sendMessage(chat.id, text).catch((err: unknown) => this.app.log.warn({ err, chatType: chat.type }, 'telegram: could not post the private-chats-only notice'));
  }

  private t(c: Context, key: string, vars?: Record<string, string>): string {
    const known = c.chat ? this.app.store.findResident('telegram', String(c.chat.id)) : undefined;
    return translate(this.app.content.texts, known?.lang ?? langFromHint(c.from?.language_code), key, vars);
  }

  private warnAnswer(err: unknown): void {
    this.app.log.warn({ err }, 'telegram: could not answer a button press');
  }

  // --- outbound ---------------------------------------------------------------------

  /** The ChannelSender for the outbox dispatcher. */
  readonly sender = { send: (message: OutboundMessage) => this.send(message) };

  private async send(message: OutboundMessage): Promise<{ externalId?: string }> {
    const { reply } = message;
    // Plain text with bold entities, no parse_mode: nothing a resident or officer wrote can break the markup.
    const parts = renderParts(reply);
    const keyboard = reply.choices?.length ? inlineKeyboard(reply.choices, (id) => this.callbackData(id)) : undefined;
    let externalId: string | undefined;
    for (let i = this.delivered.get(message.outboxId) ?? 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      try {
        const part = parts[i]!;
        const sent = await this.bot.api.sendMessage(message.address, part.text, {
          ...(part.entities ? { entities: part.entities } : {}),
          ...(last && keyboard ? { reply_markup: keyboard } : {}),
          link_preview_options: { is_disabled: true },
        });
        externalId = String(sent.message_id);
      } catch (err) {
        const failure = toDeliveryError(err);
        if (failure.info.permanent || failure.info.unreachable) this.delivered.delete(message.outboxId);
        else this.delivered.set(message.outboxId, i);
        if (failure.info.unreachable) this.app.log.info({ chat: maskPhone(message.address), error: failure.message }, 'telegram: resident cannot be reached');
        throw failure;
      }
    }
    this.delivered.delete(message.outboxId);
    return { externalId };
  }

  private callbackData(id: string): string {
    const { data, hashed } = callbackDataFor(id);
    if (hashed) this.store.rememberCallback(data, id, this.app.clock.now());
    return data;
  }

  // --- lifecycle --------------------------------------------------------------------

  start(): void {
    this.running = this.run().catch((err) => this.app.log.error({ err }, 'Telegram stopped after an unexpected error'));
  }

  private async run(): Promise<void> {
    this.store.pruneCallbacks(new Date(this.app.clock.now().getTime() - CALLBACK_TTL_MS));
    if (!(await this.connect())) return;
    // The command menu is a nicety: residents are served while it is being set.
    const commands = this.registerCommands();
    if (this.config.webhook) await this.setWebhook();
    else this.startPolling();
    await commands;
  }

  /** getMe, saying clearly what is wrong; retries while the network is down. */
  private async connect(): Promise<boolean> {
    const { log } = this.app;
    if (this.bot.isInited()) return true;
    for (let delay = 5_000; !this.stopping; delay = Math.min(delay * 2, 300_000)) {
      try {
        this.bot.botInfo = await this.bot.api.getMe(this.abort.signal as Parameters<Bot['api']['getMe']>[0]);
        log.info({ bot: `@${this.bot.botInfo.username}` }, 'Telegram: connected');
        return true;
      } catch (err) {
        if (this.stopping) return false;
        if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) {
          log.error(
            `Telegram is off: the Bot API rejected TELEGRAM_BOT_TOKEN (${err.error_code} ${err.description}). The token is wrong or was revoked: ask @BotFather (/mybots → your bot → API Token), put it in .env and restart.`,
          );
          return false;
        }
        const why = err instanceof HttpError ? describeHttpError(err) : err instanceof Error ? err.message : String(err);
        log.warn(
          { retryInSeconds: delay / 1000 },
          `Telegram: cannot reach the Bot API at ${this.config.apiRoot} (${why}). Check the internet connection or proxy, or TELEGRAM_API_ROOT; retrying.`,
        );
        await sleep(delay, this.abort.signal);
      }
    }
    return false;
  }

  /** The command menu in Indonesian (default) and English. Commands work without it, so failures only warn. */
  private async registerCommands(): Promise<void> {
    const texts = this.app.content.texts;
    const commands = (lang: Lang): BotCommand[] => COMMANDS.map((command) => ({ command, description: translate(texts, lang, `telegram.cmd.${command}`) }));
    try {
      await this.bot.api.setMyCommands(commands('id'));
      await this.bot.api.setMyCommands(commands('id'), { language_code: 'id' });
      await this.bot.api.setMyCommands(commands('en'), { language_code: 'en' });
    } catch (err) {
      this.app.log.warn({ err }, 'Telegram: could not register the command menu (commands still work when typed)');
    }
  }

  private async setWebhook(): Promise<void> {
    const webhook = this.config.webhook!;
    try {
      await this.bot.api.setWebhook(webhook.url, { secret_token: webhook.secret, allowed_updates: [...ALLOWED_UPDATES] });
      this.app.log.info({ path: webhook.path }, 'Telegram: webhook set; updates arrive over HTTP');
    } catch (err) {
      const why = err instanceof GrammyError ? err.description : err instanceof HttpError ? describeHttpError(err) : String(err);
      this.app.log.error(
        `Telegram: could not set the webhook (${why}). TELEGRAM_WEBHOOK_URL must be a public https URL (port 443, 80, 88 or 8443) that reaches this app's ${webhook.path}; or remove it to use long polling.`,
      );
    }
  }

  private startPolling(): void {
    this.polling = this.poll();
  }

  /** Long polling; a 409 (another instance, or an overlapping restart) is retried with backoff, never the end. */
  private async poll(): Promise<void> {
    const { log, store, clock } = this.app;
    const wait = this.options.sleep ?? sleep;
    while (!this.stopping) {
      try {
        await this.bot.start({
          allowed_updates: [...ALLOWED_UPDATES],
          timeout: this.options.pollingTimeout ?? 30,
          onStart: () => (this.conflicts ? log.debug('Telegram: polling again after a conflict') : log.info('Telegram: long polling started')),
        });
        return; // stopped
      } catch (err) {
        if (this.stopping) return;
        if (err instanceof GrammyError && err.error_code === 409) {
          const conflicts = ++this.conflicts;
          const delay = CONFLICT_BACKOFF_MS[Math.min(conflicts - 1, CONFLICT_BACKOFF_MS.length - 1)]!;
          const alert = conflicts === CONFLICT_ALERT_AFTER;
          const text = `Telegram: another instance is polling with this token, or a webhook was set meanwhile (409 ${err.description}). Run one copy of the bot per token: stop the other one (or its webhook). Trying again in ${delay / 1000} s.`;
          if (alert) {
            log.error({ alert: true, conflicts, retryInSeconds: delay / 1000 }, text);
            store.audit('telegram', 'telegram.conflict', null, { conflicts }, clock.now());
          } else log.warn({ conflicts, retryInSeconds: delay / 1000 }, text);
          await wait(delay, this.abort.signal);
          continue;
        }
        if (err instanceof GrammyError && err.error_code === 401) {
          log.error({ alert: true }, 'Telegram polling stopped: the token is wrong or was revoked (401). Ask @BotFather for the token and restart.');
        } else {
          log.error({ err, alert: true }, 'Telegram polling stopped');
        }
        return;
      }
    }
  }

  /** Logs once when long polling loses Telegram and once when it is back (grammY retries quietly). */
  private readonly watchPolling: Transformer = async (prev, method, payload, signal) => {
    if (method !== 'getUpdates') return prev(method, payload, signal);
    try {
      const result = await prev(method, payload, signal);
      if (this.conflicts && result.ok) {
        const { log, store, clock } = this.app;
        if (this.conflicts >= CONFLICT_ALERT_AFTER) store.audit('telegram', 'telegram.conflict_resolved', null, { conflicts: this.conflicts }, clock.now());
        log.info({ conflicts: this.conflicts }, 'Telegram: the other instance is gone; long polling runs again');
        this.conflicts = 0;
      }
      if (this.unreachableSince !== undefined) {
        this.app.log.info({ downSeconds: Math.round((Date.now() - this.unreachableSince) / 1000) }, 'Telegram: reachable again');
        this.unreachableSince = undefined;
      }
      return result;
    } catch (err) {
      if (err instanceof HttpError && !this.stopping && this.unreachableSince === undefined) {
        this.unreachableSince = Date.now();
        this.app.log.warn(`Telegram: lost the connection to ${this.config.apiRoot} (${describeHttpError(err)}); retrying every few seconds.`);
      }
      throw err;
    }
  };

  /** Stops polling, lets the update in hand finish, confirms it to Telegram. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    if (this.polling) {
      await within(this.bot.stop().catch(() => undefined), 5_000);
      await within(this.polling, 15_000);
    }
    await within(this.running ?? Promise.resolve(), 5_000);
  }
}
