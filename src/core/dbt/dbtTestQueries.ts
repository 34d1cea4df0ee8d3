import { readFileSync } from 'node:fs';
import type { CheckDefinition } from '../asset';
import type { Problem } from '../problem';
import { quoteIdent, quoteLiteral } from '../engine/sqlIdentifiers';
import type { DbtModelCompiler, DbtOutcome } from './dbtModelCompiler';

/**
 * A dbt test as the query of its failing rows, as dbt compiles it: the generic
 * tests of dbt-core (`not_null`, `unique`, `accepted_values`, `relationships`),
 * a project's own `{% test %}` macros, and singular tests from `test-paths`. A
 * `where:` config narrows the model first, as dbt does. The result is a `sql`
 * check at the test's own YAML line (or file), run by the engine like any other.
 */
export function dbtTestAsCheck(check: CheckDefinition, relation: string, compiler: DbtModelCompiler): DbtOutcome<CheckDefinition> {
  const sql = dbtTestSql(check, relation, compiler);
  if (!sql.ok) return sql;
  return { ok: true, value: { ...check, type: 'sql', config: { ...(check.config ?? {}), sql: sql.value } } };
}

function dbtTestSql(check: CheckDefinition, relation: string, compiler: DbtModelCompiler): DbtOutcome<string> {
  const c = (check.config ?? {}) as Record<string, unknown>;
  const test = String(c.test ?? '');
  const args = (c.args ?? {}) as Record<string, unknown>;
  const at = check.location;
  const fail = (message: string, needsDbt?: string): DbtOutcome<string> => ({
    ok: false,
    problem: problemAt(at, `dbt test '${check.name}': ${message}`, needsDbt),
    ...(needsDbt ? { needsDbt } : {}),
  });
  if (test === 'singular') {
    let text: string;
    try {
      text = readFileSync(at.file, 'utf8');
    } catch {
      return fail(`cannot read ${at.file}`);
    }
    const r = compiler.renderIn(at.file, text);
    return r.ok ? { ok: true, value: stripSemicolon(r.value) } : r;
  }
  const where = typeof c.where === 'string' ? c.where : undefined;
  const model = where ? `(select * from ${relation} where ${where}) dbt_subquery` : relation;
  const column = typeof c.column === 'string' ? c.column : typeof args.column_name === 'string' ? args.column_name : undefined;
  const namespace = typeof c.namespace === 'string' ? c.namespace : undefined;
  if (!namespace || namespace === 'dbt') {
    switch (test) {
      case 'not_null':
        if (!column) return fail('not_null needs a column');
        return ok(`select ${quoteIdent(column)}\nfrom ${model}\nwhere ${quoteIdent(column)} is null`);
      case 'unique':
        if (!column) return fail('unique needs a column');
        return ok(
          `select\n    ${quoteIdent(column)} as unique_field,\n    count(*) as n_records\n\nfrom ${model}\nwhere ${quoteIdent(column)} is not null\ngroup by ${quoteIdent(column)}\nhaving count(*) > 1`,
        );
      case 'accepted_values': {
        if (!column) return fail('accepted_values needs a column');
        const values = args.values;
        if (!Array.isArray(values) || values.length === 0) return fail('accepted_values needs `values: [...]`');
        const quote = args.quote === undefined ? true : args.quote !== false;
        const list = values.map((v) => (quote ? quoteLiteral(String(v)) : String(v))).join(', ');
        return ok(
          `with all_values as (\n    select ${quoteIdent(column)} as value_field, count(*) as n_records\n    from ${model}\n    group by ${quoteIdent(column)}\n)\n` +
            `select *\nfrom all_values\nwhere value_field not in (${list})`,
        );
      }
      case 'relationships': {
        if (!column) return fail('relationships needs a column');
        const to = args.to;
        const field = args.field;
        if (typeof to !== 'string' || typeof field !== 'string') return fail('relationships needs `to:` (a ref or source) and `field:`');
        const parent = compiler.renderIn(at.file, `{{ ${to} }}`);
        if (!parent.ok) return parent;
        return ok(
          `with child as (\n    select ${quoteIdent(column)} as from_field\n    from ${model}\n    where ${quoteIdent(column)} is not null\n),\n` +
            `parent as (\n    select ${quoteIdent(field)} as to_field\n    from ${parent.value}\n)\n` +
            `select from_field\nfrom child\nleft join parent\n    on child.from_field = parent.to_field\nwhere parent.to_field is null`,
        );
      }
    }
  }
  const macro = `test_${test}`;
  if (namespace && namespace !== compiler.project.name) return fail(`${namespace}.${test} is a package's test`, `test ${namespace}.${test} comes from a package`);
  if (!compiler.project.jinja.hasMacro(macro)) return fail(`no test named '${test}' in dbt or this project's macros`, `test '${test}' is not defined in this project`);
  // A project's generic test: its macro called with the model, the column and the test's arguments.
  const extra: Record<string, unknown> = { __model: model };
  const kwargs = ['model=__model'];
  if (column) {
    extra.__column_name = column;
    kwargs.push('column_name=__column_name');
  }
  for (const [k, v] of Object.entries(args)) {
    if (k === 'column_name' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) continue;
    extra[`__arg_${k}`] = v;
    kwargs.push(`${k}=__arg_${k}`);
  }
  const r = compiler.renderIn(at.file, `{{ ${macro}(${kwargs.join(', ')}) }}`, extra);
  return r.ok ? { ok: true, value: stripSemicolon(r.value) } : r;
}

function ok(sql: string): DbtOutcome<string> {
  return { ok: true, value: sql };
}

function problemAt(at: CheckDefinition['location'], message: string, needsDbt?: string): Problem {
  return { file: at.file, line: at.line, column: at.column, severity: 'error', code: needsDbt ? 'dbt.needs-dbt' : 'dbt.test', message };
}

function stripSemicolon(sql: string): string {
  return sql.trim().replace(/;\s*$/, '');
}
