/** No usable HTTP answer. `sent` is true when the request may have reached the server. */
export class TransportError extends Error {
  override name = "TransportError";
  /** false when trying again cannot help: a size cap, the run's deadline, a route the backend lacks */
  readonly retriable: boolean;
  /** the HTTP status when an answer came but could not be used (an HTML page with 200, a body over the cap) */
  readonly status: number | undefined;
  constructor(
    message: string,
    readonly sent: boolean,
    opts: { retriable?: boolean; status?: number } = {},
  ) {
    super(message);
    this.retriable = opts.retriable ?? true;
    this.status = opts.status;
  }
}
