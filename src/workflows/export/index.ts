/** The public face of the export workflow (deploy and the CLI import from here). */
export { exportFiles, renderSource, isExportFormat, EXPORT_FORMATS, type ExportFormat, type ExportOptions, type RenderOptions } from "./export.js";
export { loadSource, mergeMaps, type Opener, type Source, type SourceOptions } from "./source.js";
export { mapLeaves, ENV_NAME, type KeyMapping, type MappedLeaf } from "./mapping.js";
export { writeEnv, envValue, ENV_FORMATS, type EnvFormat } from "./formats.js";
