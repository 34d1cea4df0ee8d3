// The lineage panel; built by the lineage issue.
export {};
