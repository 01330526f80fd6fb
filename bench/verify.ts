/* STUB: replaced by the issue that builds the verify benchmark. */
export async function run(): Promise<void> {}
