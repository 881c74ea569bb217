// One attempt's outcome: exactly one of four shapes, never a bag of booleans.

/** What the attempt wrote, decoded, up to the capture limit per stream. */
export interface Output {
  stdout: string;
  stderr: string;
}

export type AttemptOutcome =
  | { kind: 'exited'; code: number; durationMs: number; output: Output }
  | { kind: 'signaled'; signal: string; signalNumber: number; durationMs: number; output: Output }
  | { kind: 'timed-out'; durationMs: number; output: Output }
  | {
      kind: 'spawn-failed';
      problem: 'not found' | 'permission denied' | string;
      exitCode: 126 | 127;
      durationMs: number;
    };

/** The outcomes of a command that did run. */
export type RanAttemptOutcome = Exclude<AttemptOutcome, { kind: 'spawn-failed' }>;
