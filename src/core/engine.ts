// The runner around the pure step: one SQLite transaction per inbound message
// (dedupe → load → step → effects → save → outbox), so a crash never loses or doubles one.
// Messages that arrive together are committed together (group commit); each still has its
// own savepoint, so one failing message never undoes another.
import type { Logger } from 'pino';
import type { Content } from '../content/load.js';
import { translate } from '../content/load.js';
import { answersOf, type Nlu } from '../nlu/index.js';
import type { ResidentRow } from '../store/core-store.js';
import { CoreStore } from '../store/core-store.js';
import { isTransientDbError } from '../store/db.js';
import { createStep, type StepFn } from '../flows/step.js';
import { STATE_VERSION, type ConversationState, type Flow } from '../flows/types.js';
import { isPulledChannel, type Clock, type Effect, type InboundMessage, type Lang, type Reply, type ResidentRef } from './types.js';

/** What an effect handler may use. It runs inside the message's transaction. */
export interface EffectContext {
  resident: ResidentRef;
  now: Date;
  store: CoreStore;
  log: Logger;
}

/** Returns data to feed back to the flow as a `result` input, or undefined for fire-and-forget. */
export type EffectHandler = (effect: Effect, ctx: EffectContext) => unknown;

export interface HandleResult {
  duplicate: boolean;
  residentId: number;
  replies: Reply[];
  outboxIds: number[];
  /** The resident's language after this message (absent for a duplicate). */
  lang?: Lang;
}

export interface EngineOptions {
  store: CoreStore;
  /** Must include a "menu" flow; features add theirs with registerFlows. */
  flows: Flow[];
  content: Content;
  nlu: Nlu;
  clock: Clock;
  log: Logger;
  idleMinutes: number;
  effects?: Record<string, EffectHandler>;
  /** Called after each commit that queued messages, so dispatchers deliver at once. */
  onQueued?: () => void;
  /** Most messages in one group commit. */
  maxBatch?: number;
  /**
   * Bursts ("halo" / "mau tanya" / "syarat kk hilang" within a second or two): small-talk
   * replies on Telegram and WhatsApp wait this long and are dropped when a later message of
   * the same resident comes first. 0 = off. The web chat answers each message at once.
   */
  burstMs?: number;
  /** Called inside each message's transaction after the step (statistics: one cheap upsert or two). */
  onHandled?: (e: HandledEvent) => void;
  /**
   * Waits between tries when the database is locked by another connection or the disk is
   * full (ms). The batch waits off the event loop; after the last wait its messages are
   * refused with an EngineBusyError (the channel answers "busy, will be sent").
   */
  retryDelaysMs?: number[];
  /** Called for each message once committed, with the time from handle() to commit (metrics). */
  onCommitted?: (msg: InboundMessage, ms: number, result: HandleResult) => void;
  /**
   * True while a WAL checkpoint needs the write lock (src/store/checkpointer.ts): the next batch
   * waits a few ms so the checkpoint gets its turn, which keeps the WAL bounded under any load.
   */
  holdWrites?: () => boolean;
  /** Called when a batch meets a lock or a full disk and is put back (metrics). */
  onRetry?: (reason: 'busy' | 'full') => void;
}

/** What the statistics see of a handled message (never stored unmasked). */
export interface HandledEvent {
  channel: InboundMessage['channel'];
  residentId: number;
  lang: Lang;
  now: Date;
  input: InboundMessage['input'];
  flowBefore: string | undefined;
  flowAfter: string;
  replies: Reply[];
  /** The step counted a miss at the question asked (an answer it could not read). */
  missed: boolean;
}

/** Default waits after a locked database or a full disk: about 6 s in all, then the message is refused politely. */
export const DEFAULT_RETRY_DELAYS_MS = [25, 50, 100, 200, 400, 800, 1_000, 1_000, 1_000, 1_000, 1_000];

/** A message could not be committed for now (lock held elsewhere, disk full); nothing of it was recorded: send it again later. */
export class EngineBusyError extends Error {
  override name = 'EngineBusyError';
  constructor(
    readonly reason: 'busy' | 'full',
    override readonly cause: unknown,
  ) {
    super(reason === 'full' ? 'the disk is full: message not recorded, send it again later' : 'the database is busy: message not recorded, send it again later');
  }
}

type Queued = { msg: InboundMessage; resolve: (r: HandleResult) => void; reject: (e: unknown) => void; tries: number; at: number };

/**
 * Conversations whose parsed state is kept between messages (a resident in a conversation
 * writes again within seconds): about 1 KiB each. The saved JSON is still read every time and
 * compared, so a state changed elsewhere or rolled back is never used stale.
 */
const PARSED_STATES = 2_048;

/** Under test every kept state is frozen, so a flow that changed the state it was given fails loudly. */
const FREEZE_KEPT_STATES = Boolean(process.env.VITEST);
function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/** Effect → result → step again, at most this often per message (a loop here is a bug). */
const MAX_EFFECT_ROUNDS = 8;

/** Longer than this, a text is a sentence, not an option number typed ("no 2", "yang kedua"). */
const MAX_NUMBER_TEXT = 40;

/** The option number a text types ("2", "2.", "no 2", "yang kedua", "2️⃣"), as the step reads it. */
function typedNumber(text: string, nlu: Nlu): number | undefined {
  if (/^\s*\d{1,2}\s*$/.test(text)) return Number(text);
  return text.length <= MAX_NUMBER_TEXT ? answersOf(nlu).number(text) : undefined;
}

function langFromHint(hint: string | undefined): Lang {
  return hint && /^en\b/i.test(hint) ? 'en' : 'id';
}

export class Engine {
  private readonly effects: Record<string, EffectHandler>;
  private queue: Queued[] = [];
  private scheduled = false;
  /** While the database refuses writes, new messages wait in the queue for the retry timer. */
  private retryTimer: NodeJS.Timeout | undefined;
  /** Batches in a row that waited for a checkpoint (at most 20 × 5 ms). */
  private held = 0;
  private readonly flows: Flow[];
  private step: StepFn;
  /** Resident id → the state last saved, as JSON and parsed (oldest first). */
  private readonly parsed = new Map<number, { json: string; state: ConversationState }>();

  constructor(private readonly opts: EngineOptions) {
    this.effects = {
      'media.keep': (effect, ctx) => {
        ctx.store.keepMedia(ctx.resident.id, ctx.resident.channel, String(effect.media), String(effect.ref), typeof effect.caption === 'string' ? effect.caption : null, ctx.now);
        ctx.log.info({ resident: ctx.resident.id, media: effect.media }, 'file received and kept by reference');
      },
      ...opts.effects,
    };
    this.flows = [...opts.flows];
    this.step = createStep(this.flows);
  }

  /** Adds a feature's flows (booking, status…); a flow with the same id replaces the old one. */
  registerFlows(flows: Flow[]): void {
    for (const flow of flows) {
      const i = this.flows.findIndex((f) => f.id === flow.id);
      if (i >= 0) this.flows[i] = flow;
      else this.flows.push(flow);
    }
    this.step = createStep(this.flows);
  }

  /** Adds handlers for effects a feature's flows emit ("booking.reserve", …). */
  registerEffects(handlers: Record<string, EffectHandler>): void {
    Object.assign(this.effects, handlers);
  }

  /** Queues a message; resolves after its transaction committed. */
  handle(msg: InboundMessage): Promise<HandleResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ msg, resolve, reject, tries: 0, at: this.opts.onCommitted ? performance.now() : 0 });
      if (!this.scheduled && !this.retryTimer) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Handles one message now, in its own transaction (scripts and tests that want no batching). */
  handleNow(msg: InboundMessage): HandleResult {
    const result = this.opts.store.transaction(() => this.processSafely(msg));
    if (result.outboxIds.length) this.opts.onQueued?.();
    return result;
  }

  private flush(): void {
    this.scheduled = false;
    // Waiting out a lock or a full disk: the retry timer flushes the queue.
    if (this.retryTimer) return;
    if (this.opts.holdWrites?.() && this.held < 20) {
      this.held++;
      this.scheduled = true;
      setTimeout(() => this.flush(), 5);
      return;
    }
    this.held = 0;
    const batch = this.queue.splice(0, this.opts.maxBatch ?? 512);
    if (this.queue.length) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    let results: HandleResult[];
    try {
      results = this.commitBatch(batch.map((item) => item.msg));
    } catch (err) {
      if (isTransientDbError(err)) {
        this.retryLater(batch, err);
        return;
      }
      // The commit itself failed for good: nothing was recorded, the channel may redeliver.
      this.opts.log.error({ err }, 'batch commit failed');
      for (const item of batch) item.reject(err);
      return;
    }
    batch.forEach((item, i) => item.resolve(results[i]!));
    if (this.opts.onCommitted) {
      const end = performance.now();
      batch.forEach((item, i) => this.opts.onCommitted!(item.msg, end - item.at, results[i]!));
    }
    if (results.some((r) => r.outboxIds.length)) this.opts.onQueued?.();
  }

  /**
   * The database is locked by another connection or the disk is full: nothing was recorded.
   * The batch goes back to the front of the queue and is tried again after a pause on a
   * timer, so HTTP, health checks and deliveries go on meanwhile. Messages that have waited
   * through every pause are refused with EngineBusyError (the channel tells the resident).
   */
  private retryLater(batch: Queued[], err: unknown): void {
    const delays = this.opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    const reason = /FULL/.test(String((err as { code?: string }).code)) ? 'full' : 'busy';
    this.opts.onRetry?.(reason);
    const keep: Queued[] = [];
    for (const item of batch) {
      if (item.tries >= delays.length) item.reject(new EngineBusyError(reason, err));
      else keep.push(item);
    }
    const tries = Math.max(0, ...keep.map((item) => item.tries));
    for (const item of keep) item.tries++;
    this.queue.unshift(...keep);
    this.opts.log.warn({ code: (err as { code?: string }).code, messages: keep.length, refused: batch.length - keep.length }, 'database busy or full: messages wait and are tried again');
    if (!this.queue.length || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.scheduled) this.flush();
    }, delays[Math.min(tries, delays.length - 1)] ?? 1_000);
  }

  /**
   * The fast path runs the whole batch without savepoints. If any message throws, that
   * transaction is rolled back whole and the batch runs again with a savepoint per message,
   * so only the failing one is answered with an apology.
   */
  private commitBatch(msgs: InboundMessage[]): HandleResult[] {
    if (msgs.length === 1) return this.opts.store.transaction(() => [this.processSafely(msgs[0]!)]);
    try {
      return this.opts.store.transaction(() => msgs.map((msg) => this.process(msg)));
    } catch (err) {
      if (isTransientDbError(err)) throw err;
      return this.opts.store.transaction(() => msgs.map((msg) => this.processSafely(msg)));
    }
  }

  /** One message in its savepoint; a bug in a flow still gets the resident an apology and the menu. */
  private processSafely(msg: InboundMessage): HandleResult {
    try {
      // Inside the batch's transaction this is a savepoint: a failing message is undone alone.
      return this.opts.store.transaction(() => this.process(msg));
    } catch (err) {
      // A lock or a full disk is not the resident's fault: the whole batch is tried again later.
      if (isTransientDbError(err)) throw err;
      this.opts.log.error({ err, channel: msg.channel, messageId: msg.id }, 'step failed; answering with an apology');
      return this.opts.store.transaction(() => this.apologise(msg));
    }
  }

  private ref(row: ResidentRow): ResidentRef {
    return { id: row.id, channel: row.channel, address: row.address, lang: row.lang };
  }

  private process(msg: InboundMessage): HandleResult {
    const { store, clock, content, nlu } = this.opts;
    const step = this.step;
    const now = clock.now();
    const row = store.upsertResident(msg.channel, msg.address, msg.altAddress, langFromHint(msg.langHint), now);
    // Pull channels (the web chat) confirm what they showed in the same commit ("1" may answer it).
    if (msg.acked?.length) store.ackShown(row.id, msg.channel, msg.acked, now);
    if (!store.markInboundSeen(msg.channel, msg.id, now)) return { duplicate: true, residentId: row.id, replies: [], outboxIds: [] };

    const resident = this.ref(row);
    const saved = this.loadState(row.id);
    let input = msg.input;
    // "1" typed after a notification with a numbered list (WhatsApp) answers that list, unless the
    // conversation showed options of its own since (a state saved before `shownAt` existed: its
    // last message, if that showed options), or every text is the answer here (a message to an
    // officer). A newer notification without options leaves no list: the older options are not
    // acted on, the question is shown again. The number is read as the step reads it ("1.",
    // "no 1", "yang pertama", "1️⃣"), so no way of typing it reaches the older list instead.
    let before = saved;
    const typed = saved && input.type === 'text' && !this.takesAnyText(saved) ? typedNumber(input.text, nlu) : undefined;
    if (saved && typed !== undefined) {
      const notice = store.choicesOfLastNotice(row.id, saved.shownAt ?? (saved.choices.length ? saved.at : ''));
      const id = notice?.[typed - 1];
      if (id) input = { type: 'choice', id };
      else if (notice && !notice.length && saved.choices.length) before = { ...saved, choices: [], labels: [] };
    }
    const ctx = { now, content, nlu, resident, idleMs: this.opts.idleMinutes * 60_000 };
    let result = step(before, input, ctx);
    const smallTalk = result.smallTalk === true;
    const replies = [...result.replies];
    const pending: Effect[] = [...result.effects];
    const effectCtx: EffectContext = { resident, now, store, log: this.opts.log };
    let rounds = 0;
    while (pending.length) {
      const effect = pending.shift()!;
      const handler = this.effects[effect.type];
      if (!handler) throw new Error(`no handler for effect ${effect.type}`);
      const data = handler(effect, effectCtx);
      if (data === undefined) continue;
      if (++rounds > MAX_EFFECT_ROUNDS) throw new Error(`effect loop in flow ${result.state.flow}`);
      result = step(result.state, { type: 'result', effect: effect.type, data }, ctx);
      replies.push(...result.replies);
      pending.push(...result.effects);
    }

    const json = JSON.stringify(result.state);
    store.saveConversation(row.id, STATE_VERSION, json, now);
    this.keepParsed(row.id, json, result.state);
    if (result.state.lang !== row.lang) store.setResidentLang(row.id, result.state.lang);
    const burst = this.opts.burstMs && !isPulledChannel(msg.channel) ? this.opts.burstMs : 0;
    // A later message of a burst answers instead of the small talk before it.
    if (burst) store.dropSupersedable(row.id, now);
    const notBefore = burst && smallTalk ? new Date(now.getTime() + burst) : undefined;
    const outboxIds = replies.map((reply) => store.enqueue({ residentId: row.id, channel: msg.channel, address: msg.address, reply, notBefore }, now)!);
    if (notBefore) for (const id of outboxIds) store.markSupersedable(id, row.id);
    this.opts.onHandled?.({ channel: msg.channel, residentId: row.id, lang: result.state.lang, now, input: msg.input, flowBefore: saved?.flow, flowAfter: result.state.flow, replies, missed: (result.state.misses ?? 0) > (saved?.misses ?? 0) });
    // Where residents go, never what they typed (it may hold a NIK or a name).
    if (this.opts.log.isLevelEnabled('debug')) {
      this.opts.log.debug({ channel: msg.channel, resident: row.id, input: msg.input.type, flow: result.state.flow, node: result.state.node, replies: replies.length }, 'message handled');
    }
    return { duplicate: false, residentId: row.id, replies, outboxIds, lang: result.state.lang };
  }

  private takesAnyText(state: ConversationState): boolean {
    return this.flows.find((f) => f.id === state.flow)?.takesAnyText?.(state.node, state.data) === true;
  }

  /** A saved state we cannot read (older shape, corrupt JSON) is treated as a fresh start at the menu. */
  private loadState(residentId: number): ConversationState | undefined {
    const saved = this.opts.store.loadConversation(residentId);
    if (!saved || saved.stateVersion !== STATE_VERSION) return undefined;
    // The step never changes the state it is given, so the one saved last serves again as it is.
    const kept = this.parsed.get(residentId);
    if (kept && kept.json === saved.state) return kept.state;
    try {
      const state = JSON.parse(saved.state) as ConversationState;
      return typeof state?.flow === 'string' && typeof state.node === 'string' ? state : undefined;
    } catch {
      return undefined;
    }
  }

  private keepParsed(residentId: number, json: string, state: ConversationState): void {
    if (FREEZE_KEPT_STATES) deepFreeze(state);
    this.parsed.delete(residentId);
    if (this.parsed.size >= PARSED_STATES) this.parsed.delete(this.parsed.keys().next().value!);
    this.parsed.set(residentId, { json, state });
  }

  private apologise(msg: InboundMessage): HandleResult {
    const { store, clock, content, nlu } = this.opts;
    const step = this.step;
    const now = clock.now();
    const row = store.upsertResident(msg.channel, msg.address, msg.altAddress, langFromHint(msg.langHint), now);
    store.markInboundSeen(msg.channel, msg.id, now);
    const replies: Reply[] = [{ text: translate(content.texts, row.lang, 'core.error') }];
    // Back to the menu, so a state that made the step fail cannot trap the resident.
    const atMenu: ConversationState = { lang: row.lang, flow: 'menu', flowVersion: 1, node: 'main', data: {}, choices: [], at: now.toISOString() };
    let state = atMenu;
    try {
      const menu = step(atMenu, { type: 'text', text: 'menu' }, { now, content, nlu, resident: this.ref(row), idleMs: this.opts.idleMinutes * 60_000 });
      state = menu.state;
      replies.push(...menu.replies);
    } catch (err) {
      this.opts.log.error({ err }, 'menu step failed too');
    }
    store.saveConversation(row.id, STATE_VERSION, JSON.stringify(state), now);
    const outboxIds = replies.map((reply) => store.enqueue({ residentId: row.id, channel: msg.channel, address: msg.address, reply }, now)!);
    return { duplicate: false, residentId: row.id, replies, outboxIds, lang: row.lang };
  }
}
