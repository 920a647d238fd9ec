// Where a reply's facts to keep (Reply.emphasis) sit in its text, for every channel's renderer.
// Pure; offsets are UTF-16 code units (JavaScript string indices), as Telegram's entities count.

export interface Span {
  start: number;
  end: number;
}

/**
 * The first occurrence of each emphasised piece in `text`, in text order, without overlaps,
 * trimmed of spaces at either end (WhatsApp only bolds `*x*` when the stars touch the text).
 * Pieces not found (an officer reworded the text) are skipped.
 */
export function emphasisSpans(text: string, emphasis: readonly string[] | undefined): Span[] {
  if (!emphasis?.length) return [];
  const spans: Span[] = [];
  for (const piece of emphasis) {
    const trimmed = piece.trim();
    if (!trimmed) continue;
    let from = 0;
    // The first occurrence that does not overlap a span already taken.
    for (;;) {
      const start = text.indexOf(trimmed, from);
      if (start < 0) break;
      const end = start + trimmed.length;
      if (!spans.some((s) => start < s.end && s.start < end)) {
        spans.push({ start, end });
        break;
      }
      from = start + 1;
    }
  }
  // A span over a line break is marked line by line (bold markup does not cross lines).
  const lines: Span[] = [];
  for (const s of spans.sort((a, b) => a.start - b.start)) {
    let start = s.start;
    for (let i = s.start; i <= s.end; i++) {
      if (i === s.end || text[i] === '\n') {
        let a = start;
        let b = i;
        while (a < b && /\s/.test(text[a]!)) a++;
        while (b > a && /\s/.test(text[b - 1]!)) b--;
        if (b > a) lines.push({ start: a, end: b });
        start = i + 1;
      }
    }
  }
  return lines;
}

/**
 * WhatsApp's own bold: `*K7QX4M*`. Stars already in the text (an officer's announcement) stay
 * as they were; a piece that itself holds a star is left plain rather than broken.
 */
export function whatsappEmphasis(text: string, emphasis: readonly string[] | undefined): string {
  const spans = emphasisSpans(text, emphasis).filter((s) => !text.slice(s.start, s.end).includes('*'));
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += `${text.slice(at, s.start)}*${text.slice(s.start, s.end)}*`;
    at = s.end;
  }
  return out + text.slice(at);
}
