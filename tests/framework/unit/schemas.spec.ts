import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { jsonSchemaText, publishedSchemas } from '../../../lib/util/yaml/published-schemas';

/** The published JSON Schemas are generated from the zod definitions the loaders use, never edited by hand. */

for (const { file, schema } of publishedSchemas) {
  test(`${file} is the one the zod definition generates`, async () => {
    const committed = await readFile(fileURLToPath(new URL(`../../../${file}`, import.meta.url)), 'utf8');
    expect(committed, 'run: npm run schemas').toBe(jsonSchemaText(schema));
  });
}
