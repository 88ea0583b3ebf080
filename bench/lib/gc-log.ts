import { appendFileSync } from 'node:fs';
import { PerformanceObserver, performance, constants, type PerformanceEntry } from 'node:perf_hooks';

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * Diagnostics: appends every garbage collection of this process to `file` as
 * `<epoch ms> <kind> <pause ms>`, so pauses can be lined up with a run's latency timeline
 * (BENCH_TIMELINE) across the server children and the load generator.
 */
export function logGcTo(file: string): void {
  new PerformanceObserver((list) => {
    const lines = list.getEntries().map((e: PerformanceEntry) => {
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1;
      return `${(performance.timeOrigin + e.startTime).toFixed(1)} ${KINDS[kind] ?? kind} ${e.duration.toFixed(2)}\n`;
    });
    appendFileSync(file, lines.join(''));
  }).observe({ entryTypes: ['gc'] });
}
