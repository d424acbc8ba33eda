import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/errors.js";
import type { LiveGroup } from "../../../src/live/types.js";
import { WawpClient } from "../../../src/wawp/client.js";
import {
  completeListing,
  ListingError,
  type ListingPage,
  listingPages,
  pageSizer,
} from "../../../src/wawp/listing.js";
import { fakeTransport } from "../../helpers/fake-transport.js";

const group = (i: number): LiveGroup => ({
  id: `1203630255500000${String(i).padStart(2, "0")}@g.us`,
  subject: `G-${i}`,
  settings: {},
});
const ids = (gs: LiveGroup[]) => gs.map((g) => g.id).sort();
const all = (n: number) => Array.from({ length: n }, (_, i) => group(i + 1));

/** Pages over `order()`, which may change between calls (a listing sorted by chat activity). */
function server(order: () => LiveGroup[], cap = Number.POSITIVE_INFINITY) {
  let calls = 0;
  const fetch = async (offset: number): Promise<ListingPage> => {
    calls++;
    const page = order().slice(offset, offset + Math.min(2, cap));
    return { groups: page, items: page.length };
  };
  return { fetch, calls: () => calls };
}

describe("completeListing", () => {
  it("pages until an empty page and stops there when the union matches the count", async () => {
    const s = server(() => all(5));
    expect(ids(await completeListing(s.fetch, { count: 5, pageSize: 2 }))).toEqual(ids(all(5)));
    expect(s.calls()).toBe(4); // 2 + 2 + 1 + the empty page
  });

  it("re-pages when the order shifted between pages (WEBJS ignores sortBy) until the count is reached", async () => {
    // first pass: after page 1 the newest activity moves group 3 to the front, so group 3 is never
    // on a later page and group 2 shows twice; the second pass sees the settled order
    let call = 0;
    const s = server(() => {
      call++;
      const g = all(4);
      if (call === 2) return [g[2]!, g[0]!, g[1]!, g[3]!];
      if (call === 3) return [g[2]!, g[0]!, g[1]!, g[1]!];
      return g;
    });
    const out = await completeListing(s.fetch, { count: 4, pageSize: 2 });
    expect(ids(out)).toEqual(ids(all(4)));
    expect(s.calls()).toBe(6); // a first pass of 3 pages that missed group 3, then a full one
  });

  it("still short after the passes: an error that says both numbers, never a partial listing", async () => {
    const s = server(() => all(3));
    const err = await completeListing(s.fetch, { count: 5, pageSize: 2, passes: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListingError);
    expect((err as Error).message).toBe(
      "listed 3 groups but the server counts 5 (3 passes); no plan is made from a partial listing",
    );
  });

  it("a server that ignores offset (the same page again) ends the pass instead of looping", async () => {
    const fetch = async (): Promise<ListingPage> => ({ groups: all(2), items: 2 });
    await expect(completeListing(fetch, { count: undefined, pageSize: 2 })).resolves.toHaveLength(2);
  });

  it("a listing that never ends is an error bounded by the count, not unbounded memory", async () => {
    let n = 0;
    const fetch = async (): Promise<ListingPage> => {
      const page = [group(++n), group(++n)];
      return { groups: page, items: 2 };
    };
    const err = await completeListing(fetch, { count: 10, pageSize: 2 }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      "the listing does not end: 26 items over 13 pages while the server counts 10 groups",
    );
    expect(n).toBe(26);
  });

  it("without a count, the cap is the configured item budget", async () => {
    let n = 0;
    const fetch = async (): Promise<ListingPage> => ({ groups: [group(++n)], items: 1 });
    const err = await completeListing(fetch, { count: undefined, pageSize: 1, maxItemsUncounted: 50 }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toBe("the listing does not end: 51 items over 51 pages");
  });
});

describe("listingPages", () => {
  it("asks for the next page before handing over this one, so the server works while the caller plans", async () => {
    const s = server(() => all(5));
    const asked: number[] = [];
    for await (const page of listingPages(s.fetch, { count: 5, pageSize: 2 }))
      asked.push(page.length, s.calls());
    // page sizes and the requests sent by then: the next page is always on its way
    expect(asked).toEqual([2, 2, 2, 3, 1, 4]);
    expect(s.calls()).toBe(4); // no request more than paging one at a time
  });

  it("asks for the next page once this one's size is known, before it is normalized, and for the first beside the count; never more than one page ahead", async () => {
    const log: string[] = [];
    let release: () => void = () => {};
    let countAnswered = false;
    const count = new Promise<number>((resolve) => {
      release = () => {
        countAnswered = true;
        resolve(7);
      };
    });
    const fetch = async (offset: number, _limit: number, sized?: (items: number, people: number) => void) => {
      log.push(`ask ${offset}${offset === 0 && !countAnswered ? " (count pending)" : ""}`);
      await new Promise((r) => setImmediate(r));
      const page = all(7).slice(offset, offset + 3);
      sized?.(page.length, page.length * 10);
      log.push(`normalize ${offset}`);
      return { groups: page, items: page.length };
    };
    const pages = listingPages(fetch, { count, pageSize: 3 });
    const firstPage = pages.next();
    await new Promise((r) => setImmediate(r));
    release();
    expect((await firstPage).value).toHaveLength(3);
    // the caller plans the first page slowly: the third page must not be asked for meanwhile
    await new Promise((r) => setTimeout(r, 20));
    expect(log).toEqual(["ask 0 (count pending)", "ask 3", "normalize 0", "normalize 3"]);
    for await (const page of { [Symbol.asyncIterator]: () => pages }) expect(page.length).toBeGreaterThan(0);
    expect(log).toEqual([
      "ask 0 (count pending)",
      "ask 3",
      "normalize 0",
      "normalize 3",
      "ask 6",
      "normalize 6",
      "ask 7",
      "normalize 7",
    ]);
  });

  it("a caller that stops early leaves no failing request behind", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on("unhandledRejection", onUnhandled);
    try {
      let calls = 0;
      const fetch = async (offset: number): Promise<ListingPage> => {
        if (calls++ > 0) throw new Error("the second page fails");
        return { groups: all(2).slice(offset), items: 2 };
      };
      for await (const page of listingPages(fetch, { count: 4, pageSize: 2 })) {
        expect(page).toHaveLength(2);
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
      expect(calls).toBe(2);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});

describe("WawpClient.listGroups against /groups/count", () => {
  const raw = (i: number) => ({ id: group(i).id, subject: `G-${i}`, participants: [] });

  it("a short listing fails before any plan, naming the operation and both numbers", async () => {
    const { transport } = fakeTransport((req) => {
      if (req.path === "/groups/count") return [200, { count: 3 }];
      if (req.path === "/groups") return [200, req.query?.offset === 0 ? [raw(1), raw(2)] : []];
      return undefined;
    });
    const err = await new WawpClient(transport, { pageSize: 2 }).listGroups().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as Error).message).toBe(
      "list groups: listed 2 groups but the server counts 3 (3 passes); no plan is made from a partial listing",
    );
  });

  it("an old server without /groups/count (404): one pass, unchecked", async () => {
    const { transport, seen } = fakeTransport((req) => {
      if (req.path === "/groups") return [200, req.query?.offset === 0 ? [raw(1), raw(2)] : []];
      return undefined;
    });
    const groups = await new WawpClient(transport, { pageSize: 2 }).listGroups();
    expect(groups.map((g) => g.subject)).toEqual(["G-1", "G-2"]);
    expect(seen("GET", "/groups")).toBe(2);
  });

  it("a 200 that is no listing ({error: session not ready}) is an error, not zero groups", async () => {
    const { transport } = fakeTransport((req) => {
      if (req.path === "/groups/count") return [200, { count: 0 }];
      if (req.path === "/groups") return [200, { error: "session not ready" }];
      return undefined;
    });
    await expect(new WawpClient(transport).listGroups()).rejects.toThrow(
      "list groups: HTTP 200: not a groups listing: an object with keys error",
    );
  });

  it("an unreadable count is an error too", async () => {
    const { transport } = fakeTransport((req) =>
      req.path === "/groups/count" ? [200, "<html>"] : undefined,
    );
    await expect(new WawpClient(transport).listGroups()).rejects.toThrow(
      'count groups: HTTP 200: not a count: text, not JSON ("<html>")',
    );
  });

  it("resolves the listing's unresolved privacy IDs, one look-up per ID", async () => {
    const lid = "205487112233445@lid";
    const { transport, seen } = fakeTransport((req) => {
      if (req.path === "/groups/count") return [200, { count: 2 }];
      if (req.path === "/groups")
        return [
          200,
          req.query?.offset === 0
            ? [1, 2].map((i) => ({ ...raw(i), participants: [{ id: lid, role: "participant" }] }))
            : [],
        ];
      if (req.path === `/lids/${encodeURIComponent(lid)}`) return [200, { lid, pn: "14155550103@c.us" }];
      return undefined;
    });
    const groups = await new WawpClient(transport).listGroups();
    expect(groups.map((g) => g.participants)).toEqual([
      [{ jid: "14155550103@c.us", role: "member", lid }],
      [{ jid: "14155550103@c.us", role: "member", lid }],
    ]);
    expect(seen("GET", `/lids/${encodeURIComponent(lid)}`)).toBe(1);
  });
});

describe("listing pages sized by participants", () => {
  it("asks for fewer groups per page once the groups seen are large, never fewer than 10", () => {
    const size = pageSizer(500, 50_000);
    expect(size.next()).toBe(500);
    size.saw(Array.from({ length: 500 }, () => ({ participants: new Array(100) })));
    expect(size.next()).toBe(500); // 100 each: 500 groups hold 50,000
    size.saw(Array.from({ length: 500 }, () => ({ participants: new Array(1_900) })));
    expect(size.next()).toBe(50); // 1,000 each on average now
    const huge = pageSizer(500, 50_000);
    huge.saw([{ participants: new Array(100_000) }]);
    expect(huge.next()).toBe(10);
    const none = pageSizer(500, 50_000);
    none.saw([{}, {}]); // an engine that lists no participants: full pages
    expect(none.next()).toBe(500);
  });

  it("the client's pages line up by offset whatever their size: every group once, in order", async () => {
    const big = (i: number) => ({
      id: group(i).id,
      subject: `G-${i}`,
      participants: Array.from({ length: 40 }, (_, k) => ({
        id: `1415555${String(i * 100 + k).padStart(4, "0")}@c.us`,
        isAdmin: k === 0,
        isSuperAdmin: false,
      })),
    });
    const fleet = Array.from({ length: 37 }, (_, i) => big(i + 1));
    const { transport, requests } = fakeTransport((req) => {
      if (req.path === "/groups/count") return [200, { count: fleet.length }];
      if (req.path === "/groups") {
        const offset = Number(req.query?.offset);
        return [200, fleet.slice(offset, offset + Number(req.query?.limit))];
      }
      return undefined;
    });
    const client = new WawpClient(transport, { pageSize: 20, pageParticipants: 600 });
    const groups = await client.listGroups();
    expect(groups.map((g) => g.subject)).toEqual(fleet.map((g) => g.subject));
    const limits = requests.filter((r) => r.path === "/groups").map((r) => Number(r.query?.limit));
    // 20 first, then 600 / 40 = 15 a page: 20 + 15 + 2 groups, and the empty page that ends them
    expect(limits).toEqual([20, 15, 15, 15]);
  });
});
