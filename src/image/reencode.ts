// What an engine does to a group picture before WhatsApp stores it: Baileys keeps the centred square
// (sharp's `cover`), resizes it to 640 x 640 and saves a JPEG at quality 50 (Baileys
// `src/Utils/messages-media.ts`, generateProfilePicture). The sandbox does the same, so a plan run
// against it meets the same re-encoded bytes a real instance returns.
import { decodePicture, jpegCodec } from "./decode.js";
import { squareResize } from "./pixels.js";

export const WHATSAPP_PICTURE_SIDE = 640;
export const WHATSAPP_PICTURE_QUALITY = 50;

/** The JPEG an engine would store for an uploaded JPEG or PNG; throws PictureError for unreadable bytes. */
export function reencodeLikeWhatsApp(bytes: Uint8Array, where = "picture"): Uint8Array {
  const square = squareResize(decodePicture(bytes, where), WHATSAPP_PICTURE_SIDE);
  const encoded = jpegCodec().encode(square, WHATSAPP_PICTURE_QUALITY).data;
  return new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
}
