// Icon files: a JPEG or PNG inside the repository, at most 5 MiB, hashed for comparison.
import { createHash } from "node:crypto";
import path from "node:path";
import { MAX_ICON_BYTES, readInside } from "./files.js";
import type { Icon } from "./types.js";

/**
 * Reads icons for one load. It remembers what it read only for as long as it lives (one load),
 * so a library user who edits an icon and loads again sees the new picture.
 */
export class IconReader {
  private readonly seen = new Map<string, Icon | string>();

  /** `root`: the repository the fleet's files must stay in */
  constructor(private readonly root: string) {}

  /** The icon `ref` (as written in the manifest in `dir`), or why it cannot be used. */
  read(ref: string, dir: string): Icon | string {
    if (path.isAbsolute(ref) || /^[A-Za-z]:[\\/]/.test(ref))
      return `icon "${ref}" is an absolute path; give a path relative to the manifest, inside the repository`;
    const absPath = path.resolve(dir, ref);
    const hit = this.seen.get(absPath);
    if (hit !== undefined) return typeof hit === "string" ? hit : { ...hit, path: ref };
    const result = readIcon(this.root, ref, absPath);
    this.seen.set(absPath, result);
    return result;
  }
}

function readIcon(root: string, ref: string, absPath: string): Icon | string {
  const r = readInside(root, absPath, MAX_ICON_BYTES, `icon file "${ref}"`);
  if (!r.ok) return r.reason;
  const mimetype = sniffImage(r.bytes);
  if (!mimetype) return `icon "${ref}" is not a JPEG or PNG file`;
  return {
    path: ref,
    absPath: r.realPath,
    sha256: createHash("sha256").update(r.bytes).digest("hex"),
    mimetype,
    size: r.bytes.length,
  };
}

export function sniffImage(bytes: Uint8Array): Icon["mimetype"] | undefined {
  if (bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)
    return "image/png";
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  return undefined;
}
