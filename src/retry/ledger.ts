// Diophantine's local ledger: the starts of every patience process on this host for a
// resource, in a state file, so that together they stay inside the rate limit.
import { join } from 'node:path';
import type { Gate } from './loop.ts';
import { readJson, withLock, writeJsonAtomic } from './state-file.ts';
import { admit } from './strategies/diophantine.ts';

export interface LedgerOptions {
  stateDir: string;
  resource: string;
  rateLimit: number;
  windowMs: number;
  /** Told once when the ledger cannot be used; the run then goes on without it. */
  warn(message: string): void;
}

export function ledgerFile(stateDir: string, resource: string): string {
  return join(stateDir, 'ledger', `${encodeURIComponent(resource)}.json`);
}

export function createLedgerGate(o: LedgerOptions): Gate {
  const file = ledgerFile(o.stateDir, o.resource);
  let broken = false;
  return {
    resource: o.resource,
    async claim(nowMs) {
      if (broken) return { ok: true };
      try {
        return await withLock(file, async () => {
          const stored = await readJson(file);
          const starts = Array.isArray((stored as { starts?: unknown })?.starts)
            ? ((stored as { starts: unknown[] }).starts.filter((t) => typeof t === 'number') as number[])
            : [];
          const res = admit(starts, nowMs, o.rateLimit, o.windowMs);
          if (!res.ok) return res;
          await writeJsonAtomic(file, { resource: o.resource, starts: res.starts });
          return { ok: true } as const;
        });
      } catch (err) {
        broken = true;
        o.warn(`cannot use the rate-limit ledger ${file}: ${(err as Error).message}; going on without it`);
        return { ok: true };
      }
    },
  };
}
