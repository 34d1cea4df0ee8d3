/**
 * What a message tells the user to do, where the editor and the command line
 * differ. Core messages are written with the editor's wording (these
 * constants); the CLI prints them through `commandLineWording`, so a terminal
 * never sends anyone to an editor command.
 */
export const CHOOSE_INTERPRETER_EDITOR = 'Choose one with "Python: Select Interpreter" (Python extension) or set assetStudio.pythonPath';
export const INTERPRETER_SOURCE_EDITOR = 'The interpreter is the one chosen with "Python: Select Interpreter" (Python extension), else the assetStudio.pythonPath setting.';
export const SAVED_TOKEN_EDITOR = ', or run the "Set MotherDuck Token" command';

const WORDING: readonly (readonly [string, string])[] = [
  [CHOOSE_INTERPRETER_EDITOR, 'Pass one with --python PATH'],
  [INTERPRETER_SOURCE_EDITOR, "The interpreter is the one given with --python PATH, else the workspace's .venv, else python3 on PATH."],
  [SAVED_TOKEN_EDITOR, ''],
];

/** Each pair as written and as inside a JSON string (`--json`), where the editor's quotes are escaped. */
const CLI_WORDING: readonly (readonly [string, string])[] = WORDING.flatMap(([editor, cli]) => [
  [editor, cli] as const,
  [jsonInside(editor), jsonInside(cli)] as const,
]);

function jsonInside(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** The same text with the editor's instructions replaced by the command line's, in plain text and in JSON. */
export function commandLineWording(text: string): string {
  let out = text;
  for (const [editor, cli] of CLI_WORDING) if (out.includes(editor)) out = out.split(editor).join(cli);
  return out;
}
