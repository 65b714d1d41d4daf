import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../util/exec';
import { NetvetError } from '../util/errors';
import { buildAllureReport } from './allure';

const PLAYWRIGHT = fileURLToPath(new URL('../../node_modules/@playwright/test/cli.js', import.meta.url));

export interface MergedReports {
  html: string;
  json: string;
  allure: string;
  shards: number;
}

/** The paths under `dir`, at any depth (CI artifacts nest as they please), that `wanted` keeps. */
function findFiles(dir: string, wanted: (path: string) => boolean): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((entry) => join(entry.parentPath, entry.name))
    .filter(wanted);
}

/**
 * Joins the reports of the shards of one run, each in its own folder (a CI artifact holding the
 * shard's reports/): their blob reports into one Playwright HTML report and one JSON report, their
 * Allure results into one Allure report. Together they hold the test set a single run would.
 */
export async function mergeShardReports(shardDirs: readonly string[], out: string): Promise<MergedReports> {
  const blobs = shardDirs.flatMap((dir) => {
    if (!existsSync(dir)) throw new NetvetError('no such folder', "name each shard's downloaded reports folder", { file: dir });
    return findFiles(dir, (path) => /\/blob-report\/[^/]+\.zip$/.test(path));
  });
  if (!blobs.length) {
    throw new NetvetError(`no blob report (blob-report/*.zip) in ${shardDirs.join(', ')}`, 'run each shard with `--shard i/n` (playwright.config.ts then writes reports/blob-report) and keep its reports/ folder');
  }
  const allureDirs = shardDirs.flatMap((dir) => findFiles(dir, (path) => basename(path) === 'allure-results'));
  rmSync(out, { recursive: true, force: true });
  const blobDir = join(out, 'blob');
  mkdirSync(blobDir, { recursive: true });
  // Shards of one run name their blobs report-1.zip, report-2.zip...; two runs' may share names: number them.
  blobs.forEach((blob, i) => copyFileSync(blob, join(blobDir, `${i + 1}-${basename(blob)}`)));
  const html = resolve(out, 'html');
  const json = resolve(out, 'results.json');
  await run([process.execPath, PLAYWRIGHT, 'merge-reports', '--reporter', 'html,json', blobDir], {
    timeoutMs: 300_000,
    env: { ...process.env, PLAYWRIGHT_HTML_OUTPUT_DIR: html, PLAYWRIGHT_HTML_OPEN: 'never', PLAYWRIGHT_JSON_OUTPUT_FILE: json },
  });
  const allure = allureDirs.length ? await buildAllureReport(allureDirs, join(out, 'allure-report')) : '';
  return { html: join(html, 'index.html'), json, allure, shards: blobs.length };
}
