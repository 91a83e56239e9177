// Compares the borrowing-base figures of two JSON results (revolver bbc --format json and
// duckdb/waterfall.mjs) as exact decimal strings.
//
//   node compare.mjs A.json B.json [NAME_A NAME_B]
//
// Prints one line per figure and exits 1 when any figure differs or is missing from either.
import { readFileSync } from 'node:fs';

const [fa, fb, na = fa, nb = fb] = process.argv.slice(2);
if (!fa || !fb) {
  console.error('usage: node compare.mjs A.json B.json [NAME_A NAME_B]');
  process.exit(2);
}

const paths = [
  'receivables.gross',
  'receivables.ineligible.past_due',
  'receivables.ineligible.cross_aged',
  'receivables.ineligible.affiliate',
  'receivables.ineligible.government',
  'receivables.ineligible.foreign',
  'receivables.ineligible.disputed',
  'receivables.ineligible.contra',
  'receivables.ineligible.concentration',
  'receivables.eligible',
  'receivables.availability',
  'inventory.gross',
  'inventory.ineligible.location',
  'inventory.ineligible.category',
  'inventory.ineligible.slow_moving',
  'inventory.ineligible.casualty',
  'inventory.eligible',
  'inventory.availability',
  'letters_of_credit',
  'borrowing_base',
];

function load(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`compare: ${file}: ${e.message}`);
    process.exit(1);
  }
}

function get(obj, path) {
  let v = obj;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object' || !(k in v)) return undefined;
    v = v[k];
  }
  return v;
}

// Amounts are compared as text: both sides must print a decimal string with two decimals.
const amount = /^-?[0-9]+\.[0-9]{2}$/;
const a = load(fa);
const b = load(fb);
let bad = 0;
const w = Math.max(...paths.map((p) => p.length));
for (const p of paths) {
  const va = get(a, p);
  const vb = get(b, p);
  let verdict = 'same';
  if (typeof va !== 'string' || !amount.test(va)) verdict = `NOT AN AMOUNT in ${na}`;
  else if (typeof vb !== 'string' || !amount.test(vb)) verdict = `NOT AN AMOUNT in ${nb}`;
  else if (va !== vb) verdict = 'DIFFERENT';
  if (verdict !== 'same') bad++;
  console.log(`${p.padEnd(w)}  ${String(va).padStart(18)}  ${String(vb).padStart(18)}  ${verdict}`);
}
if (bad > 0) {
  console.error(`compare: ${bad} of ${paths.length} figures differ between ${na} and ${nb}`);
  process.exit(1);
}
console.log(`compare: all ${paths.length} figures identical (${na} = ${nb})`);
