// The run record's command_hash, in its own file so the CLI bundle can use it without
// pulling the TypeBox schema of run-record.ts in.
import { createHash } from 'node:crypto';

/** First 8 hex characters of sha256(command). */
export function commandHash(command: string): string {
  return createHash('sha256').update(command).digest('hex').slice(0, 8);
}
