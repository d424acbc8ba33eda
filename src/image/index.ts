// Group pictures compared by how they look, and re-encoded the way engines store them.
export { decodePicture, MAX_SIDE, PictureError, readHeader } from "./decode.js";
export { PICTURE_TOLERANCE, pictureDistance, pictureHash, samePicture } from "./hash.js";
export { reencodeLikeWhatsApp, WHATSAPP_PICTURE_QUALITY, WHATSAPP_PICTURE_SIDE } from "./reencode.js";
