// Shared by the bench scripts: where a peer program (sops, gitleaks, …) is, looking in PATH and then in
// ~/go/bin, where scripts/install-peers.sh puts the Go peers.
import { accessSync, constants } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

/** The absolute path of program `name`, or null when it is not installed. */
export function which(name) {
  for (const dir of [...(process.env.PATH ?? "").split(delimiter), join(homedir(), "go", "bin")]) {
    if (dir === "") continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}
