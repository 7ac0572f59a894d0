# The office/campus network: one line per host namespace (nsift-<name>).
#   name  segment  IPv4  IPv6 (- for none)  DNS name (- for none)  role
# Segments: lan = office LAN 192.168.50.0/24 (RFC 1918) + 2001:db8:c:50::/64,
#           srv = the campus's own public block 198.18.10.0/24 + 2001:db8:c:10::/64,
#           inet = the internet side: 203.0.113.0/24, 198.51.100.0/24 (documentation ranges) and the
#           internet scanner's network 100.66.7.0/24 (RFC 6598 shared space standing in for a public
#           /24: 192.0.2.0/24 was avoided because the recording machine itself sits on it) + 2001:db8:e::/64.
# The router (nsift-rtr) holds .1 / ::1 of every prefix; nsift-srvfill holds every other address of
# 198.18.10.0/24 so that sweeps of the server /24 get real answers (RST, ICMP) from a real kernel.
# shellcheck disable=SC2034
HOSTS=(
  "alice   lan  192.168.50.21  2001:db8:c:50::21  alice-pc.northfield.example    workstation"
  "bob     lan  192.168.50.22  2001:db8:c:50::22  bob-pc.northfield.example      workstation"
  "carol   lan  192.168.50.23  2001:db8:c:50::23  carol-pc.northfield.example    workstation"
  "dave    lan  192.168.50.24  2001:db8:c:50::24  dave-pc.northfield.example     workstation"
  "erin    lan  192.168.50.25  2001:db8:c:50::25  erin-pc.northfield.example     workstation"
  "fay     lan  192.168.50.26  2001:db8:c:50::26  fay-pc.northfield.example      workstation"
  "frank   lan  192.168.50.31  2001:db8:c:50::31  frank-pc.northfield.example    workstation"
  "grace   lan  192.168.50.32  2001:db8:c:50::32  grace-pc.northfield.example    workstation"
  "heidi   lan  192.168.50.33  2001:db8:c:50::33  heidi-pc.northfield.example    workstation"
  "ivan    lan  192.168.50.34  2001:db8:c:50::34  ivan-pc.northfield.example     workstation"
  "judy    lan  192.168.50.35  2001:db8:c:50::35  judy-pc.northfield.example     workstation"
  "mallory lan  192.168.50.36  2001:db8:c:50::36  mallory-pc.northfield.example  workstation"
  "niaj    lan  192.168.50.37  2001:db8:c:50::37  niaj-pc.northfield.example     workstation"
  "www     srv  198.18.10.10   2001:db8:c:10::10  www.northfield.example         web-server"
  "db      srv  198.18.10.20   -                  db.northfield.example          database"
  "bastion srv  198.18.10.22   2001:db8:c:10::22  bastion.northfield.example     ssh-server"
  "backup  srv  198.18.10.30   -                  backup.northfield.example      backup-server"
  "mon     srv  198.18.10.40   2001:db8:c:10::40  mon.northfield.example         monitoring"
  "ns1     srv  198.18.10.53   2001:db8:c:10::53  ns1.northfield.example         dns-server"
  "app1    srv  198.18.10.101  -                  app1.northfield.example        app-server"
  "app2    srv  198.18.10.102  -                  app2.northfield.example        app-server"
  "app3    srv  198.18.10.103  -                  app3.northfield.example        app-server"
  "app4    srv  198.18.10.104  -                  app4.northfield.example        app-server"
  "app5    srv  198.18.10.105  -                  app5.northfield.example        app-server"
  "app6    srv  198.18.10.106  -                  app6.northfield.example        app-server"
  "extdns  inet 203.0.113.53   2001:db8:e::53     ns.example.net                 external-dns"
  "news    inet 203.0.113.80   2001:db8:e::80     www.example.com                external-web"
  "cdn     inet 203.0.113.81   2001:db8:e::81     edge.example.net               external-web"
  "c2      inet 203.0.113.66   -                  update-check.example.net       c2-server"
  "partner inet 198.51.100.10  -                  www.example.org                external-web"
  "drive   inet 198.51.100.200 -                  files.example.org              cloud-storage"
  "dead    inet 198.51.100.45  -                  -                              dead-endpoint"
  "brute   inet 198.51.100.77  -                  -                              external-attacker"
  "scana   inet 100.66.7.10     -                  -                              internet-scanner"
  "scanb   inet 100.66.7.11     -                  -                              internet-scanner"
  "scanc   inet 100.66.7.12     -                  -                              internet-scanner"
)

# name -> field lookups (filled by hosts_index)
declare -gA H_SEG H_IP4 H_IP6 H_DNS H_ROLE
hosts_index() {
  local line name seg ip4 ip6 dns role
  for line in "${HOSTS[@]}"; do
    read -r name seg ip4 ip6 dns role <<<"$line"
    H_SEG[$name]=$seg H_IP4[$name]=$ip4 H_IP6[$name]=$ip6 H_DNS[$name]=$dns H_ROLE[$name]=$role
  done
}
hosts_index
host_names() { local l; for l in "${HOSTS[@]}"; do echo "${l%% *}"; done; }

# Router addresses per segment, its MAC per segment (fixed, so the capture filters can name them)
declare -gA R_IP4 R_IP6 R_MAC
R_IP4=([lan]="192.168.50.1/24" [srv]="198.18.10.1/24" [inet]="203.0.113.1/24 198.51.100.1/24 100.66.7.1/24")
R_IP6=([lan]="2001:db8:c:50::1/64" [srv]="2001:db8:c:10::1/64" [inet]="2001:db8:e::1/64")
R_MAC=([lan]="02:00:00:00:01:50" [srv]="02:00:00:00:01:10" [inet]="02:00:00:00:01:ee")

# Prefixes each segment routes through the router (there is no default route anywhere: a packet to
# any other address fails in the sender's own kernel with "network unreachable")
declare -gA ROUTES4 ROUTES6 GW4 GW6
GW4=([lan]=192.168.50.1 [srv]=198.18.10.1 [inet]=203.0.113.1)
GW6=([lan]=2001:db8:c:50::1 [srv]=2001:db8:c:10::1 [inet]=2001:db8:e::1)
ROUTES4=(
  [lan]="198.18.10.0/24 203.0.113.0/24 198.51.100.0/24 100.66.7.0/24"
  [srv]="192.168.50.0/24 203.0.113.0/24 198.51.100.0/24 100.66.7.0/24"
  [inet]="192.168.50.0/24 198.18.10.0/24"
)
ROUTES6=([lan]="2001:db8:c:10::/64 2001:db8:e::/64" [srv]="2001:db8:c:50::/64 2001:db8:e::/64" [inet]="2001:db8:c:50::/64 2001:db8:c:10::/64")
# The internet hosts sit in three /24s on one wire: each reaches the others' /24 through the router
INET_NETS="203.0.113.0/24 198.51.100.0/24 100.66.7.0/24"

# Every address that is assigned somewhere: the sweep target and anything outside this list is never
# a destination (checked by topology_check)
SRV_NET=198.18.10
