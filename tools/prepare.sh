# Sourced (from the project's top folder) by test/run.sh, demo/run.sh and bench/*.sh:
# take the machine-wide lock, install packages, build and install the extension.
#   CP_SKIP_DEPS=1  skip the package check (development loops)
# The extension is installed system-wide, so two working copies must not build,
# install and test at the same time: the lock is held until the caller exits.
exec 9>/tmp/community_planning-test.lock
if ! flock -n 9; then
  echo "waiting for /tmp/community_planning-test.lock (another build or test is running)"
  flock 9
fi
[ -n "${CP_SKIP_DEPS:-}" ] || bash tools/install-deps.sh
make -s -j2 >/dev/null
make -s install >/dev/null
export CP_TOP="$PWD"
export CP_SHARED="${CP_SHARED:-$(cd "$CP_TOP/.." && pwd)/shared}"
# Clusters come from 'pg_virtualenv -t': a temporary folder, never /etc/postgresql, so a cluster
# left behind by an interrupted run cannot get in the way of the next one.
