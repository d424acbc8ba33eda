// The double's labels, as NOWEB with its store enabled serves them (wawp-api.md "Labels"): a chat's
// set is only ever replaced whole, and there is no per-label assignment route.

export interface DoubleLabel {
  id: string;
  name: string;
  color: number;
}

type Send = (status: number, data: unknown) => void;

/** WhatsApp's label palette, in index order (WAHA `labels.dto.ts`). */
export const PALETTE = [
  "#ff9485",
  "#64c4ff",
  "#ffd429",
  "#dfaef0",
  "#99b6c1",
  "#55ccb3",
  "#ff9dff",
  "#d3a91d",
  "#6d7cce",
  "#d7e752",
  "#00d0e2",
  "#ffc5c7",
  "#93ceac",
  "#f74848",
  "#00a0f2",
  "#83e422",
  "#ffaf04",
  "#b5ebff",
  "#9ba6ff",
  "#9368cf",
];

// Baileys errors surface through WAHA as 500s carrying the exception, even for "not found"
export const EXCEPTION = (message: string) => ({
  statusCode: 500,
  timestamp: new Date().toISOString(),
  exception: { message, name: "Error" },
});

/** `labels: false` is a number without labels (not Business, or the NOWEB store off): 400 on every route. */
export function labelStore(initial: DoubleLabel[] | false | undefined, chats: Record<string, string[]> = {}) {
  const labels = initial === false ? [] : structuredClone(initial ?? []);
  const chatLabels = new Map(Object.entries(structuredClone(chats)));
  return {
    labels,
    chatLabels,
    route(method: string, parts: string[], body: Record<string, unknown>, send: Send, cannot: () => void) {
      if (initial === false)
        return send(400, { statusCode: 400, message: "Enable NOWEB store", error: "Bad Request" });
      const [, a, b] = parts;
      const view = (l: DoubleLabel) => ({ ...l, colorHex: PALETTE[l.color] ?? "#000000" });
      const color = (): number | undefined => {
        if (typeof body.color === "number" && body.color >= 0 && body.color < PALETTE.length)
          return body.color;
        const i = PALETTE.indexOf(String(body.colorHex ?? "").toLowerCase());
        return i >= 0 ? i : undefined;
      };
      if (!a && method === "GET") return send(200, labels.map(view));
      if (!a && method === "POST") {
        const c = color();
        if (typeof body.name !== "string" || !body.name || c === undefined)
          return send(400, { statusCode: 400, message: "name and color (0-19) or colorHex are required" });
        const l = {
          id: String(labels.reduce((n, x) => Math.max(n, Number(x.id) || 0), 0) + 1),
          name: body.name,
          color: c,
        };
        labels.push(l);
        return send(201, view(l));
      }
      if (a === "chats" && b && method === "GET")
        return send(
          200,
          (chatLabels.get(b) ?? []).flatMap((id) => labels.filter((l) => l.id === id)).map(view),
        );
      if (a === "chats" && b && method === "PUT") {
        // replaces the chat's whole set: what is not sent is removed
        const ids = ((body.labels as { id?: unknown }[] | undefined) ?? []).map((l) => String(l.id));
        if (ids.some((id) => !labels.some((l) => l.id === id)))
          return send(500, EXCEPTION("label not found"));
        chatLabels.set(b, [...new Set(ids)]);
        return send(200, undefined);
      }
      const label = labels.find((l) => l.id === a);
      if (a && !b && label && method === "PUT") {
        const c = color();
        if (typeof body.name === "string" && body.name) label.name = body.name;
        if (c !== undefined) label.color = c;
        return send(200, view(label));
      }
      return cannot();
    },
  };
}
