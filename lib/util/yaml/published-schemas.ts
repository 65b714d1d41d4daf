import { z } from 'zod';
import { labProfileSchema } from '../../lab/profile';
import { riskSchema } from '../../risk/schema';
import { perfSpecSchema } from '../../perf/sla';
import { targetSchema } from '../../target/schema';
import { topologySchema } from '../../topology/schema';

/** Every YAML file netvet reads and the JSON Schema published for it (path from the repository root). */
export const publishedSchemas: readonly { file: string; schema: z.ZodType }[] = [
  { file: 'schemas/topology.schema.json', schema: topologySchema },
  { file: 'schemas/target.schema.json', schema: targetSchema },
  { file: 'schemas/lab-profile.schema.json', schema: labProfileSchema },
  { file: 'schemas/risk.schema.json', schema: riskSchema },
  { file: 'schemas/perf-sla.schema.json', schema: perfSpecSchema },
];

/** Draft-07 is what editors read; the input side, so keys with defaults are optional to write. */
export function jsonSchemaText(schema: z.ZodType): string {
  return `${JSON.stringify(z.toJSONSchema(schema, { io: 'input', target: 'draft-7' }), null, 2)}\n`;
}
