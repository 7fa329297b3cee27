import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { defaultAgeKeyFile, homeDir, sopsUserConfigDir, userConfigDir } from "../../../src/sys/paths.js";

describe("paths", () => {
  it("follows Go os.UserConfigDir on Linux", () => {
    assert.equal(userConfigDir({ HOME: "/home/u" }, "linux"), "/home/u/.config");
    assert.equal(userConfigDir({ HOME: "/home/u", XDG_CONFIG_HOME: "/x" }, "linux"), "/x");
    assert.equal(userConfigDir({ HOME: "/home/u", XDG_CONFIG_HOME: "rel" }, "linux"), null);
    assert.equal(userConfigDir({ HOME: "/home/u", XDG_CONFIG_HOME: "" }, "linux"), "/home/u/.config");
    assert.equal(userConfigDir({}, "linux"), null);
  });

  it("ignores XDG_CONFIG_HOME on macOS as Go does, but sops honours it", () => {
    const env = { HOME: "/Users/u", XDG_CONFIG_HOME: "/x" };
    assert.equal(userConfigDir(env, "darwin"), "/Users/u/Library/Application Support");
    assert.equal(sopsUserConfigDir(env, "darwin"), "/x");
    assert.equal(sopsUserConfigDir({ HOME: "/Users/u" }, "darwin"), "/Users/u/Library/Application Support");
  });

  it("uses %AppData% and %USERPROFILE% on Windows", () => {
    assert.equal(userConfigDir({ AppData: "C:\\Users\\u\\AppData\\Roaming" }, "win32"), "C:\\Users\\u\\AppData\\Roaming");
    assert.equal(userConfigDir({}, "win32"), null);
    assert.equal(homeDir({ USERPROFILE: "C:\\Users\\u", HOME: "/nope" }, "win32"), "C:\\Users\\u");
    assert.equal(
      defaultAgeKeyFile({ AppData: "C:\\R" }, "win32"),
      "C:\\R\\sops\\age\\keys.txt",
    );
  });

  it("puts the default age key file under the config dir", () => {
    assert.equal(defaultAgeKeyFile({ HOME: "/home/u" }, "linux"), "/home/u/.config/sops/age/keys.txt");
    assert.equal(defaultAgeKeyFile({ XDG_CONFIG_HOME: "/c" }, "linux"), "/c/sops/age/keys.txt");
    assert.equal(defaultAgeKeyFile({}, "linux"), null);
  });
});
