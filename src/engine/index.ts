export * from "./document.js";
export * from "./data-key.js";
export * from "./tree-cipher.js";
export * from "./selector.js";
export * from "./values.js";
export * from "./walk.js";
