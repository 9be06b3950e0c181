// Before `npm run dev` and `npm run build`: valid configuration, an auth secret, a migrated database.
import { ensureAuthSecret, loadDotEnv, migrate, validateEnvironment } from "./app-environment.mjs";

loadDotEnv();
const settings = await validateEnvironment();
await ensureAuthSecret(settings);
migrate();
