// How many documents every connection together may frame in one stretch of the event loop.
// The framer's own limit (MAX_DOCUMENTS_PER_TURN) keeps one client from holding the loop;
// this one keeps many from doing so together: 64 clients streaming at once would otherwise
// hand the batcher 64 × 256 documents in one turn, and an HTTP request (a health check)
// would wait for all of them to be validated and stored. Once the budget is spent, a
// connection holds its lines and frames them on a later turn (connection.ts), so every
// turn of the loop, HTTP included, comes around within a bounded amount of work.

/** Documents framed per turn by all connections together; one batch stores at most about twice this. */
export const DOCUMENTS_PER_TURN = 1024;

export class TurnBudget {
  private left: number;
  private readonly refill = (): void => {
    this.left = this.perTurn;
  };

  constructor(
    private readonly perTurn = DOCUMENTS_PER_TURN,
    /** When the budget is refilled: on the next check phase of the loop (setImmediate) unless a test drives it. */
    private readonly schedule: (refill: () => void) => void = (refill) => setImmediate(refill),
  ) {
    this.left = perTurn;
  }

  /**
   * Takes one document's place, or says the budget is spent. The first place taken schedules
   * the refill for the loop's next check phase; one taken there schedules it for the check
   * phase of the next turn (Node runs an immediate queued by an immediate on the next turn).
   * So between two polls for I/O at most twice the budget is framed.
   */
  take(): boolean {
    if (this.left === 0) return false;
    if (this.left === this.perTurn) this.schedule(this.refill);
    this.left--;
    return true;
  }
}

/** A budget that never runs out (the framer's tests, and any framer used alone). */
export const UNLIMITED: Pick<TurnBudget, 'take'> = { take: () => true };
