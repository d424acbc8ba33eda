// `sandbox serve --webhook URL`: the simulator tells a webhook receiver (`wagroups watch`) about state
// changes the way WAHA does: an envelope per group event, signed with hex HMAC-SHA512 of the raw body.
// Events come from comparing the state before and after each change, so a change made by any route (or
// by `sandbox drift` against the running server) is reported, the instance's own writes included.
import { createHmac, randomUUID } from "node:crypto";
import type { SandboxState, SbGroup } from "./state.js";

export interface WebhookTarget {
  url: string;
  /** signs each delivery (X-Webhook-Hmac); unsigned without */
  secret?: string;
  /** the session name in the envelope */
  session?: string;
  engine?: string;
}

export interface GroupEvent {
  event: "group.v2.join" | "group.v2.leave" | "group.v2.participants" | "group.v2.update";
  payload: Record<string, unknown>;
}

export interface Seen {
  subject: string;
  description: string;
  settings: string;
  roles: Map<string, string>;
  member: boolean;
}

export function snapshot(state: SandboxState): Map<string, Seen> {
  const out = new Map<string, Seen>();
  for (const g of state.groups)
    out.set(g.id, {
      subject: g.subject,
      description: g.description,
      settings: `${g.announce}/${g.restrict}/${g.memberAddAll}/${g.approval}`,
      roles: new Map(g.participants.map((p) => [p.jid, p.role])),
      member: g.participants.some((p) => p.jid === state.self),
    });
  return out;
}

const info = (g: SbGroup) => ({
  id: g.id,
  subject: g.subject,
  description: g.description,
  // WAHA's known bug on NOWEB and GOWS: the flag comes inverted; receivers must re-read anyway
  membersCanSendMessages: g.announce,
  participants: g.participants.map((p) => ({ id: p.jid, role: p.role })),
});

/** The group events between two states, in WAHA's payload shapes. */
export function groupEvents(before: Map<string, Seen>, state: SandboxState, at: number): GroupEvent[] {
  const after = snapshot(state);
  const events: GroupEvent[] = [];
  const timestamp = Math.floor(at / 1000);
  const participants = (id: string, type: string, jids: string[], roles: Map<string, string>) =>
    events.push({
      event: "group.v2.participants",
      payload: {
        group: { id },
        type,
        timestamp,
        participants: jids.map((jid) => ({ id: jid, role: roles.get(jid) ?? "participant" })),
      },
    });
  for (const g of state.groups) {
    const was = before.get(g.id);
    const now = after.get(g.id)!;
    if (!was?.member && now.member) {
      events.push({ event: "group.v2.join", payload: { group: info(g), timestamp } });
      continue;
    }
    if (!was) continue;
    if (was.member && !now.member) {
      events.push({ event: "group.v2.leave", payload: { group: { id: g.id }, timestamp } });
      continue;
    }
    if (was.subject !== now.subject || was.description !== now.description || was.settings !== now.settings)
      events.push({ event: "group.v2.update", payload: { group: info(g), timestamp } });
    const joined = [...now.roles.keys()].filter((j) => !was.roles.has(j));
    const left = [...was.roles.keys()].filter((j) => !now.roles.has(j));
    const promoted = [...now.roles].filter(([j, r]) => r !== "member" && was.roles.get(j) === "member");
    const demoted = [...now.roles].filter(([j, r]) => r === "member" && (was.roles.get(j) ?? r) !== r);
    if (joined.length) participants(g.id, "join", joined, now.roles);
    if (left.length) participants(g.id, "leave", left, was.roles);
    if (promoted.length)
      participants(
        g.id,
        "promote",
        promoted.map(([j]) => j),
        now.roles,
      );
    if (demoted.length)
      participants(
        g.id,
        "demote",
        demoted.map(([j]) => j),
        now.roles,
      );
  }
  for (const [id, was] of before)
    if (was.member && !after.has(id))
      events.push({ event: "group.v2.leave", payload: { group: { id }, timestamp } });
  return events;
}

export function sign(body: string, secret: string): string {
  return createHmac("sha512", secret).update(body).digest("hex");
}

/** Watches a sandbox's state and delivers an event per change; deliveries are retried once, same id. */
export class WebhookEmitter {
  private before: Map<string, Seen>;
  private sending: Promise<void> = Promise.resolve();
  /** deliveries that failed twice, for the operator's stderr */
  failures = 0;

  constructor(
    private readonly state: SandboxState,
    private readonly target: WebhookTarget,
    private readonly onError: (line: string) => void = () => undefined,
  ) {
    this.before = snapshot(state);
  }

  /** Call after the state changed: queues one delivery per event, in order. */
  changed(at = Date.now()): number {
    const events = groupEvents(this.before, this.state, at);
    this.before = snapshot(this.state);
    for (const e of events) this.sending = this.sending.then(() => this.deliver(e, at));
    return events.length;
  }

  /** Resolves when every queued delivery was attempted. */
  flush(): Promise<void> {
    return this.sending;
  }

  private async deliver(e: GroupEvent, at: number): Promise<void> {
    const id = randomUUID();
    const body = JSON.stringify({
      id: `evt_${id}`,
      timestamp: at,
      session: this.target.session ?? "default",
      engine: this.target.engine ?? "WEBJS",
      event: e.event,
      payload: e.payload,
      me: { id: this.state.self },
    });
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "x-webhook-request-id": id,
      "x-webhook-timestamp": String(at),
    };
    if (this.target.secret) {
      headers["x-webhook-hmac"] = sign(body, this.target.secret);
      headers["x-webhook-hmac-algorithm"] = "sha512";
    }
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        const res = await fetch(this.target.url, {
          method: "POST",
          headers,
          body,
          signal: AbortSignal.timeout(5_000),
        });
        await res.arrayBuffer();
        if (res.status < 500) return;
      } catch {
        // the receiver is down or restarting: one more try, then it catches up by its own resync
      }
      if (attempt === 1) await new Promise((r) => setTimeout(r, 250));
    }
    this.failures++;
    this.onError(`wagroups sandbox: webhook ${e.event} to ${this.target.url} failed twice; dropped`);
  }
}
