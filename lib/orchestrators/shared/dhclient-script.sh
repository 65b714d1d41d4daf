#!/bin/sh
# netvet's dhclient script: applies a DHCP lease to the workload's interface and touches nothing
# else. Debian's dhclient-script would rewrite the machine's /etc/resolv.conf when a DNS server is
# offered: a workload namespace shares the host's file system.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
case "$reason" in
  PREINIT) ip link set dev "$interface" up; exit 0 ;;
  BOUND|RENEW|REBIND|REBOOT) ;;
  EXPIRE|FAIL|RELEASE|STOP) ip -4 addr flush dev "$interface"; exit 0 ;;
  *) exit 0 ;;
esac
[ -n "$new_interface_mtu" ] && ip link set dev "$interface" mtu "$new_interface_mtu"
if [ "$old_ip_address" != "$new_ip_address" ] || [ "$reason" = BOUND ] || [ "$reason" = REBOOT ]; then
  ip -4 addr flush dev "$interface"
  ip -4 addr add "$new_ip_address/$new_subnet_mask" dev "$interface" || exit 1
fi
# Classless static routes (option 121, RFC 3442) replace the router option when they are offered.
# Each route is: prefix width, the prefix's significant octets, then the router's four octets.
if [ -n "$new_rfc3442_classless_static_routes" ]; then
  set -- $new_rfc3442_classless_static_routes
  while [ $# -ge 5 ]; do
    width=$1; shift
    significant=$(( (width + 7) / 8 )); destination=""; i=0
    while [ $i -lt 4 ]; do
      if [ $i -lt $significant ]; then octet=$1; shift; else octet=0; fi
      destination="$destination${destination:+.}$octet"; i=$((i + 1))
    done
    router="$1.$2.$3.$4"; shift 4
    if [ "$router" = 0.0.0.0 ]; then ip -4 route replace "$destination/$width" dev "$interface" || exit 1
    else ip -4 route replace "$destination/$width" via "$router" dev "$interface" || exit 1; fi
  done
elif [ -n "$new_routers" ]; then
  set -- $new_routers
  ip -4 route replace default via "$1" dev "$interface" || exit 1
fi
exit 0
