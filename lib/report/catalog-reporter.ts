import { relative, sep } from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite } from '@playwright/test/reporter';
import { catalogProblems, type CatalogProblem } from '../tags';
import { printable } from '../util/errors';

/**
 * Checks every scenario's tags, stable id and `requires` when the run is planned, before any test
 * runs, and so also under `--list`: a misspelt requirement fails the listing instead of skipping its
 * scenario on every target. netvet's own tests (tests/framework) are not scenarios and are exempt.
 */
export default class CatalogReporter implements Reporter {
  private problems: CatalogProblem[] = [];

  printsToStdio(): boolean {
    return true;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    const scenarios = suite.allTests().filter((t) => !relative(config.rootDir, t.location.file).startsWith(`framework${sep}`));
    this.problems = scenarios.flatMap((t) => catalogProblems(`${relative(process.cwd(), t.location.file)}:${t.location.line} ${t.title}`, t.tags, t.annotations));
    for (const p of this.problems) console.error(printable(`scenario catalog: ${p.test}: ${p.problem}`, false));
  }

  onEnd(_result: FullResult): Promise<{ status: FullResult['status'] } | undefined> {
    return Promise.resolve(this.problems.length ? { status: 'failed' } : undefined);
  }
}
