/* STUB: replaced by the issue that builds the codecs benchmark. */
export async function run(): Promise<void> {}
