// The language configuration as VS Code reads it: a pattern given as a string is built
// without flags, one given as { pattern, flags } with its flags. Checks that accented
// identifiers are whole words and that the indentation rules match the lines they name.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const config = JSON.parse(readFileSync(join(here, "..", "language-configuration.json"), "utf8"));
const build = (p) => (typeof p === "string" ? new RegExp(p) : new RegExp(p.pattern, p.flags ?? ""));

const word = new RegExp(build(config.wordPattern).source, build(config.wordPattern).flags + "g");
for (const [line, words] of [
  ["règle aide = dépenses_agricoles × 50 %", ["règle", "aide", "dépenses_agricoles"]],
  ["entrée superficie_drainée : ha", ["entrée", "superficie_drainée", "ha"]],
  ["condition à_temps « » : date_dépôt <= 2026-02-15", ["condition", "à_temps", "date_dépôt"]],
]) {
  assert.deepEqual(line.match(word), words, `mots de « ${line} »`);
}

const decrease = build(config.indentationRules.decreaseIndentPattern);
for (const line of ["§ « Annexe 1 »", "## La documentation", "règle a = 1", "  entrée b : argent", "énumération E :", "remplace règle a = 2"]) {
  assert.ok(decrease.test(line), `désindente « ${line} »`);
}
for (const line of ["  cas a : 1", "  règles_x + 1", "  | a | 1 |"]) {
  assert.ok(!decrease.test(line), `ne désindente pas « ${line} »`);
}

const increase = build(config.indentationRules.increaseIndentPattern);
for (const line of ["structure Projet :", "règle taux : pourcentage =", "  selon projet.secteur :"]) {
  assert.ok(increase.test(line), `indente après « ${line} »`);
}
console.log("✓ language-configuration.json");
