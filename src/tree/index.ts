export * from "./tree.js";
export * from "./path.js";
