// The Wawp access token rides in the query string and the WAHA key in a header, so every string that may
// leave the process passes here. A secret can come back in any of the forms a URL gives it.
const secrets = new Set<string>();
// every spelling of every secret, longest first so no shorter one leaves part of a longer one behind
let spellings: string[] = [];

/** Register a secret; from now on `redact` replaces it wherever it appears, raw or URL-encoded. */
export function addSecret(secret: string | undefined): void {
  if (!secret || secret.length < 4 || secrets.has(secret)) return;
  secrets.add(secret);
  const forms = new Set<string>();
  for (const s of secrets) for (const form of encodings(s)) forms.add(form);
  spellings = [...forms].sort((a, b) => b.length - a.length);
}

/** How a secret reads after the encodings a URL applies to it. */
function encodings(secret: string): string[] {
  const component = encodeURIComponent(secret);
  // URLSearchParams (how the transport builds the query) also escapes !'()~ and writes a space as +
  const form = new URLSearchParams({ s: secret }).toString().slice(2);
  const lower = (s: string) => s.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
  return [secret, component, form, lower(component), lower(form), encodeURIComponent(component)];
}

export function redact(text: string): string {
  let out = text;
  // whole secrets first: a pattern below could otherwise mask a secret's head and leave its tail
  for (const s of spellings) if (out.includes(s)) out = out.split(s).join("***");
  return out
    .replace(/(access_token=)[^&\s"']+/g, "$1***")
    .replace(/(x-api-key["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;}]+)/gi, (_, head: string, value: string) => {
      // a quoted value keeps its quotes, so redacted JSON still parses
      const quote = value[0] === '"' || value[0] === "'" ? value[0] : "";
      return `${head}${quote}***${quote}`;
    });
}
