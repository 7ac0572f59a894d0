# What the servers serve and the clients send: web pages, the database dump the backup copies, the
# export the exfiltration uploads, SSH keys, the brute-force word lists.

gen_text() { # gen_text <bytes> <seed> <kind>: lines of a dump (sql), an export (csv) or a page (html)
  # The dump and the export are fixed-width records of 181 bytes, 8 to a 1448-byte TCP segment, so
  # the 62 payload bytes the capture keeps of each bulk packet repeat and the pcap compresses to
  # little more than its headers (the flows do not depend on payload).
  awk -v n="$1" -v seed="$2" -v kind="$3" 'BEGIN {
    srand(seed); out = 0; i = 0
    split("alice bob carol dave erin fay frank grace heidi ivan judy mallory niaj olivia peggy", who, " ")
    while (out < n) {
      i++; u = who[int(rand() * 15) + 1]
      if (kind == "sql") line = sprintf("%-180s\n", sprintf("INSERT INTO events VALUES (%-8s, %-12s, %-10s, %9.2f, %-8s); -- %010d", "'\''ev'\''", "'\''" u "'\''", "'\''2024-12'\''", int(rand() * 5000), (rand() < 0.5 ? "'\''ok'\''" : "'\''hold'\''"), i))
      else if (kind == "csv") line = sprintf("%-180s\n", sprintf("%-10s|%-24s|%-40s|%-12s|%10.2f|%-3s|%010d", "CUSTOMER", u, u "@northfield.example", "+1-555-01" int(rand() * 10), int(rand() * 900), (rand() < 0.3 ? "vip" : "std"), i))
      else line = sprintf("<p class=\"c%d\">%s wrote %d words about item %d on the %s page.</p>\n", int(rand() * 9), u, int(rand() * 800), i, who[int(rand() * 15) + 1])
      if (out + length(line) > n) line = substr(line, 1, n - out)
      printf "%s", line; out += length(line)
    }
  }'
}

web_site() { # web_site <dir> <title> <page-bytes> <asset-bytes>
  local dir=$1
  mkdir -p "$dir/static" "$dir/img" "$dir/wiki"
  { echo "<!doctype html><html><head><title>$2</title><link rel=stylesheet href=/static/site.css></head><body>"
    gen_text "$3" "${#2}" html; echo "</body></html>"; } >"$dir/index.html"
  cp "$dir/index.html" "$dir/wiki/index.html"
  gen_text "$4" 7 html >"$dir/static/app.js"
  gen_text $(($4 / 3)) 8 html >"$dir/static/site.css"
  gen_text $(($4 * 2)) 9 csv >"$dir/img/banner.jpg"
}

content_make() {
  local c=$W/content
  mkdir -p "$c" "$W/web"
  web_site "$W/web/www" "Northfield College intranet" 12000 30000
  web_site "$W/web/news" "Example News" 24000 30000
  web_site "$W/web/cdn" "edge" 2000 36000
  web_site "$W/web/partner" "Example.org partner portal" 16000 24000
  mkdir -p "$W/web/partner/downloads"
  gen_text $((BULK_MB * 1024 * 1024 / 8)) 11 csv >"$W/web/partner/downloads/driver-pack.tar"
  web_site "$W/web/app" "Northfield apps" 6000 12000
  mkdir -p "$W/web/c2/api/v2"
  printf '{"status":"ok","next":45,"cmd":"none"}\n' >"$W/web/c2/api/v2/check"

  # the nightly database dump (backup) and what grace-pc uploads (exfiltration), in chunks
  gen_text $((BULK_MB * 1024 * 1024 * 3 / 4)) 21 sql >"$c/db-dump.sql"
  local k
  for k in 1 2 3 4; do gen_text $((BULK_MB * 1024 * 1024 / 4)) $((30 + k)) csv >"$c/customers-part$k.csv"; done
  gen_text 3000000 41 csv >"$c/slides.pdf" # a benign upload to the same cloud service, small

  # SSH: host key of the bastion, the staff's client key
  mkdir -p "$W/ssh"
  ssh-keygen -q -t ed25519 -N '' -C bastion -f "$W/ssh/host_ed25519"
  ssh-keygen -q -t ed25519 -N '' -C staff -f "$W/ssh/staff_ed25519"
  cp "$W/ssh/staff_ed25519.pub" "$W/ssh/authorized_keys"
  chmod 600 "$W/ssh/authorized_keys"

  # brute force: common user names and passwords, none of which can log in (root is key-only)
  printf '%s\n' root admin oracle ubuntu pi support test user >"$c/users.txt"
  { printf '%s\n' 123456 password admin root toor qwerty letmein changeme welcome 12345678 \
      passw0rd dragon master monkey abc123 111111 default raspberry
    for k in $(seq 1 40); do printf 'Northfield%d!\nsummer20%02d\n' "$k" "$k"; done; } >"$c/passwords.txt"
}
