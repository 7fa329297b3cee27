export * from "./aes-gcm.js";
export * from "./mac.js";
