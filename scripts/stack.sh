#!/usr/bin/env bash
# One Trellis stack (MariaDB, the trellis-fcgi pool, nginx) living in a var dir.
# Sourced by ./dev for its functions; also a command: scripts/stack.sh CMD VARDIR.
#
# A stack in V (absolute once stack_init ran):
#   V/mysql       MariaDB's datadir
#   V/run         mysqld.sock mysqld.pid trellis.sock trellis-fcgi.pid nginx.pid
#   V/log         mysqld.err trellis.log nginx-error.log nginx-access.log
#   V/nginx       nginx.conf (from nginx/trellis.conf.in) and nginx's temp dirs
#   V/http-port V/db-port   the ports the stack was given, so a restart reuses them
#   V/db-password           the password of the database user trellis (mode 0600)
#   V/jwt-secret            the key that signs the stack's access tokens (mode 0600)
#   V/superadmin-password   the platform super admin's password (mode 0600)
# The programs read etc/trellis.conf; stack_env exports TRELLIS_<SECTION>_<KEY>
# overrides pointing into V instead of writing another config file.
#
# Every function returns non-zero on failure and says why on stderr, with the tail of
# the component's log: callers may run them under `if`, where `set -e` does not apply.

STACK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK_VAR=""
STACK_BUILD=""
STACK_HTTP_PORT=""
STACK_DB_PORT=""
STACK_STARTED=() # pids this shell started, for stack_kill_started

stack_err() {
    printf 'error: %s\n' "$*" >&2
}

stack_warn() {
    printf 'warning: %s\n' "$*" >&2
}

# stack_tail FILE: the last lines of a log, to explain a failure.
stack_tail() {
    if [ -s "$1" ]; then
        printf -- '--- last lines of %s ---\n' "$1" >&2
        tail -n 25 "$1" >&2
        printf -- '---\n' >&2
    fi
}

# stack_random_hex BYTES: that many random bytes as hex.
stack_random_hex() {
    od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'
}

# stack_pid FILE: prints the pid stored in FILE, if it holds one.
stack_pid() {
    local pid
    [ -r "$1" ] || return 1
    read -r pid <"$1" || [ -n "${pid:-}" ] || return 1
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    printf '%s\n' "$pid"
}

# stack_pid_running PID: alive and not a zombie.
stack_pid_running() {
    local stat
    kill -0 "$1" 2>/dev/null || return 1
    if [ -r "/proc/$1/stat" ]; then
        stat=$(<"/proc/$1/stat") || return 1
        stat=${stat##*) }
        [ "${stat:0:1}" != Z ] || return 1
    fi
    return 0
}

# stack_alive FILE NAME: the pid in FILE runs, and its executable is NAME (so a stale
# pid file whose number was reused by another process does not count).
stack_alive() {
    local pid exe
    pid=$(stack_pid "$1") || return 1
    stack_pid_running "$pid" || return 1
    [ -e "/proc/$pid/exe" ] || return 0
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 0
    [[ $exe == */"$2" || $exe == */"$2 (deleted)" ]]
}

# stack_wait_gone PID SECONDS
stack_wait_gone() {
    local n=$(($2 * 10))
    while stack_pid_running "$1"; do
        ((n-- > 0)) || return 1
        sleep 0.1
    done
}

# stack_stop_pid LABEL PIDFILE NAME SIGNAL SECONDS [group]: signal the process and wait
# for it to exit; after SECONDS, SIGKILL it (and its process group with "group").
stack_stop_pid() {
    local label=$1 file=$2 name=$3 sig=$4 secs=$5 group=${6:-} pid
    if ! stack_alive "$file" "$name"; then
        echo "$label: not running"
        return 0
    fi
    pid=$(stack_pid "$file")
    kill "-$sig" "$pid" 2>/dev/null || true
    if stack_wait_gone "$pid" "$secs"; then
        echo "$label: stopped (pid $pid)"
        return 0
    fi
    stack_err "$label: pid $pid still runs ${secs}s after SIG$sig: sending SIGKILL"
    if [ -n "$group" ]; then
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    else
        kill -KILL "$pid" 2>/dev/null || true
    fi
    stack_wait_gone "$pid" 5 || true
    return 1
}

# stack_port FILE ENVVAR DEFAULT PIDFILE NAME: the port of one component. While the
# component runs, the port recorded in V wins; otherwise ENVVAR, then the recorded
# port, then DEFAULT. The choice is written back to V/FILE.
stack_port() {
    local file=$STACK_VAR/$1 env=${!2:-} def=$3 pidfile=$4 name=$5 port=""
    [ -r "$file" ] && read -r port <"$file"
    if [ -n "$port" ] && stack_alive "$pidfile" "$name"; then
        if [ -n "$env" ] && [ "$env" != "$port" ]; then
            stack_warn "$name already runs on port $port in $STACK_VAR; ignoring $2=$env (stop it first)"
        fi
    elif [ -n "$env" ]; then
        port=$env
    elif [ -z "$port" ]; then
        port=$def
    fi
    if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
        stack_err "bad port '$port' for $name ($2 or $file)"
        return 1
    fi
    printf '%s\n' "$port" >"$file" || return 1
    printf '%s\n' "$port"
}

# stack_init VARDIR [BUILDDIR]: creates the layout, settles the ports (env TRELLIS_PORT
# for HTTP, default 8080; TRELLIS_DB_PORT for MariaDB, default 3307) and exports the
# environment. BUILDDIR defaults to $TRELLIS_BUILD, then build/.
stack_init() {
    local v=$1 build=${2:-${TRELLIS_BUILD:-$STACK_ROOT/build}}
    mkdir -p "$v" || return 1
    STACK_VAR=$(cd "$v" && pwd) || return 1
    case $build in
    /*) STACK_BUILD=$build ;;
    *) STACK_BUILD=$STACK_ROOT/$build ;;
    esac
    # unix socket paths must fit in sun_path (107 bytes); the longest is run/trellis.sock
    if ((${#STACK_VAR} + 18 > 107)); then
        stack_err "var dir path too long for unix sockets: $STACK_VAR"
        return 1
    fi
    # nginx's workers run as nobody: they must traverse V to reach the pool's socket
    # and their temp dirs (mktemp -d makes 0700 directories)
    chmod 755 "$STACK_VAR" || return 1
    mkdir -p "$STACK_VAR/mysql" "$STACK_VAR/run" "$STACK_VAR/log" "$STACK_VAR/nginx" || return 1
    STACK_HTTP_PORT=$(stack_port http-port TRELLIS_PORT 8080 "$STACK_VAR/run/nginx.pid" nginx) || return 1
    STACK_DB_PORT=$(stack_port db-port TRELLIS_DB_PORT 3307 "$STACK_VAR/run/mysqld.pid" mariadbd) || return 1
    stack_env
}

# stack_env: exports the TRELLIS_* overrides that point both programs at this stack.
stack_env() {
    export TRELLIS_PORT=$STACK_HTTP_PORT
    export TRELLIS_SERVER_SOCKET=$STACK_VAR/run/trellis.sock
    export TRELLIS_SERVER_PID_FILE=$STACK_VAR/run/trellis-fcgi.pid
    export TRELLIS_DB_HOST=127.0.0.1
    export TRELLIS_DB_PORT=$STACK_DB_PORT
    export TRELLIS_DB_SOCKET=$STACK_VAR/run/mysqld.sock
    export TRELLIS_DB_USER=trellis
    export TRELLIS_DB_NAME=trellis
    export TRELLIS_LOG_FILE=$STACK_VAR/log/trellis.log
    if [ -r "$STACK_VAR/db-password" ]; then
        TRELLIS_DB_PASSWORD=$(<"$STACK_VAR/db-password")
        export TRELLIS_DB_PASSWORD
    fi
    # the stack's token signing key: random, kept in V so tokens survive a restart
    if [ ! -s "$STACK_VAR/jwt-secret" ]; then
        (umask 077 && stack_random_hex 32 >"$STACK_VAR/jwt-secret") || return 1
    fi
    TRELLIS_AUTH_JWT_SECRET=$(<"$STACK_VAR/jwt-secret")
    export TRELLIS_AUTH_JWT_SECRET
}

# stack_print_env: the exports, as shell code (eval "$(scripts/stack.sh env V)").
stack_print_env() {
    local name
    for name in "${!TRELLIS_@}"; do
        printf 'export %s=%q\n' "$name" "${!name}"
    done
}

stack_base_url() {
    printf 'http://127.0.0.1:%s\n' "$STACK_HTTP_PORT"
}

# --- MariaDB ------------------------------------------------------------------------

db_running() {
    stack_alive "$STACK_VAR/run/mysqld.pid" mariadbd
}

# db_root ARGS...: the mariadb client as root over the stack's socket.
db_root() {
    mariadb --no-defaults --socket="$STACK_VAR/run/mysqld.sock" -uroot --batch "$@"
}

db_ping() {
    mariadb-admin --no-defaults --socket="$STACK_VAR/run/mysqld.sock" -uroot ping >/dev/null 2>&1
}

# --no-defaults must come first; as root, mariadbd and mariadb-install-db need --user=root.
db_user_args() {
    if [ "$(id -u)" -eq 0 ]; then
        printf '%s\n' --user=root
    fi
}

db_init() {
    local log=$STACK_VAR/log/mysqld-install.log user_args
    [ -d "$STACK_VAR/mysql/mysql" ] && return 0
    echo "db: creating the datadir $STACK_VAR/mysql"
    mapfile -t user_args < <(db_user_args)
    if ! mariadb-install-db --no-defaults "${user_args[@]}" --datadir="$STACK_VAR/mysql" \
        --auth-root-authentication-method=normal --skip-test-db >"$log" 2>&1; then
        stack_err "mariadb-install-db failed"
        stack_tail "$log"
        # a half-made datadir would pass for a good one next time
        rm -rf "$STACK_VAR/mysql" && mkdir -p "$STACK_VAR/mysql"
        return 1
    fi
}

# db_bootstrap: database trellis and its user, with the password kept in V/db-password.
# Idempotent: runs on every start.
db_bootstrap() {
    local pwfile=$STACK_VAR/db-password pw
    if [ ! -s "$pwfile" ]; then
        (umask 077 && stack_random_hex 24 >"$pwfile") || return 1
    fi
    chmod 600 "$pwfile" || return 1
    pw=$(<"$pwfile")
    # the password goes through stdin, never the command line
    if ! db_root --silent <<SQL; then
CREATE DATABASE IF NOT EXISTS trellis CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'trellis'@'localhost' IDENTIFIED BY '$pw';
CREATE USER IF NOT EXISTS 'trellis'@'127.0.0.1' IDENTIFIED BY '$pw';
ALTER USER 'trellis'@'localhost' IDENTIFIED BY '$pw';
ALTER USER 'trellis'@'127.0.0.1' IDENTIFIED BY '$pw';
GRANT ALL ON trellis.* TO 'trellis'@'localhost', 'trellis'@'127.0.0.1';
SQL
        stack_err "could not create the database trellis and its user"
        return 1
    fi
    stack_env
}

# db_start: idempotent; starts MariaDB when it is not running, waits until it answers.
db_start() {
    local log=$STACK_VAR/log/mysqld.err pid n user_args
    if db_running; then
        echo "db: running (pid $(stack_pid "$STACK_VAR/run/mysqld.pid"), port $STACK_DB_PORT)"
    else
        db_init || return 1
        mapfile -t user_args < <(db_user_args)
        setsid mariadbd --no-defaults "${user_args[@]}" \
            --datadir="$STACK_VAR/mysql" \
            --socket="$STACK_VAR/run/mysqld.sock" \
            --pid-file="$STACK_VAR/run/mysqld.pid" \
            --log-error="$log" \
            --port="$STACK_DB_PORT" --bind-address=127.0.0.1 \
            --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
            --innodb-flush-log-at-trx-commit=2 \
            >>"$log" 2>&1 </dev/null &
        pid=$!
        STACK_STARTED+=("$pid")
        n=600
        until db_ping; do
            if ! stack_pid_running "$pid" || ((n-- <= 0)); then
                stack_err "MariaDB did not start (port $STACK_DB_PORT)"
                stack_tail "$log"
                return 1
            fi
            sleep 0.05
        done
        echo "db: started (pid $pid, port $STACK_DB_PORT, socket $STACK_VAR/run/mysqld.sock)"
    fi
    db_bootstrap
}

db_stop() {
    stack_stop_pid db "$STACK_VAR/run/mysqld.pid" mariadbd TERM 60
}

# --- the trellis-fcgi pool ----------------------------------------------------------

pool_running() {
    stack_alive "$STACK_VAR/run/trellis-fcgi.pid" trellis-fcgi
}

# pool_start: starts the pool unless it runs; restarts it when the binary was rebuilt
# since it started (SIGHUP forks new workers from the old binary, so it would not do).
pool_start() {
    local bin=$STACK_BUILD/trellis-fcgi log=$STACK_VAR/log/trellis.log
    local sock=$STACK_VAR/run/trellis.sock pidfile=$STACK_VAR/run/trellis-fcgi.pid pid n
    if [ ! -x "$bin" ]; then
        stack_err "no $bin: build first"
        return 1
    fi
    if pool_running; then
        if [ "$bin" -nt "$pidfile" ]; then
            echo "pool: $bin was rebuilt: restarting"
            pool_stop || return 1
        else
            echo "pool: running (pid $(stack_pid "$pidfile"))"
            return 0
        fi
    fi
    rm -f "$sock" # stale: nothing runs that owns it
    (cd "$STACK_ROOT" && exec setsid "$bin" -c etc/trellis.conf >>"$log" 2>&1 </dev/null) &
    pid=$!
    STACK_STARTED+=("$pid")
    n=300
    until [ -S "$sock" ] && pool_running; do
        if ! stack_pid_running "$pid" || ((n-- <= 0)); then
            stack_err "trellis-fcgi did not start (no socket $sock)"
            stack_tail "$log"
            return 1
        fi
        sleep 0.1
    done
    echo "pool: started (pid $(stack_pid "$pidfile"), socket $sock)"
}

# pool_stop: SIGTERM drains the workers; the master removes its socket and pid file.
pool_stop() {
    stack_stop_pid pool "$STACK_VAR/run/trellis-fcgi.pid" trellis-fcgi TERM 40 group
}

# pool_reload: SIGHUP re-reads the config and templates, replacing workers one by one.
pool_reload() {
    if ! pool_running; then
        stack_err "pool: not running"
        return 1
    fi
    kill -HUP "$(stack_pid "$STACK_VAR/run/trellis-fcgi.pid")" && echo "pool: reloading"
}

# --- nginx --------------------------------------------------------------------------

nginx_running() {
    stack_alive "$STACK_VAR/run/nginx.pid" nginx
}

# nginx_conf FILE: writes nginx/trellis.conf.in with the placeholders filled in.
nginx_conf() {
    local conf
    conf=$(<"$STACK_ROOT/nginx/trellis.conf.in") || return 1
    # quoted replacements: bash 5.2 would otherwise expand & in them
    conf=${conf//@PORT@/"$STACK_HTTP_PORT"}
    conf=${conf//@VAR@/"$STACK_VAR"}
    conf=${conf//@ROOT@/"$STACK_ROOT"}
    conf=${conf//@SOCKET@/"$STACK_VAR/run/trellis.sock"}
    printf '%s\n' "$conf" >"$1"
}

nginx_cmd() {
    nginx -p "$STACK_VAR/nginx" -c "$STACK_VAR/nginx/nginx.conf" -e "$STACK_VAR/log/nginx-error.log" "$@"
}

# nginx_start: starts nginx unless it runs; a running nginx whose config changed
# (the template or the ports) is reloaded.
nginx_start() {
    local conf=$STACK_VAR/nginx/nginx.conf log=$STACK_VAR/log/nginx-error.log d n
    for d in client_body proxy fastcgi uwsgi scgi; do
        mkdir -p "$STACK_VAR/nginx/${d}_temp" || return 1
    done
    nginx_conf "$conf.new" || return 1
    if nginx_running; then
        if cmp -s "$conf.new" "$conf"; then
            rm -f "$conf.new"
            echo "nginx: running (pid $(stack_pid "$STACK_VAR/run/nginx.pid"), $(stack_base_url))"
            return 0
        fi
        mv "$conf.new" "$conf" || return 1
        if ! nginx_cmd -t -q; then
            stack_err "nginx: the new $conf is invalid; the running nginx keeps the old one"
            return 1
        fi
        kill -HUP "$(stack_pid "$STACK_VAR/run/nginx.pid")" || return 1
        echo "nginx: config changed: reloaded ($(stack_base_url))"
        return 0
    fi
    mv "$conf.new" "$conf" || return 1
    if ! nginx_cmd; then
        stack_err "nginx did not start (port $STACK_HTTP_PORT)"
        stack_tail "$log"
        return 1
    fi
    n=100
    until nginx_running; do
        if ((n-- <= 0)); then
            stack_err "nginx did not write $STACK_VAR/run/nginx.pid"
            stack_tail "$log"
            return 1
        fi
        sleep 0.05
    done
    echo "nginx: started (pid $(stack_pid "$STACK_VAR/run/nginx.pid"), $(stack_base_url))"
}

# nginx_stop: SIGQUIT lets requests in flight finish.
nginx_stop() {
    stack_stop_pid nginx "$STACK_VAR/run/nginx.pid" nginx QUIT 20
}

# --- the whole stack ----------------------------------------------------------------

# stack_kill_started: ends what this shell started and still runs although its pid file
# does not say so (interrupted while starting): SIGTERM, then SIGKILL after 10 s.
stack_kill_started() {
    local pid
    for pid in "${STACK_STARTED[@]}"; do
        stack_pid_running "$pid" || continue
        kill -TERM "$pid" 2>/dev/null || true
        stack_wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
    done
    STACK_STARTED=()
}

stack_stop() {
    local rc=0
    nginx_stop || rc=1
    pool_stop || rc=1
    db_stop || rc=1
    return "$rc"
}

stack_status() {
    local v=$STACK_VAR
    printf '%s  (%s)\n' "$v" "$(stack_base_url)"
    if db_running; then
        printf '  mariadb  running  pid %s  port %s  socket %s\n' \
            "$(stack_pid "$v/run/mysqld.pid")" "$STACK_DB_PORT" "$v/run/mysqld.sock"
    else
        printf '  mariadb  stopped\n'
    fi
    if pool_running; then
        printf '  pool     running  pid %s  socket %s\n' \
            "$(stack_pid "$v/run/trellis-fcgi.pid")" "$v/run/trellis.sock"
    else
        printf '  pool     stopped\n'
    fi
    if nginx_running; then
        printf '  nginx    running  pid %s  %s\n' "$(stack_pid "$v/run/nginx.pid")" "$(stack_base_url)"
    else
        printf '  nginx    stopped\n'
    fi
}

stack_usage() {
    cat <<'EOF'
usage: scripts/stack.sh CMD VARDIR

  db-start | db-stop              MariaDB (db-start is idempotent)
  pool-start | pool-stop | pool-reload
  nginx-start | nginx-stop
  stop                            nginx, the pool, MariaDB
  status
  env                             print the TRELLIS_* exports of the stack

Ports are remembered in VARDIR/http-port and VARDIR/db-port; a new stack takes them
from TRELLIS_PORT (default 8080) and TRELLIS_DB_PORT (default 3307). The pool's
binary is $TRELLIS_BUILD/trellis-fcgi (default build/).
EOF
}

stack_main() {
    if [ $# -ne 2 ]; then
        stack_usage >&2
        return 2
    fi
    local cmd=$1
    stack_init "$2" || return 1
    case $cmd in
    db-start) db_start ;;
    db-stop) db_stop ;;
    pool-start) pool_start ;;
    pool-stop) pool_stop ;;
    pool-reload) pool_reload ;;
    nginx-start) nginx_start ;;
    nginx-stop) nginx_stop ;;
    stop) stack_stop ;;
    status) stack_status ;;
    env) stack_print_env ;;
    *)
        stack_usage >&2
        return 2
        ;;
    esac
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    set -euo pipefail
    stack_main "$@"
fi
