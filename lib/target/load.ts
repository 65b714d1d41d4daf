import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { unknownCapability } from '../capabilities';
import { NetvetError, NetvetErrors } from '../util/errors';
import { parseYamlSource } from '../util/yaml/parse';
import { readInputFile } from '../util/yaml/read';
import { targetSchema, type Target } from './schema';
import { stateRoot } from '../util/state';

/** Where the target comes from: NETVET_TARGET, else the target file of the running lab `lab`. */
export function targetFilePath(lab = 'default'): string {
  if (process.env.NETVET_TARGET) return process.env.NETVET_TARGET;
  return join(stateRoot(), 'labs', lab, 'target.yaml');
}

/** The profiles of the labs the openstack and vmware projects use, by lab name. */
const PROJECT_LAB_PROFILES: Record<string, string> = { ostack: 'topologies/labs/openstack.yaml', vc: 'topologies/labs/vmware.yaml' };

/** `lab up` options for the lab whose target file this is: its name, and the profile the openstack or vmware project's lab uses. */
function labUpOptions(file: string): string {
  const name = /\/labs\/([^/]+)\/target\.yaml$/.exec(file)?.[1];
  if (!name || name === 'default') return '';
  return ` --name ${name}${name in PROJECT_LAB_PROFILES ? ` --profile ${PROJECT_LAB_PROFILES[name]}` : ''}`;
}

export async function loadTarget(file = targetFilePath()): Promise<Target> {
  if (!existsSync(file)) {
    throw new NetvetError(
      `no target file at ${file}`,
      process.env.NETVET_TARGET ? 'point NETVET_TARGET at an existing target file' : `bring the lab up first ('npx netvet lab up${labUpOptions(file)}') or set NETVET_TARGET=<file>`,
    );
  }
  const text = await readInputFile(file, { name: 'target', missing: 'point NETVET_TARGET at an existing target file' });
  const { value: target, source } = parseYamlSource(targetSchema, text, file, {
    name: 'target',
    start: "describe the deployment: version, name, orchestrator, access, hosts, encapsulation (the one 'netvet lab up' writes is an example)",
  });
  // A capability no scenario can ask for is a typo: `snatt` would leave every NAT scenario skipped.
  const unknown = target.capabilities.flatMap((name, i) => {
    // sdn:* and orchestrator:* are derived on load (lib/target/capabilities.ts); whatever a file says of them is dropped.
    const problem = /^(sdn|orchestrator):/.test(name) ? undefined : unknownCapability(name);
    return problem ? [new NetvetError(problem.message, problem.fix, { ...source.at(['capabilities', i]), field: `capabilities[${i}]` })] : [];
  });
  if (unknown.length) throw new NetvetErrors(unknown);
  const names = new Set<string>();
  for (const host of target.hosts) {
    if (names.has(host.name)) throw new NetvetError(`host '${host.name}' is listed twice`, 'give every host a unique name', { file, field: 'hosts' });
    names.add(host.name);
  }
  return target;
}
