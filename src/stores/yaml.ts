// Placeholder: the YAML store is being written (see git log). Replaced by the real implementation.
import { HushError } from "../errors.js";
import type { Store } from "./store.js";

const notYet = (): never => {
  throw new HushError("GENERIC", "yaml store not implemented yet");
};

export const yamlStore: Store = {
  name: "yaml",
  extensions: [".yaml", ".yml"],
  loadPlain: notYet,
  loadEncrypted: notYet,
  emitPlain: notYet,
  emitEncrypted: notYet,
  emitValue: notYet,
  hasMetadata: notYet,
};
