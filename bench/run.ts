// `npm run bench`: runs every bench/*.ts that exports run(), one after another, and prints
// their figures. Targets are printed beside the figures; nothing here fails a build.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
// The engine first: the other figures are read against it.
const files = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .sort((a, b) => (a === 'engine.ts' ? -1 : b === 'engine.ts' ? 1 : a.localeCompare(b)))
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.ts$/, '')));

for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') continue;
  console.log(`\n=== ${file.replace(/\.ts$/, '')} ===`);
  await mod.run();
}
