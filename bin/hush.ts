/**
 * The bundle's entry (scripts/build.mjs wraps it for the launcher dist/hush.cjs, which calls `main`).
 */
import { main } from "../src/cli/main.js";

export { main };

/** Build only: runs each argv in this process so V8's code cache covers what everyday commands compile. */
export async function warmUp(argvs: string[][]): Promise<void> {
  for (const argv of argvs) {
    const code = await main(argv);
    if (code !== 0) throw new Error(`warm-up: hush ${argv.join(" ")} exited ${code}`);
  }
}
