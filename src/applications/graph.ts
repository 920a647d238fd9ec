// The life of an application: which status may follow which. Anything not listed here is
// refused, so a click on the wrong button in a dashboard cannot jump "diterima" to "selesai".

export const STATUSES = ['diterima', 'diverifikasi', 'perlu_perbaikan', 'diproses', 'selesai', 'ditolak'] as const;
export type Status = (typeof STATUSES)[number];

export const DELIVERIES = ['pickup', 'digital'] as const;
export type Delivery = (typeof DELIVERIES)[number];

const NEXT: Record<Status, readonly Status[]> = {
  diterima: ['diverifikasi', 'perlu_perbaikan', 'ditolak'],
  diverifikasi: ['diproses', 'perlu_perbaikan', 'ditolak'],
  // After the resident fixed what was missing, the officer verifies again.
  perlu_perbaikan: ['diverifikasi', 'ditolak'],
  diproses: ['selesai', 'perlu_perbaikan', 'ditolak'],
  selesai: [],
  ditolak: [],
};

export function nextStatuses(from: Status): readonly Status[] {
  return NEXT[from];
}

export type TransitionCheck = { ok: true } | { ok: false; error: string };

/** Whether an officer may move an application from `from` to `to` with this note/delivery. */
export function checkTransition(from: Status, to: Status, note: string | undefined, delivery: Delivery | undefined): TransitionCheck {
  if (from === to) return { ok: false, error: `The application is already "${to}".` };
  if (!NEXT[from].includes(to)) {
    const allowed = NEXT[from];
    return {
      ok: false,
      error: allowed.length
        ? `Cannot change "${from}" to "${to}". From "${from}" the next status can be: ${allowed.join(', ')}.`
        : `Cannot change "${from}" to "${to}": "${from}" is final.`,
    };
  }
  if ((to === 'perlu_perbaikan' || to === 'ditolak') && !note?.trim()) {
    return { ok: false, error: to === 'ditolak' ? 'A rejection needs a note with the reason.' : 'A correction request needs a note saying what is missing or wrong.' };
  }
  if (to === 'selesai' && !delivery) return { ok: false, error: 'Status "selesai" needs delivery: "pickup" (ready at the office) or "digital" (signed PDF sent).' };
  if (to !== 'selesai' && delivery) return { ok: false, error: 'delivery is only for status "selesai".' };
  return { ok: true };
}
