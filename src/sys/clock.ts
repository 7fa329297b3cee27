/**
 * The clock provider. Workflows take `now: Clock` as an option and the CLI passes `clockFromEnv(process.env)`;
 * the engine never calls `new Date()` itself, so `lastmodified` and the MAC can be pinned in tests.
 *
 * Test hook: with `HUSH_TEST_MODE=1` **and** `HUSH_TEST_NOW=<RFC 3339 time>` the clock always returns that
 * time. Without HUSH_TEST_MODE=1 the variable is ignored (a user's shell cannot freeze hush's clock by accident).
 */
import { HushError } from "../errors.js";
import { HUSH_TEST_NOW, isTestMode, type Env } from "./env-names.js";

/** Returns the current time. Each call returns a new Date the caller may mutate. */
export type Clock = () => Date;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Parses an RFC 3339 timestamp (`2024-01-02T03:04:05Z`, `…+02:00`, optional fraction).
 * @throws HushError USAGE when `text` is not RFC 3339 or names an impossible date.
 */
export function parseRfc3339(text: string, what: string = HUSH_TEST_NOW): Date {
  const ms = RFC3339.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new HushError("USAGE", `${what} is not an RFC 3339 time`, { hints: ["example: 2024-01-02T03:04:05Z"] });
  }
  return new Date(ms);
}

/** The real clock. */
export const systemClock: Clock = () => new Date();

/** A clock stuck at `at`. */
export function fixedClock(at: Date): Clock {
  const ms = at.getTime();
  return () => new Date(ms);
}

/**
 * The clock for a process with environment `env`: fixed at HUSH_TEST_NOW in test mode, else the system clock.
 * @throws HushError USAGE when test mode is on and HUSH_TEST_NOW is set but malformed.
 */
export function clockFromEnv(env: Env): Clock {
  const pinned = env[HUSH_TEST_NOW];
  if (isTestMode(env) && pinned !== undefined && pinned !== "") return fixedClock(parseRfc3339(pinned));
  return systemClock;
}

let processClock: Clock | undefined;

/** The current time for this process (`clockFromEnv(process.env)`, decided once on first use). */
export function now(): Date {
  processClock ??= clockFromEnv(process.env);
  return processClock();
}
