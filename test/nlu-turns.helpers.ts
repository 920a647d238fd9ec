// Scaffolding for the in-conversation tables: reach a node once through the real web chat,
// keep its saved state, then step typed answers from that state (the engine's own step,
// content and NLU), without running effects, so a "yes" at the confirmation does not book.
import type { Input } from '../src/core/types.js';
import type { StepFn } from '../src/flows/step.js';
import type { ConversationState, StepResult } from '../src/flows/types.js';
import { makeTestApp, type TestApp } from './helpers.js';

export type Setup = Array<string | { choice: string } | { firstChoice: string }>;

export const NIK = '1803021204950001';

export const SETUPS: Record<string, Setup> = {
  menu: ['halo'],
  detail: ['halo', { choice: 'svc:ktp_el_baru' }],
  check: ['halo', { choice: 'svc:ktp_el_baru' }, { choice: 'req:check' }],
  case: ['halo', { choice: 'svc:ktp_el_hilang_rusak' }, { choice: 'req:check' }],
  service: ['syarat kk'],
  reason: ['booking'],
  nik: ['booking', { choice: 'r:bpjs' }],
  name: ['booking', { choice: 'r:bpjs' }, NIK],
  date: ['booking', { choice: 'r:bpjs' }, NIK, 'Siti Aminah'],
  // Tuesday 1 Dec: all four sessions (08.00–09.30) are still ahead.
  session: ['booking', { choice: 'r:bpjs' }, NIK, 'Siti Aminah', { firstChoice: 'd:2026-12-01' }],
  confirm: ['booking', { choice: 'r:bpjs' }, NIK, 'Siti Aminah', { firstChoice: 'd:2026-12-01' }, { firstChoice: 's:' }],
  number: ['cek status'],
  checkdigits: ['cek status', 'LU-261130-ABCDE'],
};

export interface Harness {
  t: TestApp;
  states: Map<string, ConversationState>;
  run(node: string, input: Input): { before: ConversationState; after: StepResult };
  close(): Promise<void>;
}

export async function harness(nodes: string[] = Object.keys(SETUPS)): Promise<Harness> {
  const t = await makeTestApp();
  const states = new Map<string, ConversationState>();
  let n = 0;
  for (const node of nodes) {
    const address = `turns-${node}-${n++}`;
    let last: Array<{ choices?: Array<{ id: string }> }> = [];
    for (const step of SETUPS[node]!) {
      if (typeof step === 'object' && 'firstChoice' in step) {
        const id = last.flatMap((r) => r.choices ?? []).find((c) => c.id.startsWith(step.firstChoice))!.id;
        last = await t.say(address, { choice: id });
      } else last = await t.say(address, step);
    }
    const row = t.ctx.store.db.prepare('SELECT id FROM residents WHERE address = ?').get(address) as { id: number };
    const saved = t.ctx.store.loadConversation(row.id)!;
    states.set(node, JSON.parse(saved.state) as ConversationState);
  }
  const engine = t.ctx.engine as unknown as { step: StepFn };
  function run(node: string, input: Input) {
    const before = states.get(node)!;
    const after = engine.step(before, input, {
      now: t.clock.now(),
      content: t.ctx.content,
      nlu: t.ctx.nlu,
      resident: { id: 1, channel: 'web', address: 'turns', lang: before.lang },
      idleMs: 30 * 60_000,
    });
    return { before, after };
  }
  return { t, states, run, close: () => t.close() };
}

/** What a resident would notice about a step: where they are, what the bot set out to do. */
export function outcomeOf(before: ConversationState, after: StepResult): string {
  const s = after.state;
  const fx = after.effects.map((e) => e.type);
  const text = after.replies.map((r) => r.text).join('\n');
  if (s.leave) return 'leave?';
  if (fx.includes('booking.reserve') || fx.includes('booking.reschedule')) return 'book';
  if (fx.includes('booking.check_nik')) return `nik:${String(after.effects.find((e) => e.type === 'booking.check_nik')!.nik)}`;
  if (fx.includes('booking.sessions')) return `date:${String((s.data as { date?: string }).date)}`;
  if (fx.includes('booking.days')) return before.node === 'confirm' || before.node === 'session' ? 'other_day' : `name:${String((s.data as { name?: string }).name)}`;
  if (fx.includes('status.lookup')) return 'lookup';
  // The office's contacts (no handoff) or the handoff flow (it first looks for the resident's open case).
  if (/^(Kontak|Contacts of) /m.test(text) || (s.flow === 'officer' && before.flow !== 'officer')) return 'officer';
  if (s.flow === 'requirements' && s.node === 'detail' && (s.data as { serviceId?: string }).serviceId !== (before.data as { serviceId?: string }).serviceId) {
    return `svc:${String((s.data as { serviceId?: string }).serviceId)}`;
  }
  if (s.flow !== before.flow) {
    if (s.flow === 'requirements') return `svc:${String((s.data as { serviceId?: string }).serviceId ?? (s.node === 'service' ? 'list' : s.node))}`;
    return `goto:${s.flow}`;
  }
  if (s.flow === 'menu' && before.flow !== 'menu') return 'goto:menu';
  if (/Maksud Anda yang mana|Which one do you mean/.test(text)) return 'ambiguous';
  if (s.node !== before.node || JSON.stringify(s.data) !== JSON.stringify(before.data)) {
    if (s.flow === 'booking' && s.node === 'confirm' && before.node === 'session') return `session:${String((s.data as { time?: string }).time)}`;
    if (s.flow === 'booking' && s.node === 'confirm' && before.node === 'confirm') return 'corrected';
    if (s.flow === 'booking' && s.node === 'nik' && before.node === 'reason') return `reason:${String((s.data as { reason?: string }).reason)}`;
    if (s.flow === 'booking' && s.node === 'note') return `reason:${String((s.data as { reason?: string }).reason)}`;
    if (s.flow === 'requirements' && before.node === 'check') {
      const answers = (s.data as { answers?: string[] }).answers ?? [];
      return { y: 'yes', n: 'no', u: 'unsure', na: 'not_needed' }[answers.at(-1) ?? ''] ?? `node:${s.node}`;
    }
    if (s.flow === 'requirements' && before.node === 'case') return `case:${String((s.data as { case?: string }).case)}`;
    if (s.flow === 'requirements' && before.node === 'detail') return s.node === 'check' || s.node === 'case' ? 'checklist' : `node:${s.node}`;
    if (s.flow === 'requirements' && s.node === 'detail') return `svc:${String((s.data as { serviceId?: string }).serviceId)}`;
    if (s.flow === 'status' && s.node === 'check') return `tracking:${String((s.data as { tracking?: string }).tracking)}`;
    return `node:${s.node}`;
  }
  if (/daftar lengkap|simpan atau teruskan|forward/i.test(text) && before.node === 'detail' && text.length > 300) return 'full';
  // Thanks, or an acknowledgement ("oke": "Baik, kita lanjutkan ya").
  if (/Sama-sama|You're welcome|Baik, kita lanjutkan ya|OK, let's carry on|^Baik\. 🙏|^OK\. 🙏/m.test(text)) return 'thanks';
  if (/^Halo!|^Hello!/m.test(text)) return 'greeting';
  if (/sudah tidak berlaku|no longer valid/.test(text)) return 'stale';
  if (s.flow === 'booking' && before.node === 'confirm' && /Pilih hari lain, atau ketik batal|Choose another day, or type/i.test(text)) return 'no';
  return 'again';
}
