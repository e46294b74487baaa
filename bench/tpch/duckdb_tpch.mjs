// DuckDB side of bench/tpch: loads the same .tbl files into an in-memory DuckDB (npm @duckdb/node-api), runs the
// 22 queries `runs` times on `threads` threads and prints one JSON line per query: run times (ms) and the first
// run's rows as strings (NULL as null), for the driver to compare with Basalt.
// usage: node duckdb_tpch.mjs DATA_DIR QUERIES_DIR SCHEMA_SQL THREADS RUNS
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const [dataDir, queriesDir, schemaPath, threads = '1', runs = '3'] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const conn = await instance.connect();
const loadStart = performance.now();
await conn.run(readFileSync(schemaPath, 'utf8'));
for (const t of ['region', 'nation', 'part', 'supplier', 'partsupp', 'customer', 'orders', 'lineitem']) {
  // dbgen lines end with the delimiter: read one extra, empty column and drop it.
  const columns = (await conn.runAndReadAll(`SELECT column_name FROM information_schema.columns WHERE table_name = '${t}' ORDER BY ordinal_position`))
    .getRows().map((r) => r[0]);
  const list = columns.map((c) => `column${String(columns.indexOf(c)).padStart(2, '0')}`);
  await conn.run(`INSERT INTO ${t} SELECT ${list.join(', ')} FROM read_csv('${dataDir}/${t}.tbl', delim='|', header=false, ` +
    `columns={${columns.map((c, i) => `'column${String(i).padStart(2, '0')}': 'VARCHAR'`).concat(["'extra': 'VARCHAR'"]).join(', ')}})`);
}
console.log(JSON.stringify({ load_ms: performance.now() - loadStart }));

function text(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object' && typeof v.toString === 'function') return v.toString();
  return String(v);
}

for (let q = 1; q <= 22; q++) {
  const name = `q${String(q).padStart(2, '0')}`;
  const sql = readFileSync(`${queriesDir}/${name}.sql`, 'utf8');
  const times = [];
  let rows = null;
  let columns = null;
  for (let r = 0; r < Number(runs); r++) {
    const start = performance.now();
    const reader = await conn.runAndReadAll(sql);
    times.push(performance.now() - start);
    if (r === 0) {
      columns = reader.columnNames();
      rows = reader.getRows().map((row) => row.map(text));
    }
  }
  console.log(JSON.stringify({ query: name, times_ms: times, result: { columns, rows } }));
}
