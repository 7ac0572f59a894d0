# The benign clients: browsing, DNS lookups, SSH logins, database pollers, monitoring, the nightly
# backup, a download and a small upload. Each job runs until $END (epoch seconds).
# shellcheck disable=SC2154  # W, END, START, DURATION, HERE come from record-office.sh

CURL=(curl -s -o /dev/null --max-time 20)

# fetch <host> [curl options] <url>...: one curl for a page and its assets (kept-alive connections
# to the same server, like a browser), every body discarded
fetch() {
  local h=$1 a args=()
  shift
  for a in "$@"; do if [[ $a == -* ]]; then args+=("$a"); else args+=(-o /dev/null "$a"); fi; done
  nsx "$h" curl -s --max-time 20 "${args[@]}"
}

# browse <ws>: pages and their assets on the intranet, the apps and the internet, with DNS lookups
job_browse() {
  local ws=$1 r v=()
  RANDOM=$(cksum <<<"$ws" | cut -c1-5)
  sleep "$(rand 0 15)"
  while before "$END"; do
    v=() # a third of the pages over IPv4 only, the others over IPv6 where the name has an AAAA
    ((RANDOM % 3 == 0)) && v=(-4)
    r=$((RANDOM % 12))
    case $r in
      0 | 1 | 2) fetch "$ws" "${v[@]}" http://www.northfield.example/ http://www.northfield.example/static/site.css http://www.northfield.example/static/app.js ;;
      3) fetch "$ws" "${v[@]}" http://intranet.northfield.example/wiki/ ;;
      4) fetch "$ws" "http://app$(rand 1 6).northfield.example:8080/" http://apps.northfield.example:8080/static/app.js ;;
      5 | 6) fetch "$ws" "${v[@]}" http://www.example.com/ http://static.example.com/static/site.css http://static.example.com/static/app.js http://static.example.com/img/banner.jpg ;;
      7) fetch "$ws" http://www.example.org/ http://www.example.org/static/app.js ;;
      8) nsx "$ws" dig +short wiki.northfield.example CNAME; nsx "$ws" dig +short -x "${H_IP4[www]}" ;;
      9) nsx "$ws" dig +short bastion.northfield.example AAAA; nsx "$ws" dig +short -x "${H_IP6[www]}" ;;
      10) nsx "$ws" dig +short www.example.com AAAA; nsx "$ws" dig +short -x "${H_IP4[news]}" ;;
      11) nsx "$ws" dig +short ssh.northfield.example A; nsx "$ws" dig +short northfield.example MX ;;
    esac
    sleep "$(rand 15 75)"
  done
}

# ssh <ws>: a staff member logs in to the bastion with a key now and then
job_ssh() {
  local ws=$1
  RANDOM=$(cksum <<<"ssh$ws" | cut -c1-5)
  sleep "$(rand 20 120)"
  while before "$END"; do
    nsx "$ws" ssh -F /dev/null -i "$W/ssh/staff_ed25519" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
      -o BatchMode=yes -o ConnectTimeout=5 root@bastion.northfield.example 'uptime; ls / >/dev/null; sleep 2'
    sleep "$(rand 150 420)"
  done
}

# poll <app>: the application server asks the database for its feature flags, new connection each time
job_poll() {
  local app=$1
  RANDOM=$(cksum <<<"$app" | cut -c1-5)
  sleep "$(rand 0 10)"
  while before "$END"; do
    nsx "$app" redis-cli -h "${H_IP4[db]}" -p 6379 GET config:feature-flags >/dev/null
    sleep "$(rand 5 15)"
  done
}

# monitor: every 60 s, mon checks every service, over IPv4 and IPv6 where it has both (one check is
# of a port nothing listens on any more, one of a database that was retired) and pings every server
# and workstation
job_monitor() {
  local h svc
  while before "$END"; do
    local round_start
    round_start=$(now)
    nsx mon "${CURL[@]}" "http://${H_IP4[www]}/"
    nsx mon "${CURL[@]}" "http://[${H_IP6[www]}]/"
    nsx mon nc -z -w2 "${H_IP6[bastion]}" 22
    nsx mon dig +short +time=2 "@${H_IP6[ns1]}" www.northfield.example AAAA >/dev/null
    for h in app1 app2 app3 app4 app5 app6; do nsx mon "${CURL[@]}" "http://${H_IP4[$h]}:8080/"; done
    for svc in www:443 bastion:22 backup:873 db:5432; do nsx mon nc -z -w2 "${H_IP4[${svc%:*}]}" "${svc#*:}"; done
    nsx mon redis-cli -h "${H_IP4[db]}" PING >/dev/null
    nsx mon dig +short +time=2 "@${H_IP4[ns1]}" northfield.example SOA >/dev/null
    for h in $(host_names); do
      [[ ${H_SEG[$h]} == inet ]] || nsx mon ping -c1 -W1 -q "${H_IP4[$h]}" >/dev/null
    done
    sleep_until "$(awk -v s="$round_start" 'BEGIN { printf "%.3f", s + 60 }')"
  done
}

# backup: the nightly copy of the database dump and the web site to the backup server
job_backup() {
  local b0 b1
  sleep_until "$(at 0.45)"
  b0=$(now)
  nsx db rsync -a --inplace "$W/content/db-dump.sql" "rsync://${H_IP4[backup]}/nightly/db-dump.sql"
  nsx www rsync -a "$W/web/www/" "rsync://${H_IP4[backup]}/nightly/www/"
  b1=$(now)
  event backup "$b0" "$b1" "db and www to backup over rsync"
}

# download: erin fetches a driver pack from the partner site (a big download, benign)
job_download() {
  local b0
  sleep_until "$(at 0.25)"
  b0=$(now)
  nsx erin "${CURL[@]}" --max-time 300 http://www.example.org/downloads/driver-pack.tar
  event download "$b0" "$(now)" "erin-pc downloads from www.example.org"
}

# upload: bob shares a small file through the same cloud service the exfiltration uses
job_upload() {
  local b0
  sleep_until "$(at 0.40)"
  b0=$(now)
  nsx bob "${CURL[@]}" --max-time 120 -T "$W/content/slides.pdf" http://files.example.org:443/upload/slides.pdf
  event upload "$b0" "$(now)" "bob-pc uploads 3 MB to files.example.org"
}
