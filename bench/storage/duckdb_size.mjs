// DuckDB side of bench/storage: loads TPC-H .tbl files into DuckDB database files (npm @duckdb/node-api) and
// prints one JSON line per table with the size of a file holding only that table, then one for all tables.
// usage: node duckdb_size.mjs DATA_DIR SCHEMA_SQL WORK_DIR
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, statSync, rmSync, existsSync } from 'node:fs';

const [dataDir, schemaPath, workDir] = process.argv.slice(2);
const tables = ['region', 'nation', 'part', 'supplier', 'partsupp', 'customer', 'orders', 'lineitem'];
const schema = readFileSync(schemaPath, 'utf8');

async function load(path, only) {
  for (const suffix of ['', '.wal']) if (existsSync(path + suffix)) rmSync(path + suffix);
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  await conn.run(schema);
  for (const t of tables) {
    if (only && t !== only) {
      await conn.run(`DROP TABLE ${t}`);
      continue;
    }
    const columns = (await conn.runAndReadAll(`SELECT column_name FROM information_schema.columns WHERE table_name = '${t}' ORDER BY ordinal_position`))
      .getRows().map((r) => r[0]);
    const list = columns.map((c, i) => `column${String(i).padStart(2, '0')}`);
    await conn.run(`INSERT INTO ${t} SELECT ${list.join(', ')} FROM read_csv('${dataDir}/${t}.tbl', delim='|', header=false, ` +
      `columns={${columns.map((c, i) => `'column${String(i).padStart(2, '0')}': 'VARCHAR'`).concat(["'extra': 'VARCHAR'"]).join(', ')}})`);
  }
  await conn.run('CHECKPOINT');
  conn.closeSync();
  instance.closeSync();
  return statSync(path).size + (existsSync(path + '.wal') ? statSync(path + '.wal').size : 0);
}

for (const t of tables) console.log(JSON.stringify({ table: t, bytes: await load(`${workDir}/duckdb-${t}.db`, t) }));
console.log(JSON.stringify({ table: 'all', bytes: await load(`${workDir}/duckdb-all.db`, null) }));
