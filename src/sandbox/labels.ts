// WhatsApp Business labels: the palette, the instance's labels and each chat's set, on the routes real
// servers have (`GET/POST /labels`, `PUT /labels/{id}`, `GET/PUT /labels/chats/{chatId}`); there is no
// `PUT /labels/{id}/chats/{chatId}`. Sources: WAHA src/api/labels.controller.ts, src/structures/labels.dto.ts.
import { LABEL_PALETTE } from "../whatsapp.js";
import type { Persona, Reply } from "./engines/persona.js";
import { nestError } from "./engines/persona.js";
import { refuse } from "./model.js";
import type { SandboxState } from "./state.js";

export interface Label {
  id: string;
  name: string;
  color: number;
  colorHex: string;
}

export class LabelBook {
  constructor(private readonly state: SandboxState) {}

  list(): Label[] {
    return this.state.labels.map((l) => ({ ...l, colorHex: LABEL_PALETTE[l.color] ?? "#000000" }));
  }

  get(id: string): Label {
    return this.list().find((l) => l.id === id) ?? refuse(404, `label ${id} not found`, "not-found");
  }

  /** Create (no id) or update a label. */
  save(id: string | undefined, name: string, color: number): Label {
    if (!name.trim()) refuse(400, "name is required", "bad-request");
    if (!Number.isInteger(color) || color < 0 || color >= LABEL_PALETTE.length)
      refuse(400, `color must be 0 to ${LABEL_PALETTE.length - 1}`, "bad-request");
    if (id !== undefined) {
      const existing =
        this.state.labels.find((l) => l.id === id) ?? refuse(404, `label ${id} not found`, "not-found");
      Object.assign(existing, { name, color });
      return this.get(id);
    }
    const next = String(Math.max(0, ...this.state.labels.map((l) => Number(l.id) || 0)) + 1);
    this.state.labels.push({ id: next, name, color });
    return this.get(next);
  }

  ofChat(chatId: string): Label[] {
    const g = this.state.groups.find((x) => x.id === chatId);
    return this.list().filter((l) => g?.labels.includes(l.id));
  }

  /** Replaces the chat's whole set, as `PUT /labels/chats/{chatId}` does on every engine. */
  setChat(chatId: string, ids: string[]): void {
    const g =
      this.state.groups.find((x) => x.id === chatId) ?? refuse(404, `chat ${chatId} not found`, "not-found");
    for (const id of ids) this.get(id);
    g.labels = [...new Set(ids)];
  }
}

/** `/labels/…` (the parts after "labels") -> the book, answered in the persona's shapes. */
export function labelRoute(
  book: LabelBook,
  persona: Persona,
  m: string,
  parts: (string | undefined)[],
  body: Record<string, unknown>,
): Reply {
  const [b, c, d] = parts;
  const name = () =>
    typeof body.name === "string" ? body.name : refuse(400, "name is required", "bad-request");
  const color = () => {
    if (typeof body.color === "number") return body.color;
    if (typeof body.colorHex === "string") {
      const i = LABEL_PALETTE.indexOf(body.colorHex.toLowerCase());
      return i >= 0
        ? i
        : refuse(400, `colorHex ${body.colorHex} is not in WhatsApp's palette`, "bad-request");
    }
    return refuse(400, "color or colorHex is required", "bad-request");
  };
  if (!b && m === "GET") return { status: 200, body: book.list() };
  if (!b && m === "POST") {
    // WAHA's controller refuses a second label of the same name before the engine is asked
    const same = book.list().find((l) => l.name === name());
    if (same) return nestError(422, `Label with '${same.name}' already exists, id: ${same.id}`);
    return { status: 201, body: book.save(undefined, name(), color()) };
  }
  if (b === "chats" && c && !d && m === "GET") return { status: 200, body: book.ofChat(c) };
  if (b === "chats" && c && !d && m === "PUT") {
    const list = body.labels;
    if (!Array.isArray(list)) refuse(400, "labels must be a list of {id}", "bad-request");
    const ids = (list as unknown[]).map((l) => {
      const id = (l as { id?: unknown })?.id;
      return typeof id === "string" ? id : refuse(400, `bad label ${JSON.stringify(l)}`, "bad-request");
    });
    book.setChat(c, ids);
    return persona.done("labels");
  }
  if (b && b !== "chats" && !c && m === "PUT") return { status: 200, body: book.save(b, name(), color()) };
  return nestError(
    404,
    `Cannot ${m} /labels${parts
      .filter(Boolean)
      .map((x) => `/${x}`)
      .join("")}`,
  );
}
