// The access token rides in the query string, so every string that may leave the process passes here.
const secrets = new Set<string>();

/** Register a secret; from now on `redact` replaces it wherever it appears. */
export function addSecret(secret: string | undefined): void {
  if (secret && secret.length >= 4) secrets.add(secret);
}

export function redact(text: string): string {
  let out = text.replace(/(access_token=)[^&\s"']+/g, "$1***");
  for (const s of secrets) {
    if (out.includes(s)) out = out.split(s).join("***");
    const enc = encodeURIComponent(s);
    if (enc !== s && out.includes(enc)) out = out.split(enc).join("***");
  }
  return out;
}
