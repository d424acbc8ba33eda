// Builds the action's single committed file, dist/index.mjs: the action and the wagroups CLI in one ESM
// bundle that needs nothing installed. `node build.mjs [OUTFILE]`; npm test rebuilds it to compare.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../..");

// The CLI loads packages lazily through createRequire(import.meta.url), which a bundler cannot follow:
// dropping that local `require` turns those calls into plain require() calls that esbuild bundles.
const bundleLazyRequires = {
  name: "bundle-lazy-requires",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => ({
      contents: (await readFile(args.path, "utf8")).replace(
        /^const require = createRequire\(import\.meta\.url\);$/m,
        "",
      ),
      loader: "ts",
    }));
  },
};

// @actions/core reaches @actions/http-client (its own copy of undici, 400 kB) only to fetch OIDC tokens,
// which this action never asks for; a stub that refuses keeps the bundle a third smaller.
const noOidcClient = {
  name: "no-oidc-client",
  setup(b) {
    b.onResolve({ filter: /^@actions\/http-client(\/|$)/ }, (args) => ({
      path: args.path,
      namespace: "stub",
    }));
    b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({
      contents:
        'const no = () => { throw new Error("the wagroups action does not use OIDC tokens"); };\n' +
        "export class HttpClient { constructor() { no(); } }\n" +
        "export class BearerCredentialHandler { constructor() { no(); } }\n",
      loader: "js",
    }));
  },
};

export async function buildAction(outfile = path.join(here, "dist/index.mjs")) {
  await build({
    absWorkingDir: repo,
    entryPoints: [path.join(here, "src/main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    minify: true,
    legalComments: "eof",
    logLevel: "warning",
    plugins: [bundleLazyRequires, noOidcClient],
    // bundled modules find schemas/ relative to import.meta.url as if they sat at src/cli/ in this
    // repository, which the runner checks out whole; a require() esbuild could not bundle (a path known
    // only at run time) gets Node's, rooted there too
    define: { "import.meta.url": "__wagroups_module_url" },
    banner: {
      js: [
        'import { createRequire as __wagroups_cr } from "node:module";',
        "const __wagroups_bundle_url = import.meta.url;",
        'const __wagroups_module_url = new URL("../../../../src/cli/main.js", import.meta.url).href;',
        "const require = __wagroups_cr(__wagroups_module_url);",
      ].join("\n"),
    },
  });
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  console.log(await buildAction(process.argv[2] ? path.resolve(process.argv[2]) : undefined));
