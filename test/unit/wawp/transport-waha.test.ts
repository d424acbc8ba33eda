// The WAHA backend: the client's Wawp-shaped requests land on WAHA's routes (read from WAHA's controllers,
// github.com/devlikeapro/waha src/api/*.controller.ts), with the key in X-Api-Key and nowhere else.
import fs from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../../src/errors.js";
import { createLogger } from "../../../src/logger.js";
import { WawpClient } from "../../../src/wawp/client.js";
import { TransportError, type WawpRequest } from "../../../src/wawp/transport.js";
import { wahaRoute, wahaTransport } from "../../../src/wawp/waha.js";

const KEY = "waha-key/+ (9c1d)e";

describe("wahaRoute: Wawp paths to WAHA's", () => {
  const cases: [WawpRequest, { method: string; path: string; query?: object; body?: unknown }][] = [
    [
      { method: "GET", path: "/groups", query: { limit: 10, offset: 0, sortBy: "id" } },
      { method: "GET", path: "/api/default/groups", query: { limit: 10, offset: 0, sortBy: "id" } },
    ],
    [
      { method: "GET", path: "/groups/count" },
      { method: "GET", path: "/api/default/groups/count" },
    ],
    [
      { method: "GET", path: "/groups/1%40g.us/participants/v2" },
      { method: "GET", path: "/api/default/groups/1%40g.us/participants/v2" },
    ],
    [
      {
        method: "PUT",
        path: "/groups/1%40g.us/settings/security/info-admin-only",
        body: { adminsOnly: true },
      },
      {
        method: "PUT",
        path: "/api/default/groups/1%40g.us/settings/security/info-admin-only",
        body: { adminsOnly: true },
      },
    ],
    [
      { method: "POST", path: "/groups", body: { name: "VIP-1 | A", participants: [{ id: "1@c.us" }] } },
      {
        method: "POST",
        path: "/api/default/groups",
        body: { name: "VIP-1 | A", participants: [{ id: "1@c.us" }] },
      },
    ],
    [
      { method: "DELETE", path: "/groups/1%40g.us" },
      { method: "DELETE", path: "/api/default/groups/1%40g.us" },
    ],
    [
      { method: "GET", path: "/chats/1%40c.us/messages", query: { limit: 20, downloadMedia: false } },
      {
        method: "GET",
        path: "/api/default/chats/1%40c.us/messages",
        query: { limit: 20, downloadMedia: false },
      },
    ],
    [
      { method: "GET", path: "/labels" },
      { method: "GET", path: "/api/default/labels" },
    ],
    [
      { method: "PUT", path: "/labels/chats/1%40g.us", body: { labels: [{ id: "3" }] } },
      { method: "PUT", path: "/api/default/labels/chats/1%40g.us", body: { labels: [{ id: "3" }] } },
    ],
    [
      { method: "GET", path: "/lids/123%40lid" },
      { method: "GET", path: "/api/default/lids/123%40lid" },
    ],
    [
      { method: "GET", path: "/lids/pn/14155550101%40c.us" },
      { method: "GET", path: "/api/default/lids/pn/14155550101%40c.us" },
    ],
    [
      { method: "GET", path: "/contacts/14155550101%40c.us" },
      { method: "GET", path: "/api/default/contacts/14155550101%40c.us" },
    ],
    [
      { method: "GET", path: "/contacts/check-exists", query: { phone: "14155550101" } },
      {
        method: "GET",
        path: "/api/contacts/check-exists",
        query: { phone: "14155550101", session: "default" },
      },
    ],
    [
      { method: "POST", path: "/contacts/block", body: { contactId: "1@c.us" } },
      { method: "POST", path: "/api/contacts/block", body: { contactId: "1@c.us", session: "default" } },
    ],
    [
      { method: "POST", path: "/send/text", body: { chatId: "14155550101@c.us", message: "hello" } },
      {
        method: "POST",
        path: "/api/sendText",
        body: { session: "default", chatId: "14155550101@c.us", text: "hello" },
      },
    ],
  ];
  it.each(cases)("%j", (req, want) => {
    expect(wahaRoute(req, "default")).toEqual({ query: {}, body: undefined, ...want });
  });

  it("names the session URL-encoded, and drops Wawp credentials from query and body", () => {
    const route = wahaRoute(
      {
        method: "POST",
        path: "/groups",
        query: { instance_id: "i", access_token: "t", limit: 1 },
        body: { name: "x", access_token: "t", instance_id: "i" },
      },
      "shop 1/eu",
    );
    expect(route).toEqual({
      method: "POST",
      path: "/api/shop%201%2Feu/groups",
      query: { limit: 1 },
      body: { name: "x" },
    });
  });

  it("a request WAHA has no route for fails unsent, naming it", () => {
    for (const req of [
      { method: "POST", path: "/send/image", body: {} },
      { method: "GET", path: "/sessions" },
      { method: "POST", path: "/send/text", body: { chatId: "1@c.us" } },
    ] as WawpRequest[]) {
      const e = (() => {
        try {
          wahaRoute(req, "default");
        } catch (x) {
          return x;
        }
      })() as TransportError;
      expect(e).toBeInstanceOf(TransportError);
      expect(e.sent).toBe(false);
      expect(e.retriable).toBe(false);
      expect(e.message.startsWith(`${req.method} ${req.path}: `)).toBe(true);
    }
  });
});

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback stand-in for WAHA that records what arrives and answers like WAHA's error filter. */
let waha: Server;
let wahaUrl: string;
const received: Received[] = [];
beforeAll(async () => {
  waha = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(value));
      };
      if (req.headers["x-api-key"] !== KEY)
        return json(401, { message: `Unauthorized: ${String(req.headers["x-api-key"])}`, statusCode: 401 });
      if (req.url?.startsWith("/api/default/groups/count")) return json(200, { count: 0 });
      if (req.url?.startsWith("/api/default/groups?")) return json(200, []);
      if (req.url === "/api/sendText")
        return json(201, { id: "true_1@c.us_ABC", body: JSON.parse(body).text });
      // WAHA's error filter echoes the request, headers included, into a 500's exception
      return json(500, {
        statusCode: 500,
        exception: { message: "boom", request: { headers: req.headers } },
      });
    });
  });
  await new Promise<void>((r) => waha.listen(0, "127.0.0.1", r));
  wahaUrl = `http://127.0.0.1:${(waha.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => waha.close(r));
});
afterEach(() => {
  received.length = 0;
  vi.restoreAllMocks();
  createLogger({ level: "silent", json: true });
});

describe("wahaTransport on the wire", () => {
  it("lists groups and sends text on WAHA's routes, the key only in X-Api-Key", async () => {
    const t = wahaTransport({ url: `${wahaUrl}/`, apiKey: KEY });
    const client = new WawpClient(t, { pageSize: 50 });
    await expect(client.listGroups()).resolves.toEqual([]);
    await client.sendText("14155550101@c.us", "Welcome!");
    const list = received.find((r) => r.url.startsWith("/api/default/groups?"));
    const send = received.find((r) => r.url === "/api/sendText");
    expect(received.map((r) => r.url.split("?")[0])).toContain("/api/default/groups/count");
    expect(list?.method).toBe("GET");
    expect(list?.url.split("?")[0]).toBe("/api/default/groups");
    expect(new URL(list!.url, wahaUrl).searchParams.get("limit")).toBe("50");
    expect(send?.method).toBe("POST");
    expect(send?.url).toBe("/api/sendText");
    expect(send?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(send!.body)).toEqual({
      session: "default",
      chatId: "14155550101@c.us",
      text: "Welcome!",
    });
    for (const r of received) {
      expect(r.headers["x-api-key"]).toBe(KEY);
      for (const form of [KEY, encodeURIComponent(KEY)]) expect(r.url).not.toContain(form);
      expect(r.url).not.toMatch(/instance_id|access_token/);
    }
    expect(t.label).toBe(`WAHA ${wahaUrl}/ (session default)`);
    await t.close?.();
  });

  it("the key never reaches an error, its body or a log line, even when the server echoes it", async () => {
    const lines: string[] = [];
    const write = fs.writeSync;
    vi.spyOn(fs, "writeSync").mockImplementation(((fd: number, data: unknown, ...rest: never[]) => {
      if (fd === 2) {
        lines.push(String(data));
        return String(data).length;
      }
      return write(fd, data as string, ...rest);
    }) as typeof fs.writeSync);
    createLogger({ level: "debug", json: true });
    const good = new WawpClient(wahaTransport({ url: wahaUrl, apiKey: KEY, session: "default" }), {
      retry: { attempts: 2 },
      sleep: async () => undefined,
    });
    const bad = new WawpClient(wahaTransport({ url: wahaUrl, apiKey: `${KEY}-wrong` }), {
      retry: { attempts: 1 },
    });
    const errors = await Promise.all([
      good.getParticipants("1@g.us").catch((e: unknown) => e),
      bad.listGroups().catch((e: unknown) => e),
    ]);
    expect(errors.map((e) => (e as ApiError).status)).toEqual([500, 401]);
    expect(lines.length).toBeGreaterThan(0);
    const everything = [
      ...lines,
      ...errors.map((e) => `${(e as Error).message} ${(e as Error).stack} ${JSON.stringify(e)}`),
    ].join("\n");
    for (const e of errors) expect(e).toBeInstanceOf(ApiError);
    expect(everything).toContain('"msg":"wawp request"');
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(encodeURIComponent(KEY));
    // nor any piece of it: a header echo once lost only the key's head
    expect(everything).not.toContain("(9c1d)e");
    expect(everything).toContain('"x-api-key":"***"');
  });

  it("bad settings fail at once with a line naming the variable", () => {
    expect(() => wahaTransport({ url: "localhost:3000", apiKey: KEY })).toThrow(
      "WAHA_URL must be an http:// or https:// URL, not localhost:",
    );
    expect(() => wahaTransport({ url: "not a url", apiKey: KEY })).toThrow(
      'WAHA_URL is not a URL: "not a url"',
    );
    expect(() => wahaTransport({ url: wahaUrl, apiKey: "" })).toThrow("WAHA_API_KEY is empty");
  });
});
