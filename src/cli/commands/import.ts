import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { UsageError } from "../../errors.js";
import { schemaLine } from "../../init/init.js";
import { loadFleet } from "../../manifest/load.js";
import { SETTING_KEYS } from "../../manifest/types.js";
import { importGroups } from "../../plan/import.js";
import { formatJid } from "../../plan/render/people.js";
import { mapLimit } from "../../pool.js";
import { resolveInstance } from "../../reconcile/index.js";
import { connect } from "../connect.js";
import type { Output } from "../output.js";
import { loadOrExit } from "./validate.js";

const require = createRequire(import.meta.url);

export interface ImportOptions {
  /** --sandbox */
  sandbox?: boolean;
  dir: string;
  serialPrefix: string;
}

export async function importCommand(opts: ImportOptions, io: Output): Promise<void> {
  if (!/^[A-Z][A-Z0-9]*$/.test(opts.serialPrefix))
    throw new UsageError(
      `--serial-prefix must be capital letters and digits, starting with a letter (got "${opts.serialPrefix}")`,
    );
  // a missing directory is fine: import is how a fleet starts
  const { desired } = existsSync(opts.dir) ? loadOrExit(opts.dir, io) : loadFleet(opts.dir);
  const conn = await connect({ sandbox: !!opts.sandbox, notice: (l) => io.err(`${l}\n`) });
  try {
    const live = await conn.client.listGroups();
    const { config, notice } = resolveInstance(desired.config, live, conn.sandbox?.self);
    if (notice) io.err(`${notice}\n`);
    if (!config.self)
      throw new UsageError(
        "cannot tell which number is the instance: set self in wagroups.yaml or WAWP_SELF",
      );
    const aliases = desired.aliases;
    const adopted = importGroups(
      { ...desired, config },
      live,
      opts.serialPrefix,
      (jid) => aliases[jid] ?? formatJid(jid),
    );
    // what the listing did not say, read per imported group
    const found = await mapLimit(adopted, config.limits.concurrency, async (f) => {
      const settings = { ...f.manifest.settings };
      for (const k of SETTING_KEYS)
        if (settings[k] === undefined)
          (settings as Record<string, unknown>)[k] = await conn.client
            .getSetting(f.groupId, k)
            .catch(() => undefined);
      return { ...f, manifest: { ...f.manifest, settings } };
    });
    const { stringify } = require("yaml") as typeof import("yaml");
    const outDir = path.join(opts.dir, "imported");
    let written = 0;
    for (const f of found) {
      const file = path.join(outDir, `${f.serial}.yaml`);
      if (existsSync(file)) {
        io.err(`wagroups: ${file} exists; not overwritten\n`);
        continue;
      }
      mkdirSync(outDir, { recursive: true });
      const head = [
        schemaLine(file, "group"),
        `# Imported by \`wagroups import\` from ${f.groupId} on ${new Date().toISOString().slice(0, 10)}.`,
        ...f.notes.map((n) => `# NOTE: ${n}`),
      ];
      writeFileSync(file, `${head.join("\n")}\n${stringify(f.manifest, { lineWidth: 0 })}`);
      io.out(
        `+ ${file}  ${f.serial}  (${f.manifest.admins.length} admin(s), ${f.manifest.members.length} member(s))${f.notes.length ? `: ${f.notes.join("; ")}` : ""}\n`,
      );
      written++;
    }
    io.out(
      written
        ? `Imported ${written} group(s). Next: \`wagroups validate\`, then \`wagroups plan\`: it shows the renames that add the serials.\n`
        : "Nothing to import: every group the instance administers is declared.\n",
    );
  } finally {
    await conn.finish();
  }
}
