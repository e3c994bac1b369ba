# shellcheck shell=bash disable=SC2034 # much of it sets variables its callers read
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
# a JSON body to POST) for curl or for wrk (which also takes STACK_VAR/wrk/NAME.lua when
# it exists: a script that varies the requests).
req_args() {
    REQ_ARGS=()
    if [ -n "${TOKEN[$2]:-}" ]; then
        REQ_ARGS+=(-H "Authorization: Bearer ${TOKEN[$2]}")
    fi
    if [ "$1" = wrk ] && [ -z "${BODY[$2]:-}" ] && [ -f "$STACK_VAR/wrk/$2.lua" ]; then
        REQ_ARGS+=(-s "$STACK_VAR/wrk/$2.lua") # a script that varies the request
    elif [ -n "${BODY[$2]:-}" ]; then
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

# --- scale benchmarks: one stack, tenants made by trellis bench-data, wrk in rounds ----
# (bench/catalog, bench/pricing). The caller also sets NAMES (the wrk runs, in order),
# LABEL, APP_GROUP (name -> the CPU group that serves it), DURATION, ROUNDS, WARMUP,
# LOG_LEVEL, ACCESS_TTL, BUFFER_POOL_MIB and the maps SLUG, TENANT_JSON, TENANT_ID,
# CHANNEL, DEALER, MAKER, DISTRIBUTOR and GEN_SECONDS, declared here.
declare -A SLUG=() TENANT_JSON=() TENANT_ID=() CHANNEL=() DEALER=() MAKER=() DISTRIBUTOR=()
declare -A GEN_SECONDS=()

# write_bench_conf: the bare SELECT's location (as in bench/baseline).
write_bench_conf() {
    cat >"$STACK_VAR/nginx/bench.conf" <<EOF
# $BENCH_NAME: the baseline, next to the production locations of this server.
location = /bench/select {
    fastcgi_pass unix:$STACK_VAR/run/bare-select.sock;
    include /etc/nginx/fastcgi_params;
    fastcgi_param REQUEST_ID \$request_id;
}
EOF
}

# buffer_pool: InnoDB's buffer pool to BUFFER_POOL_MIB (resized online; waits for it).
buffer_pool() {
    local n=300 size
    db_root -e "SET GLOBAL innodb_buffer_pool_size = $((BUFFER_POOL_MIB * 1048576))" ||
        die "could not resize InnoDB's buffer pool"
    while :; do
        size=$(db_root --skip-column-names -e 'SELECT @@innodb_buffer_pool_size')
        ((size >= BUFFER_POOL_MIB * 1048576)) && return 0
        ((n-- > 0)) || die "InnoDB's buffer pool is $size bytes, not $BUFFER_POOL_MIB MiB"
        sleep 0.1
    done
}

# generate WHICH ARGS...: a tenant SLUG[WHICH] by trellis bench-data; its JSON in
# V/bench-WHICH.json (TENANT_JSON[WHICH]), its ids in TENANT_ID, CHANNEL, DEALER, MAKER,
# DISTRIBUTOR and GEN_SECONDS [WHICH].
generate() {
    local which=$1 out=$STACK_VAR/bench-$1.json ids tid ch dealer maker dist secs n
    shift
    echo "bench: trellis bench-data --tenant ${SLUG[$which]} $*"
    if ! "$BUILD/trellis" -c etc/trellis.conf bench-data --tenant "${SLUG[$which]}" "$@" \
        >"$out" 2>"$STACK_VAR/log/bench-data-$which.log"; then
        stack_tail "$STACK_VAR/log/bench-data-$which.log"
        die "trellis bench-data failed for the $which tenant"
    fi
    ids=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        console.log(r.tenant_id, r.channel_id, r.dealer_org_id, r.manufacturer_org_id,
            r.distributor_org_id, r.seconds, r.unpublished_sku_ids.length);' "$out") ||
        die "could not read $out"
    read -r tid ch dealer maker dist secs n <<<"$ids"
    TENANT_ID[$which]=$tid CHANNEL[$which]=$ch DEALER[$which]=$dealer MAKER[$which]=$maker
    DISTRIBUTOR[$which]=$dist GEN_SECONDS[$which]=$secs
    ((n == 1000)) || die "the $which tenant has $n unpublished SKUs, not 1000"
    TENANT_JSON[$which]=$out
    printf 'bench: %s tenant in %s s: %s\n' "$which" "${GEN_SECONDS[$which]}" \
        "$(node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).counts;
            console.log(Object.entries(c).map(([k, v]) => v + " " + k.replace("_", " ")).join(", "));' "$out")"
}

# user_body WHICH ROLE: the login body of the tenant's dealer or maker (org_type).
user_body() {
    node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        const u = r.users.find((u) => u.org_type === process.argv[2]);
        if (!u) process.exit(1);
        console.log(JSON.stringify({ tenant: u.tenant, email: u.email, password: u.password }));' \
        "${TENANT_JSON[$1]}" "$2" || die "no $2 user in ${TENANT_JSON[$1]}"
}

# sql_with NAME KEY=VALUE...: the registered statement NAME with each '?' replaced by the
# value its context asks for (tenant_id = ?: tenant, publication_id = ?: pub, the org the
# listing is for: org, JSON_TABLE(?: keys, LIMIT ?: limit, a key to start after: 0), so a
# reordered statement still gets the right values, or the value of @N for the Nth '?' (NULL
# stays SQL's NULL); fails on a '?' it cannot place.
sql_with() {
    local name=$1 sql
    shift
    sql=$("$BUILD/trellis" -c etc/trellis.conf sql "$name") || return 1
    # shellcheck disable=SC2016 # JavaScript, not shell
    node -e 'const [sql, ...kv] = process.argv.slice(1);
        const v = Object.fromEntries(kv.map((s) => [s.slice(0, s.indexOf("=")), s.slice(s.indexOf("=") + 1)]));
        const rules = [[/tenant_id = $/, "tenant"], [/channel_id = $/, "channel"],
            [/child_org_id = $/, "org"], [/UNION ALL SELECT $/, "org"], [/recipient_key = $/, "org"],
            [/publication_id = $/, "pub"], [/JSON_TABLE\($/, "keys"], [/LIMIT $/, "limit"],
            [/(sku_id|offering_key) [>=] $/, "zero"]];
        const q = String.fromCharCode(39);
        const lit = (x) => /^-?[0-9]+$/.test(x) || x === "NULL" ? x : q + x.replace(/[\\\x27]/g, "\\$&") + q;
        v.zero = "0";
        const parts = sql.split("?");
        let out = parts[0];
        for (let i = 1; i < parts.length; i++) {
            if (v[`@${i}`] !== undefined) {
                out += lit(v[`@${i}`]) + parts[i];
                continue;
            }
            const rule = rules.find(([re]) => re.test(out));
            if (!rule || v[rule[1]] === undefined) {
                console.error(`no value for the parameter after "${out.slice(-40)}"`);
                process.exit(1);
            }
            out += lit(v[rule[1]]) + parts[i];
        }
        console.log(out);' "$sql" "$@"
}

# scale_stack_up: a var dir and free ports, MariaDB with the buffer pool, the schema and
# the bare SELECT's rows.
scale_stack_up() {
    mkdir -p "$ROOT/var"
    BENCH_VAR=$(mktemp -d "$ROOT/var/bench-XXXXXX")
    # the longest socket path is V/run/bare-select.sock
    ((${#BENCH_VAR} + 22 <= 107)) || die "var dir path too long for unix sockets: $BENCH_VAR"
    TRELLIS_PORT=$(free_port) || die "no free port"
    TRELLIS_DB_PORT=$(free_port "$TRELLIS_PORT") || die "no free port"
    export TRELLIS_PORT TRELLIS_DB_PORT
    stack_init "$BENCH_VAR" "$BUILD" || die "bad stack in $BENCH_VAR"
    mkdir -p "$STACK_VAR/wrk"

    echo "bench: stack in $STACK_VAR (http $STACK_HTTP_PORT, db $STACK_DB_PORT)"
    db_start >/dev/null || die "MariaDB did not start"
    buffer_pool
    migrate
    create_bench_rows
}

# scale_servers_up: the pool, the bare SELECT responder and nginx; their pids in POOL_PID,
# BARE_SELECT_PID, NGINX_PID and GROUP_PIDS.
scale_servers_up() {
    export TRELLIS_SERVER_WORKERS=$WORKERS TRELLIS_SERVER_MAX_REQUESTS=0 TRELLIS_LOG_LEVEL=$LOG_LEVEL
    export TRELLIS_AUTH_ACCESS_TTL=$ACCESS_TTL
    # the pool refuses to start without a signing key; a throwaway one unless the stack has one
    if [ -z "${TRELLIS_AUTH_JWT_SECRET:-}" ]; then
        TRELLIS_AUTH_JWT_SECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
        export TRELLIS_AUTH_JWT_SECRET
    fi
    pool_start >/dev/null || die "the pool did not start"
    POOL_PID=$(stack_pid "$STACK_VAR/run/trellis-fcgi.pid")
    wait_children "$POOL_PID" "$WORKERS" trellis-fcgi

    bare_start select select "$STACK_VAR/run/mysqld.sock" trellis - trellis
    BARE_SELECT_PID=$BARE_LAST_PID

    write_bench_conf
    nginx_start >/dev/null || die "nginx did not start"
    NGINX_PID=$(stack_pid "$STACK_VAR/run/nginx.pid")
    wait_children "$NGINX_PID" "$(nproc)" nginx # worker_processes auto
    GROUP_PIDS[nginx]=$(children "$NGINX_PID" | tr '\n' ' ')
    GROUP_PIDS[pool]=$(children "$POOL_PID" | tr '\n' ' ')
    GROUP_PIDS[bare_select]=$(children "$BARE_SELECT_PID" | tr '\n' ' ')
    GROUP_PIDS[mariadb]=$(stack_pid "$STACK_VAR/run/mysqld.pid")
}

# measure_rounds: a warning when the machine is busy, a warm-up of each of NAMES (WARMUP
# seconds, or WARMUP_SECONDS[NAME]), then
# ROUNDS interleaved rounds of wrk on each, with the CPU per request around every run.
# Sets RPS, OK_RPS (the 2xx answers a second), P50, P99 (space-separated per round),
# ROUNDS_JSON, CPU, OTHER_ALL, LOAD_BEFORE, BUSY_PSI and RSS_BEFORE (the pool's RSS after
# the warm-up). A non-2xx answer fails the run unless ALLOW_NON2XX[NAME] is set.
# SETTLE[NAME]: seconds to wait after NAME's runs (1), for requests the workers still hold.
declare -A RPS OK_RPS P50 P99 ROUNDS_JSON CPU WARMUP_SECONDS=() ALLOW_NON2XX=() SETTLE=()
OTHER_ALL=""
measure_rounds() {
    local name r out parsed rps p50 p99 reqs non2xx errs g us other steal
    LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
    read -r BUSY_LOAD BUSY_PSI <<<"$(cpu_busy)"
    if awk -v l="$BUSY_LOAD" -v p="$BUSY_PSI" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2 || (p != "n/a" && p > 10)) }'; then
        stack_warn "the machine is busy (load $BUSY_LOAD, CPU pressure $BUSY_PSI %): absolute numbers" \
            "will be low and ratios noisy; the CPU per request below is the sturdier figure"
    fi

    echo "bench: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency, $ROUNDS interleaved rounds" \
        "(about $((${#NAMES[@]} * (WARMUP + ROUNDS * (DURATION + 1)) + 5)) s)"
    for name in "${NAMES[@]}"; do
        run_wrk "$name" "${WARMUP_SECONDS[$name]:-$WARMUP}" "$STACK_VAR/wrk/$name-warmup.txt"
        [ -z "${SETTLE[$name]:-}" ] || sleep "${SETTLE[$name]}"
    done
    sleep 1
    RSS_BEFORE=$(rss_sample "$POOL_PID")

    for ((r = 1; r <= ROUNDS; r++)); do
        for name in "${NAMES[@]}"; do
            out=$STACK_VAR/wrk/$name-r$r.txt
            snapshot "$out.cpu0"
            run_wrk "$name" "$DURATION" "$out"
            snapshot "$out.cpu1"
            parsed=$(parse_wrk "$out") || { cat "$out" >&2; die "could not read wrk's output for $name"; }
            read -r rps p50 p99 reqs non2xx errs <<<"$parsed"
            while read -r g us; do
                CPU[$name.$g]+="$us "
                case $g in
                other_pct) other=$us ;;
                steal_pct) steal=$us ;;
                esac
            done < <(run_costs "$out.cpu0" "$out.cpu1" "$reqs")
            OTHER_ALL+="$other "
            if ((non2xx > 0)) && [ -z "${ALLOW_NON2XX[$name]:-}" ]; then
                cat "$out" >&2
                show_logs
                die "$name: $non2xx non-2xx responses in round $r"
            fi
            ((non2xx == 0)) || stack_warn "$name: $non2xx of $reqs responses non-2xx in round $r"
            OK_RPS[$name]+="$(calc "$rps * ($reqs - $non2xx) / $reqs" 2) "
            ((errs == 0)) || stack_warn "$name: $errs socket errors in round $r"
            printf 'bench: round %d/%d  %-12s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  other load %4.1f %%\n' \
                "$r" "$ROUNDS" "$name" "$rps" "$p50" "$p99" "$other"
            RPS[$name]+="$rps "
            P50[$name]+="$p50 "
            P99[$name]+="$p99 "
            ROUNDS_JSON[$name]+="${ROUNDS_JSON[$name]:+, }{\"rps\": $rps, \"p50_ms\": $p50, \"p99_ms\": $p99, \"requests\": $reqs, \"non2xx\": $non2xx, \"socket_errors\": $errs, \"other_cpu_pct\": $other, \"steal_pct\": $steal}"
            sleep "${SETTLE[$name]:-1}"
        done
    done
}

# medians_all: M_RPS, M_P50, M_P99 and M_CPU (by NAME.group, .app and .total) of every
# run of NAMES; OTHER_MEDIAN and OTHER_MAX of the other load.
declare -A M_RPS M_P50 M_P99 M_CPU
medians_all() {
    local name g
    for name in "${NAMES[@]}"; do
        # shellcheck disable=SC2086 # the lists are space-separated numbers
        M_RPS[$name]=$(median ${RPS[$name]})
        # shellcheck disable=SC2086
        M_P50[$name]=$(median ${P50[$name]})
        # shellcheck disable=SC2086
        M_P99[$name]=$(median ${P99[$name]})
        for g in "${GROUPS_ALL[@]}" wrk other_pct steal_pct; do
            # shellcheck disable=SC2086
            M_CPU[$name.$g]=$(median ${CPU[$name.$g]})
        done
        M_CPU[$name.app]=${M_CPU[$name.${APP_GROUP[$name]}]}
        M_CPU[$name.total]=$(calc "${M_CPU[$name.nginx]} + ${M_CPU[$name.app]} + ${M_CPU[$name.mariadb]}")
    done
    # shellcheck disable=SC2086
    OTHER_MEDIAN=$(median $OTHER_ALL)
    # shellcheck disable=SC2086
    OTHER_MAX=$(printf '%s\n' $OTHER_ALL | sort -g | tail -n 1)
}

# per_round FIGURE A B: the ratios A/B of each round of RPS or P99, space-separated
per_round() {
    local -n fig=$1
    local -a a b
    local i out=""
    read -r -a a <<<"${fig[$2]}"
    read -r -a b <<<"${fig[$3]}"
    for i in "${!a[@]}"; do
        out+="$(calc "${a[$i]} / ${b[$i]}" 2) "
    done
    printf '%s\n' "${out% }"
}

# --- measuring ----------------------------------------------------------------------

# run_wrk NAME SECONDS FILE: wrk on the path of NAME (with WRK_CONNECTIONS[NAME] connections
# when set, else CONNECTIONS); its output in FILE.
declare -A WRK_CONNECTIONS=()
run_wrk() {
    local url c=${WRK_CONNECTIONS[$1]:-$CONNECTIONS} t=$THREADS
    ((c >= t)) || t=$c
    url=$(stack_base_url)${URLPATH[$1]}
    req_args wrk "$1"
    wrk -t"$t" -c"$c" -d"${2}s" --latency "${REQ_ARGS[@]}" "$url" >"$3" 2>&1 &
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
