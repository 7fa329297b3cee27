/**
 * `hush edit FILE` (cmd/sops/edit.go): decrypt into a private 0700 temp dir, run $SOPS_EDITOR or
 * $EDITOR, and re-encrypt with the same data key (unchanged values keep their ciphertext).
 * Unchanged file → FILE_NOT_MODIFIED and nothing written. A result that does not parse is reported and
 * the editor is reopened on the user's text: the edit is never thrown away while a terminal can answer.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { HushError } from "../../errors.js";
import { IvStash, sealDocument } from "../../engine/index.js";
import type { TreeMap } from "../../tree/index.js";
import { writeFileAtomic } from "../../sys/atomic-write.js";
import { createPrivateTempDir, removePrivateTempDir } from "../../sys/private-temp.js";
import { lookPath, runInherit } from "../../sys/spawn.js";
import { shlexSplit } from "../../sys/shlex.js";
import { markerLines, readConflict } from "../git/index.js";
import { absPath, freshKeys, HUSH_SOPS_VERSION, open, pickStore, reseal, resolvePlan, storeIndent, type DecryptOptions, type FileCtx, type PlanFlags } from "../files/index.js";

const EXAMPLES: Record<string, string> = {
  yaml: "hello: Welcome to SOPS! Edit this file as you please!\nexample_key: example_value\n# Example comment\nexample_array:\n    - example_value1\n    - example_value2\nexample_number: 1234.56789\nexample_booleans:\n    - true\n    - false\n",
  json: '{\n\t"hello": "Welcome to SOPS! Edit this file as you please!",\n\t"example_key": "example_value",\n\t"example_array": [\n\t\t"example_value1",\n\t\t"example_value2"\n\t],\n\t"example_number": 1234.56789,\n\t"example_booleans": [\n\t\ttrue,\n\t\tfalse\n\t]\n}\n',
  dotenv: "hello=Welcome to SOPS! Edit this file as you please!\nexample_key=example_value\n",
  ini: "[Welcome!]\nhello = Welcome to SOPS! Edit this file as you please!\n",
  binary: "Welcome to SOPS! Edit this file as you please!\n",
};

export interface EditOptions extends DecryptOptions, PlanFlags {
  file: string;
}

function sha256(b: Uint8Array): string {
  return createHash("sha256").update(b).digest("hex");
}

/** Finds the editor command line: $SOPS_EDITOR, $EDITOR, else vim, nano or vi on PATH. @throws HushError NO_EDITOR */
export function editorCommand(ctx: FileCtx): string[] {
  const configured = ctx.env.SOPS_EDITOR || ctx.env.EDITOR;
  if (configured) return shlexSplit(configured, "editor");
  for (const e of ["vim", "nano", "vi"]) if (lookPath(e, ctx.env) !== null) return [e];
  throw new HushError("NO_EDITOR", "no editor available: set SOPS_EDITOR or EDITOR, or install vim, nano or vi");
}

/**
 * Runs the edit loop and returns the new encrypted bytes.
 * @throws HushError FILE_NOT_MODIFIED, NO_EDITOR, and any open/parse/seal error
 */
export async function editFile(ctx: FileCtx, o: EditOptions): Promise<Uint8Array> {
  const store = pickStore(o.file, o.inputType);
  const exists = existsSync(absPath(ctx, o.file));
  let plaintext: Uint8Array;
  let finish: (branches: TreeMap[]) => Promise<Uint8Array>;
  // Seals the raw edited bytes as a binary-store sops file, so an edit that cannot be parsed and
  // cannot be re-opened (no terminal) is kept, encrypted to the same recipients, never as plaintext.
  let sealRaw: (bytes: Uint8Array) => Promise<Uint8Array>;
  const binary = pickStore(o.file, "binary");
  const rawBranch = (bytes: Uint8Array): TreeMap[] => [{ kind: "map", items: [{ key: "data", value: bytes }] }];
  // A merge conflict left by `hush git merge`: the marked document is edited, and saved with the real
  // file's selector once no marker remains (docs/decisions.md).
  let conflict = false;
  if (exists) {
    const { doc } = await open(ctx, o);
    const indent = o.indent ?? storeIndent(ctx, store, o.configPath);
    const version = newerVersion(doc.metadata.version);
    const marked = readConflict(store, doc.branches);
    if (marked !== null) {
      conflict = true;
      plaintext = new TextEncoder().encode(marked.text);
      const meta = { ...doc.metadata, selector: marked.settings.selector, macOnlyEncrypted: marked.settings.macOnlyEncrypted, version };
      finish = async (branches) => reseal(ctx, o, { ...doc, stash: new IvStash() }, branches, store, meta);
    } else {
      plaintext = store.emitPlain(doc.branches, indent === undefined ? {} : { indent });
      finish = async (branches) => reseal(ctx, o, doc, branches, store, { ...doc.metadata, version });
    }
    sealRaw = async (bytes) =>
      sealDocument(binary, rawBranch(bytes), { ...doc.metadata, selector: null, macOnlyEncrypted: false }, doc.dataKey, { now: ctx.now(), randomBytes: ctx.randomBytes });
  } else {
    const plan = await resolvePlan(ctx, absPath(ctx, o.file), o, store);
    plaintext = new TextEncoder().encode(EXAMPLES[store.name] ?? "");
    sealRaw = async (bytes) => {
      const { dataKey, metadata } = await freshKeys(ctx, plan);
      return sealDocument(binary, rawBranch(bytes), { ...metadata, selector: null, macOnlyEncrypted: false }, dataKey, { now: ctx.now(), randomBytes: ctx.randomBytes });
    };
    finish = async (branches) => {
      const { dataKey, metadata: meta } = await freshKeys(ctx, plan);
      const indent = o.indent ?? storeIndent(ctx, store, o.configPath);
      return sealDocument(store, branches, meta, dataKey, { now: ctx.now(), randomBytes: ctx.randomBytes, file: o.file, ...(indent === undefined ? {} : { indent }) });
    };
  }
  const editor = editorCommand(ctx);
  const dir = createPrivateTempDir();
  try {
    const tmp = join(dir, basename(o.file));
    writeFileSync(tmp, plaintext, { mode: 0o600 });
    const before = sha256(plaintext);
    for (;;) {
      const st = await runInherit([...editor, tmp], { env: ctx.env, cwd: ctx.cwd, errorCode: "NO_EDITOR" });
      if (st.exitCode !== 0) throw new HushError("NO_EDITOR", `could not run editor: it exited with status ${st.exitCode}`);
      const edited = readFileSync(tmp);
      const markers = conflict ? markerLines(Buffer.from(edited).toString("utf8")) : [];
      if (markers.length === 0 && exists && sha256(edited) === before) throw new HushError("FILE_NOT_MODIFIED", "file has not changed, exiting");
      let problem: HushError;
      try {
        if (markers.length > 0)
          throw new HushError("PARSE", `merge conflict markers remain (line${markers.length === 1 ? "" : "s"} ${markers.join(", ")}): keep one side of each conflict and delete the marker lines`, {
            file: o.file,
            line: markers[0]!,
          });
        const branches = store.loadPlain(edited, { file: o.file });
        if (branches.length > 0 && store.hasMetadata(branches[0] as TreeMap))
          throw new HushError("PARSE", "the edited file contains a top-level sops entry, which is reserved for metadata", { file: o.file });
        if (branches.length === 0) throw new HushError("EMPTY_DOCUMENT", "file cannot be completely empty, it must contain at least one document", { file: o.file });
        return await finish(branches);
      } catch (e) {
        if (!(e instanceof HushError) || !["PARSE", "EMPTY_DOCUMENT", "EMIT"].includes(e.code)) throw e;
        problem = e;
      }
      const answer = await ctx.prompt(`hush: error: ${problem.file ?? o.file}${problem.line === undefined ? "" : `:${problem.line}`}: ${problem.message}\nPress enter to return to the editor, or Ctrl+C to exit.`);
      if (answer === null) {
        if (conflict && sha256(edited) === before) throw problem; // nothing of the user's to keep
        const keep = `${o.file}.hush-rejected-edit`;
        await writeFileAtomic(absPath(ctx, keep), await sealRaw(edited));
        problem.hints.push(`your edit was kept, encrypted, in ${keep}; see it with: hush decrypt --input-type binary ${keep}`);
        throw problem;
      }
    }
  } finally {
    removePrivateTempDir(dir);
  }
}

function newerVersion(fileVersion: string): string {
  const parse = (v: string): number[] => v.split(".").map((x) => Number.parseInt(x, 10) || 0);
  const a = parse(fileVersion);
  const b = parse(HUSH_SOPS_VERSION);
  for (let i = 0; i < 3; i++) {
    if ((b[i] ?? 0) > (a[i] ?? 0)) return HUSH_SOPS_VERSION;
    if ((b[i] ?? 0) < (a[i] ?? 0)) return fileVersion;
  }
  return fileVersion;
}
