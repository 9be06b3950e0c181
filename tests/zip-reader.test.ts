// The tests' zip reader checks archives the way `unzip -t` does, so export tests catch corruption.
import { expect, test } from "vitest";
import yazl from "yazl";
import { readZip } from "./helpers/zip";

async function zipOf(files: Record<string, string>, compress = true): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, text] of Object.entries(files)) zip.addBuffer(Buffer.from(text.repeat(50)), name, { compress });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

test("reads every entry of a sound archive", async () => {
  const entries = readZip(await zipOf({ "a.txt": "first ", "b/c.json": '{"x":1}' }));
  expect(entries.map((entry) => [entry.name, entry.data.length])).toEqual([
    ["a.txt", 300],
    ["b/c.json", 350],
  ]);
});

test("refuses an archive whose stored data was changed", async () => {
  const archive = await zipOf({ "a.txt": "first " }, false);
  expect(readZip(archive)[0]!.data.toString()).toBe("first ".repeat(50));
  // Stored (not deflated), the first entry's data starts after its 30-byte local header and name.
  archive[30 + "a.txt".length + 2]! ^= 0xff;
  expect(() => readZip(archive)).toThrow("a.txt does not match its CRC-32");
});
