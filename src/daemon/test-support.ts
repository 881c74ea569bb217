// A fake process table for unit tests of the pid file and -status/-stop.
import type { ProcessProbe } from './process-check.ts';

export interface FakeProcess {
  state: 'alive' | 'zombie';
  cmdline: string;
}

export function fakeProbe(table: Map<number, FakeProcess>): ProcessProbe {
  return {
    signal0: (pid) => {
      if (!table.has(pid)) throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
    },
    readProc: (pid, file) => {
      const p = table.get(pid);
      if (!p) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return file === 'stat' ? `${pid} (node (x) y) ${p.state === 'zombie' ? 'Z' : 'S'} 1 2 3` : p.cmdline;
    },
  };
}

export const PATIENCED_CMDLINE = '/usr/bin/node\0/usr/local/lib/patience/dist/patienced.cjs\0-config\0/x.json\0';
