import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) spent by this process's threads: its main thread, and all the others together. */
export interface ThreadCpu {
  mainSeconds: number;
  otherSeconds: number;
}

/** Clock ticks per second of /proc's times: 100 on every Linux kernel Node runs on (USER_HZ). */
const TICKS_PER_SECOND = 100;

/** CPU seconds of each thread of this process now, by tid; undefined where there is no /proc (not Linux). */
function readThreads(): Map<number, number> | undefined {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return undefined;
  }
  const seconds = new Map<number, number>();
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // utime and stime are fields 14 and 15; the command name (field 2) is in parentheses and may hold spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      seconds.set(Number(tid), (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return seconds;
}

/**
 * Measures the CPU this process's threads spend from now until `stop()`, from /proc/self/task/TID/stat:
 * the main thread (its tid is the pid) apart from the others (worker threads such as autocannon's,
 * libuv's pool, V8's GC helpers). It reads every `everyMs`, so a thread that ends before `stop()`
 * (autocannon's worker, once its load is done) still counts, up to its last reading. `stop()` gives
 * undefined where there is no /proc.
 */
export function measureThreadCpu(everyMs = 200): { stop: () => ThreadCpu | undefined } {
  const start = readThreads();
  // A thread started after the first reading counts from zero: all of its CPU falls in the window.
  const first = new Map(start ?? []);
  const last = new Map(start ?? []);
  const read = (): void => {
    for (const [tid, seconds] of readThreads() ?? []) {
      if (!first.has(tid)) first.set(tid, 0);
      last.set(tid, seconds);
    }
  };
  const timer = setInterval(read, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      if (start === undefined) return undefined;
      read();
      let mainSeconds = 0;
      let otherSeconds = 0;
      for (const [tid, seconds] of last) {
        const spent = seconds - (first.get(tid) ?? 0);
        if (tid === process.pid) mainSeconds += spent;
        else otherSeconds += spent;
      }
      return { mainSeconds, otherSeconds };
    },
  };
}
