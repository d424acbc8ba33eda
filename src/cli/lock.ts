// One apply at a time per instance on one machine: an exclusive lock file. A second process waits a
// bounded time, then exits with a clear line; a lock left by a process that died is taken over. (Across
// machines, the workflows' `concurrency` does the same job.)
import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ExitError } from "../errors.js";

export interface Lock {
  release(): void;
}

interface Holder {
  pid: number;
  host: string;
  since: string;
}

export function lockFile(instance: string, dir = path.join(tmpdir(), "wagroups-locks")): string {
  return path.join(dir, `${createHash("sha256").update(instance).digest("hex").slice(0, 24)}.lock`);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

function holderOf(file: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Holder;
  } catch {
    return undefined;
  }
}

/** Takes the lock for `instance` (a label that never holds a secret), waiting up to `waitMs`. */
export async function acquireLock(
  instance: string,
  opts: { waitMs?: number; file?: string; onWait?: (holder: Holder) => void } = {},
): Promise<Lock> {
  const file = opts.file ?? lockFile(instance);
  mkdirSync(path.dirname(file), { recursive: true });
  const deadline = Date.now() + (opts.waitMs ?? 30_000);
  let told = false;
  for (;;) {
    try {
      const fd = openSync(file, "wx", 0o600);
      const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (holderOf(file)?.pid === process.pid) rmSync(file, { force: true });
      };
      process.once("exit", release);
      return { release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const holder = holderOf(file);
    // a lock whose process is gone (killed, crashed) on this machine is stale: take it over
    if (holder && holder.host === hostname() && !alive(holder.pid)) {
      rmSync(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline)
      throw new ExitError(
        1,
        `another wagroups apply is running against ${instance}${holder ? ` (pid ${holder.pid} since ${holder.since})` : ""}; run again when it has finished (lock ${file})`,
      );
    if (holder && !told) {
      told = true;
      opts.onWait?.(holder);
    }
    await sleep(200);
  }
}
