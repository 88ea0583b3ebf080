import { readdirSync, readFileSync } from 'node:fs';

/** Sorted copy of the values. */
export function sorted(values: Float64Array): Float64Array {
  return Float64Array.from(values).sort();
}

/** Nearest-rank percentile of an ascending array (NaN when empty). */
export function pct(asc: Float64Array, p: number): number {
  if (asc.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * asc.length);
  return asc[Math.min(asc.length - 1, Math.max(0, rank - 1))]!;
}

/** Formats a number with `digits` decimals, or "–" for NaN. */
export function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '–';
}

/**
 * CPU time (seconds) of every process whose command name is in `names`, read from
 * /proc/<pid>/stat. Used to show where the rest of the machine's CPU went (Postgres, Redis).
 * Processes that exit between two samples lose their ticks; Linux only (null elsewhere).
 */
export function procCpuSeconds(names: string[]): Record<string, number> | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  const out: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  const ticksPerSecond = 100; // USER_HZ; 100 on every mainstream Linux build
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    if (open < 0 || close < 0) continue;
    const comm = stat.slice(open + 1, close);
    const name = names.find((n) => comm === n || comm.startsWith(n));
    if (!name) continue;
    // Fields after "(comm) ": state is field 3; utime and stime are fields 14 and 15.
    const rest = stat.slice(close + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    if (Number.isFinite(utime) && Number.isFinite(stime)) out[name]! += (utime + stime) / ticksPerSecond;
  }
  return out;
}

/** Bounded-concurrency map. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Whole-machine CPU ticks from /proc/stat: `busy` (user, nice, system, irq, softirq, steal)
 * and `total` (busy + idle + iowait), summed over all cores; null off Linux.
 */
export function machineTicks(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return null;
  }
}

/** Share of the whole machine (0..100, all cores) that was busy over `ms` milliseconds. */
export async function machineBusyOver(ms: number): Promise<number> {
  const a = machineTicks();
  await sleep(ms);
  const b = machineTicks();
  if (!a || !b || b.total === a.total) return NaN;
  return ((b.busy - a.busy) / (b.total - a.total)) * 100;
}

/**
 * CPU seconds (user + system) used so far by the Postgres backends connected to `database`
 * (process titles `postgres: … <user> <database> <client>`), or null where /proc cannot be
 * read. Unlike procCpuSeconds(['postgres']) it leaves out other databases' work on a shared
 * server (and the server's own background processes); a backend that exits between two
 * samples drops out of the difference.
 */
export function backendCpuSeconds(database: string): number | null {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  let total = 0;
  for (const pid of pids) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.startsWith('postgres: ') || !cmd.includes(` ${database} `)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const t = Number(rest[11]) + Number(rest[12]);
      if (Number.isFinite(t)) total += t / 100;
    } catch {
      continue;
    }
  }
  return total;
}
