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
# Chinese messages (docs/development.md "Translations"): msgfmt (Debian package gettext) compiles
# po/*.po at build, and the zh_CN.UTF-8 locale must exist on the machine, or PostgreSQL refuses
# SET lc_messages = 'zh_CN.UTF-8' (test/sql/i18n.sql). Checked even with CP_SKIP_DEPS: it is cheap.
cp_i18n_packages=()
command -v msgfmt >/dev/null || cp_i18n_packages+=(gettext)
command -v locale-gen >/dev/null || cp_i18n_packages+=(locales)
if [ ${#cp_i18n_packages[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${cp_i18n_packages[@]}" >/dev/null
fi
if ! locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\?8'; then
  grep -q '^zh_CN.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null || echo 'zh_CN.UTF-8 UTF-8' >> /etc/locale.gen
  locale-gen >/dev/null
fi
make -s -j2 >/dev/null
make -s install >/dev/null
export CP_TOP="$PWD"
export CP_SHARED="${CP_SHARED:-$(cd "$CP_TOP/.." && pwd)/shared}"
# Clusters come from 'pg_virtualenv -t': a temporary folder, never /etc/postgresql, so a cluster
# left behind by an interrupted run cannot get in the way of the next one.
