import type { Moref, SoapObject } from './vim25/xml';

/**
 * The vim25 data objects the driver sends, in the WSDL's element order (real vCenters check it).
 * Each builder is the one place its object's shape is written.
 */

/** A distributed port group of the network's name, early binding, tagged with an access VLAN. */
export function portgroupSpec(name: string, vlan: number): SoapObject {
  return {
    $type: 'DVPortgroupConfigSpec',
    name,
    numPorts: 32,
    defaultPortConfig: { $type: 'VMwareDVSPortSetting', vlan: { $type: 'VmwareDistributedVirtualSwitchVlanIdSpec', inherited: false, vlanId: vlan } },
    type: 'earlyBinding',
  };
}

export interface NicSpec {
  mac: string;
  switchUuid: string;
  portgroupKey: string;
}

/** A small VM created bare (no disk: the guest is played by whatever plugs its NICs), one vmxnet3 NIC per port with the planned MAC. */
export function vmConfigSpec(vm: { name: string; datastore: string; nics: NicSpec[]; extraConfig: Array<{ key: string; value: string }> }): SoapObject {
  return {
    $type: 'VirtualMachineConfigSpec',
    name: vm.name,
    guestId: 'otherLinux64Guest',
    files: { $type: 'VirtualMachineFileInfo', vmPathName: `[${vm.datastore}]` },
    numCPUs: 1,
    memoryMB: 64,
    deviceChange: vm.nics.map((nic, i) => ({
      $type: 'VirtualDeviceConfigSpec',
      operation: 'add',
      device: {
        $type: 'VirtualVmxnet3',
        key: -(i + 1),
        backing: {
          $type: 'VirtualEthernetCardDistributedVirtualPortBackingInfo',
          port: { $type: 'DistributedVirtualSwitchPortConnection', switchUuid: nic.switchUuid, portgroupKey: nic.portgroupKey },
        },
        addressType: 'manual',
        macAddress: nic.mac,
      },
    })),
    extraConfig: vm.extraConfig.map((o) => ({ $type: 'OptionValue', key: o.key, value: { $type: 'xsd:string', $text: o.value } })),
  };
}

/** Where a VM moves (vMotion): another host of the same cluster. */
export function relocateSpec(host: Moref): SoapObject {
  return { $type: 'VirtualMachineRelocateSpec', host };
}
