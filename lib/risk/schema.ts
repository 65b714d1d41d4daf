import { z } from 'zod';
import { RELEASE_KINDS } from '../ledger/types';
import { TIERS } from '../tags';

/** The parts of an SDN product a change can touch, in the order of how much breaks when they do. */
export const LAYERS = ['datapath', 'control-plane', 'config-schema', 'upgrade-path', 'orchestrator-plugin', 'gui'] as const;
export const BLAST_RADII = ['critical', 'high', 'medium', 'low'] as const;
export type BlastRadius = (typeof BLAST_RADII)[number];

const tier = z.enum(TIERS, { error: `a tier tag: ${TIERS.join(', ')}` });
const tiersByRelease = z.object(Object.fromEntries(RELEASE_KINDS.map((kind) => [kind, z.array(tier).describe(`tiers a ${kind} release must pass`)])) as Record<(typeof RELEASE_KINDS)[number], z.ZodArray<typeof tier>>).strict();

/**
 * risk.yaml, kept in the product repository: which paths are which component, how far a change to
 * each reaches, and the tiers each blast radius asks of each kind of release.
 */
export const riskSchema = z
  .object({
    $schema: z.string().optional(),
    components: z
      .array(
        z
          .object({
            name: z.string().min(1),
            /** Globs relative to the repository root (`datapath/**`, `**\/*.ovsschema`). */
            paths: z.array(z.string().min(1)).min(1).optional(),
            /** Names (or globs) of the packages the component ships as (`openvswitch-switch`, `ovn-*`), for `netvet risk --packages`. */
            packages: z.array(z.string().min(1)).min(1).optional(),
            layer: z.enum(LAYERS, { error: `one of ${LAYERS.join(', ')}` }),
            blastRadius: z
              .enum(BLAST_RADII, { error: `one of ${BLAST_RADII.join(', ')}` })
              .describe('how far a change here reaches; the policy needs a row of that name with the tiers of each release kind'),
          })
          .strict(),
      )
      .min(1),
    policy: z.object(Object.fromEntries(BLAST_RADII.map((radius) => [radius, tiersByRelease.optional()])) as Record<BlastRadius, z.ZodOptional<typeof tiersByRelease>>).strict(),
  })
  .strict()
  .superRefine((risk, ctx) => {
    risk.components.forEach((component, i) => {
      if (!component.paths && !component.packages) {
        ctx.addIssue({ code: 'custom', path: ['components', i], message: `component '${component.name}' names no paths and no packages, so no change can reach it` });
      }
      if (!risk.policy[component.blastRadius]) {
        ctx.addIssue({ code: 'custom', path: ['components', i, 'blastRadius'], message: `the policy has no row for blast radius '${component.blastRadius}'` });
      }
    });
  });
export type RiskFile = z.infer<typeof riskSchema>;
export type Component = RiskFile['components'][number];
