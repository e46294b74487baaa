// DuckDB side of bench/window: creates the same table in an in-memory DuckDB (npm @duckdb/node-api), runs each
// query of queries.sql `runs` times on `threads` threads and prints one JSON line per query: run times (ms) and
// the first run's answer (the one row, columns joined by "|").
// usage: node duckdb_window.mjs QUERIES_SQL ROWS THREADS RUNS
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const [queriesPath, rows = '1000000', threads = '1', runs = '5'] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const conn = await instance.connect();
const queries = [];
let name = null;
for (const line of readFileSync(queriesPath, 'utf8').split('\n')) {
  if (/^-- \S+$/.test(line)) {
    name = line.slice(3);
  } else if (line.trim() && !line.startsWith('--') && name) {
    queries.push({ name, sql: line.replaceAll('ROWS)', `${rows})`) });
    name = null;
  }
}
for (const q of queries) {
  if (q.name === 'setup') {
    await conn.run(q.sql);
    continue;
  }
  const times = [];
  let answer = null;
  for (let r = 0; r < Number(runs); r++) {
    const start = performance.now();
    const reader = await conn.runAndReadAll(q.sql);
    times.push(performance.now() - start);
    if (r === 0) answer = reader.getRows()[0].map((v) => (v === null ? 'NULL' : String(v))).join('|');
  }
  console.log(JSON.stringify({ query: q.name, times_ms: times, answer }));
}
