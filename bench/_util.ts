// Small shared helpers for benchmarks.
import fs from 'node:fs';

export function percentile(sortedMs: Float64Array | number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const i = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[i]!;
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Tracks the highest resident set size seen while a benchmark runs. */
export function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

/** Figures measured earlier in the same `npm run bench`, for the ratios later benches print. */
export const sameRun: {
  engineRate?: number;
  /** The engine's own SQL replayed alone: messages/s and CPU µs per message. */
  replayRate?: number;
  replayCpuUs?: number;
  /** The step alone, JSON included, CPU µs per message. */
  stepCpuUs?: number;
} = {};

/** "0.62× (target ≥ 0.5) ok" */
export function ratio(value: number, reference: number, target: number, higherIsBetter = true): string {
  const r = value / reference;
  const ok = higherIsBetter ? r >= target : r <= target;
  return `${fmt(r, 2)}× (target ${higherIsBetter ? '≥' : '≤'} ${target}) ${ok ? 'met' : 'NOT met'}`;
}

/** Peak and current resident set size of a process from /proc (Linux), in MiB. */
export function procMemory(pid: number | 'self' = 'self'): { rss: number; peak: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}
