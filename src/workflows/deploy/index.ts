/** The public face of the deploy workflow. */
export { deploy, type DeployOptions, type DeployReport } from "./deploy.js";
export { loadDeployConfig, parseDeployConfig, findHushYaml, parseMode, type DeployConfig, type DeployTarget } from "./config.js";
export { statePath, contentHash, type DeployState } from "./state.js";
