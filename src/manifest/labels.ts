// Managed labels from wagroups.yaml: each name's colour resolved to WhatsApp's palette, by index or by
// the palette's hex value. Engines only know those 20 colours, so any other value is refused at
// validate, not discovered as a 400 halfway through an apply.
import type { Located } from "../errors.js";
import { LABEL_PALETTE } from "../whatsapp.js";
import type { ManagedLabel } from "./types.js";
import { locate, type ParsedYaml } from "./yaml.js";

const HEX = /^#[0-9a-f]{6}$/;

/** A palette colour from an index (0-19) or a hex value ("#64C4FF" or "#64c4ff"), or why not. */
export function paletteColor(value: unknown): ManagedLabel | { error: string } {
  const shown = JSON.stringify(value);
  if (typeof value === "number") {
    const hex = Number.isInteger(value) ? LABEL_PALETTE[value] : undefined;
    if (hex !== undefined) return { color: value, colorHex: hex };
    return {
      error: `${shown} is not a WhatsApp label colour: the palette's indexes run from 0 to ${LABEL_PALETTE.length - 1}`,
    };
  }
  if (typeof value === "string") {
    const hex = value.trim().toLowerCase();
    if (!HEX.test(hex))
      return {
        error: `${shown} is not a WhatsApp label colour: use a palette index 0-${LABEL_PALETTE.length - 1} or a hex value such as "${LABEL_PALETTE[1]}"`,
      };
    const color = LABEL_PALETTE.indexOf(hex);
    if (color >= 0) return { color, colorHex: hex };
    const near = nearest(hex);
    return {
      error: `${shown} is not one of WhatsApp's ${LABEL_PALETTE.length} label colours; the closest is ${near} ("${LABEL_PALETTE[near]}")`,
    };
  }
  return { error: `${shown ?? "nothing"} is not a WhatsApp label colour` };
}

/** The palette index closest to `hex` in RGB: a hint for someone who picked a colour by eye. */
function nearest(hex: string): number {
  const rgb = (h: string) => [1, 3, 5].map((i) => Number.parseInt(h.slice(i, i + 2), 16));
  const [r, g, b] = rgb(hex) as [number, number, number];
  let best = 0;
  let bestD = Number.POSITIVE_INFINITY;
  LABEL_PALETTE.forEach((h, i) => {
    const [r2, g2, b2] = rgb(h) as [number, number, number];
    const d = (r - r2) ** 2 + (g - g2) ** 2 + (b - b2) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

/** `labels:` of a schema-valid wagroups.yaml, each colour resolved; a bad colour is a located problem. */
export function loadLabels(
  parsed: ParsedYaml,
  raw: unknown,
  problems: Located[],
): Record<string, ManagedLabel> {
  const out: Record<string, ManagedLabel> = {};
  if (!raw || typeof raw !== "object") return out;
  for (const [name, spec] of Object.entries(raw as Record<string, { color?: unknown }>)) {
    const r = paletteColor(spec?.color);
    if ("error" in r)
      problems.push(locate(parsed, ["labels", name, "color"], `labels.${name}.color ${r.error}`));
    else out[name] = r;
  }
  return out;
}
