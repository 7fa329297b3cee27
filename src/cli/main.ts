/** Placeholder until the CLI lands: prints usage. */
export async function main(_argv: string[]): Promise<number> {
  process.stderr.write("hush: not implemented yet\n");
  return 1;
}
