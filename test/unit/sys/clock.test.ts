import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { clockFromEnv, fixedClock, parseRfc3339, systemClock } from "../../../src/sys/clock.js";
import { isHushError } from "../../../src/errors.js";

describe("clock", () => {
  it("pins the time to HUSH_TEST_NOW in test mode", () => {
    const clock = clockFromEnv({ HUSH_TEST_MODE: "1", HUSH_TEST_NOW: "2024-01-02T03:04:05Z" });
    assert.equal(clock().toISOString(), "2024-01-02T03:04:05.000Z");
    assert.equal(clock().getTime(), clock().getTime());
  });

  it("ignores HUSH_TEST_NOW without HUSH_TEST_MODE=1", () => {
    assert.equal(clockFromEnv({ HUSH_TEST_NOW: "2024-01-02T03:04:05Z" }), systemClock);
    assert.equal(clockFromEnv({ HUSH_TEST_MODE: "true", HUSH_TEST_NOW: "2024-01-02T03:04:05Z" }), systemClock);
  });

  it("accepts offsets and fractions", () => {
    assert.equal(parseRfc3339("2024-01-02T05:04:05.25+02:00").toISOString(), "2024-01-02T03:04:05.250Z");
  });

  it("rejects a malformed HUSH_TEST_NOW in test mode", () => {
    for (const bad of ["yesterday", "2024-01-02", "2024-13-02T03:04:05Z", "2024-01-02 03:04:05Z"]) {
      assert.throws(() => clockFromEnv({ HUSH_TEST_MODE: "1", HUSH_TEST_NOW: bad }), (e: unknown) => isHushError(e, "USAGE"));
    }
  });

  it("returns a fresh Date each call from a fixed clock", () => {
    const c = fixedClock(new Date(0));
    c().setFullYear(2000);
    assert.equal(c().getTime(), 0);
  });
});
