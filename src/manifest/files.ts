// Reading the files of a fleet: only inside the manifest directory's repository, each size checked
// on the open file before a byte is read, and nothing of a refused file ever quoted.
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  statSync,
} from "node:fs";
import path from "node:path";

export const MIB = 1024 * 1024;
/** a group manifest or wagroups.yaml: 1,024 people with a comment each and a full description fit
 * in under 100 KiB; the cap keeps the worst file's parse (and its positions) well under a second */
export const MAX_MANIFEST_BYTES = 256 * 1024;
/** people.yaml: a directory of tens of thousands of people */
export const MAX_PEOPLE_BYTES = 8 * MIB;
/** WhatsApp's own limit on a group picture */
export const MAX_ICON_BYTES = 5 * MIB;

/**
 * The repository a manifest directory belongs to: the nearest ancestor holding `.git` (a directory,
 * or a file in a worktree or submodule), else the directory itself. Found by walking up, not by
 * running git, so it works where git is not installed.
 */
export function repositoryRoot(dir: string): string {
  const real = realpathSync.native(dir);
  for (let d = real; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, ".git"))) return d;
    if (path.dirname(d) === d) return real;
  }
}

export type ReadResult = { ok: true; bytes: Buffer; realPath: string } | { ok: false; reason: string };
export type TextResult = { ok: true; text: string } | { ok: false; reason: string };

/** true when `real` is `root` or below it */
export function isInside(root: string, real: string): boolean {
  const rel = path.relative(root, real);
  return rel === "" || (!rel.startsWith(`..${path.sep}`) && rel !== ".." && !path.isAbsolute(rel));
}

/**
 * Read `file` if its real path lies inside `root` and it is a regular file of at most `maxBytes`.
 * The size is checked on the open descriptor (fstat) and again while reading, so neither a huge
 * file nor one that grows (or a /proc file that claims size 0) is read past the cap. A refusal's
 * reason names the file's kind and the rule, never its content.
 */
export function readInside(
  root: string,
  file: string,
  maxBytes: number,
  what: string,
  /** the real path, when the caller reached `file` through real directories (listManifests' `real`) */
  known?: string,
): ReadResult {
  // a file that fit the scratch buffer comes as a view of it: copied, since the buffer is reused
  const r = readChecked(root, file, maxBytes, what, known, (data, fresh) =>
    fresh ? data : Buffer.from(data),
  );
  return typeof r === "string"
    ? { ok: false, reason: r }
    : { ok: true, bytes: r.value, realPath: r.realPath };
}

/** The same, giving the file's text (UTF-8): a manifest, decoded from one reused buffer. */
export function readTextInside(
  root: string,
  file: string,
  maxBytes: number,
  what: string,
  known?: string,
): TextResult {
  const r = readChecked(root, file, maxBytes, what, known, (data) => data.toString("utf8"));
  return typeof r === "string" ? { ok: false, reason: r } : { ok: true, text: r.value };
}

/** The read itself: the file's bytes handed to `take` (a view of the scratch buffer, valid only
 * during the call, or a `fresh` buffer of its own), or why it was refused. */
function readChecked<T>(
  root: string,
  file: string,
  maxBytes: number,
  what: string,
  known: string | undefined,
  take: (data: Buffer, fresh: boolean) => T,
): { value: T; realPath: string } | string {
  let realPath: string;
  try {
    // the native call is one realpath(3), not an lstat per path component
    realPath = known ?? realpathSync.native(file);
  } catch {
    return `${what} not found`;
  }
  if (!isInside(root, realPath))
    return `${what} resolves outside the repository (${root}); symlinks may not leave it`;
  let fd: number;
  try {
    // O_NOFOLLOW: the real path has no symlink left; one swapped in since is refused, not followed
    fd = openSync(realPath, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return `${what} cannot be opened`;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return `${what} is not a regular file`;
    if (st.size > maxBytes) return `${what} is ${sizeOf(st.size)}; at most ${sizeOf(maxBytes)} is read`;
    const chunks: Buffer[] = [];
    let total = 0;
    // a file that fits the scratch buffer is asked for in one read of its size plus one byte, to
    // notice growth; the size fstat gave, read exactly, is the whole file
    let want = st.size > 0 && st.size < SCRATCH_BYTES ? st.size + 1 : SCRATCH_BYTES;
    for (;;) {
      const n = readSync(fd, scratch, 0, Math.min(want, maxBytes + 1 - total), null);
      if (n === 0) break;
      if (total === 0 && n === st.size && n < want)
        return { value: take(scratch.subarray(0, n), false), realPath };
      chunks.push(Buffer.from(scratch.subarray(0, n)));
      total += n;
      if (total > maxBytes) return `${what} is larger than ${sizeOf(maxBytes)}`;
      want = SCRATCH_BYTES;
    }
    return { value: take(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total), true), realPath };
  } finally {
    closeSync(fd);
  }
}

const SCRATCH_BYTES = 64 * 1024;
const scratch = Buffer.allocUnsafe(SCRATCH_BYTES);

function sizeOf(bytes: number): string {
  return bytes >= MIB
    ? `${(bytes / MIB).toFixed(bytes % MIB ? 1 : 0)} MiB`
    : `${Math.ceil(bytes / 1024)} KiB`;
}

export interface ManifestFile {
  path: string;
  /** its real path, when the walk reached a regular file through real directories only (no symlink
   * on the way, so no realpath is needed); undefined for a symlink, which readInside resolves */
  real: string | undefined;
}

/** Every *.yaml / *.yml below `dir` (sorted, hidden folders and node_modules skipped), except the
 * reserved names at the top. Symlinked folders are not walked (no loops); symlinked files are
 * listed and then held to the repository by readInside. `realDir` is `dir`'s real path. */
export function listManifests(dir: string, reserved: readonly string[], realDir: string): ManifestFile[] {
  const out: ManifestFile[] = [];
  // names joined by hand: `d` is already a normalized path and a name has no separator in it, and
  // path.join's normalizing was most of listing 10,000 files
  const walk = (d: string, real: string, top: boolean) => {
    const entries = readdirSync(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const name = e.name;
      if (name.charCodeAt(0) === 46 /* . */ || name === "node_modules") continue;
      const full = d + path.sep + name;
      if (e.isDirectory()) walk(full, real + path.sep + name, false);
      else if (isYamlName(name) && !(top && reserved.includes(name)))
        out.push({ path: full, real: e.isFile() ? real + path.sep + name : undefined });
    }
  };
  walk(dir, realDir, true);
  return out;
}

/** *.yaml or *.yml, in any case */
function isYamlName(name: string): boolean {
  const dot = name.lastIndexOf(".");
  if (dot < 0) return false;
  const ext = name.length - dot === 5 || name.length - dot === 4 ? name.slice(dot + 1).toLowerCase() : "";
  return ext === "yaml" || ext === "yml";
}

/** Why `dir` cannot be a manifest directory, in one plain sentence, or undefined when it can. */
export function directoryProblem(dir: string, shown = dir): string | undefined {
  if (!existsSync(dir)) return `manifest directory ${shown} does not exist`;
  if (!statSync(dir).isDirectory()) return `manifest directory ${shown} is not a directory`;
  return undefined;
}
