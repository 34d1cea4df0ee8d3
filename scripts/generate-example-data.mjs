// Regenerates the example's Parquet source with DuckDB (no download needed).
// The files are committed; run this only to change them.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const exampleRoot = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'nyc_taxi');
process.chdir(exampleRoot);
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run(readFileSync('data/generate_trips.sql', 'utf8'));
const check = await connection.runAndReadAll("select count(*)::int as n from read_parquet('data/trips/*/*.parquet')");
console.log(`wrote ${check.getRowObjects()[0].n} trips to ${join(exampleRoot, 'data/trips')}`);
connection.closeSync();
instance.closeSync();
