// `npm run build`, second half: files the app reads beside its code (the web chat page, any
// other asset under src/ that is not TypeScript) are copied to dist/ with the same layout.
import fs from 'node:fs';
import path from 'node:path';

let copied = 0;
function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(from);
    else if (!/\.(ts|mts|cts)$/.test(entry.name)) {
      const to = path.join('dist', path.relative('src', from));
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(from, to);
      copied++;
    }
  }
}
walk('src');
console.log(`build: ${copied} asset file(s) copied to dist/`);
