// WhatsApp's own limits, in one place: the validator, the planner and the sandbox all keep them.
/** participants in one group, the creator and the instance included */
export const MAX_PARTICIPANTS = 1024;
/** characters in a group's subject */
export const MAX_SUBJECT = 100;
/** characters in a group's description */
export const MAX_DESCRIPTION = 2048;
/** characters in one text message */
export const MAX_MESSAGE = 4096;
/**
 * WhatsApp Business's 20 label colours: palette index -> the hex value engines report as `colorHex`.
 * Source: WAHA (devlikeapro/waha) label colours, the same order as whatsmeow `types/label.go`
 * `LabelColor` (0 red, 1 blue, 2 yellow, … 13 cinnabar, 19 purple-blue).
 */
export const LABEL_PALETTE: readonly string[] = [
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
