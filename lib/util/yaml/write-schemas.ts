/** Writes schemas/*.schema.json from the zod definitions: `npm run schemas`. */
import { mkdir, writeFile } from 'node:fs/promises';
import { jsonSchemaText, publishedSchemas } from './published-schemas';

for (const { file, schema } of publishedSchemas) {
  const target = new URL(`../../../${file}`, import.meta.url);
  await mkdir(new URL('.', target), { recursive: true });
  await writeFile(target, jsonSchemaText(schema));
  console.log(`wrote ${target.pathname}`);
}
