/** A mistake in the command line, config or environment: reported in one line, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** A short usage hint printed after the error, for grammar mistakes. */
    readonly hint?: string,
  ) {
    super(message);
  }
}
