# shellcheck shell=bash
# bench/lib.sh: what the benchmarks share: a private stack on free ports with nginx's bench
# locations, bare libfcgi responders, wrk runs and their parsing, CPU time per component
# from /proc, RSS, medians. Sourced after scripts/stack.sh. The caller sets BENCH_NAME (its
# name in messages), ROOT, BUILD, BARE, WORKERS, THREADS, CONNECTIONS, KEEP, GROUPS_ALL
# (the CPU accounting groups) and the maps URLPATH (path by name), TOKEN (bearer token by
# name) and BODY (a JSON body to POST, with its wrk script STACK_VAR/wrk/NAME.lua), and
# installs finish as its EXIT trap.

die() {
    stack_err "$BENCH_NAME: $*"
    exit 1
}

# positive_int NAME VALUE
positive_int() {
    [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer, not '$2'"
}

# --- cleanup ------------------------------------------------------------------------

BENCH_VAR=""
BARE_PIDS=()
BARE_LAST_PID=""
WRK_PID=""

# bare_stop: SIGTERM to each responder's process group (the parent and its workers).
bare_stop() {
    local pid
    for pid in "${BARE_PIDS[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    for pid in "${BARE_PIDS[@]}"; do
        stack_wait_gone "$pid" 5 || true
        if pgrep -g "$pid" >/dev/null 2>&1; then
            kill -KILL -- "-$pid" 2>/dev/null || true
        fi
    done
    BARE_PIDS=()
}

finish() {
    local rc=$?
    trap - EXIT INT TERM HUP
    set +e
    if [ -n "$WRK_PID" ]; then
        kill -TERM "$WRK_PID" 2>/dev/null
        wait "$WRK_PID" 2>/dev/null
    fi
    bare_stop
    if [ -n "$STACK_VAR" ]; then
        stack_stop >/dev/null
        stack_kill_started
    fi
    if [ -n "$BENCH_VAR" ]; then
        if ((KEEP)); then
            echo "bench: kept $BENCH_VAR"
        else
            rm -rf "$BENCH_VAR"
        fi
    fi
    exit "$rc"
}

# show_logs: the tails of every log of the bench stack, to explain a failure.
show_logs() {
    local f
    for f in "$STACK_VAR"/log/*; do
        [ -f "$f" ] && [ "$f" != "$STACK_VAR/log/nginx-access.log" ] && stack_tail "$f"
    done
    return 0
}

# --- build --------------------------------------------------------------------------

# as_root CMD...: CMD as root (sudo when not root).
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    else
        sudo "$@"
    fi
}

ensure_wrk() {
    command -v wrk >/dev/null 2>&1 && return 0
    echo "bench: installing wrk"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk ||
        { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
            as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; } ||
        die "could not install wrk"
}

# build_current TARGET...: build/ configured without flags (no sanitizers), made, plus the
# bench programs TARGET... The same steps as ./dev's build() (dev runs its main when
# sourced, so it cannot be reused from here).
build_current() {
    local have
    if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
        echo "bench: autoreconf -fi"
        autoreconf -fi || die "autoreconf failed: run ./dev up first (it installs the build dependencies)"
    fi
    mkdir -p "$BUILD"
    have=$("$BUILD/config.status" --config 2>/dev/null) || have="(none)"
    if [ ! -f "$BUILD/Makefile" ] || [ -n "${have//\'/}" ]; then
        echo "bench: configuring $BUILD without flags (was: ${have:-no flags})"
        if ! (cd "$BUILD" && "$ROOT/configure") >"$BUILD/configure.log" 2>&1; then
            stack_tail "$BUILD/configure.log"
            die "configure failed in $BUILD: run ./dev up first (it installs the build dependencies)"
        fi
    fi
    echo "bench: make -j2 in $BUILD"
    make -s -C "$BUILD" -j2 >/dev/null || die "the build failed in $BUILD"
    # only the programs this bench needs: `make bench` builds every bench program
    make -s -C "$BUILD" "$@" >/dev/null || die "make $* failed in $BUILD"
    if ldd "$BUILD/trellis-fcgi" | grep -q -e libasan -e libubsan; then
        die "$BUILD/trellis-fcgi is built with sanitizers: not a benchmark build"
    fi
}

# --- the stack ----------------------------------------------------------------------

# free_port TAKEN...: a TCP port nothing listens on, not among TAKEN.
free_port() {
    local p
    for _ in {1..200}; do
        p=$((20000 + RANDOM % 40000))
        [[ " $* " == *" $p "* ]] && continue
        if [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; then
            printf '%s\n' "$p"
            return 0
        fi
    done
    return 1
}

# nginx_conf FILE, wrapped: stack.sh's config from nginx/trellis.conf.in, plus an include
# of V/nginx/bench.conf (the bench's locations) in its server block, so nginx_start from
# stack.sh starts, checks and waits for it as it does for every stack.
eval "$(declare -f nginx_conf | sed '1s/^nginx_conf /stack_nginx_conf /')"
nginx_conf() {
    local anchor='^[[:space:]]*server_name _;[[:space:]]*$'
    stack_nginx_conf "$1" || return 1
    if [ "$(grep -c "$anchor" "$1")" != 1 ]; then
        stack_err "nginx/trellis.conf.in: no single 'server_name _;' line to add the bench locations after"
        return 1
    fi
    awk -v inc="        include $STACK_VAR/nginx/bench.conf;" \
        -v re="$anchor" '{ print } $0 ~ re { print inc }' "$1" >"$1.bench" && mv "$1.bench" "$1"
}

migrate() {
    if ! "$BUILD/trellis" -c etc/trellis.conf migrate up >"$STACK_VAR/log/migrate.log" 2>&1; then
        stack_tail "$STACK_VAR/log/migrate.log"
        show_logs
        die "trellis migrate up failed"
    fi
}

create_bench_rows() {
    local n
    db_root trellis >/dev/null <<'SQL' || die "could not create bench_rows"
DROP TABLE IF EXISTS bench_rows;
CREATE TABLE bench_rows (id INT PRIMARY KEY, name VARCHAR(40));
INSERT INTO bench_rows (id, name)
    WITH RECURSIVE s (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 1000)
    SELECT n, CONCAT('row ', n) FROM s;
ANALYZE TABLE bench_rows;
SQL
    n=$(db_root --skip-column-names trellis -e 'SELECT COUNT(*) FROM bench_rows')
    [ "$n" = 1000 ] || die "bench_rows has $n rows, not 1000"
}

# login BODY: the access token a login with the JSON BODY answers.
login() {
    local out
    out=$(curl -fsS --max-time 10 -H 'Content-Type: application/json' --data-binary "$1" \
        "$(stack_base_url)/v1/auth/login" 2>&1) || { show_logs; die "login failed: $out"; }
    node -e 'const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
        if (typeof r.access_token !== "string") process.exit(1);
        console.log(r.access_token);' <<<"$out" || die "no access_token in the login answer: $out"
}

# req_args curl|wrk NAME: REQ_ARGS, the options that make NAME's request (a bearer token,
# a JSON body to POST) for curl or for wrk.
req_args() {
    REQ_ARGS=()
    if [ -n "${TOKEN[$2]:-}" ]; then
        REQ_ARGS+=(-H "Authorization: Bearer ${TOKEN[$2]}")
    fi
    if [ -n "${BODY[$2]:-}" ]; then
        if [ "$1" = wrk ]; then
            # logins take tens of ms each: 16 queued ones must not hit wrk's 2 s timeout
            REQ_ARGS+=(-s "$STACK_VAR/wrk/$2.lua" --timeout 10s)
        else
            REQ_ARGS+=(-H 'Content-Type: application/json' --data-binary "${BODY[$2]}")
        fi
    fi
}

# children PID: the pids of PID's children.
children() {
    pgrep -P "$1" || true
}

# wait_children PID N LABEL: until PID has N children (5 s).
wait_children() {
    local n=50 have
    while :; do
        have=$(children "$1" | wc -l)
        ((have == $2)) && return 0
        ((n-- > 0)) || break
        sleep 0.1
    done
    show_logs
    die "$3 has $have workers, not $2"
}

# bare_start NAME ARGS...: a bare responder on V/run/bare-NAME.sock in its own session;
# its pid (and process group) in BARE_LAST_PID.
bare_start() {
    local name=$1 sock=$STACK_VAR/run/bare-$1.sock pid n=50
    shift
    setsid "$BARE" "$sock" "$WORKERS" "$@" >>"$STACK_VAR/log/bare-$name.log" 2>&1 </dev/null &
    pid=$!
    BARE_PIDS+=("$pid")
    until [ -S "$sock" ]; do
        if ! stack_pid_running "$pid" || ((n-- <= 0)); then
            show_logs
            die "the bare responder $name did not start"
        fi
        sleep 0.1
    done
    wait_children "$pid" "$WORKERS" "bare-$name"
    # shellcheck disable=SC2034 # the caller's
    BARE_LAST_PID=$pid
}

# check_path NAME: one request through nginx answers 200 (before wasting a whole run).
check_path() {
    local url out
    url=$(stack_base_url)${URLPATH[$1]}
    req_args curl "$1"
    if ! out=$(curl -fsS --max-time 5 "${REQ_ARGS[@]}" -o /dev/null "$url" 2>&1); then
        show_logs
        die "GET $url failed: $out"
    fi
}

# --- measuring ----------------------------------------------------------------------

# run_wrk NAME SECONDS FILE: wrk on the path of NAME; its output in FILE.
run_wrk() {
    local url
    url=$(stack_base_url)${URLPATH[$1]}
    req_args wrk "$1"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${2}s" --latency "${REQ_ARGS[@]}" "$url" >"$3" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || { cat "$3" >&2; die "wrk failed on $url"; }
    WRK_PID=""
}

# parse_wrk FILE: "rps p50_ms p99_ms requests non2xx socket_errors" from wrk's output.
parse_wrk() {
    awk '
        function ms(v) {
            if (v ~ /us$/) return v / 1000
            if (v ~ /ms$/) return v + 0
            if (v ~ /[0-9]s$/) return v * 1000
            if (v ~ /m$/) return v * 60000
            return -1
        }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        $1 == "Requests/sec:" { rps = $2 }
        $2 == "requests" && $3 == "in" { reqs = $1 }
        /Non-2xx or 3xx responses:/ { non2xx = $NF }
        /Socket errors:/ {
            for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) errs += $i
        }
        END {
            if (rps == "" || p50 == "" || p99 == "" || reqs == "") exit 1
            printf "%s %.3f %.3f %s %d %d\n", rps, p50, p99, reqs, non2xx, errs
        }' "$1"
}

# median NUMBERS...
median() {
    printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 }
        END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# calc EXPR [DECIMALS]: awk arithmetic, printed with 3 decimals unless told.
calc() {
    awk "BEGIN { printf \"%.${2:-3}f\", $1 }"
}

# ge A B: A >= B (decimals).
ge() {
    awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'
}

# rss_sample PID: "pid vmrss_kib rssanon_kib" for each child of PID.
rss_sample() {
    local pid
    for pid in $(children "$1"); do
        awk -v pid="$pid" '$1 == "VmRSS:" { r = $2 } $1 == "RssAnon:" { a = $2 }
            END { if (r != "") print pid, r, a }' "/proc/$pid/status" 2>/dev/null || true
    done
}

# rss_stats SAMPLE: "count max_mib mean_mib anon_max_mib anon_mean_mib"
rss_stats() {
    awk 'NF == 3 { n++; s += $2; sa += $3; if ($2 > m) m = $2; if ($3 > ma) ma = $3 }
        END { if (!n) { print "0 0 0 0 0"; exit }
              printf "%d %.2f %.2f %.2f %.2f\n", n, m / 1024, s / n / 1024, ma / 1024, sa / n / 1024 }' <<<"$1"
}

# rss_growth BEFORE AFTER: "same_workers max_growth_kib mean_growth_kib replaced"
rss_growth() {
    awk 'FNR == NR { if (NF == 3) b[$1] = $2; next }
        NF == 3 { if ($1 in b) { n++; d = $2 - b[$1]; s += d; if (n == 1 || d > m) m = d } else r++ }
        END { printf "%d %d %.1f %d\n", n, m, n ? s / n : 0, r }' <(printf '%s\n' "$1") <(printf '%s\n' "$2")
}

# CPU accounting: utime + stime of each group of server processes, sampled around each
# run, give CPU microseconds per request by component. They move much less than req/s
# when something else competes for the CPUs.
declare -A GROUP_PIDS

CLK_TCK=$(getconf CLK_TCK)

# group_ticks GROUP: the CPU ticks its processes used so far.
group_ticks() {
    local pid st t=0
    local -a fields
    for pid in ${GROUP_PIDS[$1]}; do
        st=$(<"/proc/$pid/stat") 2>/dev/null || continue
        read -r -a fields <<<"${st##*) }"
        t=$((t + fields[11] + fields[12]))
    done
    printf '%s\n' "$t"
}

# snapshot FILE: "name ticks" for every group, for wrk (the children this shell reaped:
# wrk and little else) and for the machine (from /proc/stat: busy, all, steal). With tick
# accounting, a task's stime includes the softirq it ran, so busy counts irq and softirq.
snapshot() {
    local g
    for g in "${GROUPS_ALL[@]}"; do
        printf '%s %s\n' "$g" "$(group_ticks "$g")"
    done >"$1"
    times >"$1.times"
    awk -v tck="$CLK_TCK" 'function sec(v, a) { split(v, a, /[ms]/); return a[1] * 60 + a[2] }
        NR == 2 { printf "wrk %d\n", (sec($1) + sec($2)) * tck + 0.5 }' "$1.times" >>"$1"
    awk '$1 == "cpu" { print "machine_busy", $2 + $3 + $4 + $7 + $8
        print "machine_all", $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; print "machine_steal", $9 }' \
        /proc/stat >>"$1"
}

# run_costs BEFORE AFTER REQUESTS: "name microseconds-per-request" for the groups and wrk,
# then "other_pct" (CPU used by other processes, % of all CPUs) and "steal_pct".
run_costs() {
    awk -v reqs="$3" -v tck="$CLK_TCK" 'FNR == NR { b[$1] = $2; next } { d[$1] = $2 - b[$1] }
        END {
            for (g in d) if (g !~ /^machine_/) { printf "%s %.1f\n", g, d[g] * 1e6 / tck / reqs; ours += d[g] }
            all = d["machine_all"]
            other = all > 0 ? 100 * (d["machine_busy"] - ours) / all : 0
            if (other < 0) other = 0
            steal = all > 0 ? 100 * d["machine_steal"] / all : 0
            printf "other_pct %.1f\nsteal_pct %.1f\n", other, steal
        }' "$1" "$2"
}

# cpu_busy: "load1 psi_some_avg10" now (PSI: % of time some task waited for a CPU).
cpu_busy() {
    local psi=n/a
    [ -r /proc/pressure/cpu ] && psi=$(awk '$1 == "some" { sub("avg10=", "", $2); print $2 }' /proc/pressure/cpu)
    printf '%s %s\n' "$(cut -d' ' -f1 /proc/loadavg)" "$psi"
}

json_str() {
    local s=$1
    s=${s//\\/\\\\}
    s=${s//\"/\\\"}
    printf '"%s"' "$s"
}
