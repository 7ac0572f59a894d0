#!/usr/bin/env bash
# Records tests/fixtures/context/dns-http.pcap: real DNS and HTTP traffic between two network
# namespaces this script creates (nothing leaves them). dnsmasq in ctx17-srv answers from a hosts
# file (A, AAAA, PTR) plus a CNAME; in ctx17-cli, dig asks it and curl resolves through it
# (resolv.conf of the namespace) and fetches pages from python http.server on the named addresses.
# Needs root, iproute2, dnsmasq, dig (bind9-dnsutils), curl, tcpdump, python3.
# Usage: sudo scripts/context-fixture/record-dns-capture.sh [OUT.pcap]
set -euo pipefail
OUT=${1:-tests/fixtures/context/dns-http.pcap}
CLI=ctx17-cli
SRV=ctx17-srv
WORK=$(mktemp -d)
PIDS=()

cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 0.3
  ip netns del "$CLI" 2>/dev/null || true
  ip netns del "$SRV" 2>/dev/null || true
  rm -rf "/etc/netns/$CLI" "$WORK"
}
trap cleanup EXIT

ip netns add "$CLI"
ip netns add "$SRV"
ip link add ctx17-a type veth peer name ctx17-b
ip link set ctx17-a netns "$CLI"
ip link set ctx17-b netns "$SRV"
ip -n "$CLI" addr add 10.77.0.2/24 dev ctx17-a
ip -n "$CLI" addr add fd77::2/64 dev ctx17-a nodad
ip -n "$SRV" addr add 10.77.0.1/24 dev ctx17-b
ip -n "$SRV" addr add fd77::1/64 dev ctx17-b nodad
# the servers' own addresses, as if on the internet
ip -n "$SRV" addr add 10.77.1.10/32 dev ctx17-b
ip -n "$SRV" addr add 10.77.1.20/32 dev ctx17-b
ip -n "$SRV" addr add fd77:1::10/128 dev ctx17-b nodad
for ns in "$CLI" "$SRV"; do ip -n "$ns" link set lo up; done
ip -n "$CLI" link set ctx17-a up
ip -n "$SRV" link set ctx17-b up
ip -n "$CLI" route add 10.77.1.0/24 via 10.77.0.1
ip -n "$CLI" -6 route add fd77:1::/64 via fd77::1

cat > "$WORK/hosts" <<HOSTS
10.77.1.10 www.example.test
10.77.1.20 api.example.test
fd77:1::10 www.example.test
HOSTS
ip netns exec "$SRV" dnsmasq --no-daemon --no-resolv --no-hosts --addn-hosts="$WORK/hosts" \
  --cname=cdn.example.test,www.example.test --listen-address=10.77.0.1 --bind-interfaces \
  --local-ttl=300 --log-facility="$WORK/dnsmasq.log" --pid-file="$WORK/dnsmasq.pid" &
PIDS+=($!)
mkdir -p "$WORK/www"
echo '<html><body>www</body></html>' > "$WORK/www/index.html"
(cd "$WORK/www" && exec ip netns exec "$SRV" python3 -m http.server 80 --bind 10.77.1.10) >/dev/null 2>&1 &
PIDS+=($!)
(cd "$WORK/www" && exec ip netns exec "$SRV" python3 -m http.server 8080 --bind 10.77.1.20) >/dev/null 2>&1 &
PIDS+=($!)
mkdir -p "/etc/netns/$CLI"
echo 'nameserver 10.77.0.1' > "/etc/netns/$CLI/resolv.conf"
sleep 1.5

mkdir -p "$(dirname "$OUT")"
ip netns exec "$CLI" tcpdump -i ctx17-a -U -s 0 -w "$OUT" 'udp port 53 or tcp port 80 or tcp port 8080' 2>/dev/null &
TCPDUMP=$!
PIDS+=($TCPDUMP)
sleep 1
DIG="ip netns exec $CLI dig @10.77.0.1 +tries=1 +time=2"
$DIG www.example.test A +short
$DIG www.example.test AAAA +short
$DIG cdn.example.test A +short
$DIG -x 10.77.1.20 +short
$DIG missing.example.test A +short || true
ip netns exec "$CLI" curl -s -o /dev/null -w '%{http_code}\n' http://www.example.test/
ip netns exec "$CLI" curl -s -o /dev/null -w '%{http_code}\n' http://api.example.test:8080/index.html
ip netns exec "$CLI" curl -s -o /dev/null -w '%{http_code}\n' http://api.example.test:8080/missing
sleep 1
kill -INT "$TCPDUMP"
wait "$TCPDUMP" 2>/dev/null || true
chmod 644 "$OUT"
tcpdump -nr "$OUT" 2>/dev/null | wc -l | xargs echo "packets:"
