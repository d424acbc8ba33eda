// The transport against a hostile server on 127.0.0.1: every broken answer ends quickly, with one line
// naming the request and the limit, in bounded memory, and never with the token in it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../../src/errors.js";
import { WawpClient } from "../../../src/wawp/client.js";
import { httpTransport, TransportError, type TransportLimits } from "../../../src/wawp/transport.js";
import { type Behaviour, type Hostile, startHostile } from "../../helpers/hostile.js";

const TOKEN = "hostile-token/+ (5f2b)";
const MiB = 1024 * 1024;
let server: Hostile;

beforeAll(async () => {
  server = await startHostile({ dripMs: 100 });
});
afterAll(async () => {
  await server.close();
});

function transport(behaviour: Behaviour, limits: Partial<TransportLimits> = {}) {
  return httpTransport({ baseUrl: server.url(behaviour), instanceId: "inst", accessToken: TOKEN, ...limits });
}

/** The call's error and how long it took to fail. */
async function failure(p: Promise<unknown>): Promise<{ error: TransportError; ms: number }> {
  const t0 = performance.now();
  const error = await p.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  const e = error as TransportError;
  expect(e.message).not.toMatch(/\n/);
  for (const form of [
    TOKEN,
    encodeURIComponent(TOKEN),
    new URLSearchParams({ t: TOKEN }).toString().slice(2),
  ])
    expect(`${e.message} ${e.stack}`).not.toContain(form);
  return { error: e, ms: performance.now() - t0 };
}

/** Runs `fn` while sampling the Buffer memory; returns the peak growth in bytes. */
async function peakBufferGrowth(fn: () => Promise<unknown>): Promise<number> {
  const base = process.memoryUsage().arrayBuffers;
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  }, 5);
  try {
    await fn();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, process.memoryUsage().arrayBuffers) - base;
}

const lastSeen = (behaviour: string) => server.requests.filter((r) => r.behaviour === behaviour).at(-1);

describe("a hostile server", () => {
  it("control: a sane answer passes, and the server really saw the request with its credentials", async () => {
    const t = transport("ok");
    await expect(t.send({ method: "GET", path: "/groups", query: { limit: 5 } })).resolves.toMatchObject({
      status: 200,
      body: [],
    });
    const seen = new URL(lastSeen("ok")!.url, "http://x").searchParams;
    expect(seen.get("access_token")).toBe(TOKEN);
    expect(seen.get("limit")).toBe("5");
    await t.close?.();
  });

  it("truncated JSON with 200 is an error, not data", async () => {
    const { error, ms } = await failure(transport("truncated-json").send({ method: "GET", path: "/groups" }));
    expect(error.message).toMatch(
      /^GET \/truncated-json\/v2\/groups: answered 200 with JSON that is cut short/,
    );
    expect(error.status).toBe(200);
    expect(ms).toBeLessThan(2_000);
  });

  it("an HTML maintenance page with 200 is an error naming the page", async () => {
    const { error } = await failure(transport("html").send({ method: "GET", path: "/groups" }));
    expect(error.message).toBe(
      'GET /html/v2/groups: answered 200 with an HTML page ("Down for maintenance"), not JSON',
    );
  });

  it('{"error":"session not ready"} with 200 is an error, not an empty listing', async () => {
    const { error } = await failure(transport("not-ready").send({ method: "GET", path: "/groups" }));
    expect(error.message).toBe(
      "GET /not-ready/v2/groups: answered 200 with an error instead of a result: session not ready",
    );
  });

  it("a 100 MB listing stops at the cap, without reading the rest or holding it", async () => {
    let result: { error: TransportError; ms: number } | undefined;
    const growth = await peakBufferGrowth(async () => {
      result = await failure(
        transport("huge", { maxResponseBytes: 4 * MiB }).send({ method: "GET", path: "/groups" }),
      );
    });
    expect(result!.error.message).toBe(
      "GET /huge/v2/groups: response larger than the 4 MiB cap (maxResponseBytes); stopped reading",
    );
    expect(result!.error.retriable).toBe(false);
    expect(result!.ms).toBeLessThan(5_000);
    expect(growth).toBeLessThan(48 * MiB);
    const seen = lastSeen("huge")!;
    await seen.done;
    // the server was cut off long before its 100 MB (socket buffers hold a few MB at most)
    expect(seen.bytesWritten).toBeLessThan(40 * MiB);
  });

  it("the default listing cap is 64 MiB", async () => {
    const { error } = await failure(transport("huge").send({ method: "GET", path: "/groups" }));
    expect(error.message).toMatch(/larger than the 64 MiB cap \(maxResponseBytes\)/);
    const seen = lastSeen("huge")!;
    await seen.done;
    expect(seen.bytesWritten).toBeLessThan(100 * MiB);
  });

  it("an endless chunked body ends at the cap", async () => {
    const { error, ms } = await failure(
      transport("endless", { maxResponseBytes: 2 * MiB }).send({ method: "GET", path: "/groups" }),
    );
    expect(error.message).toMatch(/^GET \/endless\/v2\/groups: response larger than the 2 MiB cap/);
    expect(ms).toBeLessThan(5_000);
    await lastSeen("endless")!.done;
  });

  it("a body trickling one byte at a time fails at the body timeout, though it never goes idle", async () => {
    // one byte every 100 ms never trips an idle timer; the body limit is on the whole read
    const { error, ms } = await failure(
      transport("drip", { bodyTimeoutMs: 700 }).send({ method: "GET", path: "/groups" }),
    );
    expect(error.message).toMatch(
      /^GET \/drip\/v2\/groups: response body not complete within 700 ms \(bodyTimeoutMs\); \d+ B received$/,
    );
    expect(error.sent).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(650);
    expect(ms).toBeLessThan(2_000);
    await lastSeen("drip")!.done;
  });

  it("a server that never answers fails at the headers timeout", async () => {
    const { error, ms } = await failure(
      transport("silent", { headersTimeoutMs: 400 }).send({
        method: "POST",
        path: "/groups",
        body: { name: "x" },
      }),
    );
    expect(error.message).toBe("POST /silent/v2/groups: no response within 400 ms (headersTimeoutMs)");
    // a create may have happened: the caller must re-read, never blindly create again
    expect(error.sent).toBe(true);
    expect(ms).toBeLessThan(2_000);
  });

  it("a 302 to another host is reported with its status and never followed", async () => {
    const t = transport("redirect");
    const res = await t.send({ method: "GET", path: "/groups" });
    expect(res.status).toBe(302);
    expect(res.body).toMatch(/^redirect to http:\/\/127\.0\.0\.1:\d+ not followed/);
    expect(JSON.stringify(res)).not.toContain(encodeURIComponent(TOKEN).slice(0, 10));
    expect(res.headers.location).toBeUndefined();
    // and through the client: a one-line error naming the operation and the status, not retried
    const client = new WawpClient(t, { retry: { attempts: 3 }, sleep: async () => undefined });
    const e = (await client.listGroups().catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(302);
    expect(e.message).toMatch(
      /^(list|count) groups: HTTP 302: redirect to http:\/\/127\.0\.0\.1:\d+ not followed/,
    );
    expect(e.message).not.toContain(TOKEN);
    expect(server.elsewhere).toEqual([]);
    const pictures = await failure(t.download(`${server.url("redirect")}/files/pic.jpg`));
    expect(pictures.error.message).toMatch(
      /^picture download from 127\.0\.0\.1:\d+: answered 302, a redirect to http:/,
    );
    expect(server.elsewhere).toEqual([]);
  });

  it("a reset connection fails at once, as possibly sent", async () => {
    const { error, ms } = await failure(transport("reset").send({ method: "GET", path: "/groups" }));
    expect(error.message).toMatch(/^GET \/reset\/v2\/groups: connection reset by the server/);
    expect(error.sent).toBe(true);
    expect(ms).toBeLessThan(2_000);
  });

  it("a connection refused was never sent: safe to retry even a create", async () => {
    const t = httpTransport({ baseUrl: "http://127.0.0.1:1/v2", instanceId: "i", accessToken: TOKEN });
    const { error } = await failure(t.send({ method: "POST", path: "/groups", body: {} }));
    expect(error.sent).toBe(false);
    expect(error.message).toMatch(/^POST \/v2\/groups: .*ECONNREFUSED/);
  });

  it("a picture download stops at its own 8 MiB default cap", async () => {
    const { error } = await failure(transport("ok").download(`${server.url("huge")}/pic.jpg`));
    expect(error.message).toMatch(
      /^picture download from 127\.0\.0\.1:\d+: response larger than the 8 MiB cap \(maxDownloadBytes\); stopped reading$/,
    );
    expect(lastSeen("huge")!.headers).not.toHaveProperty("x-api-key");
    expect(lastSeen("huge")!.url).not.toContain("access_token");
  });
});

describe("the whole run's deadline", () => {
  it("cuts short the call in flight, then fails every later call without sending it", async () => {
    const t = transport("drip", { deadlineMs: 500, bodyTimeoutMs: 30_000 });
    const first = await failure(t.send({ method: "GET", path: "/groups" }));
    expect(first.error.message).toBe(
      "GET /drip/v2/groups: cut short: the run's deadline (deadlineMs 500, 500 ms) has passed",
    );
    expect(first.error.retriable).toBe(false);
    expect(first.ms).toBeLessThan(1_500);
    const before = server.requests.length;
    const next = await failure(t.send({ method: "GET", path: "/groups/x%40g.us" }));
    expect(next.error.message).toBe(
      "GET /drip/v2/groups/x%40g.us: not sent: the run's deadline (deadlineMs 500, 500 ms) has passed",
    );
    expect(next.error.sent).toBe(false);
    expect(next.ms).toBeLessThan(100);
    expect(server.requests.length).toBe(before);
  });

  it("a limit that is not a positive number is refused when the transport is made", () => {
    expect(() => transport("ok", { deadlineMs: -1 })).toThrow(
      "transport limit deadlineMs must be a positive number, got -1",
    );
    expect(() => transport("ok", { maxResponseBytes: Number.NaN })).toThrow(/maxResponseBytes/);
  });
});
