// Validates message bodies against the contract's JSON Schemas with ajv 8 and ajv-formats, loaded
// the way a JavaScript client would: every schema registered by its $id, default options.
//
//   node contract/validate.mjs SCHEMA_DIR < cases.jsonl
//
// Each input line is {"name", "schema" ($id), "body" (base64 of the message bytes)}; each output
// line is {"name", "errors": [...]}, errors empty when the body is valid. A schema that ajv
// refuses or warns about ends the run with exit code 1.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const warnings = [];
const collect = (...args) => warnings.push(args.join(' '));
const ajv = new Ajv({ allErrors: true, logger: { log: console.error, warn: collect, error: collect } });
addFormats(ajv);

const dir = process.argv[2];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.schema.json')).sort()) {
  ajv.addSchema(JSON.parse(readFileSync(join(dir, file), 'utf8')));
}
// addSchema compiles lazily: compile each now so every warning shows before the first case.
for (const id of Object.keys(ajv.schemas).filter((id) => id.startsWith('https://'))) {
  ajv.getSchema(id);
}
if (warnings.length > 0) {
  console.error(`ajv warned about the schemas:\n${warnings.join('\n')}`);
  process.exit(1);
}

const errors = (schemaId, body) => {
  let message;
  try {
    message = JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
  } catch (e) {
    return [`not JSON: ${e.message}`];
  }
  const validate = ajv.getSchema(schemaId);
  if (!validate) {
    return [`no schema ${schemaId}`];
  }
  return validate(message) ? [] : validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}`);
};

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== '') {
    const c = JSON.parse(line);
    console.log(JSON.stringify({ name: c.name, errors: errors(c.schema, c.body) }));
  }
}
if (warnings.length > 0) {
  console.error(`ajv warned while validating:\n${warnings.join('\n')}`);
  process.exit(1);
}
