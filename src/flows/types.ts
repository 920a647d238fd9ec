// How a conversation is modelled: a state (which flow, which node, its data) and flows
// that turn (node, data, input) into the next node, replies and effects. All pure.
import type { Content } from '../content/load.js';
import type { Effect, Input, Lang, Reply, ResidentRef } from '../core/types.js';
import type { Nlu } from '../nlu/index.js';

/** Bump when the shape of ConversationState itself changes. Flows version their own data. */
export const STATE_VERSION = 1;

export interface ConversationState {
  lang: Lang;
  /** The resident chose the language (a button, "bahasa", "english please"): writing in the other one never switches it. */
  langChosen?: boolean;
  flow: string;
  /** The flow's own version when this state was written (see Flow.version). */
  flowVersion: number;
  node: string;
  data: Record<string, unknown>;
  /** Choice ids shown last, so "2" typed on WhatsApp means the second of them. */
  choices: string[];
  /** Last activity (ISO): a conversation idle too long restarts at the menu. */
  at: string;
  /**
   * When the conversation last showed options (ISO): a notification's numbered options queued
   * after it are what "1" answers (the runner compares it with the notification's time).
   */
  shownAt?: string;
  /** Labels of `choices`, so a typed label ("cek kelengkapan") picks its option. */
  labels?: string[];
  /** The question now asked (flow, node, data hashed): buttons carry it, a stale one is refused. */
  tag?: string;
  /** Answers not understood in a row at this question: the second offers an officer. */
  misses?: number;
  /** A half-finished booking or checklist set aside for a new request; "lanjut" brings the resident back. */
  resume?: KeptAside;
  /** What was set aside before `resume` (another flow's), newest first: it comes back after it. */
  resumeBelow?: KeptAside[];
  /** A new request typed while a booking or checklist is half-finished, waiting for "leave it?" to be answered. */
  leave?: { intent: unknown; said?: string };
  /** A flow left at one of its `awaits` nodes (an officer's open case): a text nobody understood at the menu goes to it. */
  awaited?: string;
}

/** What a node's question expects, so the re-ask says it in one line and readers know the kind. */
/** `confirm`: a yes or no to a summary ("Sudah benar?"), where "not sure" is no answer. */
export type Expectation = 'choice' | 'yesno' | 'confirm' | 'date' | 'time' | 'nik' | 'name' | 'tracking' | 'text' | 'digits';

/** A question of a flow, with its answers so far, kept to come back to. */
export interface KeptAside {
  flow: string;
  flowVersion: number;
  node: string;
  data: Record<string, unknown>;
}

export interface StepContext {
  now: Date;
  content: Content;
  nlu: Nlu;
  resident: ResidentRef;
  /** Idle time after which the next message restarts at the menu. */
  idleMs: number;
}

export interface FlowContext extends StepContext {
  lang: Lang;
  /** Text in the resident's language from flows/texts. */
  t(key: string, vars?: Record<string, string | number>): string;
  /**
   * The params `flow` would start with for a text that already answers its first question
   * ("untuk bpjs": a booking with its reason), when that flow is registered and reads one
   * (Flow.opensWith); a flow offering another uses it to lead there with what was said.
   */
  opening?(flow: string, text: string): Record<string, unknown> | undefined;
}

/** Where a flow goes next. */
export type Outcome =
  /** Stay in this flow at `node` with `data`. */
  | { node: string; data?: Record<string, unknown>; replies: Reply[]; effects?: Effect[] }
  /** Leave for another flow (its start), e.g. back to the menu. `replies` are said first. */
  | { goto: string; params?: Record<string, unknown>; replies?: Reply[]; effects?: Effect[] }
  /** The flow did not understand free text or a choice: the core tries global intents, then re-asks. */
  | { unhandled: true };

export interface Flow {
  id: string;
  /** Bump when the meaning of this flow's nodes/data changes; older saved states restart politely unless migrate handles them. */
  version: number;
  start(ctx: FlowContext, params?: Record<string, unknown>): Outcome;
  onInput(node: string, data: Record<string, unknown>, input: Input, ctx: FlowContext): Outcome;
  /** The question of `node` again (after bantuan, a language switch, a stale button). */
  prompt(node: string, data: Record<string, unknown>, ctx: FlowContext): Reply[];
  /**
   * Exact words that lead into this flow from anywhere, even as a first message or after a long
   * pause (lower case, e.g. "berhenti info"), with the params start() receives.
   */
  routeWords?: Record<string, Record<string, unknown> | undefined>;
  /**
   * Choice ids with these prefixes lead into this flow from anywhere, e.g. a button under a
   * notification ("bk:accept:K7QX4M") pressed while another flow is open. start() then
   * receives `{ choice: id }`.
   */
  choicePrefixes?: string[];
  /**
   * Optional: a text this flow knows by its shape from anywhere (a tracking number): when nothing
   * else understood it, and no booking is half-finished, it leads here; start() gets `{ said }`.
   * `nlu`: the conversation's vocabulary, for words it knows by heart ("stop notif").
   */
  recognizes?(text: string, nlu?: Nlu): boolean;
  /** What `node` asks for (default: 'choice' when it shows options, else 'text'). */
  expects?(node: string, data: Record<string, unknown>): Expectation | undefined;
  /**
   * True while `node` holds half-finished work (a booking, a checklist): a new request first asks
   * whether to leave it, and leaving or a long pause keeps it aside ("lanjut" brings it back).
   */
  holds?(node: string, data: Record<string, unknown>): boolean;
  /**
   * Optional: what to say when the resident leaves `node` with a universal word (menu, batal) or a
   * menu button, e.g. "your case stays open for the officer".
   */
  onLeave?(node: string, data: Record<string, unknown>, ctx: FlowContext): Reply[];
  /**
   * Optional: true where a bare universal cancel word ("batal", "cancel") asks this flow to cancel
   * something of its own (the list of one's bookings): the word goes to onInput as a text instead
   * of ending the flow with "dibatalkan" while nothing was.
   */
  ownsCancel?(node: string, data: Record<string, unknown>): boolean;
  /**
   * Optional: true where every text typed is the answer itself (a message for an officer): a
   * typed number is not an option, nor the answer to a notification, and a long text is not cut
   * to the length the NLU reads.
   */
  takesAnyText?(node: string, data: Record<string, unknown>): boolean;
  /** Optional: nodes a long pause does not restart (an open case with an officer waits for days). */
  keepWhenIdle?: string[];
  /**
   * Optional: nodes that wait on someone else (an officer's open case). Left for another flow, the
   * flow is remembered (`ConversationState.awaited`, forgotten once it is entered again): a text
   * nobody understood at the menu goes to its start as `{ stray: text }` (with `cut`), to find out
   * whether it was meant for that someone; thanks, "ok" or a closing ("makasih pak", "selesai") as
   * `{ thanks: text, ack?, done? }`, to be answered there (and passed on when meant for them); "masih
   * bingung", "kurang jelas" (the help intent, not the word "bantuan") as `{ confused: text }`, likewise.
   */
  awaits?: string[];
  /**
   * Optional: the params to start this flow with when a text typed where it is offered already
   * answers its first question ("untuk bpjs" at the KTP-el summary names the booking's reason);
   * undefined when the text answers none. Other flows ask through FlowContext.opening.
   */
  opensWith?(text: string, ctx: FlowContext): Record<string, unknown> | undefined;
  /** Optional: upgrade data saved by an older version; return undefined to restart politely. */
  migrate?(fromVersion: number, node: string, data: Record<string, unknown>): { node: string; data: Record<string, unknown> } | undefined;
}

export interface StepResult {
  state: ConversationState;
  replies: Reply[];
  effects: Effect[];
  /** Small talk or not understood: in a burst of messages a later one may answer instead. */
  smallTalk?: boolean;
}
