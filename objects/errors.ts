// The few typed errors escalator raises: each carries what a reader needs to act, and keeps its cause.

/** Bad input from a person or a file: shown as one line, exit code 1 (or 2 for bad usage). */
export class EscalatorError extends Error {
  override name = 'EscalatorError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A definition file (.object.yaml, .job.yaml, workspace.yaml) that does not validate. */
export class DefinitionError extends EscalatorError {
  override name = 'DefinitionError';
  constructor(
    readonly file: string,
    readonly detail: string,
    options?: { cause?: unknown; line?: number },
  ) {
    super(`${file}${options?.line !== undefined ? `:${options.line}` : ''}: ${detail}`, options);
  }
}

/** A value that does not fit its field (unknown enum option, unparseable date, ambiguous relation …). */
export class ValidationError extends EscalatorError {
  override name = 'ValidationError';
}

/** SQL that DuckDB refused; keeps the statement and its parameters for whoever debugs it. */
export class QueryError extends EscalatorError {
  override name = 'QueryError';
  constructor(
    message: string,
    readonly sql: string,
    readonly params: readonly unknown[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The command line was used wrongly: exit code 2. */
export class UsageError extends EscalatorError {
  override name = 'UsageError';
}

/** The message of any thrown value, on one line. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
