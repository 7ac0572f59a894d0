# Shared helpers: logging, running commands inside a host's namespace, background jobs that can be
# stopped by process group, the event log the truth table is written from, and the clock.

log() { printf '%s [record] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# run a command in host <name>'s namespace (its /etc/netns/nsift-<name>/resolv.conf is bind-mounted)
nsx() { local n=$1; shift; ip netns exec "nsift-$n" "$@"; }

# Background jobs: each runs in its own session (setsid) so that stopping it stops every child it
# started (curl, nmap, ...). Their process-group ids are kept in $W/jobs.
bg_job() { # bg_job <log-name> <command...>
  local name=$1; shift
  setsid "$@" >>"$W/logs/$name.log" 2>&1 < /dev/null &
  echo "$! $name" >>"$W/jobs"
}
stop_jobs() { # stop_jobs [pattern]: SIGTERM the process groups of the matching jobs
  local pid name
  [[ -f $W/jobs ]] || return 0
  while read -r pid name; do
    # shellcheck disable=SC2053 # $1 is a glob on purpose
    [[ -z ${1:-} || $name == $1 ]] || continue
    kill -TERM -- "-$pid" 2>/dev/null || true
  done <"$W/jobs"
}

# Time: START is the capture's start (epoch seconds); offsets are fractions of DURATION
now() { date +%s.%N; }
at() { awk -v s="$START" -v d="$DURATION" -v f="$1" 'BEGIN { printf "%.3f", s + d * f }'; }
sleep_until() { # sleep_until <epoch>
  local left
  left=$(awk -v t="$1" -v n="$(now)" 'BEGIN { x = t - n; printf "%.3f", (x > 0 ? x : 0) }')
  sleep "$left" & # in the background: bash runs a signal trap during `wait`, not during a child
  wait $!
}
before() { awk -v t="$1" -v n="$(now)" 'BEGIN { exit !(n < t) }'; } # before <epoch>: still earlier?
rand() { echo $(($1 + RANDOM % ($2 - $1 + 1))); } # rand <lo> <hi> (inclusive)

# The event log: one line per labelled activity, "id begin end detail" (epoch seconds)
event() { # event <id> <begin> <end> [detail]
  printf '%s %s %s %s\n' "$1" "$2" "$3" "${4:-}" >>"$W/events"
}
