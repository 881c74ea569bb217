// The run record's command_hash, in its own file so the CLI bundle can use it without
// pulling the TypeBox schema of run-record.ts in.
//
// SHA-256 comes from @noble/hashes, not node:crypto: every reported run hashes its command,
// and loading node:crypto pulls about 25 internal modules (ciphers, keys, x509…) into the
// CLI's start-up for one short hash (docs/performance.md, CLI start-up).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** First 8 hex characters of sha256(command), the command as UTF-8. */
export function commandHash(command: string): string {
  return bytesToHex(sha256(utf8ToBytes(command))).slice(0, 8);
}
