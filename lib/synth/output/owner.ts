import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who holds a transaction folder, and whether that process still runs. The pid alone is not enough after a
 * reboot or in a busy container (pids are reused), so on Linux the process start time from /proc is
 * recorded and compared too.
 */
export interface Owner {
  readonly pid: number;
  readonly host: string;
  /** Clock ticks since boot at which the process started (Linux /proc/<pid>/stat field 22), if known. */
  readonly processStart?: string;
}

function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function currentOwner(): Owner {
  const start = processStart(process.pid);
  return { pid: process.pid, host: hostname(), ...(start ? { processStart: start } : {}) };
}

export type Liveness = 'alive' | 'dead' | 'unknown';

export function liveness(owner: Owner): Liveness {
  if (owner.host !== hostname()) return 'unknown';
  if (owner.pid === process.pid) return 'alive';
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'alive' : 'dead';
  }
  if (owner.processStart === undefined) return 'alive';
  const start = processStart(owner.pid);
  return start === undefined || start === owner.processStart ? 'alive' : 'dead';
}

export function parseOwner(text: string): Owner | undefined {
  try {
    const data = JSON.parse(text) as Partial<Owner>;
    if (typeof data.pid !== 'number' || typeof data.host !== 'string') return undefined;
    return { pid: data.pid, host: data.host, ...(typeof data.processStart === 'string' ? { processStart: data.processStart } : {}) };
  } catch {
    return undefined;
  }
}
