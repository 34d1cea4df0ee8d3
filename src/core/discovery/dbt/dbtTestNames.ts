import { createHash } from 'node:crypto';

/**
 * The name dbt gives a generic data test, so that a check found statically
 * has the same name as the test in dbt's output and run_results.json.
 * Mirrors dbt-core's `synthesize_generic_test_names`
 * (core/dbt/parser/generic_test_builders.py): `<type>_<target>_<flat args>`,
 * args sorted by name (the `model` arg left out), every run of characters
 * outside [0-9a-zA-Z_] replaced by `_`, parts joined by `__`. dbt's node name
 * (and unique_id) is this full name; only the compiled file name is
 * shortened (when >= 64 characters): `shortName`.
 */
export interface GenericTestName {
  /** The node name: what dbt prints and puts in unique_id. */
  readonly name: string;
  /** What dbt uses for the compiled file and alias: the name, or its first 30 chars + md5 when long. */
  readonly shortName: string;
}

function pythonStr(value: unknown): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * @param testName e.g. `not_null`, `accepted_values`, `expression_is_true`
 * @param namespace package of a package test, e.g. `dbt_utils`
 * @param targetName the model name, or `<source>_<table>` for a source table
 * @param args the test's arguments, `column_name` included for column tests
 * @param onSource tests on sources are prefixed `source_`
 */
export function genericTestName(
  testName: string,
  namespace: string | undefined,
  targetName: string,
  args: Readonly<Record<string, unknown>>,
  onSource: boolean,
): GenericTestName {
  let type = onSource ? `source_${testName}` : testName;
  if (namespace) type = `${namespace}_${type}`;
  const flat: string[] = [];
  for (const argName of Object.keys(args).sort()) {
    if (argName === 'model') continue;
    const value = args[argName];
    let parts: unknown[];
    if (Array.isArray(value)) parts = value;
    else if (value !== null && typeof value === 'object') parts = Object.values(value);
    else parts = [value];
    for (const p of parts) flat.push(pythonStr(p));
  }
  const unique = flat.map((a) => a.replace(/[^0-9a-zA-Z_]+/g, '_')).join('__');
  const identifier = `${type}_${targetName}`;
  const name = `${identifier}_${unique}`;
  const shortName =
    name.length >= 64 ? `${identifier.slice(0, 30)}_${createHash('md5').update(name, 'utf8').digest('hex')}` : name;
  return { name, shortName };
}
