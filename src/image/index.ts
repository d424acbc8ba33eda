// Group pictures compared by how they look, and re-encoded the way engines store them.
export { pictureHash, samePicture } from "./hash.js";
export { reencodeLikeWhatsApp } from "./reencode.js";
