// The manifests watch runs on: loaded at start (a broken fleet refuses to start), reloaded when a file
// under --dir changes (debounced: an editor's save is several events) and on SIGHUP. A reload that
// does not validate keeps the last good fleet and says why.
import { type FSWatcher, watch } from "node:fs";
import { formatLocated } from "../errors.js";
import type { Logger } from "../logger.js";
import { loadFleetAsync } from "../manifest/load.js";
import type { Desired, DesiredGroup } from "../manifest/types.js";

export interface Reloaded {
  /** serials new or changed since the last good fleet */
  changed: string[];
  /** the configuration changed: every group may plan differently */
  configChanged: boolean;
}

export class FleetSource {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> = Promise.resolve();

  private constructor(
    readonly dir: string,
    private good: Desired,
    private readonly log: Logger,
  ) {}

  /** The first load: any problem is an error naming file, line and column. */
  static async open(dir: string, log: Logger): Promise<FleetSource> {
    const r = await loadFleetAsync(dir);
    if (r.unusable) throw new Error(r.unusable);
    if (r.problems.length)
      throw new Error(
        `${r.problems.length} problem(s) in the manifests; first: ${formatLocated(r.problems[0]!)}`,
      );
    return new FleetSource(dir, r.desired, log);
  }

  get current(): Desired {
    return this.good;
  }

  /** Load again; undefined when the fleet on disk does not validate (the last good one stays). */
  async reload(): Promise<Reloaded | undefined> {
    const r = await loadFleetAsync(this.dir);
    if (r.unusable || r.problems.length) {
      const problems = (r.unusable ? [r.unusable] : r.problems.slice(0, 10).map(formatLocated)).join("; ");
      this.log.error({ problems }, "the manifests do not validate: keeping the last good fleet");
      return undefined;
    }
    const before = new Map(this.good.groups.map((g) => [g.serial, key(g)]));
    const configChanged = JSON.stringify(r.desired.config) !== JSON.stringify(this.good.config);
    const changed = r.desired.groups.filter((g) => before.get(g.serial) !== key(g)).map((g) => g.serial);
    this.good = r.desired;
    this.log.info({ changed: changed.length, configChanged }, "manifests reloaded");
    return { changed, configChanged };
  }

  /** Calls `then` after each debounced change under the directory (and each reload asked for). */
  watch(then: (r: Reloaded | undefined) => void, debounceMs = 300): void {
    const kick = () => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.loading = this.loading.then(async () => then(await this.reload()));
      }, debounceMs);
    };
    try {
      this.watcher = watch(this.dir, { recursive: true }, kick);
      this.watcher.on("error", (e) =>
        this.log.warn({ error: e.message }, "watching the manifests failed; SIGHUP still reloads"),
      );
    } catch (e) {
      this.log.warn({ error: (e as Error).message }, "cannot watch the manifest directory; SIGHUP reloads");
    }
    this.kick = kick;
  }

  /** SIGHUP: reload now (through the same debounce). */
  kick: () => void = () => undefined;

  close(): void {
    this.watcher?.close();
    if (this.timer) clearTimeout(this.timer);
  }
}

/** A group's manifest as data, to tell what changed (the icon carries its content hash). */
function key(g: DesiredGroup): string {
  return JSON.stringify(g);
}
