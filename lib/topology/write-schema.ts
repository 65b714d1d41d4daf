/** Writes schemas/topology.schema.json from the zod definition: `npx tsx lib/topology/write-schema.ts`. */
import { mkdir, writeFile } from 'node:fs/promises';
import { topologyJsonSchema } from './schema';

const target = new URL('../../schemas/topology.schema.json', import.meta.url);
await mkdir(new URL('.', target), { recursive: true });
await writeFile(target, topologyJsonSchema());
console.log(`wrote ${target.pathname}`);
