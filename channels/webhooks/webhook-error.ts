// The one error type of the webhook server: a refused delivery, with the status to answer and the reason to log.

export type RefusalStatus = 400 | 401 | 404 | 409 | 413 | 422 | 503;

/** A delivery the server refuses. The central error handler answers `{ error: reason }` with `status` and logs it. */
export class WebhookError extends Error {
  override name = 'WebhookError';
  constructor(
    readonly status: RefusalStatus,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}
