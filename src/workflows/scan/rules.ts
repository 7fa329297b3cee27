/**
 * The built-in rules, written from each provider's published token format (prefixes, lengths,
 * alphabets, checksums). Order matters: when two rules match the same text on a line, the earlier
 * one wins, so provider rules come first and the generic keyword rules last.
 *
 * Never tune a rule to one sample: widen or narrow it only to what the provider documents.
 */
import type { Rule } from "./rule.js";
import { bech32Valid, checksumTokenValid, isPlaceholder, jwtValid, looksSynthetic, privateKeyEncrypted, shannonEntropy } from "./filters.js";

// A token edge: not preceded/followed by a character that could extend the token.
// (a terminal colour escape such as ESC[94m right before a token is an edge too: tokens in coloured logs)
const L = String.raw`(?:(?<![A-Za-z0-9_\-])|(?<=\x1b\[[0-9;]{0,12}m))`;
const R = String.raw`(?![A-Za-z0-9_\-])`;
// Between a keyword and its value: the rest of the key name, a closing quote, an assignment.
const ASSIGN = String.raw`[\w.\-]{0,25}["'\]]?\s{0,5}(?::=|=>|=|:|,)\s{0,5}["'\x60]?`;

function rule(id: string, description: string, keywords: string[], regex: string, extra: Partial<Rule> = {}, flags = "g"): Rule {
  return { id, description, keywords, regex: new RegExp(regex, flags), ...extra };
}

/** A value that must appear after one of `names` (case-insensitive), e.g. `twilio_auth_token = "…"`. */
function keyed(id: string, description: string, names: string[], value: string, extra: Partial<Rule> = {}): Rule {
  const kw = names.map((n) => n.toLowerCase());
  return rule(id, description, kw, String.raw`(?:${names.join("|")})${ASSIGN}(?<secret>${value})${R}`, extra, "gi");
}

const hasDigitAndLetter = (s: string): boolean => /[0-9]/.test(s) && /[A-Za-z]/.test(s);

/** Not an all-same or trivially sequential string, and not an `EXAMPLE` stand-in. */
const notDummy = (s: string): boolean => !/example|xxxxxx|000000|123456|abcdef(?:gh|ab)/i.test(s) && shannonEntropy(s) >= 2.5;

// ---- private key blocks -------------------------------------------------------------------------

// the RFC 7468 / OpenSSH / OpenPGP labels of private key blocks
const KEY_LABEL = String.raw`(?:RSA |DSA |EC |OPENSSH |PGP |SSH2 (?:ENCRYPTED )?|ENCRYPTED |ANY )?PRIVATE KEY(?: BLOCK)?`;
const BEGIN = String.raw`-----BEGIN ${KEY_LABEL}-----`;

/** A PEM/OpenSSH/PGP private key block, unless passphrase-encrypted (see docs/scan.md). */
function privateKeyValid(block: string): boolean {
  if (privateKeyEncrypted(block)) return false;
  const body = block
    .replace(/-----(?:BEGIN|END)[^-]*-----/g, "")
    .replace(/^[A-Za-z-]+:.*$/gm, "") // PEM headers (Comment:, Version: …)
    .replace(/\\[nr]/g, "");
  const b64 = body.replace(/[^A-Za-z0-9+/=]/g, "");
  if (b64.length < 64) return false;
  // code that merely mentions a BEGIN line (a regex, an error message) is not a key: the body of a real
  // one is long runs of base64 (one per line, maybe behind a log prefix or inside string escapes)
  const runs = (body.match(/[A-Za-z0-9+/=]{32,}/g) ?? []).reduce((n, r) => n + r.length, 0);
  if (runs < 64 || runs / b64.length < 0.6) return false;
  if (/x{8,}|\.{3,}|\u2026|\*{4,}/i.test(body)) return false; // elided or masked
  return shannonEntropy(b64) >= 4.5;
}

// ---- generic keyword assignments ----------------------------------------------------------------

// Key names that hold a credential.
const SECRET_NAMES = String.raw`(?:[A-Za-z0-9_.\-]*?(?:(?:secret|access|api|private|auth|signing|encryption|master)[ _\-.]?(?:key|token)|passw(?:or)?d|passphrase|(?:\b|_)pwd(?:\b|_)|pass\b|(?:\b|_)pw\b|secret|token|apikey|client[_\-.]?secret|credentials?\b|\bauth\b|authenticat[a-z]*|bearer)[A-Za-z0-9_.\-]*)`;
// Name suffixes that say the value is about the secret, not the secret (`password_length: 12`).
const META_SUFFIX =
  /(?:_|-|\.|\b)(?:len|length|size|type|name|names|id|ids|file|files|path|paths|dir|url|uri|endpoint|field|hash|policy|expiry|expires|expiration|ttl|format|prompt|label|hint|regex|pattern|header|env|var|min|max|count|enabled|required|timeout|version|mode|min_length|placeholder|input|provider|store|ref|refs|location|arn|region|code)$/i;
// the same suffixes in camelCase names (secretRef, passwordRegex, tokenType)
const META_SUFFIX_CAMEL = /[a-z0-9](?:Len|Length|Size|Type|Name|Names|Id|Ids|File|Files|Path|Paths|Dir|Url|Uri|Endpoint|Field|Hash|Policy|Expiry|Ttl|Format|Prompt|Label|Hint|Regex|Pattern|Header|Env|Var|Min|Max|Count|Enabled|Required|Timeout|Version|Mode|Placeholder|Input|Provider|Store|Ref|Refs|Location|Arn|Region|Code)$/;

const PROVIDER_PREFIX = /^(?:gh[pousr]_|github_pat_|npm_|gl(?:pat|dt|ptt|rt|cbt|ft|imt|soat|agent|oas|wt|ffct|sa|c)[-_]|xox[abposre]-|xapp-|[sr]k_(?:live|test|prod)_|whsec_|pypi-|AGE-SECRET-KEY-|hf_|api_org_|AIza|GOCSPX-|ya29\.|sk-|SG\.|sq[pua]_|sq0(?:atp|csp)-|dckr_(?:pat|oat)_|figd_|lin_api_|pplx-|tvly-|gsk_|xai-|rubygems_|CLOJARS_|sbp_|sb_secret_|hv[sb]\.|do[opr]_v1_|shp(?:at|ca|pa|ss)_|PMAK-|x(?:keysib|smtpsib)-|AKCp|cmVmd|NR(?:AK|II|JS|AA)-|dt0c01\.|phx_|pscale_|dp\.(?:pt|st|sa|ct)\.|sntry[su]_|ops_eyJ|akab-|HRKU-|ATBB|ATATT|ATCTT|dapi[a-f0-9]|LTAI|(?:AKIA|ASIA)[A-Z2-7]{16}$)/;

/** Filters the value of a `password = "…"` style assignment. */
function genericValid(minEntropy: number, minLength: number) {
  return (secret: string, m: RegExpExecArray): boolean => {
    const name = m.groups?.["name"] ?? "";
    if (META_SUFFIX.test(name) || META_SUFFIX_CAMEL.test(name)) return false;
    if (secret.length < minLength) return false;
    const quoted = m.groups?.["secret"] !== undefined;
    // a value in a provider's own format is judged by that provider's rule (checksum, length) alone
    if (PROVIDER_PREFIX.test(secret)) return false;
    // a list of strings (`["private-key", "stdinpass"]`) or a call's arguments: only a value that looks generated
    if (m.groups?.["comma"] !== undefined && !(secret.length >= 8 && !/\s/.test(secret) && hasDigitAndLetter(secret) && shannonEntropy(secret) >= 3.0)) return false;
    // prose ("the secret is printed"): only a value with a digit
    if (m.groups?.["is"] !== undefined && !(/\d/.test(secret) && secret.length >= 6)) return false;
    if (/\s/.test(secret) && /^[A-Za-z ,.'()-]+$/.test(secret)) return false; // words: a description, not a password
    if (/\\[nrt]/.test(secret)) return false; // text with escapes ("line1\nline2"); keys are the private-key rule's
    if (/token|secret|passw/i.test(secret)) return false; // "test-token-123", "my-secret": a description of itself
    if (/%[sdvq]|\{\}/.test(secret)) return false; // a format string
    if (/^[\w.\-]+\.(?:json|ya?ml|env|txt|pem|key|ini|conf|cfg|toml|xml|enc|gpg|asc|crt|p12|pfx)$/i.test(secret)) return false; // a file name
    // words and identifiers ("NextToken", "notAPassword", "tokenid"): a credential has a digit or a
    // symbol, or is long and random (a generated key of letters only)
    if (/^[A-Za-z]+$/.test(secret) && !(secret.length >= 16 && shannonEntropy(secret) >= 3.5)) return false;
    if (/^\{.*\}$|^<.*>$|^\[.*\]$/.test(secret)) return false; // {PLACEHOLDER}
    // identifiers: CONSTANT_NAMES, snake_names, kebab-names (letters only), PascalCase types
    if (/^[A-Z]+(?:_[A-Z0-9]+)+$/.test(secret) || /^[a-z]+(?:[-_][a-z]+)+$/.test(secret)) return false;
    if (!quoted) {
      // an unquoted value is often code: a call, a member access, a variable name, a type, a flag
      if (/[()[\]{}]/.test(secret) || m.input[m.index + m[0].length] === "(") return false;
      if (/^(?:[A-Z][a-z]{2,}[0-9]{0,2}){2,}$/.test(secret) || secret.startsWith("-")) return false;
      if (/^[&*!@]/.test(secret) || /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(secret) && !/\d/.test(secret)) return false; // &ref, *ptr, identifiers
      if (/^[a-z]{2,}(?:[A-Z][a-z]+[0-9]{0,2})+$/.test(secret)) return false; // camelCase identifier
      if (/^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(secret)) return false;
      if (/^[a-z_]+$/.test(secret) || /^[A-Z_]+$/.test(secret)) return false;
    }
    const call = m.groups?.["call"];
    if (call !== undefined && !/^(?:String|str|bytes|b|u|SecretStr|Secret|SecureString|Buffer\.from|new)$/i.test(call)) return false; // getenv("NAME") …
    if (/^[0-9.\-:+TZ ]+$/.test(secret) || /^0x[0-9a-f]+$/i.test(secret)) return false; // numbers, dates, versions, hex literals
    if (/^(?:https?|file):\/\//i.test(secret)) return false;
    if (/^(?:\.{0,2}\/|~\/)?[a-z0-9_.\-]+(?:\/[a-z0-9_.\-]*)+$/.test(secret) || /^(?:\.{0,2}\/|~\/)?[\w.\-]+(?:\/[\w.\-]+)+\.[a-z0-9]{1,5}$/.test(secret)) return false; // a path
    if (/\s/.test(secret) && secret.split(/\s+/).length > 3) return false; // prose
    return shannonEntropy(secret) >= minEntropy;
  };
}

/** The built-in rules, provider-specific first. */
export const BUILTIN_RULES: readonly Rule[] = [
  // ---- cloud providers ----
  rule("aws-access-key-id", "AWS access key ID", ["akia", "asia", "abia", "acca", "a3t"], String.raw`${L}(?<secret>(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})${R}`, {
    validate: (s) => !s.endsWith("EXAMPLE") && notDummy(s.slice(4)),
  }),
  keyed("aws-secret-access-key", "AWS secret access key", ["aws_?secret_?(?:access_?)?key", "aws_?secret", "secret_?access_?key", "aws.{0,20}?(?:secret|private)[_\\-. ]?(?:access[_\\-. ]?)?key"], String.raw`[A-Za-z0-9/+]{40}`, {
    keywords: ["aws", "secret_access", "secretaccess", "secret-access"],
    entropy: 4.0,
    validate: (s) => notDummy(s) && hasDigitAndLetter(s),
  }),
  rule("aws-mws-key", "Amazon MWS auth token", ["amzn.mws"], String.raw`(?<secret>amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})`),
  rule("gcp-api-key", "Google Cloud / Google API key", ["aiza"], String.raw`${L}(?<secret>AIza[0-9A-Za-z_\-]{35})${R}`, { validate: notDummy }),
  rule("gcp-oauth-client-secret", "Google OAuth client secret", ["gocspx-"], String.raw`${L}(?<secret>GOCSPX-[0-9A-Za-z_\-]{28})${R}`),
  rule("gcp-oauth-access-token", "Google OAuth access token", ["ya29."], String.raw`${L}(?<secret>ya29\.[0-9A-Za-z_\-]{30,})${R}`, { entropy: 3.5 }),
  rule("gcp-service-account-key", "Google service-account private key (JSON)", ["private_key"], String.raw`"private_key"\s*:\s*"(?<secret>-----BEGIN (?:RSA )?PRIVATE KEY-----\\n[A-Za-z0-9+/=\\]{64,}[^"]*)"`, {
    validate: (s) => privateKeyValid(s),
  }),
  rule("azure-storage-account-key", "Azure storage account key", ["accountkey"], String.raw`AccountKey\s*=\s*(?<secret>[A-Za-z0-9+/]{86}==)`, { entropy: 4.5 }, "gi"),
  rule("azure-shared-access-key", "Azure Service Bus / Event Hubs / IoT shared access key", ["sharedaccesskey="], String.raw`SharedAccessKey\s*=\s*(?<secret>[A-Za-z0-9+/]{42,43}=)`, { entropy: 4.0 }, "gi"),
  rule("azure-sas-token", "Azure shared access signature", ["sig="], String.raw`[?&;]sv=\d{4}-\d\d-\d\d[^\s"'<>]*?[?&;]sig=(?<secret>[A-Za-z0-9%+/]{40,}(?:%3D|=){0,2})`, { entropy: 4.0 }, "gi"),
  rule("azure-ad-client-secret", "Azure AD (Entra ID) client secret", ["q~"], String.raw`(?<![A-Za-z0-9_~.\-])(?<secret>[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.\-]{31,34})(?![A-Za-z0-9_~.\-])`, { entropy: 3.5 }),
  rule("aws-bedrock-api-key", "Amazon Bedrock API key (long-term ABSK…, short-term bedrock-api-key-…)", ["absk", "bedrock-api-key-"], String.raw`${L}(?<secret>ABSK[A-Za-z0-9+/]{100,}={0,2}|bedrock-api-key-[A-Za-z0-9+/=_\-]{30,})`, { entropy: 4.0 }),
  rule("aws-appsync-api-key", "AWS AppSync API key", ["da2-"], String.raw`${L}(?<secret>da2-[a-z0-9]{26})${R}`, { validate: (s) => /\d/.test(s.slice(4)) }),
  rule("alibaba-access-key-id", "Alibaba Cloud AccessKey ID", ["ltai"], String.raw`${L}(?<secret>LTAI[A-Za-z0-9]{12,20})${R}`, { validate: (s) => notDummy(s) && hasDigitAndLetter(s) }),
  rule("digitalocean-token", "DigitalOcean token", ["dop_v1_", "doo_v1_", "dor_v1_"], String.raw`${L}(?<secret>do[opr]_v1_[a-f0-9]{64})${R}`),
  // ---- VCS and package registries ----
  rule("github-token", "GitHub token (classic PAT, OAuth, user-to-server, server-to-server, refresh)", ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"], String.raw`${L}(?<secret>gh[pousr]_[A-Za-z0-9]{36,251})${R}`, {
    validate: checksumTokenValid,
    checksummed: true,
  }),
  rule("github-fine-grained-pat", "GitHub fine-grained personal access token", ["github_pat_"], String.raw`${L}(?<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})${R}`, { validate: notDummy }),
  rule("gitlab-token", "GitLab token (personal, deploy, pipeline trigger, runner, CI job, feed, OAuth, …)", ["glpat-", "gldt-", "glptt-", "glrt-", "glrtr-", "glcbt-", "glft-", "glimt-", "glsoat-", "glagent-", "gloas-", "glwt-", "glffct-"], String.raw`${L}(?<secret>gl(?:pat|dt|ptt|rtr|rt|cbt|ft|imt|soat|agent|oas|wt|ffct)-[0-9A-Za-z_\-]{20,300}(?:\.[0-9a-z]{2}[0-9a-z]{7})?)${R}`, {
    validate: notDummy,
  }),
  rule("gitlab-session-cookie", "GitLab session cookie", ["_gitlab_session="], String.raw`_gitlab_session=(?<secret>[0-9a-f]{32})${R}`),
  rule("gitlab-runner-registration-token", "GitLab runner registration token", ["gr1348941"], String.raw`${L}(?<secret>GR1348941[0-9A-Za-z_\-]{20})${R}`),
  rule("bitbucket-token", "Bitbucket / Atlassian API token", ["atbb", "atatt", "atctt"], String.raw`${L}(?<secret>AT(?:BB|ATT|CTT)[A-Za-z0-9_=\-.]{28,300})${R}`, { entropy: 3.5 }),
  rule("npm-token", "npm access token", ["npm_"], String.raw`${L}(?<secret>npm_[A-Za-z0-9]{36})${R}`, { validate: checksumTokenValid, checksummed: true }),
  rule("npm-auth-token", "npm registry _authToken", ["_authtoken"], String.raw`_authToken\s*=\s*["']?(?<secret>[A-Za-z0-9_\-+/=.]{20,})`, {
    validate: (s) => !isPlaceholder(s) && notDummy(s),
  }),
  rule("pypi-token", "PyPI upload token", ["pypi-ageichlwas5vcmc", "pypi-agendgvzdc5wexbplm9yzw"], String.raw`${L}(?<secret>pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_\-]{50,})${R}`),
  rule("rubygems-token", "RubyGems API key", ["rubygems_"], String.raw`${L}(?<secret>rubygems_[a-f0-9]{48})${R}`),
  rule("nuget-api-key", "NuGet API key", ["oy2"], String.raw`${L}(?<secret>oy2[a-z0-9]{43})${R}`, { entropy: 3.5 }),
  rule("clojars-token", "Clojars deploy token", ["clojars_"], String.raw`${L}(?<secret>CLOJARS_[a-z0-9]{60})${R}`, { validate: notDummy }),
  rule("docker-hub-pat", "Docker Hub personal access token", ["dckr_pat_", "dckr_oat_"], String.raw`${L}(?<secret>dckr_(?:pat|oat)_[A-Za-z0-9_\-]{27,})${R}`),
  rule("jfrog-token", "JFrog API key / identity token", ["akcp", "cmvmd"], String.raw`${L}(?<secret>AKCp[A-Za-z0-9]{69}|cmVmd[A-Za-z0-9]{59})${R}`, {
    // a reference token is base64 of "reftkn:01:<expiry>:<random>"
    validate: (s) => !s.startsWith("cmVmd") || /^reftkn:\d\d:\d{10}:/.test(Buffer.from(s, "base64").toString("latin1")),
  }),
  // ---- chat and webhooks ----
  rule("slack-token", "Slack token (bot, user, app, config, legacy)", ["xoxb-", "xoxp-", "xoxa-", "xoxo-", "xoxs-", "xoxr-", "xoxe", "xapp-"], String.raw`${L}(?<secret>xox[abposr]-(?:[0-9A-Za-z]+-){1,4}[0-9A-Za-z]{6,}|xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+|xoxe(?:\.xox[bp])?-\d-[A-Za-z0-9]{100,})${R}`, {
    validate: (s) => s.length >= 24 && notDummy(s),
  }),
  rule("slack-webhook-url", "Slack incoming webhook / workflow URL", ["hooks.slack.com"], String.raw`(?<secret>https?://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_\-]+/[A-Za-z0-9_\-]+/[A-Za-z0-9_\-]{8,})`, {
    validate: (s) => notDummy(s.slice(s.lastIndexOf("/") + 1)),
  }),
  rule("discord-webhook-url", "Discord webhook URL", ["discord"], String.raw`(?<secret>https?://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d{16,20}/[A-Za-z0-9_\-]{60,70})`),
  rule("discord-bot-token", "Discord bot token", ["discord", "bot"], String.raw`${L}(?<secret>[MNO][A-Za-z0-9_\-]{23,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38})${R}`, { entropy: 4.0 }),
  rule("teams-webhook-url", "Microsoft Teams incoming webhook URL", ["webhook.office.com", "outlook.office.com/webhook"], String.raw`(?<secret>https://[a-z0-9\-]+\.webhook\.office\.com/webhookb2/[0-9a-f\-]{36}@[0-9a-f\-]{36}/IncomingWebhook/[0-9a-f]{32}/[0-9a-f\-]{36}(?:/[A-Za-z0-9_\-]+)?|https://outlook\.office\.com/webhook/[0-9a-f\-]{36}@[0-9a-f\-]{36}/IncomingWebhook/[0-9a-f]{32}/[0-9a-f\-]{36})`),
  rule("telegram-bot-token", "Telegram bot token", ["telegram", "bot", "tg_", ":aa"], String.raw`${L}(?<secret>\d{8,10}:AA[A-Za-z0-9_\-]{33})${R}`),
  // ---- payments and SaaS APIs ----
  rule("stripe-key", "Stripe secret or restricted key", ["sk_live_", "sk_test_", "rk_live_", "rk_test_", "sk_prod_", "rk_prod_"], String.raw`${L}(?<secret>[sr]k_(?:live|test|prod)_[0-9A-Za-z]{10,247})${R}`, { validate: notDummy }),
  rule("stripe-webhook-secret", "Stripe webhook signing secret", ["whsec_"], String.raw`${L}(?<secret>whsec_[A-Za-z0-9+/]{32,})${R}`, { validate: notDummy }),
  rule("square-token", "Square access token / OAuth secret", ["sq0atp-", "sq0csp-", "eaaa"], String.raw`${L}(?<secret>sq0atp-[0-9A-Za-z_\-]{22}|sq0csp-[0-9A-Za-z_\-]{43}|EAAA[A-Za-z0-9_\-]{60})${R}`, { entropy: 3.5 }),
  rule("paypal-braintree-token", "PayPal Braintree access token", ["access_token$production$"], String.raw`(?<secret>access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32})`),
  rule("twilio-api-key", "Twilio API key SID (next to the word twilio)", ["twilio"], String.raw`${L}(?<secret>SK[0-9a-fA-F]{32})${R}`, { validate: (s) => /[a-f]/i.test(s.slice(2)) && /\d/.test(s.slice(2)) && notDummy(s.slice(2)) }),
  keyed("twilio-auth-token", "Twilio auth token", ["twilio[\\w.\\-]{0,20}(?:auth|token|secret)", "auth_?token"], String.raw`[0-9a-f]{32}`, { keywords: ["twilio", "auth_token", "authtoken"], validate: notDummy }),
  rule("sendgrid-api-key", "SendGrid API key", ["sg."], String.raw`${L}(?<secret>SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})${R}`),
  rule("mailgun-api-key", "Mailgun API key", ["key-", "mailgun"], String.raw`${L}(?<secret>key-[0-9a-f]{32}|[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})${R}`, { validate: notDummy }),
  rule("mailchimp-api-key", "Mailchimp API key", ["-us"], String.raw`${L}(?<secret>[0-9a-f]{32}-us\d{1,2})${R}`, { validate: (s) => notDummy(s.slice(0, 32)) }),
  rule("brevo-api-key", "Brevo (Sendinblue) API key", ["xkeysib-", "xsmtpsib-"], String.raw`${L}(?<secret>x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16})${R}`),
  rule("shopify-token", "Shopify access token / shared secret", ["shpat_", "shpca_", "shppa_", "shpss_"], String.raw`${L}(?<secret>shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})${R}`),
  rule("postman-api-key", "Postman API key", ["pmak-"], String.raw`${L}(?<secret>PMAK-[a-f0-9]{24}-[a-f0-9]{34})${R}`),
  rule("linear-api-key", "Linear API key", ["lin_api_"], String.raw`${L}(?<secret>lin_api_[A-Za-z0-9]{40})${R}`),
  rule("notion-token", "Notion integration token", ["ntn_", "secret_"], String.raw`${L}(?<secret>ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})${R}`, { validate: (s) => notDummy(s) && hasDigitAndLetter(s) }),
  rule("figma-token", "Figma personal access token", ["figd_"], String.raw`${L}(?<secret>figd_[A-Za-z0-9_\-]{40})${R}`),
  rule("databricks-token", "Databricks personal access token", ["dapi"], String.raw`${L}(?<secret>dapi[a-f0-9]{32}(?:-\d)?)${R}`, { validate: notDummy }),
  rule("dynatrace-token", "Dynatrace API token", ["dt0c01."], String.raw`${L}(?<secret>dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64})${R}`),
  rule("newrelic-key", "New Relic user/ingest/browser API key", ["nrak-", "nrii-", "nrjs-", "nraa-"], String.raw`${L}(?<secret>NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9_\-]{32}|NRJS-[a-f0-9]{19}|NRAA-[a-f0-9]{27})${R}`),
  rule("sentry-token", "Sentry auth token", ["sntrys_", "sntryu_"], String.raw`${L}(?<secret>sntrys_eyJ[A-Za-z0-9+/=_\-]{60,}|sntryu_[a-f0-9]{64})${R}`),
  rule("sonarqube-token", "SonarQube token", ["squ_", "sqp_", "sqa_"], String.raw`${L}(?<secret>sq[upa]_[a-f0-9]{40})${R}`),
  rule("grafana-token", "Grafana Cloud / service-account / API key", ["glc_", "glsa_", "eyjrijoi"], String.raw`${L}(?<secret>glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|eyJrIjoi[A-Za-z0-9+/]{50,400}={0,2})${R}`, { entropy: 3.5 }),
  rule("hashicorp-vault-token", "HashiCorp Vault service/batch token", ["hvs.", "hvb."], String.raw`${L}(?<secret>hv[sb]\.[A-Za-z0-9_\-]{90,})${R}`),
  rule("terraform-cloud-token", "Terraform Cloud / Enterprise API token", ["atlasv1"], String.raw`${L}(?<secret>[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_\-=]{60,70})${R}`),
  rule("doppler-token", "Doppler token", ["dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."], String.raw`${L}(?<secret>dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44})${R}`),
  rule("planetscale-token", "PlanetScale password / token", ["pscale_"], String.raw`${L}(?<secret>pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_\-.=]{32,64})${R}`),
  rule("posthog-key", "PostHog personal / project secret / OAuth key", ["phx_", "phs_", "pha_", "phr_"], String.raw`${L}(?<secret>ph[xsar]_[A-Za-z0-9_]{40,})${R}`),
  rule("supabase-token", "Supabase access token / secret key", ["sbp_", "sb_secret_"], String.raw`${L}(?<secret>sbp_(?:v0_)?[a-f0-9]{40}|sb_secret_[A-Za-z0-9_\-]{31,})${R}`),
  rule("heroku-api-key", "Heroku API key", ["hrku-"], String.raw`${L}(?<secret>HRKU-(?:[A-Za-z0-9_\-]{60}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}))${R}`),
  rule("dropbox-token", "Dropbox short-lived access token", ["sl."], String.raw`${L}(?<secret>sl\.[A-Za-z0-9_\-]{130,152})${R}`, { entropy: 4.0 }),
  rule("onepassword-service-token", "1Password service-account token", ["ops_ey"], String.raw`${L}(?<secret>ops_eyJ[A-Za-z0-9+/=_\-]{250,})${R}`),
  rule("akamai-client-token", "Akamai EdgeGrid client token / secret", ["akab-"], String.raw`${L}(?<secret>akab-[a-z0-9]{16}-[a-z0-9]{16})${R}(?!\.[a-z])`),
  rule("nats-nkey-seed", "NATS nkey seed (next to the word nkey, nats or seed)", ["nkey", "nats", "seed"], String.raw`${L}(?<secret>S[UAONCPX][A-Z2-7]{56})${R}`, { entropy: 4.0 }),
  keyed("heroku-api-key", "Heroku API key (legacy UUID form, next to the word heroku)", ["heroku[\\w.\\-]{0,20}(?:api[_\\-]?key|key|token)"], String.raw`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`, { keywords: ["heroku"] }),
  keyed("cloudflare-api-key", "Cloudflare global API key or API token", ["cloudflare[\\w.\\-]{0,20}(?:api[_\\-]?key|key|token)", "cf_api_(?:key|token)", "cf_(?:api_)?token"], String.raw`[a-f0-9]{37}|[A-Za-z0-9_\-]{40}`, { keywords: ["cloudflare", "cf_"], entropy: 3.5 }),
  keyed("together-api-key", "Together AI API key", ["together[\\w.\\-]{0,20}(?:api[_\\-]?key|key|token)"], String.raw`(?:tgp_v1_)?[A-Za-z0-9_\-]{40,64}`, { keywords: ["together"], entropy: 3.5 }),
  keyed("wechat-app-secret", "WeChat app secret", ["wechat[\\w.\\-]{0,20}(?:secret|key)", "app_?secret"], String.raw`[a-f0-9]{32}`, { keywords: ["wechat", "appsecret", "app_secret"] }),
  rule("facebook-access-token", "Facebook (Meta) access token", ["eaa"], String.raw`${L}(?<secret>EAA[A-Z][A-Za-z0-9]{80,})${R}`, { entropy: 4.0 }),
  rule("instagram-access-token", "Instagram Graph access token", ["igqv"], String.raw`${L}(?<secret>IGQV[A-Za-z0-9_\-]{100,})${R}`, { entropy: 4.0 }),
  rule("twitter-bearer-token", "X (Twitter) app bearer token", ["aaaaaaaaaaaaaaaaaaaaa"], String.raw`${L}(?<secret>A{21}[A-Za-z0-9%]{30,})`, {
    checksummed: true, // the fixed run of A is the format; the tail is checked here instead
    validate: (s) => shannonEntropy(s.replace(/A/g, "")) >= 4.0,
  }),
  rule("netlify-token", "Netlify personal access token", ["nfp_", "nfc_", "nfo_", "nfu_"], String.raw`${L}(?<secret>nf[pcou]_[A-Za-z0-9]{36,40})${R}`),
  rule("salesforce-access-token", "Salesforce access token (org id ! session)", ["00d"], String.raw`${L}(?<secret>00D[0-9A-Za-z]{12,15}![0-9A-Za-z._]{80,})`, { entropy: 4.0 }),
  rule("otpauth-secret", "TOTP/HOTP shared secret in an otpauth:// URI", ["otpauth://"], String.raw`otpauth://[ht]otp/[^\s?]*\?(?:[^\s#]*&)?secret=(?<secret>[A-Za-z2-7]{16,})`),
  rule("jwk-private-key", "private JSON Web Key (the \"d\" parameter, RFC 7518)", ['"d"'], String.raw`"d"\s*:\s*"(?<secret>[A-Za-z0-9_\-]{40,})"`, { entropy: 4.0 }),
  rule("docker-swarm-token", "Docker Swarm join token / unlock key", ["swmtkn-1-", "swmkey-1-"], String.raw`${L}(?<secret>SWMTKN-1-[a-z0-9]{50}-[a-z0-9]{25}|SWMKEY-1-[A-Za-z0-9+/]{43})${R}`),
  rule("bitbucket-dc-token", "Bitbucket Data Center HTTP access token", ["bbdc-"], String.raw`${L}(?<secret>BBDC-[A-Za-z0-9+/]{40,})${R}`, { entropy: 4.0 }),
  rule("together-token", "Together AI API key (tgp_v1_)", ["tgp_v1_"], String.raw`${L}(?<secret>tgp_v1_[A-Za-z0-9_\-]{40,})${R}`),
  rule("vercel-token", "Vercel token (vcp_, vci_, vca_, vcr_, vck_)", ["vcp_", "vci_", "vca_", "vcr_", "vck_"], String.raw`${L}(?<secret>vc[pcark]_[A-Za-z0-9]{40,})${R}`),
  rule("llamacloud-api-key", "LlamaCloud API key", ["llx-"], String.raw`${L}(?<secret>llx-[A-Za-z0-9_\-]{40,})${R}`, { entropy: 4.0 }),
  rule("newrelic-license-key", "New Relic license key (40 characters ending in NRAL)", ["nral"], String.raw`${L}(?<secret>[a-z0-9]{36}NRAL)${R}`, { validate: (s) => /\d/.test(s) && shannonEntropy(s) >= 3.5 }),
  rule("defined-networking-key", "Defined Networking (Managed Nebula) API key", ["dnkey-"], String.raw`${L}(?<secret>dnkey-[A-Z2-7]{26}-[A-Z2-7]{52})${R}`),
  rule("wundergraph-cosmo-key", "WunderGraph Cosmo API key", ["cosmo_"], String.raw`${L}(?<secret>cosmo_[a-f0-9]{32})`),
  rule("postman-collection-token", "Postman collection access token", ["pmat-"], String.raw`${L}(?<secret>PMAT-[A-Z0-9]{26})${R}`),
  rule("dropbox-long-lived-token", "Dropbox long-lived access token", ["aaaaaaaaaa"], String.raw`${L}(?<secret>[a-zA-Z0-9]{11}AAAAAAAAAA[a-zA-Z0-9_\-=]{43})${R}`, {
    checksummed: true, // the run of A is the format
    validate: (s) => shannonEntropy(s.replace(/A/g, "")) >= 4.0,
  }),
  rule("google-oauth-refresh-token", "Google OAuth refresh token", ["1//0"], String.raw`${L}(?<secret>1//0[A-Za-z0-9_\-]{40,})`, { entropy: 4.0 }),
  // ---- AI providers ----
  rule("openai-api-key", "OpenAI API key", ["t3blbkfj"], String.raw`${L}(?<secret>sk-(?:(?:proj|svcacct|admin|None)-)?[A-Za-z0-9_\-]{20,160}T3BlbkFJ[A-Za-z0-9_\-]{20,160})${R}`),
  rule("anthropic-api-key", "Anthropic API key", ["sk-ant-"], String.raw`${L}(?<secret>sk-ant-(?:api|admin|oat|sid)\d\d-[A-Za-z0-9_\-]{80,120})${R}`),
  rule("huggingface-token", "Hugging Face access token", ["hf_", "api_org_"], String.raw`${L}(?<secret>hf_[A-Za-z]{34,40}|api_org_[A-Za-z]{34})${R}`, { validate: (s) => notDummy(s) && /[A-Z]/.test(s) && /[a-z]/.test(s.slice(3)) }),
  rule("groq-api-key", "Groq API key", ["gsk_"], String.raw`${L}(?<secret>gsk_[A-Za-z0-9]{52})${R}`),
  rule("xai-api-key", "xAI API key", ["xai-"], String.raw`${L}(?<secret>xai-[A-Za-z0-9]{70,90})${R}`),
  rule("perplexity-api-key", "Perplexity API key", ["pplx-"], String.raw`${L}(?<secret>pplx-[A-Za-z0-9]{48})${R}`),
  rule("tavily-api-key", "Tavily API key", ["tvly-"], String.raw`${L}(?<secret>tvly-(?:dev-|prod-)?[A-Za-z0-9]{32})${R}`),
  rule("sk-hex-api-key", "OpenAI-compatible API key (sk- + 32 hex: DeepSeek, Moonshot …)", ["sk-"], String.raw`${L}(?<secret>sk-[a-f0-9]{32})${R}`, { validate: notDummy }),
  // ---- keys and tokens in standard formats ----
  rule("age-secret-key", "age secret key", ["age-secret-key-"], String.raw`(?<secret>AGE-SECRET-KEY-(?:PQ-)?1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58,})`, {
    validate: bech32Valid,
    checksummed: true,
  }),
  rule("private-key", "private key block (PEM, OpenSSH, PGP; unencrypted)", ["-----begin"], String.raw`(?<secret>${BEGIN}(?:[^-]|-(?!----))*?(?:-----END ${KEY_LABEL}-----|(?=-----)|$))`, {
    multiline: true,
    validate: privateKeyValid,
  }),
  rule("jwt", "JSON Web Token", ["eyj"], String.raw`${L}(?<secret>eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,})${R}`, { validate: jwtValid }),
  rule("url-credentials", "password in a URL (scheme://user:password@host)", ["://"], String.raw`\b[A-Za-z][A-Za-z0-9+.\-]{1,30}://(?<user>[^\s:@/'"<>{}$]{1,100}):(?<secret>[^\s@/'"<>{}]{3,200})@[A-Za-z0-9.\-_\[\]]+`, {
    placeholders: true,
    validate: (s, m) => s !== m.groups?.["user"] && !/^\$|^%[0-9A-F]{2}$|^\*+$/.test(s),
  }),
  rule("http-authorization", "credentials in an HTTP Authorization header (Basic, Bearer, Token)", ["authorization"],
    String.raw`Authorization["'\]]{0,2}\s*[:=,]\s*["']?(?<scheme>Basic|Bearer|Token|Digest)\s+(?<secret>[A-Za-z0-9+/=._~\-]{12,})`, {
    validate: (s, m) => {
      if (m.groups?.["scheme"]?.toLowerCase() === "basic") {
        const dec = Buffer.from(s, "base64").toString("utf8");
        return /^[^\s:]{1,64}:\S{3,}$/.test(dec) && !isPlaceholder(dec.slice(dec.indexOf(":") + 1));
      }
      return !isPlaceholder(s) && shannonEntropy(s) >= 3.0;
    },
  }, "gi"),
  // ---- credentials in command lines and SQL (by the syntax of the tool, not by provider) ----
  rule("sql-password", "password in a SQL user/role statement (IDENTIFIED BY, PASSWORD '…')", ["identified", "password"],
    String.raw`\b(?:IDENTIFIED(?:\s+WITH\s+\w+)?\s+BY(?:\s+PASSWORD)?|(?:ENCRYPTED\s+|UNENCRYPTED\s+)?PASSWORD\s*=?)\s*(?:'(?<secret>[^'\s]{4,128})'|"(?<secret2>[^"\s]{4,128})"|(?<secret3>[A-Za-z0-9!#%&*+,.\-/:<>?@^_~]{6,128}))`, {
    placeholders: true,
    secretGroup: "secret",
    validate: (s, m) => /\b(?:create|alter)\s+(?:user|role|login)\b|\bidentified\s+(?:with\s+\w+\s+)?by\b|\bset\s+password\b/i.test(m.input) && !/^\$|^:/.test(s) && !/^[A-Za-z_]+$/.test(s) && shannonEntropy(s) >= 2.2,
  }, "gi"),
  rule("cli-credential-flag", "credential given on a command line (--password X, -u user:pass, pass:X, ConvertTo-SecureString)", ["pass", "pwd", "token", "secret", "-u ", "--user", "bearer", "securestring", "apikey", "api-key"],
    String.raw`(?:(?:^|[\s"'(])(?:--?(?:password|passwd|passphrase|pass|pwd|token|secret|api-?key|access-?key|secret-?key|client-?secret|auth-?token|oauth2-bearer)|-(?:Password|Passphrase|Token|Secret))(?:[=\s]+|\s+-\w+\s+)|\bcurl\b[^\n]*?\s(?:-u|--user)\s+["']?[^\s:"']+:|(?:^|[\s"'(-])pass:|ConvertTo-SecureString(?:\s+-\w+)*\s+\\?["']?)(?<q>["']?)(?<secret>[^\s"'\\]{4,200})`, {
    placeholders: true,
    validate: (s) => !/^[$%-]|^\{/.test(s) && !/^[a-z]+$/.test(s) && shannonEntropy(s) >= 2.2 && !PROVIDER_PREFIX.test(s),
  }),
  // ---- generic keyword assignments (last: the provider rules above win on overlap) ----
  rule(
    "generic-password",
    "password or secret assigned in code or config",
    ["pass", "pwd", "pw", "secret", "token", "api_key", "apikey", "api-key", "api key", "access_key", "accesskey", "access-key", "access key", "auth", "credential", "private_key", "private key", "signing_key", "signing key", "encryption_key", "encryption key", "master_key", "master key", "bearer"],
    String.raw`(?<![A-Za-z0-9_.\-])(?<name>${SECRET_NAMES})(?:(?<comma>["']\s{0,3},)|["'\]]?(?:\s{0,3}:\s{0,3}[A-Za-z_][\w.\[\]<>|]{0,30}(?=\s{0,3}=))?\s{0,5}(?::=|=>|==|!=|=|:|->|(?<is>\bis\b)))\s{0,5}(?:(?<call>[A-Za-z.]{1,16})\(\s*)?(?:(?<q>["'\x60])(?<secret>[^"'\x60\r\n]{1,300})\k<q>|(?<secret2>[^\s"'\x60,;<>(){}\[\]\\]{1,300}))`,
    { secretGroup: "secret", placeholders: true, validate: genericValid(2.6, 6) },
    "gi",
  ),
];
