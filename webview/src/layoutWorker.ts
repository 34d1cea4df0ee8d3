// Lays the lineage graph out off the UI thread; built by the lineage issue.
export {};
