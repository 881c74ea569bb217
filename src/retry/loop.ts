// The retry loop: attempts, judging, delays, the --max-time budget, rate-limit waits
// and interruption. Clock, sleep, randomness, the runner and output come in as deps.
import type { AttemptOutcome } from './attempt-outcome.ts';
import { EXIT, judgedExitCode } from './exit-codes.ts';
import { findHint } from './hints.ts';
import { lastResponse } from './http-status.ts';
import { judge, type AttemptFault, type Patterns } from './judge.ts';
import type { RunOutcome } from './run-outcome.ts';
import type { CodeSet } from './codes.ts';
import type { Backoff, Random } from './strategies/types.ts';

export interface AttemptRequest {
  command: readonly string[];
  /** 0 = none. */
  timeoutMs: number;
  /** The judge reads this attempt's output (a pattern, an HTTP status, server hints). */
  capture: boolean;
}

export interface RunningAttempt {
  result: Promise<AttemptOutcome>;
  /** Forwards a signal to the attempt's process group. */
  signal(sig: NodeJS.Signals): void;
}

/** Why a status line says an attempt failed (words: src/cli/output.ts). */
export type AttemptFailure =
  | Exclude<AttemptFault, { kind: 'timeout' }>
  /** The attempt ran into --timeout (limitMs). */
  | { kind: 'timeout'; limitMs: number }
  /** The attempt was cut short by --max-time. */
  | { kind: 'max-time' }
  | { kind: 'interrupted' };

export interface StatusSink {
  attemptStart(n: number, total: number): void;
  /** nextDelayMs is undefined when no retry follows. */
  attemptFailed(n: number, total: number, why: AttemptFailure, nextDelayMs?: number): void;
  /** The rate-limit gate refused a start; the loop waits waitMs. */
  rateLimited(resource: string, waitMs: number): void;
  /** The command could not be started; the run ends with a spawn-failed outcome. */
  cannotRun(program: string, problem: string): void;
}

export type Claim = { ok: true } | { ok: false; waitUntil: number };

/**
 * Rate-limit admission before each start (diophantine): the local ledger, or patienced
 * with the ledger as its fallback. The loop does the waiting, so that a wait counts
 * against --max-time and a signal cuts it short.
 */
export interface Gate {
  /** The resource, e.g. "api.github.com". */
  readonly resource: string;
  claim(nowMs: number): Promise<Claim>;
}

export interface LoopPlan {
  command: readonly string[];
  attempts: number;
  timeoutMs: number;
  maxTimeMs: number;
  patterns: Patterns;
  backoff: Backoff;
  /** http-aware: read server hints from the output. */
  useHints: boolean;
  /** http-aware: an HTTP status line in the output judges the attempt (judge.ts). Absent: off. */
  httpStatus?: boolean | undefined;
  retryOn?: CodeSet | undefined;
  stopOn?: CodeSet | undefined;
  gate?: Gate | undefined;
}

export interface LoopDeps {
  run(req: AttemptRequest): RunningAttempt;
  /** Resolves after ms, or early when the signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  now(): number;
  random: Random;
  status: StatusSink;
}

export interface AttemptRecord {
  durationMs: number;
  exitCode: number;
  success: boolean;
}

export interface RunResult {
  outcome: RunOutcome;
  attempts: AttemptRecord[];
  durationMs: number;
}

export class RetryRun {
  private readonly abort = new AbortController();
  private interruptedBy: { signal: NodeJS.Signals; signalNumber: number } | undefined;
  private current: RunningAttempt | undefined;
  private signalsSeen = 0;

  constructor(
    private readonly plan: LoopPlan,
    private readonly deps: LoopDeps,
  ) {}

  /** A signal to patience: forwarded to the child; the run stops once it has ended. A second one kills. */
  interrupt(sig: NodeJS.Signals, signalNumber: number): void {
    this.signalsSeen++;
    this.interruptedBy ??= { signal: sig, signalNumber };
    this.abort.abort();
    this.current?.signal(this.signalsSeen > 1 ? 'SIGKILL' : sig);
  }

  // Long because one loop keeps every way a run can end in sight, in the order they are
  // checked; split up, the order (interrupt > failure pattern > HTTP 4xx > budget > --stop-on >
  // --retry-on > last attempt > delay past the budget) would be spread over several functions.
  async run(): Promise<RunResult> {
    const { plan, deps } = this;
    const start = deps.now();
    const deadline = plan.maxTimeMs > 0 ? start + plan.maxTimeMs : Infinity;
    const attempts: AttemptRecord[] = [];
    let delayBefore = 0;
    /** A signal to patience outranks whatever else ended the run. */
    const end = (outcome: RunOutcome): RunResult => ({
      outcome: this.interruptedBy ? { kind: 'interrupted', ...this.interruptedBy } : outcome,
      attempts,
      durationMs: deps.now() - start,
    });
    const lastCode = (): number => attempts.at(-1)?.exitCode ?? EXIT.timeout;
    const outOfTime = (exitCode: number): RunOutcome => ({ kind: 'max-time', cause: 'budget', exitCode });

    const { success, failure } = plan.patterns;
    const capture = success !== undefined || failure !== undefined || plan.useHints || plan.httpStatus === true;
    for (let n = 1; n <= plan.attempts; n++) {
      if (plan.gate && !(await this.admit(plan.gate, deadline))) return end(outOfTime(lastCode()));
      if (this.interruptedBy) return end({ kind: 'interrupted', ...this.interruptedBy });

      let timeoutMs = plan.timeoutMs;
      let cutByBudget = false;
      if (deadline !== Infinity) {
        const left = deadline - deps.now();
        if (left <= 0) return end(outOfTime(lastCode()));
        if (timeoutMs === 0 || left < timeoutMs) [timeoutMs, cutByBudget] = [left, true];
      }

      deps.status.attemptStart(n, plan.attempts);
      this.current = deps.run({ command: plan.command, timeoutMs, capture });
      const outcome = await this.current.result;
      this.current = undefined;

      if (outcome.kind === 'spawn-failed') {
        attempts.push({ durationMs: outcome.durationMs, exitCode: outcome.exitCode, success: false });
        const program = plan.command[0] ?? '';
        deps.status.cannotRun(program, outcome.problem);
        return end({ kind: 'spawn-failed', program, problem: outcome.problem, exitCode: outcome.exitCode });
      }

      const { stdout, stderr } = outcome.output;
      const response = plan.httpStatus ? lastResponse(stdout, stderr) : undefined;
      const verdict = judge(outcome, plan.patterns, response?.status);
      const exitCode = judgedExitCode(outcome, verdict);
      // An attempt cut short by a signal to patience proves nothing, whatever it returned.
      // A method call: a signal may have come while the attempt ran (TypeScript would keep
      // this.interruptedBy narrowed to undefined from the check before the await).
      const interruptedBy = this.interruption();
      if (interruptedBy) {
        attempts.push({ durationMs: outcome.durationMs, exitCode, success: false });
        deps.status.attemptFailed(n, plan.attempts, { kind: 'interrupted' });
        return end({ kind: 'interrupted', ...interruptedBy });
      }
      attempts.push({ durationMs: outcome.durationMs, exitCode, success: verdict.success });
      if (n > 1) plan.backoff.record?.(delayBefore, verdict.success);
      if (verdict.success) return end({ kind: 'succeeded', by: verdict.by });

      const fault = verdict.fault;
      const budgetKill = outcome.kind === 'timed-out' && cutByBudget;
      const why: AttemptFailure =
        fault.kind !== 'timeout'
          ? fault
          : budgetKill
            ? { kind: 'max-time' }
            : { kind: 'timeout', limitMs: plan.timeoutMs };
      const stopWith = (o: RunOutcome): RunResult => {
        deps.status.attemptFailed(n, plan.attempts, why);
        return end(o);
      };

      if (fault.kind === 'failure-pattern') return stopWith({ kind: 'failure-pattern' });
      if (fault.kind === 'http-not-retryable')
        return stopWith({ kind: 'http-not-retryable', status: fault.status, exitCode });
      if (budgetKill) return stopWith(outOfTime(exitCode));
      if (plan.stopOn?.has(exitCode)) return stopWith({ kind: 'not-retryable', rule: 'stop-on', exitCode });
      if (plan.retryOn && !plan.retryOn.has(exitCode))
        return stopWith({ kind: 'not-retryable', rule: 'retry-on', exitCode });
      if (n === plan.attempts) return stopWith({ kind: 'exhausted', limit: plan.attempts, lastFault: fault, exitCode });

      // With a response found, its own headers hold the hint, not an earlier redirect's.
      const hintMs = plan.useHints ? findHint(stdout, stderr, deps.now(), response?.head) : undefined;
      const delay = plan.backoff.delay(n, { random: deps.random, hintMs });
      if (deps.now() + delay >= deadline) {
        return stopWith({ kind: 'max-time', cause: hintMs !== undefined ? 'retry-after' : 'budget', exitCode });
      }
      deps.status.attemptFailed(n, plan.attempts, why, delay);
      await deps.sleep(delay, this.abort.signal);
      delayBefore = delay;
    }
    throw new Error('unreachable: the loop always ends inside');
  }

  private interruption(): { signal: NodeJS.Signals; signalNumber: number } | undefined {
    return this.interruptedBy;
  }

  /** Waits for a rate-limit slot; false when the wait would overrun the budget. */
  private async admit(gate: Gate, deadline: number): Promise<boolean> {
    for (;;) {
      if (this.interruptedBy) return true;
      const claim = await gate.claim(this.deps.now());
      if (claim.ok) return true;
      if (claim.waitUntil > deadline) return false;
      const wait = claim.waitUntil - this.deps.now();
      this.deps.status.rateLimited(gate.resource, wait);
      await this.deps.sleep(wait, this.abort.signal);
    }
  }
}
