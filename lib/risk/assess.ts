import picomatch from 'picomatch';
import { RELEASE_KINDS, type ReleaseKind } from '../ledger/types';
import { TIERS } from '../tags';
import type { Component, RiskFile } from './schema';

/** What a change touches: files of the product repository, and packages it ships as. */
export interface Change {
  files: readonly string[];
  packages: readonly string[];
}

/** Why a tier is asked for: one component (and its files or packages), or those no component claims. */
export interface RiskReason {
  /** A component's name, or `unmapped`. */
  component: string;
  layer?: string;
  blastRadius?: string;
  /** Changed files, and changed packages as `package NAME`. */
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

const NOTHING = () => false;

/**
 * Changed files and packages -> components -> blast radius -> tiers. A change may belong to several
 * components (all count); one no component claims asks for every tier, since nothing says what it can break.
 */
export function assessRisk(risk: RiskFile, change: Change, release: ReleaseKind): RiskAssessment {
  const matchers = risk.components.map((component) => ({
    component,
    file: component.paths ? picomatch(component.paths, { dot: true }) : NOTHING,
    package: component.packages ? picomatch(component.packages) : NOTHING,
  }));
  const filesOf = new Map<Component, string[]>();
  const unmapped: string[] = [];
  const changed = [...change.files.map((file) => ({ shown: file, owners: matchers.filter((m) => m.file(file)) })), ...change.packages.map((name) => ({ shown: `package ${name}`, owners: matchers.filter((m) => m.package(name)) }))];
  for (const { shown, owners } of changed) {
    if (!owners.length) unmapped.push(shown);
    for (const { component } of owners) filesOf.set(component, [...(filesOf.get(component) ?? []), shown]);
  }
  const reasonsFor = (kind: ReleaseKind): RiskReason[] => [
    ...[...filesOf].map(([c, files]) => ({ component: c.name, layer: c.layer, blastRadius: c.blastRadius, files, tiers: ordered(risk.policy[c.blastRadius]![kind]) })),
    ...(unmapped.length ? [{ component: 'unmapped', files: unmapped, tiers: [...TIERS] }] : []),
  ];
  const byRelease = Object.fromEntries(RELEASE_KINDS.map((kind) => [kind, ordered(reasonsFor(kind).flatMap((r) => r.tiers))])) as Record<ReleaseKind, string[]>;
  return { release, changed: changed.map((c) => c.shown), reasons: reasonsFor(release), tiers: byRelease[release], byRelease };
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
