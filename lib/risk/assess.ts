import picomatch from 'picomatch';
import { RELEASE_KINDS, type ReleaseKind } from '../ledger/types';
import { TIERS } from '../tags';
import type { Component, RiskFile } from './schema';

/** Why a tier is asked for: one component (and its files), or the files no component claims. */
export interface RiskReason {
  /** A component's name, or `unmapped`. */
  component: string;
  layer?: string;
  blastRadius?: string;
  files: string[];
  tiers: string[];
}

export interface RiskAssessment {
  release: ReleaseKind;
  changed: string[];
  reasons: RiskReason[];
  /** The union of the reasons' tiers, in the registered tier order. */
  tiers: string[];
  /** The same tiers for each kind of release (the gate reads the one it is asked about). */
  byRelease: Record<ReleaseKind, string[]>;
}

/**
 * Changed files -> components -> blast radius -> tiers. A file may belong to several components
 * (all count); a file no component claims asks for every tier, since nothing says what it can break.
 */
export function assessRisk(risk: RiskFile, changed: readonly string[], release: ReleaseKind): RiskAssessment {
  const matchers = risk.components.map((component) => ({ component, matches: picomatch(component.paths, { dot: true }) }));
  const filesOf = new Map<Component, string[]>();
  const unmapped: string[] = [];
  for (const file of changed) {
    const owners = matchers.filter((m) => m.matches(file)).map((m) => m.component);
    if (!owners.length) unmapped.push(file);
    for (const owner of owners) filesOf.set(owner, [...(filesOf.get(owner) ?? []), file]);
  }
  const reasonsFor = (kind: ReleaseKind): RiskReason[] => [
    ...[...filesOf].map(([c, files]) => ({ component: c.name, layer: c.layer, blastRadius: c.blastRadius, files, tiers: ordered(risk.policy[c.blastRadius]![kind]) })),
    ...(unmapped.length ? [{ component: 'unmapped', files: unmapped, tiers: [...TIERS] }] : []),
  ];
  const byRelease = Object.fromEntries(RELEASE_KINDS.map((kind) => [kind, ordered(reasonsFor(kind).flatMap((r) => r.tiers))])) as Record<ReleaseKind, string[]>;
  return { release, changed: [...changed], reasons: reasonsFor(release), tiers: byRelease[release], byRelease };
}

const ordered = (tiers: readonly string[]) => TIERS.filter((tier) => tiers.includes(tier));

/**
 * The Playwright commands that run exactly these tiers, as `npm run regression` does: the
 * scenarios, then the disruptive ones alone, then the upgrade tier (its own project, run whole).
 */
export function playwrightSelection(tiers: readonly string[]): string[] {
  const scenarioTiers = tiers.filter((t) => t !== '@upgrade');
  const grep = `(${scenarioTiers.join('|')})(\\s|$)`;
  return [
    ...(scenarioTiers.length
      ? [`npx playwright test --project=scenarios --grep "${grep}"`, `npx playwright test --project=serial --no-deps --grep "${grep}"`]
      : []),
    ...(tiers.includes('@upgrade') ? ['npx playwright test --project=upgrade'] : []),
  ];
}
