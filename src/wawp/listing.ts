// Paging Get Groups until every group is seen exactly once. Servers cap pages below the limit asked,
// ignore `sortBy` (WEBJS pages follow chat activity, so the order shifts between pages) or ignore
// `offset` altogether; `GET /groups/count` says when the union is complete.
import type { LiveGroup } from "../live/types.js";

export interface ListingPage {
  groups: LiveGroup[];
  /** raw items on the page: the next offset moves by these, whatever the normalizer made of them */
  items: number;
}

export interface ListingOptions {
  /** the number of groups the server counts; undefined when it cannot say (one pass, unchecked). A
   * promise is awaited once the first page is asked for, so the two requests go out together. */
  count: number | undefined | Promise<number | undefined>;
  /** the most groups a page asks for */
  pageSize: number;
  /** about how many participants a page may hold (see pageSizer); unbounded when unset */
  pageParticipants?: number;
  /** whole re-listings while the union is short of the count */
  passes?: number;
  /** items one pass may receive when there is no count to bound it */
  maxItemsUncounted?: number;
}

/** A listing that is short, or never ends: never a plan. */
export class ListingError extends Error {
  override name = "ListingError";
}

/** Asks for the page at `offset`, at most `limit` groups; calls `sized` (when it can) with the page's
 * items and participants as soon as its body is read, before it is normalized. */
type FetchPage = (
  offset: number,
  limit: number,
  sized?: (items: number, participants: number) => void,
) => Promise<ListingPage>;

/** A page asked for; `next` is the page after it, when it was asked for as soon as this one's size
 * was known (the caller was waiting for this one, so the server makes the next meanwhile). */
interface Asked {
  offset: number;
  page: Promise<ListingPage>;
  sized: boolean;
  next?: Asked;
}

export async function completeListing(fetchPage: FetchPage, opts: ListingOptions): Promise<LiveGroup[]> {
  const all: LiveGroup[] = [];
  for await (const page of listingPages(fetchPage, opts)) all.push(...page);
  return all;
}

/**
 * The same listing, page by page: each group is yielded once, on the first page that shows it, so a
 * caller can plan a page and drop it. Only the ids seen are kept. The count is checked after the last
 * page, so a caller must not act on what it was given until the iteration ends without an error.
 */
export async function* listingPages(fetchPage: FetchPage, opts: ListingOptions): AsyncGenerator<LiveGroup[]> {
  const { pageSize } = opts;
  const size = pageSizer(pageSize, opts.pageParticipants ?? Number.POSITIVE_INFINITY);
  let itemCap = Number.POSITIVE_INFINITY;
  /** the page the caller waits for: only its size may ask for the next, so one page is ahead at most */
  let awaiting: Asked | undefined;
  const ask = (offset: number): Asked => {
    const asked: Asked = { offset, sized: false, page: Promise.resolve({ groups: [], items: 0 }) };
    asked.page = fetchPage(offset, size.next(), (items, participants) => {
      asked.sized = true;
      size.counted(items, participants);
      if (awaiting === asked && items > 0 && offset + items <= itemCap) asked.next = ask(offset + items);
    });
    asked.page.catch(() => undefined); // awaited in turn; one the caller never reaches is dropped
    return asked;
  };
  // the first page is asked for beside the count, not after it: one round trip less
  let first: Asked | undefined = ask(0);
  awaiting = first;
  const count = await opts.count;
  const passes = count === undefined ? 1 : Math.max(1, opts.passes ?? 3);
  // twice the count plus slack allows for a shifting order; beyond that a server is looping
  itemCap = count === undefined ? (opts.maxItemsUncounted ?? 200_000) : 2 * count + 2 * pageSize;
  const seen = new Set<string>();
  for (let pass = 1; pass <= passes; pass++) {
    const thisPass = new Set<string>();
    let offset = 0;
    let pages = 0;
    let asked = first ?? ask(0);
    first = undefined;
    for (;;) {
      awaiting = asked;
      const page = await asked.page;
      awaiting = undefined;
      pages++;
      if (!asked.sized) size.saw(page.groups);
      if (page.items === 0) break;
      let fresh = 0;
      const unseen: LiveGroup[] = [];
      for (const g of page.groups) {
        if (!thisPass.has(g.id)) fresh++;
        thisPass.add(g.id);
        if (!seen.has(g.id)) {
          seen.add(g.id);
          unseen.push(g);
        }
      }
      // a server that ignores offset sends the same groups again: no new group, no next page
      const more = fresh > 0;
      if (more) offset += page.items;
      const endless = more && offset > itemCap;
      // the next page is asked for before this one is handed over (as soon as this one's size was
      // known, where the fetcher tells it), so the server makes it while the caller plans this one
      if (more && !endless) {
        if (asked.next?.offset === offset) asked = asked.next;
        else {
          asked = ask(offset);
          // one turn of the event loop puts the request on the wire before the caller's work starts
          await new Promise((r) => setImmediate(r));
        }
      }
      if (unseen.length) yield unseen;
      if (!more) break;
      if (endless)
        throw new ListingError(
          `the listing does not end: ${offset} items over ${pages} pages${count === undefined ? "" : ` while the server counts ${count} groups`}`,
        );
    }
    if (count === undefined || seen.size >= count) return;
  }
  throw new ListingError(
    `listed ${seen.size} groups but the server counts ${count} (${passes} passes); no plan is made from a partial listing`,
  );
}

/**
 * How many groups the next listing page asks for: `most`, or fewer once the groups seen so far
 * average more than `participants / most` people each (10 at the least), so memory per page stays
 * about the same whatever the groups' size. Offsets count items, so pages of any size line up.
 */
export function pageSizer(most: number, participants: number) {
  let groups = 0;
  let people = 0;
  return {
    next(): number {
      if (!groups || !people) return most;
      return Math.max(Math.min(10, most), Math.min(most, Math.floor(participants / (people / groups))));
    },
    saw(page: readonly { participants?: readonly unknown[] }[]): void {
      groups += page.length;
      for (const g of page) people += g.participants?.length ?? 0;
    },
    /** the same, from a page's raw counts */
    counted(items: number, participants: number): void {
      groups += items;
      people += participants;
    },
  };
}
