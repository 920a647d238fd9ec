// How a conversation is modelled: a state (which flow, which node, its data) and flows
// that turn (node, data, input) into the next node, replies and effects. All pure.
import type { Content } from '../content/load.js';
import type { Effect, Input, Lang, Reply, ResidentRef } from '../core/types.js';
import type { Nlu } from '../nlu/index.js';

/** Bump when the shape of ConversationState itself changes. Flows version their own data. */
export const STATE_VERSION = 1;

export interface ConversationState {
  lang: Lang;
  flow: string;
  /** The flow's own version when this state was written (see Flow.version). */
  flowVersion: number;
  node: string;
  data: Record<string, unknown>;
  /** Choice ids shown last, so "2" typed on WhatsApp means the second of them. */
  choices: string[];
  /** Last activity (ISO): a conversation idle too long restarts at the menu. */
  at: string;
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
   * Optional: what to say when the resident leaves `node` with a universal word (menu, batal) or a
   * menu button, e.g. "your case stays open for the officer".
   */
  onLeave?(node: string, data: Record<string, unknown>, ctx: FlowContext): Reply[];
  /** Optional: nodes a long pause does not restart (an open case with an officer waits for days). */
  keepWhenIdle?: string[];
  /** Optional: upgrade data saved by an older version; return undefined to restart politely. */
  migrate?(fromVersion: number, node: string, data: Record<string, unknown>): { node: string; data: Record<string, unknown> } | undefined;
}

export interface StepResult {
  state: ConversationState;
  replies: Reply[];
  effects: Effect[];
}
