#!/usr/bin/env bash
# A private development cluster for one working copy (a git worktree), so several copies can be
# built, installed and tested at once without touching the system installation or each other.
#
#   tools/dev-cluster.sh start PORT    build, install into /tmp/cp-dev-PORT/root, initdb (first
#                                      time) and start a cluster on unix socket /tmp/cp-dev-PORT/sock
#   tools/dev-cluster.sh install PORT  rebuild and reinstall (then DROP/CREATE EXTENSION in your dbs)
#   tools/dev-cluster.sh stop PORT     stop the cluster (its folder stays; remove it by hand)
#   tools/dev-cluster.sh env PORT      print the PGHOST/PGPORT/PGUSER exports
#
# Then, e.g.:  eval "$(tools/dev-cluster.sh env 5460)"; make installcheck REGRESS=coverage
# PostgreSQL finds $libdir and the extension folder relative to its own binary, so a copied
# postgres beside symlinks of the system lib/ and share/ loads this copy's module (as test/sanitize.sh).
# Run as root (the cluster runs as postgres).
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=${1:?usage: tools/dev-cluster.sh start|install|stop|env PORT}
port=${2:?port}
base=/tmp/cp-dev-$port
sysbin=$(pg_config --bindir); syslib=$(pg_config --pkglibdir); sysshare=$(pg_config --sharedir)
syslocale=$(pg_config --localedir)
root=$base/root; rbin=$root$sysbin; rlib=$root$syslib; rshare=$root$sysshare
data=$base/data; sock=$base/sock

link_missing() {
  local f
  for f in "$1"/*; do [ -e "$2/${f##*/}" ] || [ -L "$2/${f##*/}" ] || ln -s "$f" "$2/"; done
}

install_copy() {
  make -s -j2 >/dev/null
  mkdir -p "$rbin" "$rlib" "$rshare/extension"
  # our files first, as real files, so no symlink to a system file is ever written through
  rm -f "$rlib"/community_planning.so "$rshare"/extension/community_planning* "$root$syslocale"/*/LC_MESSAGES/community_planning.mo
  make -s install DESTDIR="$root" >/dev/null
  cp -f "$sysbin/postgres" "$sysbin/initdb" "$sysbin/pg_ctl" "$rbin/"
  link_missing "$syslib" "$rlib"
  link_missing "$sysshare/extension" "$rshare/extension"
  link_missing "$sysshare" "$rshare"
  # message catalogues: PostgreSQL looks for them in <prefix>/share/locale relative to its binary too;
  # ours were installed there as real files, the server's own (postgres-15.mo, plpgsql-15.mo) are linked
  local dir sysdir
  for dir in "$root$syslocale"/*/LC_MESSAGES; do
    sysdir=$syslocale/${dir#"$root$syslocale"/}
    if [ -d "$dir" ] && [ -d "$sysdir" ]; then link_missing "$sysdir" "$dir"; fi
  done
}

case $cmd in
  start)
    install_copy
    mkdir -p "$sock"; chown postgres: "$base" "$sock"
    if [ ! -d "$data" ]; then
      runuser -u postgres -- "$rbin/initdb" -D "$data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 \
        --no-sync >/dev/null
      cat >>"$data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$sock'
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
max_wal_size = 2GB
wal_level = replica
EOF
    fi
    [ -f "$data/postmaster.pid" ] || runuser -u postgres -- "$rbin/pg_ctl" -D "$data" -l "$base/log" -w start >/dev/null
    echo "cluster on $sock port $port; eval \"\$(tools/dev-cluster.sh env $port)\""
    ;;
  install) install_copy ;;
  stop) runuser -u postgres -- "$rbin/pg_ctl" -D "$data" -m fast -w stop ;;
  env) echo "export PGHOST=$sock PGPORT=$port PGUSER=postgres" ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
