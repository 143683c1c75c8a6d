// Reference outputs from peers no one here wrote, for the tokenizer and chat-template parity
// tests: @huggingface/tokenizers (tokenizer.json) and @huggingface/jinja (chat_template.json).
// The packages are installed by the test with `npm install --prefix NODE_DIR`; this script reads
// JSON lines on stdin and writes one JSON line per input line on stdout.
//
//   node hf_reference.cjs tokenize NODE_DIR MODEL_DIR   {"text": s}  -> {"ids": [...], "decoded": s}
//   node hf_reference.cjs chat     NODE_DIR MODEL_DIR   {"messages": [...], "add_generation_prompt": b,
//                                                        "add_vision_id": b} -> {"text": s}
"use strict";
const fs = require("fs");
const path = require("path");
const { createRequire } = require("module");

const [mode, nodeDir, modelDir] = process.argv.slice(2);
if (!mode || !nodeDir || !modelDir) {
  process.stderr.write("usage: node hf_reference.cjs tokenize|chat NODE_DIR MODEL_DIR < in.jsonl\n");
  process.exit(2);
}
const requireFromNodeDir = createRequire(path.join(path.resolve(nodeDir), "index.js"));
const readJson = (name) => JSON.parse(fs.readFileSync(path.join(modelDir, name), "utf8"));
const lines = fs.readFileSync(0, "utf8").split("\n").filter((l) => l.length > 0);
const out = [];

if (mode === "tokenize") {
  const { Tokenizer } = requireFromNodeDir("@huggingface/tokenizers");
  const tok = new Tokenizer(readJson("tokenizer.json"), readJson("tokenizer_config.json"));
  for (const line of lines) {
    const { text } = JSON.parse(line);
    const ids = tok.encode(text).ids;
    const decoded = ids.length > 0 ? tok.decode(ids) : "";
    out.push(JSON.stringify({ ids, decoded }));
  }
} else if (mode === "chat") {
  const { Template } = requireFromNodeDir("@huggingface/jinja");
  const template = new Template(readJson("chat_template.json").chat_template);
  for (const line of lines) {
    const input = JSON.parse(line);
    out.push(JSON.stringify({ text: template.render(input) }));
  }
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
process.stdout.write(out.join("\n") + (out.length > 0 ? "\n" : ""));
