// The extension's commands that core's editor models name (lenses, hover links). Core cannot import
// the extension's command table (src/extension/commands.ts); test/unit/commandTable.test.ts holds
// this list against it, so a name here that is not a real command fails there.

export const EDITOR_COMMAND_IDS = [
  'assetStudio.materialize',
  'assetStudio.materializeWithUpstream',
  'assetStudio.runChecks',
  'assetStudio.showLineage',
  'assetStudio.showCompiledSql',
  'assetStudio.compareWithTarget',
  'assetStudio.previewData',
] as const;

export type EditorCommandId = (typeof EDITOR_COMMAND_IDS)[number];
