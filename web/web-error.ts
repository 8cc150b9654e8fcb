// The one error type of the web pages: an HTTP status and a sentence for the person reading the page.
export class WebError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 413 | 422,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'WebError';
  }
}
