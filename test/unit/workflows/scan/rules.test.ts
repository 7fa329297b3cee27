/**
 * Every built-in rule family against true and false examples written from the providers' documented
 * formats. Token-shaped literals are assembled at run time (prefix + body) so that this file does not
 * itself look like a leak to other scanners; checksummed formats are generated with a valid checksum.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { makeScanConfig, scanContent } from "../../../../src/workflows/scan/index.js";
import { base62, crc32 } from "../../../../src/workflows/scan/filters.js";
import { generateIdentity } from "age-encryption";

const config = makeScanConfig({ root: "/" });
const rulesIn = (text: string, file = "x.txt"): string[] => scanContent(file, text, config).map((f) => f.ruleId);
const j = (...p: string[]): string => p.join("");

// deterministic pseudo-random strings from an alphabet (a seeded LCG: no Math.random)
let seed = 12345;
function rnd(n: number, alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"): string {
  let s = "";
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    s += alphabet[(seed >>> 16) % alphabet.length];
  }
  return s;
}
const HEX = "0123456789abcdef";
const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const checksummed = (prefix: string, n = 30): string => {
  const body = rnd(n);
  return `${prefix}${body}${base62(crc32(body), 6)}`;
};

function finds(rule: string, text: string, file?: string): void {
  assert.ok(rulesIn(text, file).includes(rule), `expected ${rule} in: ${text.slice(0, 60)}… got ${JSON.stringify(rulesIn(text, file))}`);
}
function clean(text: string, file?: string): void {
  assert.deepEqual(rulesIn(text, file), [], `expected no finding in: ${text.slice(0, 80)}`);
}

describe("scan rules: cloud providers", () => {
  it("finds an AWS access key id (AKIA/ASIA + 16 base32) and ignores the documented EXAMPLE key", () => {
    finds("aws-access-key-id", `aws_access_key_id = ${j("AKIA", rnd(16, B32))}`);
    finds("aws-access-key-id", `export KEY=${j("ASIA", rnd(16, B32))}`);
    clean(`aws_access_key_id = ${j("AKIA", "IOSFODNN7", "EXAMPLE")}`);
    clean(`aws_access_key_id = ${j("AKIA", "ABCDEFGHQRSTUVWX")}`); // a made-up run of letters
    clean(`id = ${j("AKIA", rnd(15, B32))}`); // too short
    clean(`id = X${j("AKIA", rnd(16, B32))}`); // inside a longer token
  });
  it("finds an AWS secret access key only next to a keyword", () => {
    const secret = rnd(40, B64.replace("+", "").replace("/", ""));
    finds("aws-secret-access-key", `aws_secret_access_key = ${secret}`);
    finds("aws-secret-access-key", `"AWS_SECRET_ACCESS_KEY": "${secret}"`);
    assert.ok(!rulesIn(`checksum = ${secret}`).includes("aws-secret-access-key"));
    clean(`aws_secret_access_key = ${j("wJalrXUtnFEMI/K7MDENG/bPxRfiCY", "EXAMPLEKEY")}`);
  });
  it("finds Google API keys, OAuth client secrets and service-account keys", () => {
    finds("gcp-api-key", `key: ${j("AIza", rnd(35))}`);
    clean(`key: ${j("AIza", rnd(20))}`);
    finds("gcp-oauth-client-secret", `client_secret=${j("GOCSPX-", rnd(28))}`);
    // a service-account key file: the PEM sits JSON-escaped on one line
    const pemBody = Array.from({ length: 8 }, () => rnd(64, B64)).join("\\n");
    const sa = `{\n  "type": "service_account",\n  "project_id": "demo",\n  "private_key_id": "${rnd(40, HEX)}",\n  "private_key": "-----BEGIN PRIVATE KEY-----\\n${pemBody}\\n-----END PRIVATE KEY-----\\n",\n  "client_email": "svc@demo.iam.gserviceaccount.com"\n}\n`;
    const f = scanContent("sa.json", sa, config);
    assert.deepEqual(f.map((x) => [x.ruleId, x.line]), [["gcp-service-account-key", 5]]);
    clean(sa.replace(/"private_key": "[^"]*"/, '"private_key": "-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----\\n"'));
  });
  it("finds Azure storage keys in connection strings and AD client secrets", () => {
    finds("azure-storage-account-key", `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${rnd(86, B64)}==;EndpointSuffix=core.windows.net`);
    clean("AccountKey=<your-account-key>");
    finds("azure-ad-client-secret", `secret = "${j(rnd(3), "8Q~", rnd(34, B64.slice(0, 62)))}"`);
  });
});

describe("scan rules: VCS tokens and registries", () => {
  it("accepts GitHub tokens whose CRC-32 checksum is right and rejects a wrong one", () => {
    for (const p of ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]) finds("github-token", `GITHUB_TOKEN=${checksummed(p)}`);
    const good = checksummed("ghp_");
    const bad = good.slice(0, -1) + (good.endsWith("A") ? "B" : "A");
    clean(`GITHUB_TOKEN=${bad}`);
    finds("github-fine-grained-pat", `token: ${j("github_pat_", rnd(22), "_", rnd(59))}`);
  });
  it("finds GitLab tokens of every documented prefix", () => {
    for (const p of ["glpat-", "gldt-", "glptt-", "glrt-", "glcbt-"]) finds("gitlab-token", `token = ${j(p, rnd(20))}`);
    finds("gitlab-runner-registration-token", `registration-token: ${j("GR1348941", rnd(20))}`);
    clean("token = glpat-xxxxxxxxxxxxxxxxxxxx");
  });
  it("checks npm tokens' checksum like GitHub's and finds _authToken lines", () => {
    finds("npm-token", `//registry.npmjs.org/:_authToken=${checksummed("npm_")}`);
    const good = checksummed("npm_");
    clean(`token=${good.slice(0, -2)}zz`);
    finds("npm-auth-token", `//registry.npmjs.org/:_authToken=${rnd(36, HEX)}-${rnd(8, HEX)}`);
    clean("//registry.npmjs.org/:_authToken=${NPM_TOKEN}");
  });
  it("finds PyPI upload tokens (macaroon with the pypi.org location)", () => {
    finds("pypi-token", `password = ${j("pypi-", "AgEIcHlwaS5vcmc", rnd(70))}`);
    clean(`password = ${j("pypi-", "AgEIcHlwaS5vcmc")}`);
  });
});

describe("scan rules: chat, webhooks, payments, SaaS", () => {
  it("finds Slack tokens and webhooks", () => {
    finds("slack-token", `SLACK_BOT_TOKEN=${j("xoxb-", rnd(11, "0123456789"), "-", rnd(12, "0123456789"), "-", rnd(24))}`);
    finds("slack-webhook-url", `url: ${j("https://hooks.slack.com/services/", "T", rnd(8, B32), "/B", rnd(8, B32), "/", rnd(24))}`);
    clean("SLACK_BOT_TOKEN=xoxb-your-token");
  });
  it("finds Discord and Teams webhooks", () => {
    finds("discord-webhook-url", j("https://discord.com/api/webhooks/", rnd(18, "0123456789"), "/", rnd(68)));
    const u = (): string => `${rnd(8, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(12, HEX)}`;
    finds("teams-webhook-url", j("https://acme.webhook.office.com/webhookb2/", u(), "@", u(), "/IncomingWebhook/", rnd(32, HEX), "/", u()));
  });
  it("finds Stripe secret and restricted keys, not publishable keys", () => {
    finds("stripe-key", `STRIPE_KEY=${j("sk_", "live_", rnd(24))}`);
    finds("stripe-key", `STRIPE_KEY=${j("rk_", "test_", rnd(24))}`);
    clean(`STRIPE_PUBLISHABLE=${j("pk_", "live_", rnd(24))}`);
  });
  it("finds Twilio, SendGrid and other prefixed provider keys", () => {
    finds("twilio-api-key", `TWILIO_API_KEY_SID=${j("SK", rnd(32, HEX))}`);
    finds("twilio-auth-token", `twilio_auth_token = "${rnd(32, HEX)}"`);
    finds("sendgrid-api-key", `SENDGRID_API_KEY=${j("SG.", rnd(22), ".", rnd(43))}`);
    finds("openai-api-key", `OPENAI_API_KEY=${j("sk-proj-", rnd(40), "T3Blbk", "FJ", rnd(40))}`);
    finds("anthropic-api-key", `ANTHROPIC_API_KEY=${j("sk-ant-", "api03-", rnd(93), "AA")}`);
    finds("huggingface-token", `HF_TOKEN=${j("hf_", "aB", rnd(32, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"))}`);
  });
});

describe("scan rules: more provider and standard formats", () => {
  it("finds TOTP secrets in otpauth URIs, private JWKs, keyed Heroku/Cloudflare keys and GitLab session cookies", () => {
    finds("otpauth-secret", `otpauth://totp/ACME:alice@example.com?secret=${rnd(32, B32)}&issuer=ACME`);
    finds("jwk-private-key", `{"kty":"EC","crv":"P-256","x":"${rnd(43)}","y":"${rnd(43)}","d":"${rnd(43)}"}`);
    clean(`{"d": "short"}`);
    const uuid = `${rnd(8, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(4, HEX)}-${rnd(12, HEX)}`;
    finds("heroku-api-key", `HEROKU_API_KEY=${uuid}`);
    assert.ok(!rulesIn(`request_id=${uuid}`).includes("heroku-api-key"));
    finds("cloudflare-api-key", `CLOUDFLARE_API_TOKEN=${rnd(40)}`);
    finds("gitlab-session-cookie", `Cookie: _gitlab_session=${rnd(32, HEX)}`);
    finds("aws-bedrock-api-key", `AWS_BEARER_TOKEN_BEDROCK=${j("ABSK", rnd(120, B64))}`);
    finds("docker-swarm-token", `docker swarm join --token ${j("SWMTKN-1-", rnd(50, "abcdefghijklmnopqrstuvwxyz0123456789"), "-", rnd(25, "abcdefghijklmnopqrstuvwxyz0123456789"))} 10.0.0.1:2377`);
    finds("google-oauth-refresh-token", `refresh_token: ${j("1//0", rnd(60))}`);
  });
  it("sees a token right after a terminal colour escape (coloured logs)", () => {
    finds("stripe-key", `\x1b[94m${j("sk_", "live_", rnd(24))}\x1b[0m`);
    clean(`x${j("sk_", "live_", rnd(24))}`);
  });
});

describe("scan rules: keys, JWTs, URLs", () => {
  it("finds an age secret key only when its Bech32 checksum is right", async () => {
    const key = await generateIdentity();
    finds("age-secret-key", `# created: 2024-01-01\n${key}\n`);
    const last = key.slice(-1);
    clean(key.slice(0, -1) + (last === "Q" ? "P" : "Q"));
  });
  const pem = (label: string, body: string): string => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
  const b64lines = (n: number): string => Array.from({ length: n }, () => rnd(64, B64)).join("\n");
  it("finds unencrypted PEM and OpenSSH private keys, once per block, on the BEGIN line", () => {
    const text = `x = 1\n${pem("RSA PRIVATE KEY", b64lines(10))}`;
    const f = scanContent("k.pem", text, config);
    assert.equal(f.length, 1);
    assert.equal(f[0]?.ruleId, "private-key");
    assert.equal(f[0]?.line, 2);
    const openssh = Buffer.concat([Buffer.from("openssh-key-v1\0"), Buffer.from([0, 0, 0, 4]), Buffer.from("none"), Buffer.from(rnd(200))]).toString("base64");
    finds("private-key", pem("OPENSSH PRIVATE KEY", openssh.match(/.{1,70}/g)?.join("\n") ?? ""));
  });
  it("does not report passphrase-encrypted keys (PKCS#8, Proc-Type, OpenSSH with a cipher) or stubs", () => {
    clean(pem("ENCRYPTED PRIVATE KEY", b64lines(10)));
    clean(pem("RSA PRIVATE KEY", `Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,${rnd(32, HEX).toUpperCase()}\n\n${b64lines(10)}`));
    const enc = Buffer.concat([Buffer.from("openssh-key-v1\0"), Buffer.from([0, 0, 0, 10]), Buffer.from("aes256-ctr"), Buffer.from(rnd(200))]).toString("base64");
    clean(pem("OPENSSH PRIVATE KEY", enc.match(/.{1,70}/g)?.join("\n") ?? ""));
    clean(pem("PRIVATE KEY", "..."));
    clean(pem("PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC...xxxxxxxx"));
  });
  it("finds a JWT only when its header decodes to JSON with alg", () => {
    const b64u = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString("base64url");
    const jwt = `${b64u({ alg: "HS256", typ: "JWT" })}.${b64u({ sub: "1234567890", name: "x", iat: 1516239022 })}.${rnd(43)}`;
    finds("jwt", `Authorization: Bearer ${jwt}`);
    clean(`x = ${b64u({ foo: "HS256", typ: "JWT" })}.${b64u({ sub: "1" })}.${rnd(43)}`);
  });
  it("finds passwords in URLs and skips placeholders and variables", () => {
    finds("url-credentials", `DATABASE_URL=postgres://app:${rnd(16)}@db.internal:5432/app`);
    clean("DATABASE_URL=postgres://user:password@localhost/db");
    clean("DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app");
    clean("DATABASE_URL=postgres://app:<password>@db/app");
    clean("url = https://example.com/a:b@c"); // no user:pass before @ in authority
  });
});

describe("scan: made-up values in provider formats", () => {
  it("drops tokens with runs like 123456, fedcba or xxxxxx, except where a checksum proves the format", () => {
    clean(`key: ${j("sk_", "live_", rnd(10), "1234567", rnd(8))}`);
    clean(`key: ${j("sk_", "live_", rnd(10), "987654", rnd(8))}`);
    clean(`figma: ${j("figd_", "x".repeat(40))}`);
    const body = "0".repeat(30);
    finds("github-token", j("ghp_", body, base62(crc32(body), 6)));
  });
});

describe("scan rules: generic assignments", () => {
  it("finds password/secret/token assignments with a real-looking value", () => {
    finds("generic-password", `password = "Tr0ub4dor&3-horse"`);
    finds("generic-password", `DB_PASSWORD: 'n7Kq#2vLp9!x'`);
    finds("generic-password", `"client_secret": "${rnd(24)}"`);
    finds("generic-password", `api_key := "${rnd(32, HEX)}"`);
    finds("generic-password", `val password: String = "exord13Paw64"`);
    finds("generic-password", `define('DB_PASSWORD', '2Arh5dA1Sn0ywiV');`);
    finds("generic-password", `"AwsSecretKey": "${rnd(30, B64)}/${rnd(20)}"`);
    finds("generic-password", `ssh admin@10.0.0.5 (pw:IhqSb1Gg)`);
    finds("generic-password", `the password is Zx81kq#w`);
    finds("generic-password", `Token-> DemoToken: Nxs094M3ed2s1Re0F4M3ed2GZ8M=`); // the second candidate inside a rejected first one
  });
  it("skips placeholders, variables, code and metadata keys", () => {
    for (const line of [
      `password = "\${DB_PASSWORD}"`,
      `password: <password>`,
      `password = "changeme"`,
      `password = "xxxxxxxx"`,
      `password: "your_password_here"`,
      `password = os.environ["DB_PASSWORD"]`,
      `password = getPassword()`,
      `password = config.db.password`,
      `password_length = 16`,
      `token_type: "bearer"`,
      `secret_name: "db-credentials"`,
      `password: "{{ .Values.password }}"`,
      `password = ""`,
      `password = "example-password"`,
      `SECRET = getenv("DB_SECRET_NAME", "")`,
      `password = "0xAb19D82E7f546cC3"`,
      `password: ENC(2dfRFqV/cS6TzRd+JyO=)`,
      `pwdump = "n0NeKreD5"`,
      `// the secret is printed nowhere`,
      `const BOOLS = ["private-key", "stdinpass", "version"];`,
      `export const SOPS_AGE_SSH_PRIVATE_KEY_FILE = "SOPS_AGE_SSH_PRIVATE_KEY_FILE";`,
      `  secret: Uint8Array,`,
      `  secrets: ManifestSecret[];`,
      `"input_token": "NextToken",`,
      `secretRef = "550e8400-e29b-41d4-a716-446655440000"`,
      `secretRefRegex = "^[0-9a-f]{8}$"`,
      `w.Header().Set("X-Subject-Token", "test-token-12345")`,
      `{Metadata{MessageAuthenticationCode: "line1\\nline2"}}`,
      `secret_files="secret.enc.json"`,
      `return fmt.Sprintf("arn:aws:secretsmanager:%s:*:secret:%s", region, name)`,
      `req.ClientToken = &clientToken`,
      `if block && token.typ == yaml_BLOCK_SEQUENCE_START_TOKEN {`,
      `const rsaKeyToken = "{RSAPUB}"`,
      `rule("npm-token", "npm access token", ["npm_"]);`,
      `password: base-pw`,
      `if (!/-----BEGIN OPENSSH PRIVATE KEY-----/.test(text)) throw new Error("passphrase-protected PEM private keys are not supported; convert the key with ssh-keygen -p -m RFC4716 first, or use it without a passphrase if nothing else works for you now");`,
    ]) clean(line);
  });
});

describe("scan rules: command lines, SQL, HTTP headers", () => {
  it("finds passwords in SQL user statements, not PASSWORD EXPIRE", () => {
    finds("sql-password", `ALTER USER 'root'@'localhost' IDENTIFIED WITH mysql_native_password BY 'Rt7#kq2Lw';`);
    finds("sql-password", `CREATE USER app WITH ENCRYPTED PASSWORD 'Rt7#kq2Lw' CREATEDB;`);
    clean(`ALTER USER 'u'@'%' PASSWORD EXPIRE INTERVAL 90 DAY;`);
    clean(`SELECT password FROM users WHERE id = 1;`);
  });
  it("finds credentials given as command-line flags", () => {
    finds("cli-credential-flag", `mysql -u root --password Sne3sd8AZjq`);
    finds("cli-credential-flag", `curl -X PUT -u "admin:dG9rZW4g" https://127.0.0.1`);
    finds("cli-credential-flag", `openssl x509 -passin "pass:nCzx8A8#!" -in a.csr`);
    clean(`curl -u "$USER:$PASSWORD" https://127.0.0.1`);
    clean(`mysql --password "$DB_PASSWORD"`);
  });
  it("finds Basic credentials and bearer tokens in Authorization headers", () => {
    finds("http-authorization", `curl -H "Authorization: Basic ${Buffer.from("admin:s3cr3t-pw").toString("base64")}" http://x`);
    finds("http-authorization", `headers["Authorization"] = "Bearer ${rnd(40)}"`);
    clean(`Authorization: Basic ${Buffer.from("no colon here").toString("base64")}`);
  });
});

describe("scan: encrypted values and files", () => {
  it("never reports an ENC[AES256_GCM,…] value", () => {
    clean(`password: ENC[AES256_GCM,data:${rnd(20, B64)}=,iv:${rnd(43, B64)}=,tag:${rnd(22, B64)}==,type:str]`);
  });
});
