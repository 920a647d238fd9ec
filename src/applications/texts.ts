// Words shared by the status flow (lookup answers) and the notifications (outbox texts).
import type { Content } from '../content/load.js';
import type { Lang } from '../core/types.js';
import type { Status } from './graph.js';

export type T = (key: string, vars?: Record<string, string | number>) => string;

export interface HistoryView {
  status: string;
  note: string | null;
  delivery: string | null;
  /** Already formatted in office time. */
  when: string;
}

export function serviceLabel(content: Content, service: string, lang: Lang): string {
  return content.servicesById.get(service)?.short_name[lang] ?? service;
}

export function statusName(t: T, status: string): string {
  return t(`status.name.${status}`);
}

/** What the status means and what the resident should do now. */
export function statusExplanation(t: T, status: Status | string, delivery: string | null): string {
  const next = status === 'selesai' ? t(delivery === 'digital' ? 'status.next.selesai_digital' : 'status.next.selesai_pickup') : t(`status.next.${status}`);
  return `${t(`status.meaning.${status}`)}\n${next}`;
}
