// Small builders for planner and executor tests.

import { execute } from "../../src/apply/execute.js";
import { TokenBucket } from "../../src/apply/throttle.js";
import type { Clock } from "../../src/clock.js";
import type { LiveGroup, LiveParticipant, Mutator } from "../../src/live/types.js";
import { type Config, DEFAULT_CONFIG, type Desired, type DesiredGroup } from "../../src/manifest/types.js";
import { planFleet } from "../../src/reconcile/index.js";
import { NO_FAULTS, parseFaults } from "../../src/sandbox/faults.js";
import { Sandbox } from "../../src/sandbox/sandbox.js";
import type { SandboxState, SbGroup, SbParticipant } from "../../src/sandbox/state.js";
import { inProcessTransport } from "../../src/sandbox/transport.js";
import { WawpClient } from "../../src/wawp/client.js";

export const SELF = "14155550100@c.us";
export const n = (i: number) => `1415555${String(i).padStart(4, "0")}@c.us`;

export function config(over: Partial<Config> = {}): Config {
  return { ...structuredClone(DEFAULT_CONFIG), self: SELF, ...over };
}

export function group(p: Partial<DesiredGroup> & { serial: string }): DesiredGroup {
  const title = p.title ?? `Group ${p.serial}`;
  return {
    title,
    subject: `${p.serial} | ${title}`,
    settings: { ...DEFAULT_CONFIG.defaults.settings },
    admins: new Float64Array(),
    members: new Float64Array(),
    removeUnlisted: true,
    retired: false,
    labels: [],
    ignore: [],
    file: `groups/${p.serial}.yaml`,
    ...p,
  };
}

/** a role's people: the numbers of n(i) */
export const people = (...ids: number[]) => Float64Array.from(ids, (i) => Number(n(i).slice(0, -5)));

export function desired(groups: DesiredGroup[], cfg: Config = config()): Desired {
  return { config: cfg, groups, aliases: {} };
}

export function live(p: Partial<LiveGroup> & { id: string; subject: string }): LiveGroup {
  return {
    owner: SELF,
    creation: 1_700_000_000,
    settings: { ...DEFAULT_CONFIG.defaults.settings },
    description: "",
    participants: [{ jid: SELF, role: "superadmin" }],
    ...p,
  };
}

export const members = (...ids: number[]): LiveParticipant[] =>
  ids.map((i) => ({ jid: n(i), role: "member" }));
export const admins = (...ids: number[]): LiveParticipant[] => ids.map((i) => ({ jid: n(i), role: "admin" }));

// ---- sandbox states ----

export function sbGroup(
  p: Partial<SbGroup> & { id: string; subject: string; participants: SbParticipant[] },
): SbGroup {
  return {
    description: "",
    owner: SELF,
    creation: 1_700_000_000,
    announce: false,
    restrict: true,
    memberAddAll: false,
    approval: false,
    inviteCode: `code${p.id.slice(0, 6)}`,
    labels: [],
    ...p,
  };
}

export function sbState(groups: SbGroup[], over: Partial<SandboxState> = {}): SandboxState {
  return {
    version: 1,
    self: SELF,
    engine: "wawp",
    groups,
    privacyRestricted: [],
    notOnWhatsApp: [],
    inviteV4: false,
    messages: {},
    labels: [{ id: "1", name: "vip", color: 1 }],
    files: {},
    counter: 0,
    ...over,
  };
}

/** A sandbox and a client talking to it in-process; sleeps are instant. */
export function sandboxClient(state: SandboxState, faults = "", now?: () => number) {
  const sandbox = new Sandbox(state, {
    faults: faults ? parseFaults(faults) : NO_FAULTS,
    ...(now ? { now } : {}),
  });
  const client = new WawpClient(
    inProcessTransport(sandbox, async () => {}),
    { sleep: async () => {}, random: () => 0 },
  );
  return { sandbox, client };
}

// ---- plan + apply against a sandbox, as the commands do ----

export async function reconcile(
  d: Desired,
  client: WawpClient,
  opts: { now?: number; mutator?: Mutator; clock?: Clock } = {},
) {
  const now = opts.now ?? Math.floor((opts.clock?.now() ?? Date.now()) / 1000);
  const { plan: p, live: l } = await planFleet({ reader: client }, { desired: d, now });
  const report = await execute(p, {
    reader: client,
    mutator: opts.mutator ?? client,
    ...(opts.clock ? { clock: opts.clock } : { bucket: new TokenBucket(1_000_000) }),
  });
  return { plan: p, report, live: l };
}

/** A live group run by the instance (creator) with n(1) as the one human admin. */
export function adminGroup(id: string, subject: string, ...more: SbParticipant[]): SbGroup {
  return sbGroup({
    id,
    subject,
    participants: [{ jid: SELF, role: "superadmin" }, { jid: n(1), role: "admin" }, ...more],
  });
}

export async function planOnly(d: Desired, client: WawpClient, now = Math.floor(Date.now() / 1000)) {
  return (await planFleet({ reader: client }, { desired: d, now })).plan;
}
