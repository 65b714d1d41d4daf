import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { parse } from 'yaml';
import config from '../../../playwright.config';
import { TIERS } from '../../../lib/tags';
import { netvet } from '../support/cli';

/**
 * The pipeline definitions in pipelines/ stay in step with netvet: the YAML ones parse, and every
 * `netvet` subcommand, Playwright project and tier tag they name exists; each shards the regression.
 */

const FILES = ['github-actions.yml', 'gitlab-ci.yml', 'Jenkinsfile'];
const text = (file: string) => readFileSync(fileURLToPath(new URL(`../../../pipelines/${file}`, import.meta.url)), 'utf8');

test('the pipelines name only commands, projects and tiers that exist, and shard the regression', async () => {
  for (const file of FILES.filter((f) => f.endsWith('.yml'))) expect(() => void parse(text(file)), file).not.toThrow();
  const help = (await netvet(['--help'])).stdout;
  const projects = new Set(config.projects?.map((p) => p.name));
  for (const file of FILES) {
    const body = text(file);
    for (const [, sub] of body.matchAll(/npx netvet ([a-z-]+)/g)) expect(help, `${file}: netvet ${sub}`).toMatch(new RegExp(`^ {2}${sub} `, 'm'));
    for (const [, project] of body.matchAll(/--project=([a-z]+)/g)) expect(projects.has(project), `${file}: --project=${project}`).toBe(true);
    for (const [tag] of body.matchAll(/(?<=["'(| ])@[a-z]+/g)) expect(TIERS as readonly string[], `${file}: ${tag}`).toContain(tag);
    expect(body, `${file} shards the regression`).toMatch(/--grep \\*"@regression\(\\+s\|\\?\$\)\\*" --shard /);
    expect(body, `${file} merges the shards and asks the gate`).toContain('npx netvet merge-reports');
    expect(body).toContain('npx netvet gate');
  }
});
