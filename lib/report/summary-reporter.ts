import type { FullResult, Reporter, TestCase } from '@playwright/test/reporter';

/**
 * Prints one closing line, `N passed, N failed[, N skipped]`, counting each test by its final
 * outcome (a flaky test that passed on retry counts as passed), so CI can read the run at a glance.
 */
export default class SummaryReporter implements Reporter {
  private readonly outcomes = new Map<TestCase, ReturnType<TestCase['outcome']>>();

  printsToStdio(): boolean {
    return true;
  }

  onTestEnd(test: TestCase): void {
    this.outcomes.set(test, test.outcome());
  }

  onEnd(_result: FullResult): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const outcome of this.outcomes.values()) {
      if (outcome === 'skipped') skipped++;
      else if (outcome === 'unexpected') failed++;
      else passed++;
    }
    console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  }
}
