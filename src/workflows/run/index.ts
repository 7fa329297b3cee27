/** The public face of the run workflow: exec-env, exec-file, run and the masker. */
export { execEnv, execFile, DEFAULT_FILENAME, type Command, type ExecEnvOptions, type ExecFileOptions } from "./exec.js";
export { runWithSecrets, maskPatternsFor, scriptArgv, DEFAULT_MASK_MIN_LENGTH, type RunOptions, type OutputSink } from "./run.js";
export { compileMask, Masker, type MaskAutomaton } from "./masker.js";
export { secretForms } from "./encodings.js";
export { loadSecretEnv, loadSecretVars, type SecretVar, type Override, type SecretFileOptions } from "./secret-env.js";
export { loadRunConfig, findHushYaml, type RunConfig } from "./hush-yaml.js";
