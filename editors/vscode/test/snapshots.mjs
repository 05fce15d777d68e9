// Grammar snapshots of the real policies: copies every policies/**/*.pol here, then runs
// vscode-tmgrammar-snap against the committed .snap files (--mettre-a-jour rewrites them).
import { execFileSync } from "node:child_process";
import { copyFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const policies = join(here, "..", "..", "..", "policies");
const copies = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith(".pol")) {
      const target = join(here, "snapshots", relative(policies, path).replaceAll("/", "--"));
      copyFileSync(path, target);
      copies.push(target);
    }
  }
}
walk(policies);
const update = process.argv.includes("--mettre-a-jour");
const bin = join(here, "..", "node_modules", ".bin", "vscode-tmgrammar-snap");
execFileSync(bin, [...(update ? ["--updateSnapshot"] : []), "-g", join(here, "..", "syntaxes", "pol.tmLanguage.json"), ...copies], {
  stdio: "inherit",
});
