// Batch front-end to HashiCorp's HCL parser (hclsyntax compiled to WASM, npm @cdktf/hcl2json).
//
// stdin:  JSON list of {"name": string, "text": string}
// stdout: JSON list of {"name": string, "ok": boolean, "error": string | null}, same order
//
// One node process handles many files: node start-up plus loading the WASM module costs far more
// than parsing a file, so callers should send everything they have in one go.
// Exit code: 0 when every input was processed (whether or not it parsed), 2 on bad input.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { parse } = require("@cdktf/hcl2json");

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

function message(err) {
  if (err instanceof Error) return err.message;
  return String(err);
}

async function main() {
  let items;
  try {
    items = JSON.parse(await readStdin());
    if (!Array.isArray(items)) throw new Error("expected a JSON list");
  } catch (err) {
    process.stderr.write(`hcl2json-batch: bad input: ${message(err)}\n`);
    return 2;
  }
  const results = [];
  // Sequential on purpose: the Go/WASM bridge runs one call at a time anyway.
  for (const item of items) {
    const name = String(item.name);
    try {
      await parse(name, String(item.text));
      results.push({ name, ok: true, error: null });
    } catch (err) {
      results.push({ name, ok: false, error: message(err) });
    }
  }
  process.stdout.write(JSON.stringify(results));
  return 0;
}

// The Go runtime inside the WASM module keeps the event loop alive forever: exit explicitly,
// after stdout has been flushed.
main().then(
  (code) => process.stdout.write("", () => process.exit(code)),
  (err) => {
    process.stderr.write(`hcl2json-batch: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
