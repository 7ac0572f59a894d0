# The capture: tcpdump on each bridge (a bridge in promiscuous mode sees every frame it forwards).
# A routed packet crosses two bridges; keeping only frames NOT addressed to the router's MAC on each
# bridge keeps each packet exactly once: within a segment as sent, across the router as the router
# sends it on. DNS gets a bigger snaplen (the answers stay whole), everything else 128 bytes.

capture_start() {
  local seg base
  mkdir -p "$W/cap"
  for seg in lan srv inet; do
    base="not ether dst ${R_MAC[$seg]}"
    bg_job "tcpdump-$seg-main" ip netns exec nsift-sw tcpdump -i "br-$seg" -n -Z root -B 16384 -s 128 \
      -w "$W/cap/$seg-main.pcap" "$base and not port 53"
    bg_job "tcpdump-$seg-dns" ip netns exec nsift-sw tcpdump -i "br-$seg" -n -Z root -B 4096 -s 1024 \
      -w "$W/cap/$seg-dns.pcap" "$base and port 53"
  done
  sleep 2
}

capture_stop() { # SIGINT lets tcpdump flush and print its counters
  local pid name
  while read -r pid name; do
    [[ $name == tcpdump-* ]] && kill -INT -- "-$pid" 2>/dev/null
  done <"$W/jobs"
  sleep 3
}

# tcpdump's own drop counters, summed: the recording is refused if the kernel dropped packets
capture_drops() {
  cat "$W"/logs/tcpdump-*.log | awk '/dropped by kernel/ { d += $1 } END { print d + 0 }'
}

capture_merge() { # capture_merge <out.pcap>
  mergecap -F pcap -w "$1" "$W"/cap/*.pcap
}
