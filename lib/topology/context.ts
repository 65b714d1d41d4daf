import type { Netmask } from 'netmask';
import { NetvetError } from '../util/errors';
import { toLong } from './ipv4';
import type { Network, SecurityGroup, SourcePlace, Subnet } from './model';
import { fieldName, type Path, type SourceLocator } from '../util/yaml/source';
import { suggestion } from '../util/yaml/suggest';

/** A resolved subnet beside its address block, which the checks do arithmetic on. */
export interface SubnetBlock {
  subnet: Subnet;
  block: Netmask;
}

/**
 * What the resolvers share while they walk a topology: the objects resolved so far (by name), the
 * fixed addresses claimed in each subnet, and every error found. Resolvers keep going after an error
 * so one pass reports all of them.
 */
export class Resolution {
  readonly errors: NetvetError[] = [];
  readonly tenants: string[] = [];
  readonly networks = new Map<string, Network>();
  readonly subnets = new Map<string, SubnetBlock>();
  readonly securityGroups = new Map<string, SecurityGroup>();
  /** Per subnet: fixed address -> who claimed it. */
  private readonly claims = new Map<string, Map<number, { path: Path; what: string }>>();

  constructor(readonly source: SourceLocator) {}

  fail(path: Path, message: string, fix?: string): void {
    this.errors.push(new NetvetError(message, fix, { ...this.source.at(path), field: fieldName(path) || undefined }));
  }

  place(path: Path): SourcePlace {
    return this.source.at(path);
  }

  /** Records a name of one kind; a second object with the same name is an error. */
  unique(seen: Map<string, Path>, kind: string, name: string, path: Path): void {
    const first = seen.get(name);
    if (first) this.fail([...path, 'name'], `duplicate ${kind} name '${name}' (first defined on line ${this.place(first).line})`, `give each ${kind} its own name`);
    else seen.set(name, path);
  }

  /** The tenant an object belongs to: the one named, or the only one there is. */
  tenant(path: Path, given: string | undefined): string {
    if (given !== undefined) {
      if (!this.tenants.includes(given)) this.fail([...path, 'tenant'], `unknown tenant '${given}'`, suggestion(given, this.tenants, 'tenants'));
      return given;
    }
    if (this.tenants.length > 1) {
      this.fail(path, `no tenant given, and the topology has several (${this.tenants.join(', ')})`, `add 'tenant: <name>' naming one of them`);
    }
    return this.tenants[0];
  }

  /** The network named at `path`, or an error naming the closest one. */
  network(path: Path, name: string): Network | undefined {
    const network = this.networks.get(name);
    if (!network) this.fail(path, `unknown network '${name}'`, suggestion(name, [...this.networks.keys()], 'networks'));
    return network;
  }

  /** The subnet of `network` named at `path`, or the network's first subnet when none is named. */
  subnet(path: Path, network: Network, name: string | undefined): SubnetBlock | undefined {
    if (name === undefined) return this.subnets.get(network.subnets[0].name);
    const found = network.subnets.find((s) => s.name === name);
    if (!found) {
      const names = network.subnets.map((s) => s.name);
      this.fail(path, `network '${network.name}' has no subnet '${name}'`, suggestion(name, names, `subnets of network '${network.name}'`));
      return undefined;
    }
    return this.subnets.get(found.name);
  }

  /** Takes a fixed address in a subnet; two objects asking for the same one is an error. */
  claim(subnet: Subnet, address: string, path: Path, what: string): void {
    const claims = this.claims.get(subnet.name) ?? new Map<number, { path: Path; what: string }>();
    this.claims.set(subnet.name, claims);
    const first = claims.get(toLong(address));
    if (first) {
      this.fail(path, `address ${address} in subnet '${subnet.name}' is already taken by ${first.what} (line ${this.place(first.path).line})`, 'give each port its own address, or leave it out to have one planned');
    } else {
      claims.set(toLong(address), { path, what });
    }
  }

  /** Fixed addresses of a subnet, which the planner must not hand out again. */
  claimed(subnet: string): Iterable<number> {
    return this.claims.get(subnet)?.keys() ?? [];
  }
}
