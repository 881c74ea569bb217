// The retry loop: attempts, judging, delays, the --max-time budget, rate-limit waits
// and interruption. Clock, sleep, randomness, the runner and output come in as deps.
import { EXIT, attemptExitCode } from './exit-codes.ts';
import { formatDuration } from './format.ts';
import { findHint } from './hints.ts';
import { judge, type Patterns } from './judge.ts';
import type { AttemptOutcome } from './outcome.ts';
import type { CodeSet } from './codes.ts';
import type { Backoff, Random } from './strategies/types.ts';

export interface AttemptRequest {
  command: readonly string[];
  /** 0 = none. */
  timeoutMs: number;
}

export interface RunningAttempt {
  result: Promise<AttemptOutcome>;
  /** Forwards a signal to the attempt's process group. */
  signal(sig: NodeJS.Signals): void;
}

export interface StatusSink {
  attemptStart(n: number, total: number): void;
  /** nextDelayMs is undefined when no retry follows. */
  attemptFailed(n: number, total: number, reason: string, nextDelayMs?: number): void;
  waiting(message: string): void;
  error(message: string): void;
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
  success: boolean;
  reason: string;
  exitCode: number;
  attempts: AttemptRecord[];
  durationMs: number;
  /** True when a command could not be started at all. */
  spawnFailed: boolean;
}

const MAX_TIME = 'max time reached';

export class RetryRun {
  private readonly abort = new AbortController();
  private interruptedBy: number | undefined;
  private current: RunningAttempt | undefined;
  private signalsSeen = 0;

  constructor(
    private readonly plan: LoopPlan,
    private readonly deps: LoopDeps,
  ) {}

  /** A signal to patience: forwarded to the child; the run stops once it has ended. A second one kills. */
  interrupt(sig: NodeJS.Signals, signalNumber: number): void {
    this.signalsSeen++;
    this.interruptedBy ??= signalNumber;
    this.abort.abort();
    this.current?.signal(this.signalsSeen > 1 ? 'SIGKILL' : sig);
  }

  async run(): Promise<RunResult> {
    const { plan, deps } = this;
    const start = deps.now();
    const deadline = plan.maxTimeMs > 0 ? start + plan.maxTimeMs : Infinity;
    const attempts: AttemptRecord[] = [];
    let delayBefore = 0;
    const end = (success: boolean, reason: string, exitCode: number, spawnFailed = false): RunResult => {
      const interrupted = this.interruptedBy !== undefined;
      return {
        success: success && !interrupted,
        reason: interrupted ? 'interrupted' : reason,
        exitCode: interrupted ? EXIT.signalBase + (this.interruptedBy as number) : exitCode,
        attempts,
        durationMs: deps.now() - start,
        spawnFailed,
      };
    };
    const lastCode = (): number => attempts.at(-1)?.exitCode ?? EXIT.timeout;

    for (let n = 1; n <= plan.attempts; n++) {
      if (plan.gate && !(await this.admit(plan.gate, deadline))) return end(false, MAX_TIME, lastCode());
      if (this.interruptedBy !== undefined) return end(false, 'interrupted', lastCode());

      let timeoutMs = plan.timeoutMs;
      let cutByBudget = false;
      if (deadline !== Infinity) {
        const left = deadline - deps.now();
        if (left <= 0) return end(false, MAX_TIME, lastCode());
        if (timeoutMs === 0 || left < timeoutMs) [timeoutMs, cutByBudget] = [left, true];
      }

      deps.status.attemptStart(n, plan.attempts);
      this.current = deps.run({ command: plan.command, timeoutMs });
      const outcome = await this.current.result;
      this.current = undefined;
      const exitCode = attemptExitCode(outcome);

      if (outcome.kind === 'spawn-failed') {
        attempts.push({ durationMs: outcome.durationMs, exitCode, success: false });
        const reason = `cannot run '${plan.command[0]}': ${outcome.problem}`;
        deps.status.error(reason);
        return end(false, reason, exitCode, true);
      }

      const verdict = judge(outcome, plan.patterns);
      // An attempt cut short by a signal to patience proves nothing, whatever it returned.
      if (this.interruptedBy !== undefined) {
        attempts.push({ durationMs: outcome.durationMs, exitCode, success: false });
        deps.status.attemptFailed(n, plan.attempts, 'interrupted');
        return end(false, 'interrupted', exitCode);
      }
      attempts.push({ durationMs: outcome.durationMs, exitCode, success: verdict.success });
      if (n > 1) plan.backoff.record?.(delayBefore, verdict.success);
      if (verdict.success) return end(true, verdict.reason, EXIT.success);

      const budgetKill = outcome.kind === 'timed-out' && cutByBudget;
      const timedOutLine = budgetKill ? MAX_TIME : `timeout: ${formatDuration(plan.timeoutMs)}`;
      const lineReason = outcome.kind === 'timed-out' && !verdict.stop ? timedOutLine : verdict.reason;
      const stopWith = (reason: string, code: number): RunResult => {
        deps.status.attemptFailed(n, plan.attempts, lineReason);
        return end(false, reason, code);
      };

      if (verdict.stop) return stopWith(verdict.reason, EXIT.failurePattern);
      if (budgetKill) return stopWith(MAX_TIME, exitCode);
      if (plan.stopOn?.has(exitCode)) return stopWith(`exit code ${exitCode} is in --stop-on`, exitCode);
      if (plan.retryOn && !plan.retryOn.has(exitCode))
        return stopWith(`exit code ${exitCode} is not in --retry-on`, exitCode);
      if (n === plan.attempts) {
        return stopWith(plan.attempts === 1 ? verdict.reason : `max retries reached (${verdict.reason})`, exitCode);
      }

      const hintMs = plan.useHints ? findHint(outcome.output.stdout, outcome.output.stderr, deps.now()) : undefined;
      const delay = plan.backoff.delay(n, { random: deps.random, hintMs });
      if (deps.now() + delay >= deadline) {
        return stopWith(hintMs !== undefined ? 'retry-after exceeds max-time' : MAX_TIME, exitCode);
      }
      deps.status.attemptFailed(n, plan.attempts, lineReason, delay);
      await deps.sleep(delay, this.abort.signal);
      delayBefore = delay;
    }
    throw new Error('unreachable: the loop always ends inside');
  }

  /** Waits for a rate-limit slot; false when the wait would overrun the budget. */
  private async admit(gate: Gate, deadline: number): Promise<boolean> {
    for (;;) {
      if (this.interruptedBy !== undefined) return true;
      const claim = await gate.claim(this.deps.now());
      if (claim.ok) return true;
      if (claim.waitUntil > deadline) return false;
      const wait = claim.waitUntil - this.deps.now();
      this.deps.status.waiting(`Rate limit for ${gate.resource}: waiting ${formatDuration(wait)}`);
      await this.deps.sleep(wait, this.abort.signal);
    }
  }
}
