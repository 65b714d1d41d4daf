import type { ObjectUpdate } from '../../../orchestrators/vmware/vim25/properties';
import { asMoref, child, list, text, xsiType, type Node } from '../../../orchestrators/vmware/vim25/xml';
import { readMetadata, type GuestMetadata } from '../../../orchestrators/vmware/guest-metadata';

/** The properties the plugin watches, by managed object type. */
export const WATCHED = {
  HostSystem: ['name'],
  DistributedVirtualPortgroup: ['name', 'key', 'config.defaultPortConfig'],
  VirtualMachine: ['name', 'runtime.host', 'runtime.powerState', 'config.hardware.device', 'config.extraConfig'],
} as const;

export interface PortGroup {
  name: string;
  key: string;
  /** The access VLAN; trunks (the switch's uplinks) carry no VM traffic and have none. */
  vlan: number | undefined;
}

export interface VmNic {
  mac: string;
  portgroupKey: string;
}

export interface Vm {
  name: string;
  /** The HostSystem it runs on (moref value). */
  host: string | undefined;
  poweredOn: boolean;
  nics: VmNic[];
  metadata: GuestMetadata | undefined;
}

/**
 * What vCenter holds that the plugin acts on, kept up to date from the PropertyCollector's updates:
 * each object's last known properties, read into hosts, port groups and VMs.
 */
export class VcenterState {
  private readonly props = new Map<string, Map<string, Node | Node[] | undefined>>();
  private readonly types = new Map<string, string>();

  apply(updates: readonly ObjectUpdate[]): void {
    for (const u of updates) {
      if (u.kind === 'leave') {
        this.props.delete(u.obj.value);
        continue;
      }
      this.types.set(u.obj.value, u.obj.type);
      const props = this.props.get(u.obj.value) ?? new Map<string, Node | Node[] | undefined>();
      for (const [path, value] of u.changes) props.set(path, value);
      this.props.set(u.obj.value, props);
    }
  }

  private ofType(type: keyof typeof WATCHED): Array<[string, Map<string, Node | Node[] | undefined>]> {
    return [...this.props].filter(([id]) => this.types.get(id) === type);
  }

  hostName(id: string | undefined): string | undefined {
    return id === undefined ? undefined : text(this.props.get(id)?.get('name'));
  }

  portGroups(): PortGroup[] {
    return this.ofType('DistributedVirtualPortgroup').flatMap(([, p]) => {
      const name = text(p.get('name'));
      const key = text(p.get('key'));
      if (!name || !key) return [];
      const vlan = child(p.get('config.defaultPortConfig'), 'vlan');
      const id = xsiType(vlan) === 'VmwareDistributedVirtualSwitchVlanIdSpec' ? Number(text(child(vlan, 'vlanId'))) : undefined;
      return [{ name, key, vlan: id }];
    });
  }

  vms(): Vm[] {
    return this.ofType('VirtualMachine').flatMap(([, p]) => {
      const name = text(p.get('name'));
      if (!name) return [];
      const devices = list(child(p.get('config.hardware.device'), 'VirtualDevice'));
      const nics = devices.flatMap((d) => {
        const mac = text(child(d, 'macAddress'));
        const portgroupKey = text(child(child(child(d, 'backing'), 'port'), 'portgroupKey'));
        return mac && portgroupKey ? [{ mac: mac.toLowerCase(), portgroupKey }] : [];
      });
      const extra = new Map(list(child(p.get('config.extraConfig'), 'OptionValue')).map((o) => [text(child(o, 'key')) ?? '', text(child(o, 'value')) ?? '']));
      return [{ name, host: asMoref(p.get('runtime.host'))?.value, poweredOn: text(p.get('runtime.powerState')) === 'poweredOn', nics, metadata: readMetadata(extra) }];
    });
  }
}
