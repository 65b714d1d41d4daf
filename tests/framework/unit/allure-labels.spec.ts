import { expect, test } from '@playwright/test';
import { allureLabels } from '../../../lib/report/allure-labels';

/** Allure's behaviours and severity come from a scenario's tags and stable id: the cheapest tier that runs it sets the severity. */

test('behaviours by feature and scenario id, severity from the tier', () => {
  expect(allureLabels('router joins two networks', ['@sanity', '@regression', '@l3'], [{ type: 'id', description: 'NV-L3-001' }])).toEqual([
    { name: 'epic', value: '@sanity' },
    { name: 'feature', value: '@l3' },
    { name: 'story', value: 'NV-L3-001 router joins two networks' },
    { name: 'severity', value: 'blocker' },
    { name: 'ALLURE_ID', value: 'NV-L3-001' },
  ]);
  expect(allureLabels('dashboard login', ['@gui', '@regression', '@tenancy'], [{ type: 'id', description: 'NV-GUI-001' }]).find((l) => l.name === 'severity')).toEqual({ name: 'severity', value: 'critical' });
  expect(allureLabels('flows spread', ['@perf', '@ecmp', '@sg'], [])).toEqual([
    { name: 'epic', value: '@perf' },
    { name: 'feature', value: '@sg' },
    { name: 'feature', value: '@ecmp' },
    { name: 'story', value: 'flows spread' },
    { name: 'severity', value: 'normal' },
  ]);
});
