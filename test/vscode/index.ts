// Entry of the in-editor mocha suite; built by the foundation's test harness.
export async function run(): Promise<void> {}
