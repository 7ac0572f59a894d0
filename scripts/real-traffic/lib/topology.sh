# Builds the network: every host a namespace with one veth into a bridge per segment; the bridges
# live in nsift-sw, the router in nsift-rtr. Nothing touches the root namespace's networking, and no
# namespace gets a default route. Offloads are off on every veth so the capture holds wire-sized
# packets (1500-byte MTU) with real checksums, as a switch's mirror port would.

SEGMENTS="lan srv inet"

mac_of() { # a stable locally administered MAC from an IPv4 address
  local IFS=. a b c d
  read -r a b c d <<<"$1"
  printf '02:00:%02x:%02x:%02x:%02x' "$a" "$b" "$c" "$d"
}

no_offload() { # no_offload <ns> <dev>
  ip netns exec "$1" ethtool -K "$2" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
}

quiet_ipv6() { # no router solicitations or autoconfiguration: addresses are static
  local ns=$1
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
    net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0 \
    net.ipv6.conf.all.autoconf=0 net.ipv6.conf.default.autoconf=0 >/dev/null
}

ns_new() { # ns_new <ns>: a namespace with lo up and its own resolv.conf (never the machine's)
  ip netns add "$1"
  ip -n "$1" link set lo up
  mkdir -p "/etc/netns/$1"
  : >"/etc/netns/$1/resolv.conf"
}

topology_up() {
  local seg name ns ip4 ip6 a
  ns_new nsift-sw
  ip netns exec nsift-sw sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  for seg in $SEGMENTS; do
    ip -n nsift-sw link add "br-$seg" type bridge
    ip -n nsift-sw link set "br-$seg" up
  done

  # the router: one leg per segment
  ns_new nsift-rtr
  quiet_ipv6 nsift-rtr
  ip netns exec nsift-rtr sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  for seg in $SEGMENTS; do
    ip link add "r-$seg" netns nsift-rtr address "${R_MAC[$seg]}" type veth peer name "rp-$seg" netns nsift-sw
    ip -n nsift-sw link set "rp-$seg" master "br-$seg" up
    no_offload nsift-sw "rp-$seg"
    no_offload nsift-rtr "r-$seg"
    for a in ${R_IP4[$seg]}; do ip -n nsift-rtr addr add "$a" dev "r-$seg"; done
    for a in ${R_IP6[$seg]}; do ip -n nsift-rtr addr add "$a" dev "r-$seg" nodad; done
    ip -n nsift-rtr link set "r-$seg" up
  done

  for name in $(host_names) srvfill; do
    ns=nsift-$name
    if [[ $name == srvfill ]]; then seg=srv ip4=$SRV_NET.2 ip6=-; else
      seg=${H_SEG[$name]} ip4=${H_IP4[$name]} ip6=${H_IP6[$name]}
    fi
    ns_new "$ns"
    quiet_ipv6 "$ns"
    ip link add eth0 netns "$ns" address "$(mac_of "$ip4")" type veth peer name "p-$name" netns nsift-sw
    ip -n nsift-sw link set "p-$name" master "br-$seg" up
    no_offload nsift-sw "p-$name"
    no_offload "$ns" eth0
    ip -n "$ns" addr add "$ip4/24" dev eth0
    [[ $ip6 == - ]] || ip -n "$ns" addr add "$ip6/64" dev eth0 nodad
    ip -n "$ns" link set eth0 up
    topology_routes "$ns" "$seg" "$ip4" "$ip6"
  done
  srvfill_addresses
}

topology_routes() { # topology_routes <ns> <seg> <ip4> <ip6>
  local ns=$1 seg=$2 gw4=${3%.*}.1 net
  for net in ${ROUTES4[$seg]}; do ip -n "$ns" route add "$net" via "$gw4"; done
  if [[ $seg == inet ]]; then
    for net in $INET_NETS; do [[ $net == "${3%.*}.0/24" ]] || ip -n "$ns" route add "$net" via "$gw4"; done
  fi
  if [[ $4 != - ]]; then
    for net in ${ROUTES6[$seg]}; do ip -n "$ns" -6 route add "$net" via "${GW6[$seg]}"; done
  fi
}

# every address of 198.18.10.0/24 that no server, and not the router, holds
srvfill_addresses() {
  local used=" 1 " n name batch
  for name in $(host_names); do [[ ${H_SEG[$name]} == srv ]] && used+="${H_IP4[$name]##*.} "; done
  batch=$(mktemp)
  for ((n = 3; n <= 254; n++)); do
    [[ $used == *" $n "* ]] || echo "addr add $SRV_NET.$n/24 dev eth0" >>"$batch"
  done
  ip -n nsift-srvfill -batch "$batch"
  rm -f "$batch"
}

# Safety: no namespace may have a default route, and every namespace we made is nsift-*
topology_check() {
  local ns
  for ns in $(ip netns list | awk '/^nsift-/ {print $1}'); do
    if [[ -n $(ip -n "$ns" route show default) || -n $(ip -n "$ns" -6 route show default) ]]; then
      die "$ns has a default route"
    fi
  done
  nsx alice ping -c1 -W2 -q "${H_IP4[www]}" >/dev/null || die "alice cannot reach www"
  nsx alice ping -c1 -W2 -q "${H_IP4[news]}" >/dev/null || die "alice cannot reach the internet side"
  nsx alice ping -6 -c1 -W2 -q "${H_IP6[news]}" >/dev/null || die "alice cannot reach the internet side over IPv6"
  nsx scana ping -c1 -W2 -q "$SRV_NET.200" >/dev/null || die "the scanner cannot reach a filler address"
}

topology_down() {
  local ns
  for ns in $(ip netns list | awk '/^nsift-/ {print $1}'); do
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "/etc/netns/$ns"
  done
}
