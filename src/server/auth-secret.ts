// When BETTER_AUTH_SECRET is unset, a random secret is generated once and kept under DATA_DIR,
// so `npm start` needs no setup and sessions survive restarts.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export function authSecret(dataDirectory: string): string {
  const file = path.resolve(dataDirectory, "auth-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const secret = crypto.randomBytes(32).toString("base64url");
  try {
    // "wx" fails if another process created it first; then that process's secret wins.
    fs.writeFileSync(file, `${secret}\n`, { flag: "wx", mode: 0o600 });
    return secret;
  } catch {
    return fs.readFileSync(file, "utf8").trim();
  }
}
