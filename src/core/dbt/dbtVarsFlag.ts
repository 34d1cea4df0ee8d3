import { parseYamlTree, yamlToJs } from '../yamlTree';

/**
 * dbt's `--vars '{key: value}'`: a YAML (or JSON) mapping whose values win over
 * the project's `vars:`. Anything else is an error saying what to write.
 */
export function parseDbtVars(text: string): { ok: true; vars: Record<string, unknown> } | { ok: false; message: string } {
  const tree = parseYamlTree(text);
  const error = tree.errors.find((e) => !e.warning);
  if (error) return { ok: false, message: `--vars is not YAML: ${error.message}` };
  if (tree.root === null) return { ok: true, vars: {} };
  const value = yamlToJs(tree.root);
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, message: `--vars must be a mapping, e.g. --vars '{payment_methods: [card], start: 2024-01-01}'` };
  }
  return { ok: true, vars: value as Record<string, unknown> };
}
