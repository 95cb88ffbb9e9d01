// ajv's side of bench/vs_ajv.sh: validates pre-parsed records with a
// compiled schema, ROUNDS times, and prints one JSON line
// {"median_ms", "best_ms", "valid", "records"}.
// Usage: node bench/vs_ajv.js MODULES DIALECT SCHEMA.json RECORDS.ndjson ROUNDS FORMATS
// (MODULES: the node_modules folder holding ajv and ajv-formats;
// DIALECT: draft-07 or 2020-12; FORMATS: always to assert formats, off not).
'use strict';
const fs = require('fs');
const path = require('path');
const [modules, dialect, schemaFile, recordsFile, roundsArg, formats] = process.argv.slice(2);
const Ajv = dialect === '2020-12'
  ? require(path.join(modules, 'ajv/dist/2020')).default
  : require(path.join(modules, 'ajv')).default;
const addFormats = require(path.join(modules, 'ajv-formats')).default;

const ajv = new Ajv({allErrors: false, strict: false, validateFormats: formats !== 'off'});
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
// Parsed before timing: in the database the records are parsed already.
const records = fs.readFileSync(recordsFile, 'utf8').split('\n').filter((l) => l.length > 0)
  .map((l) => JSON.parse(l));

function run() {
  let valid = 0;
  for (let i = 0; i < records.length; i++) {
    if (validate(records[i])) valid++;
  }
  return valid;
}

run();  // V8 compiles the validator's hot paths first
const times = [];
let valid = 0;
for (let r = 0; r < Number(roundsArg); r++) {
  const start = process.hrtime.bigint();
  valid = run();
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({
  median_ms: times[Math.floor(times.length / 2)],
  best_ms: times[0],
  valid,
  records: records.length,
}));
