/** Writes schemas/*.schema.json from the zod definitions, and README.md's capability table: `npm run schemas`. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { withCapabilityTable } from '../../capabilities';
import { jsonSchemaText, publishedSchemas } from './published-schemas';

for (const { file, schema } of publishedSchemas) {
  const target = new URL(`../../../${file}`, import.meta.url);
  await mkdir(new URL('.', target), { recursive: true });
  await writeFile(target, jsonSchemaText(schema));
  console.log(`wrote ${target.pathname}`);
}

const readme = new URL('../../../README.md', import.meta.url);
await writeFile(readme, withCapabilityTable(await readFile(readme, 'utf8')));
console.log(`wrote the capability table in ${readme.pathname}`);
