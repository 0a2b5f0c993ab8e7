import { readFileSync } from 'node:fs';

/**
 * True when `pid` is a live (not zombie) process whose command line contains `marker`. The marker (a
 * node's own server.properties path) guards against a pid the kernel has since given to another process.
 */
export function processAlive(pid: number, marker: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the parenthesised command name: "1234 (java) S ...".
    if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false;
  }
}
