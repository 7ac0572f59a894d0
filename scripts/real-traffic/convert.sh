#!/usr/bin/env bash
# Turns the office capture into the two flow views committed next to it:
#   office.binetflow.gz  Argus: `argus -r` then `ra -c ,` (CTU-13 style columns, UTC dates)
#   office.nfcapd        NetFlow v9: softflowd reads the pcap and exports to nfcapd on 127.0.0.1
# usage (root; record-office.sh calls it): scripts/real-traffic/convert.sh OFFICE.pcap OUT-DIR
# Every tool runs inside a namespace of its own (nsift-flow: only a loopback, an empty resolv.conf):
# softflowd and nfcapd talk over that loopback, and no tool can send anything anywhere else (not
# even a name lookup to the machine's resolver). All three views cut long flows at 300 s: Argus' status interval
# (-S 300), softflowd's maxlife, netsift's own pcap reader's active timeout.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PCAP=$1 OUT=$2
[[ $(id -u) == 0 ]] || { echo "convert.sh: needs root (a network namespace for softflowd -> nfcapd)" >&2; exit 2; }
[[ -f $PCAP ]] || { echo "convert.sh: $PCAP: no such file" >&2; exit 2; }
mkdir -p "$OUT"
T=$(mktemp -d /tmp/nsift-convert.XXXXXX)
cleanup() {
  if [[ -f $T/nfcapd.pid ]]; then kill "$(cat "$T/nfcapd.pid")" 2>/dev/null || true; fi
  ip netns del nsift-flow 2>/dev/null || true
  rm -rf "$T" /etc/netns/nsift-flow
}
trap cleanup EXIT
ip netns add nsift-flow
ip -n nsift-flow link set lo up
mkdir -p /etc/netns/nsift-flow
: >/etc/netns/nsift-flow/resolv.conf
inflow() { ip netns exec nsift-flow "$@"; } # run a tool in the isolated namespace

# Argus: bidirectional 5-tuple flows, a status record every 300 s, no /etc/argus.conf (-X)
inflow argus -X -r "$PCAP" -S 300 -w "$T/office.argus"
inflow env TZ=UTC ra -F "$HERE/conf/rarc" -r "$T/office.argus" -n -c , \
  -s stime ltime dur proto saddr sport dir daddr dport state stos dtos pkts bytes spkts dpkts sbytes dbytes \
  - not man >"$T/office.binetflow"
gzip -9n -c "$T/office.binetflow" >"$OUT/office.binetflow.gz"
echo "argus: $(($(wc -l <"$T/office.binetflow") - 1)) records"

# NetFlow v9: softflowd -> nfcapd (-B: a big socket buffer, or nfcapd drops records sent this fast)
mkdir -p "$T/nfcapd"
inflow nfcapd -B 4194304 -b 127.0.0.1 -p 9995 -w "$T/nfcapd" -t 3600 -z -P "$T/nfcapd.pid" -D
sleep 1
# -c none: with a control socket, softflowd 1.1.0 waits on it instead of reading the file. In file
# mode only maxlife (and a full table, hence -m) ends a flow; everything else is flushed at the end.
inflow softflowd -r "$PCAP" -n 127.0.0.1:9995 -v 9 -A milli -t maxlife=300 -m 262144 -c none >"$T/softflowd.log" 2>&1
sleep 2
kill "$(cat "$T/nfcapd.pid")"
for _ in $(seq 50); do [[ -f $T/nfcapd.pid ]] || break; sleep 0.2; done
file=$(find "$T/nfcapd" -name 'nfcapd.2*' | head -1)
[[ -n $file ]] || { echo "convert.sh: nfcapd wrote no file" >&2; exit 1; }
cp "$file" "$OUT/office.nfcapd"
echo "softflowd: $(grep -E '^(Packets processed|Flows exported)' "$T/softflowd.log" | paste -sd';')"
sent=$(sed -n 's/^Flows exported: [0-9]* (\([0-9]*\) records).*/\1/p' "$T/softflowd.log")
got=$(nfdump -r "$OUT/office.nfcapd" -I | awk '/^Flows:/ { print $2 }')
echo "nfcapd: $got records"
[[ $sent == "$got" ]] || { echo "convert.sh: softflowd sent $sent records, nfcapd stored $got" >&2; exit 1; }
