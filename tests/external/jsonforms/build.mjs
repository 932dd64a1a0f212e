// Bundles app.jsx and its packages into one script for the page: node build.mjs OUT.js
import * as esbuild from "esbuild";

await esbuild.build({
  entryPoints: [new URL("./app.jsx", import.meta.url).pathname],
  bundle: true,
  outfile: process.argv[2],
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "error",
});
