# The servers, each a real daemon in its host's namespace: nginx (campus web, news, CDN, partner),
# BIND 9 (ns1: authoritative for the campus zones and the site's resolver; ns.example.net:
# authoritative for the internet names), Redis (the database), OpenSSH (the bastion), an rsync
# daemon (the backup target), Python HTTP servers (the apps, the C2, the file-sharing upload).

CAMPUS_ZONES="northfield.example 10.18.198.in-addr.arpa 50.168.192.in-addr.arpa c.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
EXTERNAL_ZONES="example.com example.net example.org 113.0.203.in-addr.arpa 100.51.198.in-addr.arpa 7.66.100.in-addr.arpa e.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"

resolvers() { # every host resolves through ns1 (the internet side through ns.example.net); a few
  # dual-stack workstations list ns1's IPv6 address first
  local name first
  for name in $(host_names) srvfill; do
    if [[ ${H_SEG[$name]:-srv} == inet ]]; then
      printf 'nameserver %s\n' "${H_IP4[extdns]}" >"/etc/netns/nsift-$name/resolv.conf"
    else
      first=${H_IP4[ns1]}
      [[ $name == dave || $name == fay || $name == judy ]] && first=${H_IP6[ns1]}
      { echo "search northfield.example"
        echo "nameserver $first"
        [[ $first == "${H_IP4[ns1]}" ]] || echo "nameserver ${H_IP4[ns1]}"
        echo "options timeout:2 attempts:2"; } >"/etc/netns/nsift-$name/resolv.conf"
    fi
  done
}

nginx_start() { # nginx_start <host> <site-dir>
  local h=$1 d=$W/nginx/$1 listen
  mkdir -p "$d/tmp"
  listen="listen ${H_IP4[$h]}:80;"
  [[ ${H_IP6[$h]} == - ]] || listen+=" listen [${H_IP6[$h]}]:80;"
  cat >"$d/nginx.conf" <<CONF
worker_processes 1;
user root;
daemon off;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 512; }
http {
  include /etc/nginx/mime.types;
  access_log $d/access.log;
  client_body_temp_path $d/tmp/body; proxy_temp_path $d/tmp/proxy; fastcgi_temp_path $d/tmp/fcgi;
  uwsgi_temp_path $d/tmp/uwsgi; scgi_temp_path $d/tmp/scgi;
  keepalive_timeout 5;
  server { $listen server_name ${H_DNS[$h]}; root $2; location / { } }
}
CONF
  bg_job "nginx-$h" ip netns exec "nsift-$h" nginx -c "$d/nginx.conf"
}

named_start() { # named_start <host> <recursive: yes|no> <zones...>
  local h=$1 rec=$2 d=$W/named/$1 z listen6=none
  shift 2
  mkdir -p "$d"
  [[ ${H_IP6[$h]} == - ]] || listen6="${H_IP6[$h]};"
  {
    echo "options {"
    echo "  directory \"$d\"; pid-file \"$d/named.pid\"; session-keyfile \"$d/session.key\"; managed-keys-directory \"$d\";"
    echo "  listen-on port 53 { ${H_IP4[$h]}; }; listen-on-v6 port 53 { $listen6 };"
    echo "  allow-query { any; }; notify no; dnssec-validation no; empty-zones-enable no; querylog yes;"
    if [[ $rec == yes ]]; then
      # the site's resolver: everything it is not authoritative for goes to the internet's DNS host
      echo "  recursion yes; allow-recursion { 192.168.50.0/24; 198.18.10.0/24; 2001:db8:c::/48; };"
      echo "  forward only; forwarders { ${H_IP4[extdns]}; ${H_IP6[extdns]}; };"
    else
      echo "  recursion no;"
    fi
    echo "};"
    echo "controls { };"
    echo "logging { channel q { file \"$d/queries.log\"; print-time yes; }; category queries { q; }; };"
    for z in "$@"; do echo "zone \"$z\" { type primary; file \"$HERE/zones/$z.zone\"; };"; done
  } >"$d/named.conf"
  named-checkconf "$d/named.conf" || die "named.conf for $h"
  bg_job "named-$h" ip netns exec "nsift-$h" named -f -c "$d/named.conf"
}

sshd_start() {
  local d=$W/sshd
  mkdir -p "$d" /run/sshd
  cat >"$d/sshd_config" <<CONF
ListenAddress ${H_IP4[bastion]}
ListenAddress ${H_IP6[bastion]}
Port 22
HostKey $W/ssh/host_ed25519
PidFile $d/sshd.pid
AuthorizedKeysFile $W/ssh/authorized_keys
StrictModes no
AllowUsers root
PermitRootLogin prohibit-password
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
MaxAuthTries 6
MaxStartups 40:30:100
LogLevel VERBOSE
Subsystem sftp internal-sftp
CONF
  bg_job sshd ip netns exec nsift-bastion /usr/sbin/sshd -D -e -f "$d/sshd_config"
}

rsyncd_start() {
  local d=$W/rsyncd
  mkdir -p "$d/store"
  cat >"$d/rsyncd.conf" <<CONF
pid file = $d/rsyncd.pid
address = ${H_IP4[backup]}
port = 873
use chroot = no
uid = root
gid = root
[nightly]
  path = $d/store
  read only = no
CONF
  bg_job rsyncd ip netns exec nsift-backup rsync --daemon --no-detach --config="$d/rsyncd.conf"
}

redis_start() {
  mkdir -p "$W/redis"
  bg_job redis ip netns exec nsift-db redis-server --bind "${H_IP4[db]}" --port 6379 --protected-mode no \
    --save '' --appendonly no --dir "$W/redis" --daemonize no
}

services_start() {
  resolvers
  nginx_start www "$W/web/www"
  nginx_start news "$W/web/news"
  nginx_start cdn "$W/web/cdn"
  nginx_start partner "$W/web/partner"
  # shellcheck disable=SC2086
  named_start ns1 yes $CAMPUS_ZONES
  # shellcheck disable=SC2086
  named_start extdns no $EXTERNAL_ZONES
  redis_start
  sshd_start
  rsyncd_start
  local a
  for a in app1 app2 app3 app4 app5 app6; do
    bg_job "http-$a" ip netns exec "nsift-$a" python3 -m http.server 8080 --bind "${H_IP4[$a]}" --directory "$W/web/app"
  done
  bg_job http-c2 ip netns exec nsift-c2 python3 -m http.server 80 --bind "${H_IP4[c2]}" --directory "$W/web/c2"
  bg_job upload-sink ip netns exec nsift-drive python3 "$HERE/upload-sink.py" "${H_IP4[drive]}" 443
  # the dead endpoint never answers heidi-pc: its replies have nowhere to go
  ip -n nsift-dead route add blackhole "${H_IP4[heidi]}/32"
  services_wait
  nsx app1 redis-cli -h "${H_IP4[db]}" SET config:feature-flags '{"search":true,"beta":false,"quota":250}' >/dev/null
}

services_wait() { # every listener answers before the capture starts
  local spec host port i
  for spec in www:80 news:80 cdn:80 partner:80 ns1:53 extdns:53 db:6379 bastion:22 backup:873 \
    app1:8080 app2:8080 app3:8080 app4:8080 app5:8080 app6:8080 c2:80 drive:443; do
    host=${spec%:*} port=${spec#*:}
    for ((i = 0; i < 50; i++)); do
      nsx "$host" nc -z -w1 "${H_IP4[$host]}" "$port" 2>/dev/null && break
      sleep 0.2
    done
    ((i < 50)) || die "$host:$port did not start (see $W/logs)"
  done
  for ((i = 0; i < 25; i++)); do
    [[ $(nsx alice dig +short +time=1 +tries=1 www.example.com A) == 203.0.113.80 ]] && return 0
    sleep 0.4
  done
  die "DNS does not resolve www.example.com through ns1 (see $W/logs/named-*.log)"
}
