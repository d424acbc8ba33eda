// One Wawp call with retries, backoff and redaction, over any Transport; the client's endpoints
// build on it.
import { realSleep } from "../clock.js";
import type { ApiError } from "../errors.js";
import { log, logs } from "../logger.js";
import { redact } from "../redact.js";
import { apiError } from "./errors.js";
import { ShapeError } from "./read.js";
import { type Transport, TransportError, type WawpRequest, type WawpResponse } from "./transport.js";

export interface RetryPolicy {
  /** attempts in all, the first included */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** a Retry-After longer than this is not waited for: the call fails with the 429 */
  maxRetryAfterMs: number;
  /** total time one call may spend retrying */
  budgetMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 300,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
  budgetMs: 120_000,
};
export interface CallOptions {
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export class WawpCaller {
  readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(
    readonly transport: Transport,
    opts: CallOptions = {},
  ) {
    this.retry = { ...DEFAULT_RETRY, ...opts.retry };
    this.sleep = opts.sleep ?? realSleep;
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
  }

  /**
   * One call with retries. Idempotent calls are retried on 429, 5xx and network errors; a
   * non-idempotent one (create, send) only on 429 and on a connection that never reached the
   * server: after a lost reply it fails as `uncertain`, and the caller re-reads state instead.
   */
  async call(operation: string, req: WawpRequest, idempotent: boolean): Promise<unknown> {
    return (await this.answered(operation, req, idempotent)).body;
  }

  /** The call, with the status it was answered with (a 2xx that still says no, like WEBJS's 201 string). */
  async answered(
    operation: string,
    req: WawpRequest,
    idempotent: boolean,
  ): Promise<{ status: number; body: unknown }> {
    const started = this.now();
    for (let attempt = 1; ; attempt++) {
      let res: WawpResponse | undefined;
      let failure: ApiError;
      const t0 = this.now();
      try {
        res = await this.transport.send(req);
        if (logs("debug"))
          log().debug(
            {
              op: operation,
              method: req.method,
              path: req.path,
              status: res.status,
              ms: this.now() - t0,
              attempt,
            },
            "wawp request",
          );
      } catch (e) {
        if (logs("debug"))
          log().debug(
            {
              op: operation,
              method: req.method,
              path: req.path,
              error: redact(String((e as Error).message)),
              attempt,
            },
            "wawp request failed",
          );
        const sent = e instanceof TransportError ? e.sent : true;
        const detail = e instanceof Error ? e.message : String(e);
        const status = e instanceof TransportError ? (e.status ?? 0) : 0;
        failure = apiError(operation, status, undefined, { uncertain: sent, detail: redact(detail) });
        if (!idempotent && sent) throw failure;
        // an answer no retry can mend (a body over the cap, an unusable 200, the run's deadline): at once
        if (e instanceof TransportError && !e.retriable) throw failure;
        if (!(await this.backoff(attempt, started, undefined))) throw failure;
        log().info(`retrying ${operation} (attempt ${attempt + 1}) after: ${failure.message}`);
        continue;
      }
      if (res.status < 300) return { status: res.status, body: res.body };
      const retryAfterMs = parseRetryAfter(res.headers["retry-after"], this.now());
      failure = apiError(operation, res.status, res.body, {
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        uncertain: !idempotent && res.status >= 500,
      });
      const retriable = res.status === 429 || (res.status >= 500 && idempotent);
      if (!retriable) throw failure;
      if (retryAfterMs !== undefined && retryAfterMs > this.retry.maxRetryAfterMs) throw failure;
      if (!(await this.backoff(attempt, started, retryAfterMs))) throw failure;
      log().info(`retrying ${operation} (attempt ${attempt + 1}) after: ${failure.message}`);
    }
  }

  /** Waits before the next attempt; false when attempts or time are used up. */
  private async backoff(
    attempt: number,
    started: number,
    retryAfterMs: number | undefined,
  ): Promise<boolean> {
    if (attempt >= this.retry.attempts) return false;
    const exp = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    // full jitter, but never sooner than the server asked
    const delay = Math.max(retryAfterMs ?? 0, Math.round(exp / 2 + this.random() * (exp / 2)));
    if (this.now() - started + delay > this.retry.budgetMs) return false;
    await this.sleep(delay);
    return true;
  }

  protected get(operation: string, path: string, query?: WawpRequest["query"]) {
    return this.call(operation, { method: "GET", path, ...(query ? { query } : {}) }, true);
  }

  /** A GET whose answer is read by `read`; an answer it cannot read fails the call, naming it. */
  protected async read<T>(
    operation: string,
    path: string,
    read: (body: unknown) => T,
    query?: WawpRequest["query"],
  ): Promise<T> {
    return readAnswer(operation, read, await this.get(operation, path, query));
  }

  protected write(
    operation: string,
    method: WawpRequest["method"],
    path: string,
    body?: unknown,
    idempotent = true,
  ) {
    return this.call(operation, { method, path, ...(body !== undefined ? { body } : {}) }, idempotent);
  }
}

export function readAnswer<T>(operation: string, read: (body: unknown) => T, body: unknown): T {
  try {
    return read(body);
  } catch (e) {
    if (e instanceof ShapeError) throw apiError(operation, 200, undefined, { detail: e.message });
    throw e;
  }
}
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
