// Bundles the playground and the viewer into dist/ (run by build.sh after the WebAssembly
// module is in pkg/). The examples menu is built from ../examples/*.af at this point.
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const web = dirname(fileURLToPath(import.meta.url));
const dist = join(web, "dist");
const examplesDir = join(web, "..", "examples");

// `import examples from "afc:examples"`: [{ name, source }] for every examples/*.af, sorted.
const examplesPlugin = {
  name: "afc-examples",
  setup(build) {
    build.onResolve({ filter: /^afc:examples$/ }, () => ({ path: "examples", namespace: "afc" }));
    build.onLoad({ filter: /.*/, namespace: "afc" }, () => {
      const examples = readdirSync(examplesDir)
        .filter((f) => f.endsWith(".af"))
        .sort()
        .map((f) => ({ name: f.slice(0, -3), source: readFileSync(join(examplesDir, f), "utf8") }));
      return { contents: JSON.stringify(examples), loader: "json", watchFiles: [examplesDir] };
    });
  },
};

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "viewer"), { recursive: true });

const common = {
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
};
await esbuild.build({
  ...common,
  entryPoints: [join(web, "src", "playground.js")],
  outfile: join(dist, "playground.js"),
  plugins: [examplesPlugin],
});
await esbuild.build({
  ...common,
  entryPoints: [join(web, "src", "viewer.js")],
  outfile: join(dist, "viewer", "afc-viewer.js"),
});

for (const dir of [dist, join(dist, "viewer")]) {
  copyFileSync(join(web, "pkg", "afc_bg.wasm"), join(dir, "afc_bg.wasm"));
}
for (const f of ["index.html", "style.css", "favicon.svg", "theme.js"]) {
  copyFileSync(join(web, "src", f), join(dist, f));
}
copyFileSync(join(web, "src", "viewer-demo.html"), join(dist, "viewer", "index.html"));
for (const f of readdirSync(examplesDir).filter((f) => f.endsWith(".af"))) {
  copyFileSync(join(examplesDir, f), join(dist, "viewer", f));
}

// Sizes, for the budget (docs/playground.md): what the playground page downloads.
const files = ["index.html", "theme.js", "style.css", "favicon.svg", "playground.js", "afc_bg.wasm"];
const sizes = Object.fromEntries(
  files.map((f) => {
    const bytes = readFileSync(join(dist, f));
    return [f, { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length }];
  }),
);
const total = Object.values(sizes).reduce((a, s) => a + s.gzip, 0);
writeFileSync(join(dist, "sizes.json"), JSON.stringify({ files: sizes, totalGzip: total }, null, 2) + "\n");
console.log(`dist/: playground ${(total / 1e6).toFixed(2)} MB gzip (${Object.entries(sizes).map(([f, s]) => `${f} ${(s.gzip / 1024).toFixed(0)} KiB`).join(", ")})`);
