// What adaptive learned, per command, kept between runs under the state directory.
import { join } from 'node:path';
import { commandHash } from '../shared/command-hash.ts';
import { readJson, writeJsonAtomic } from './state-file.ts';
import type { DelayOutcome } from './strategies/adaptive.ts';

/** The largest memory window; older outcomes are never needed. */
export const MAX_OUTCOMES = 10_000;

export function adaptiveFile(stateDir: string, command: string): string {
  return join(stateDir, 'adaptive', `${commandHash(command)}.json`);
}

export async function loadOutcomes(file: string): Promise<DelayOutcome[]> {
  const stored = await readJson(file);
  const list = (stored as { outcomes?: unknown } | undefined)?.outcomes;
  if (!Array.isArray(list)) return [];
  return list.filter(isDelayOutcome).slice(-MAX_OUTCOMES);
}

/** Appends this run's outcomes to what is on disk now (another run may have added some). */
export async function saveOutcomes(file: string, command: string, added: readonly DelayOutcome[]): Promise<void> {
  if (added.length === 0) return;
  const outcomes = [...(await loadOutcomes(file)), ...added].slice(-MAX_OUTCOMES);
  await writeJsonAtomic(file, { command, outcomes });
}

function isDelayOutcome(v: unknown): v is DelayOutcome {
  const o = v as DelayOutcome;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.delayMs === 'number' &&
    o.delayMs >= 0 &&
    typeof o.success === 'boolean'
  );
}
