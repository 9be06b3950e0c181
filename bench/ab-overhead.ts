import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDatabase } from "@/server/db";
import { applyMigrations } from "../tests/helpers/database";
import { measureEngineOverhead } from "./engine-overhead";

const directory = fs.mkdtempSync(path.join(os.tmpdir(), "ab-"));
const file = path.join(directory, "bench.db");
applyMigrations(file);
const database = { url: `file:${file}`, db: createDatabase(`file:${file}`) };
const result = await measureEngineOverhead(database, Number(process.argv[2] ?? 5000), Number(process.argv[3] ?? 3));
console.log(JSON.stringify({ perTask: result.perTaskMicroseconds, samples: result.perTaskSamples.map((value) => Math.round(value * 10) / 10) }));
await database.db.$disconnect();
fs.rmSync(directory, { recursive: true, force: true });
process.exit(0);
