# The truth, written from the host table and the event log (each activity's real begin and end):
#   truth.csv              every host: ip, ipv6, name, role, what it did, expected incident or benign
#   office.incidents.csv   netsift eval's labels: id,type,attacker,victims,start,end
#   office.benign.csv      netsift eval's benign hosts: role,ip (both address families). The filler
#                          addresses are left out (253 lines of noise in eval's output); naming one
#                          as an attacker still counts as a false-positive host.

iso() { date -u -d "@${1%.*}" +%Y-%m-%dT%H:%M:%SZ; }
ev_begin() { awk -v id="$1" '$1 == id { print $2; exit }' "$W/events"; }
ev_end() { awk -v id="$1" '$1 == id { print $3; exit }' "$W/events"; }
ev_detail() { awk -v id="$1" '$1 == id { $1 = $2 = $3 = ""; sub(/^ +/, ""); print; exit }' "$W/events"; }
range_list() { # range_list <prefix> <lo> <hi>: prefix.lo;...;prefix.hi
  local n out=
  for ((n = $2; n <= $3; n++)); do out+="${out:+;}$1.$n"; done
  echo "$out"
}

# attacker host, event id, incident type, victims (;-separated), activity text
attack_rows() {
  local scanc
  scanc=$(paste -sd';' "$W/scanc-targets.txt")
  cat <<ROWS
ivan|vertical-scan|vertical-scan|${H_IP4[db]}|nmap SYN scan of 1032 ports of db (1-1024 and database ports)
judy|horizontal-scan|horizontal-scan|$(range_list "$SRV_NET" 2 254)|nmap SYN sweep of 445 and 3389 over 198.18.10.2-254
mallory|slow-scan|slow-scan|$(range_list "$SRV_NET" 2 20)|nmap SYN scan of 10 ports on 198.18.10.2-20 with --scan-delay
niaj|udp-scan|udp-scan|${H_IP4[ns1]};${H_IP4[www]}|nmap UDP scan of the top 100 ports of ns1 and www
brute|brute-force|brute-force|${H_IP4[bastion]}|hydra SSH password guessing against the bastion
frank|beaconing|beaconing|${H_IP4[c2]}|HTTP check-in to update-check.example.net every 30-60 s
grace|exfiltration|exfiltration|${H_IP4[drive]}|uploads a customer export (${BULK_MB} MB) to files.example.org:443
heidi|failed-callback|failed-callback|${H_IP4[dead]}|retries ${H_IP4[dead]}:8443 (never answers) every 3-6 s
scana|background-scan-a|background-scan|$(range_list "$SRV_NET" 2 254)|internet scanner: top 20 TCP ports over the campus server /24
scanb|background-scan-b|background-scan|$(range_list "$SRV_NET" 2 254)|internet scanner: slow telnet (23) sweep of the campus server /24
scanc|background-scan-c|background-scan|$scanc|internet scanner: web ports 80/443/8080/8443 on $(wc -l <"$W/scanc-targets.txt") random campus addresses
ROWS
}

benign_activity() { # what a benign host did
  case $1 in
    alice | bob | carol) echo "browses intranet and internet, DNS lookups, SSH logins to the bastion" ;;
    dave | fay) echo "browses intranet and internet, DNS lookups" ;;
    erin) echo "browses, DNS lookups, downloads a driver pack ($((BULK_MB / 8)) MB) from www.example.org" ;;
    www) echo "nginx (campus web, intranet, wiki); sends its site to the backup" ;;
    db) echo "redis; polled by the app servers; sends the nightly dump to the backup" ;;
    bastion) echo "OpenSSH; staff logins by key, target of the brute force" ;;
    backup) echo "rsync daemon; receives the nightly backup" ;;
    mon) echo "checks every service each 60 s (www:443 and db:5432 always fail) and pings every host" ;;
    ns1) echo "BIND 9: authoritative for the campus zones, the site's resolver" ;;
    app?) echo "HTTP on 8080; polls redis on db every 5-15 s (new connection, same request)" ;;
    extdns) echo "BIND 9: authoritative for example.com/.net/.org and their reverse zones" ;;
    news | cdn | partner) echo "nginx web site on the internet side" ;;
    c2) echo "the beacon's C2 (python HTTP server)" ;;
    drive) echo "file-sharing upload service on 443 (plain HTTP); receives bob's file and the exfiltration" ;;
    dead) echo "the failed callback's target: never answers heidi-pc" ;;
    *) echo "browses intranet and internet, DNS lookups" ;;
  esac
}

truth_write() { # truth_write <out-dir>
  local out=$1 name host id type victims act b e ip6 role n
  local -A attacker_of count
  {
    echo "id,type,attacker,victims,start,end"
    while IFS='|' read -r host id type victims act; do
      b=$(ev_begin "$id") e=$(ev_end "$id")
      [[ -n $b ]] || die "no event $id in $W/events"
      count[$type]=$((${count[$type]:-0} + 1))
      echo "$type-${count[$type]},$type,${H_IP4[$host]},$victims,$(iso "$b"),$(iso "$e")"
      attacker_of[$host]="$act|$type"
    done < <(attack_rows)
  } >"$out/office.incidents.csv"

  {
    echo "ip,ipv6,name,role,activity,expected"
    for name in $(host_names); do
      ip6=${H_IP6[$name]}; [[ $ip6 == - ]] && ip6=
      role=${H_ROLE[$name]}
      if [[ -n ${attacker_of[$name]:-} ]]; then
        act=${attacker_of[$name]%|*} type=${attacker_of[$name]#*|}
        [[ ${H_SEG[$name]} == lan ]] && act="$act; also browses like the others"
      else
        act=$(benign_activity "$name") type=benign
        case $role in c2-server | cloud-storage | dead-endpoint) type="victim" ;; esac
      fi
      echo "${H_IP4[$name]},$ip6,${H_DNS[$name]/#-/},$role,${act//,/;},$type"
    done
    echo "$SRV_NET.2,,,filler,holds every other address of $SRV_NET.2-254 that no server holds: answers sweeps with RST and ICMP,benign"
  } >"$out/truth.csv"

  {
    echo "role,ip"
    for name in $(host_names); do
      [[ -z ${attacker_of[$name]:-} ]] || continue
      case ${H_ROLE[$name]} in c2-server | cloud-storage | dead-endpoint) continue ;; esac
      echo "${H_ROLE[$name]},${H_IP4[$name]}"
      [[ ${H_IP6[$name]} == - ]] || echo "${H_ROLE[$name]},${H_IP6[$name]}"
    done
  } >"$out/office.benign.csv"
}
