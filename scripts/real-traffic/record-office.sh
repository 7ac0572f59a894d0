#!/usr/bin/env bash
# Records fixtures/real-office/: real kernels, servers, clients and attack tools in a small
# office/campus network made of network namespaces, captured with tcpdump, turned into Argus and
# nfcapd flows, with the truth table written from what actually ran and when.
#
# usage (as root on Debian 12; installs what is missing with apt-get):
#   scripts/real-traffic/record-office.sh [--duration SECONDS] [--out DIR] [--bulk-mb MB]
#     --duration  length of the capture (default 1500 = 25 min; the schedule scales with it)
#     --out       where the outputs go (default fixtures/real-office)
#     --bulk-mb   size of the exfiltration; the backup is 3/4 of it, the download 1/8 (default 64)
#   e.g. a quick trial: scripts/real-traffic/record-office.sh --duration 240 --bulk-mb 8 --out /tmp/office-try
#
# Safety: every host is a namespace named nsift-*, wired to bridges inside the namespace nsift-sw;
# the root namespace's networking is not touched and no namespace has a default route, so no packet
# can go to an address that is not assigned to one of these namespaces. Everything (namespaces,
# processes, /etc/netns/nsift-*) is removed on exit, including on Ctrl-C or an error.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
DURATION=1500 OUT=$REPO/fixtures/real-office BULK_MB=64
JOB=

while (($#)); do
  case $1 in
    --duration) DURATION=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --bulk-mb) BULK_MB=$2; shift 2 ;;
    --job) JOB=$2; shift 2; break ;; # internal: run one background job (see bg_job)
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "record-office.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

for f in common hosts topology content services clients attacks capture truth; do
  # shellcheck source=/dev/null
  source "$HERE/lib/$f.sh"
done

if [[ -n $JOB ]]; then # a background job: the environment carries W, START, END and the settings
  set +e
  DURATION=$REC_DURATION BULK_MB=$REC_BULK_MB
  "job_$JOB" "$@"
  exit 0
fi

[[ $(id -u) == 0 ]] || die "run as root (network namespaces, tcpdump)"
[[ $OUT == /* ]] || OUT=$PWD/$OUT

install_missing() {
  local -A pkg=([nmap]=nmap [hydra]=hydra [named]=bind9 [dig]=bind9-dnsutils [nginx]=nginx-light
    [redis-server]=redis-server [sshd]=openssh-server [ssh]=openssh-client [rsync]=rsync [tcpdump]=tcpdump
    [mergecap]=wireshark-common [tshark]=tshark [argus]=argus-server [ra]=argus-client [softflowd]=softflowd
    [nfcapd]=nfdump [nc]=netcat-openbsd [ping]=iputils-ping [ethtool]=ethtool [curl]=curl [python3]=python3)
  local want=() t
  for t in "${!pkg[@]}"; do command -v "$t" >/dev/null || [[ -x /usr/sbin/$t ]] || want+=("${pkg[$t]}"); done
  ((${#want[@]} == 0)) && return 0
  log "installing ${want[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${want[@]}" >/dev/null
}

cleanup() {
  local rc=$? ns pid
  trap - EXIT INT TERM
  [[ -n ${W:-} && -f $W/jobs ]] && stop_jobs
  sleep 1
  for ns in $(ip netns list 2>/dev/null | awk '/^nsift-/ {print $1}'); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  done
  topology_down
  [[ -n ${W:-} ]] && rm -rf "$W/content" "$W/web" "$W/rsyncd/store"
  # the outputs are in $OUT: keep only the logs and the event log of the work dir
  ((rc == 0)) && rm -rf "$W/cap" "$W/office.pcap"
  ((rc == 0)) || log "failed (exit $rc); logs kept in ${W:-?}/logs"
  exit "$rc"
}

main() {
  install_missing
  if ip netns list | grep -q '^nsift-'; then
    die "namespaces nsift-* exist already (another recording running?): $(ip netns list | awk '/^nsift-/ {printf "%s ", $1}')"
  fi
  W=$(mktemp -d /tmp/nsift-office.XXXXXX)
  chmod 755 "$W"
  cd "$W" # jobs write nothing into the caller's folder
  mkdir -p "$W/logs" "$OUT"
  : >"$W/jobs"
  : >"$W/events"
  export W REC_DURATION=$DURATION REC_BULK_MB=$BULK_MB
  trap cleanup EXIT
  trap 'exit 130' INT TERM

  log "work dir $W; building the network"
  topology_up
  topology_check
  log "making content (${BULK_MB} MB of bulk data)"
  content_make
  log "starting servers"
  services_start

  log "capturing for ${DURATION}s"
  capture_start
  START=$(now)
  END=$(awk -v s="$START" -v d="$DURATION" 'BEGIN { printf "%.3f", s + d }')
  export START END
  local self=$HERE/record-office.sh h
  for h in alice bob carol dave erin fay frank grace heidi ivan judy mallory niaj; do bg_job "browse-$h" "$self" --job browse "$h"; done
  for h in alice bob carol; do bg_job "ssh-$h" "$self" --job ssh "$h"; done
  for h in app1 app2 app3 app4 app5 app6; do bg_job "poll-$h" "$self" --job poll "$h"; done
  for h in monitor backup download upload beacon callback slowscan vscan hscan uscan brute exfil scana scanb scanc; do
    bg_job "$h" "$self" --job "$h"
  done

  sleep_until "$END"
  log "capture time is up; letting the attack jobs finish"
  wait_attacks
  stop_jobs 'browse-*'; stop_jobs 'ssh-*'; stop_jobs 'poll-*'; stop_jobs monitor
  sleep 5
  CAP_END=$(now)
  capture_stop
  local drops
  drops=$(capture_drops)
  ((drops == 0)) || die "tcpdump reports $drops packets dropped by the kernel (see $W/logs/tcpdump-*.log)"

  log "merging and converting"
  capture_merge "$W/office.pcap"
  "$HERE/convert.sh" "$W/office.pcap" "$OUT" | tee "$W/logs/convert.log"
  gzip -9n -c "$W/office.pcap" >"$OUT/office.pcap.gz"
  truth_write "$OUT"
  recording_notes >"$OUT/recording.txt"
  ls -l "$OUT" >&2
  log "done: $OUT"
}

# every labelled job must have written its event before the capture stops
wait_attacks() {
  local id deadline
  deadline=$(awk -v n="$(now)" 'BEGIN { printf "%.3f", n + 600 }')
  for id in beaconing failed-callback slow-scan vertical-scan horizontal-scan udp-scan brute-force exfiltration \
    background-scan-a background-scan-b background-scan-c backup download upload; do
    while ! grep -q "^$id " "$W/events"; do
      before "$deadline" || die "$id did not finish (see $W/logs)"
      sleep 2
    done
  done
}

recording_notes() {
  echo "recorded: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -sr), Debian $(cat /etc/debian_version)"
  echo "capture: $(iso "$START") to $(iso "$CAP_END") (schedule ${DURATION}s; the capture runs on until the last attack job ends), snaplen 128 (DNS 1024), kernel drops 0"
  echo "pcap: $(capinfos -c -M "$W/office.pcap" | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }') packets, sha256 $(sha256sum "$W/office.pcap" | cut -c1-64) (uncompressed)"
  echo "tools: $(nmap --version | head -1); $(hydra -h 2>&1 | head -1 | cut -d' ' -f1-2); BIND $(named -v | cut -d' ' -f2);" \
    "nginx $(nginx -v 2>&1 | cut -d/ -f2); redis $(redis-server --version | awk '{print $3}' | cut -d= -f2);" \
    "$(/usr/sbin/sshd -V 2>&1 | head -1 | cut -d, -f1); rsync $(rsync --version | head -1 | awk '{print $3}');" \
    "curl $(curl --version | head -1 | awk '{print $2}'); $(tcpdump --version 2>&1 | head -1);" \
    "argus $(argus -h 2>&1 | awk '/Version/ {print $3; exit}'); softflowd $(softflowd -h 2>&1 | awk '/version/ { sub(/\.$/, "", $5); print $5; exit }');" \
    "nfcapd $(nfcapd -V | awk '{print $NF}')"
  echo "events (epoch begin, end):"
  sed 's/^/  /' "$W/events"
  echo "convert:"
  sed 's/^/  /' "$W/logs/convert.log"
}

main
