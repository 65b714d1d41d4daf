import { run } from '../util/exec';
import { NetvetError } from '../util/errors';

/**
 * The files a change touches: what `head` changed since it left `base` (`git diff base...head`, the
 * way a pull request is compared), with both sides of a rename.
 */
export async function changedFiles(repo: string, base: string, head: string): Promise<string[]> {
  const inside = await run(['git', '-C', repo, 'rev-parse', '--is-inside-work-tree'], { allowFail: true });
  if (inside.code !== 0) throw new NetvetError(`${repo} is not a git repository`, 'give --repo the checkout of the product repository (the folder holding its .git)', { file: repo });
  for (const [option, ref] of [['--base', base], ['--head', head]] as const) {
    const known = await run(['git', '-C', repo, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { allowFail: true });
    if (known.code !== 0) {
      throw new NetvetError(`${option} ${ref}: no such commit in ${repo}`, `name a branch, tag or commit of that repository (\`git -C ${repo} log --oneline\` lists them; fetch it first if it is remote)`, { field: option });
    }
  }
  const diff = await run(['git', '-C', repo, 'diff', '--name-only', '--no-renames', '-z', `${base}...${head}`]);
  return diff.stdout.split('\0').filter(Boolean);
}
