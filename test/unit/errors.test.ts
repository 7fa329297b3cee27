import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EXIT_CODES, HushError } from "../../src/errors.js";

describe("errors", () => {
  it("maps sops's exit codes from the error code", () => {
    assert.equal(new HushError("MAC_MISMATCH", "mac mismatch").exitCode, 51);
    assert.equal(EXIT_CODES.NO_DECRYPTION_KEY, 128);
    assert.equal(EXIT_CODES.ALREADY_ENCRYPTED, 203);
  });
});
