// Runs waterfall.sql with DuckDB on the three CSV files and prints its JSON result.
//
//   node waterfall.mjs --receivables R.csv --debtors D.csv --inventory I.csv --as-of YYYY-MM-DD
//
// The time DuckDB spends on the statement (from opening the database to the result, without
// Node.js start-up) goes to standard error as "duckdb_query_seconds N".
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const want = { '--receivables': 'receivables', '--debtors': 'debtors', '--inventory': 'inventory', '--as-of': 'as_of' };
const vars = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const k = want[argv[i]];
  if (!k || i + 1 >= argv.length) {
    console.error(`waterfall.mjs: unexpected argument ${JSON.stringify(argv[i])}; expected ${Object.keys(want).join(', ')} each with a value`);
    process.exit(2);
  }
  vars[k] = argv[i + 1];
}
for (const k of Object.values(want)) {
  if (!(k in vars)) {
    console.error(`waterfall.mjs: missing --${k.replace('_', '-')}`);
    process.exit(2);
  }
}

const sql = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'waterfall.sql'), 'utf8');
const t0 = process.hrtime.bigint();
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
for (const [k, v] of Object.entries(vars)) {
  await con.run(`SET VARIABLE ${k} = $1`, [v]);
}
const reader = await con.runAndReadAll(sql);
const rows = reader.getRows();
const t1 = process.hrtime.bigint();
if (rows.length !== 1) {
  console.error(`waterfall.mjs: expected one result row, got ${rows.length}`);
  process.exit(1);
}
process.stdout.write(JSON.stringify(JSON.parse(String(rows[0][0])), null, 2) + '\n');
const ns = t1 - t0;
console.error(`duckdb_query_seconds ${ns / 1000000000n}.${String(ns % 1000000000n).padStart(9, '0').slice(0, 3)}`);
