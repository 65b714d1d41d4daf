import { z } from 'zod';
import { INTEGRATION_PROFILES } from './integrations/profiles';
import { parseYamlWith } from '../util/yaml/parse';
import { readInputFile } from '../util/yaml/read';

/** A lab profile: how big the embedded lab is and how it is wired (topologies/labs/*.yaml). */
export const labProfileSchema = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional(),
    controlPlane: z
      .object({
        members: z.union([z.literal(1), z.literal(3), z.literal(5)]).default(3).describe('Raft members per OVN database'),
        northd: z.number().int().min(1).max(3).default(2).describe('ovn-northd instances, one active, one per control host (capped at members)'),
      })
      .strict()
      .default({ members: 3, northd: 2 }),
    chassis: z
      .object({
        compute: z.number().int().min(1).max(16).default(3),
        gateway: z.number().int().min(0).max(4).default(1),
      })
      .strict()
      .default({ compute: 3, gateway: 1 }),
    encapsulation: z.enum(['geneve', 'vxlan']).default('geneve'),
    /** A /16 the lab owns; `auto` takes the first free one in 10.240.0.0/12. */
    addressRange: z
      .union([z.literal('auto'), z.string().regex(/^10\.(24[0-9]|25[0-5])\.0\.0\/16$/, 'a /16 inside 10.240.0.0/12, such as 10.241.0.0/16')])
      .default('auto'),
    mtu: z
      .object({
        underlay: z.number().int().min(1280).max(9000).default(1500),
        workload: z.number().int().min(576).max(8900).default(1400),
      })
      .strict()
      .default({ underlay: 1500, workload: 1400 }),
    /** Left out, the underlay is one flat segment with one uplink per chassis (and the profile's saved form stays as before). */
    underlay: z
      .object({
        routed: z.boolean().default(false).describe('Chassis in two data subnets joined by a router host (rt1) with static routes'),
        bond: z
          .union([z.boolean(), z.array(z.string().regex(/^(ch|gw)\d+$/, 'a chassis name such as ch1 or gw1')).min(1)])
          .default(false)
          .describe('Uplinks as OVS active-backup bonds of two links: true for every chassis, or a list of chassis names'),
      })
      .strict()
      .optional(),
    ...INTEGRATION_PROFILES,
  })
  .strict()
  .refine((p) => p.mtu.workload + 100 <= p.mtu.underlay, {
    message: 'the workload MTU must leave 100 bytes of the underlay MTU for tunnel headers',
    path: ['mtu', 'workload'],
  })
  .superRefine((p, ctx) => {
    const bond = p.underlay?.bond;
    const unknown = Array.isArray(bond) ? bond.filter((name) => !chassisNames(p).includes(name)) : [];
    if (unknown.length) {
      ctx.addIssue({ code: 'custom', path: ['underlay', 'bond'], message: `no chassis ${unknown.join(', ')} in this profile; it has ${chassisNames(p).join(', ')}` });
    }
  })
  .refine((p) => !p.underlay?.routed || chassisNames(p).length >= 2, {
    message: 'a routed underlay needs at least two chassis, one in each data subnet',
    path: ['underlay', 'routed'],
  });

/** Chassis names a profile gives: compute ch1..chN, then gateways gw1..gwN. */
export function chassisNames(profile: { chassis: { compute: number; gateway: number } }): string[] {
  const { compute, gateway } = profile.chassis;
  return [...Array.from({ length: compute }, (_, i) => `ch${i + 1}`), ...Array.from({ length: gateway }, (_, i) => `gw${i + 1}`)];
}

export type LabProfile = z.infer<typeof labProfileSchema>;

export async function loadLabProfile(file: string): Promise<LabProfile> {
  const text = await readInputFile(file, { name: 'lab profile', missing: 'give --profile an existing file, such as topologies/labs/default.yaml' });
  return parseYamlWith(labProfileSchema, text, file, {
    name: 'lab profile',
    start: 'write the settings that differ from the defaults, such as `encapsulation: vxlan` (see topologies/labs/*.yaml)',
  });
}
