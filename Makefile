# community_planning: PGXS build
EXTENSION  = community_planning
EXTVERSION = $(shell sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" $(EXTENSION).control)

MODULE_big = community_planning
OBJS       = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

# The install script of the current version (default_version in the control
# file) is assembled from sql/parts/ (one file per concern, applied in name
# order). Released scripts are kept in sql/ as they shipped and installed as
# they are: the install scripts of earlier versions (frozen, never rebuilt from
# the parts) and the upgrade diffs sql/community_planning--A--B.sql.
DATA_built = sql/$(EXTENSION)--$(EXTVERSION).sql
DATA       = $(filter-out $(DATA_built),$(wildcard sql/$(EXTENSION)--*.sql))
DOCS       =

REGRESS      = $(patsubst test/sql/%.sql,%,$(sort $(wildcard test/sql/*.sql)))
REGRESS_OPTS = --inputdir=test --load-extension=postgis --load-extension=$(EXTENSION)

# The version cp.version() reports comes from the control file, the one place it is written.
# CP_TEXTDOMAIN: the gettext catalogue of the extension's messages (po/, docs/development.md "Translations");
# src/community_planning.h makes it TEXTDOMAIN (elog.h defines that as NULL, so it cannot come from -D).
PG_CPPFLAGS = -DCP_EXTENSION_VERSION='"$(EXTVERSION)"' -DCP_TEXTDOMAIN='"$(EXTENSION)"' -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers \
              -Wno-sign-compare $(shell geos-config --cflags) $(shell pkg-config --cflags proj)
SHLIB_LINK  = $(shell geos-config --clibs) $(shell pkg-config --libs proj) -lm

# Translations: po/LANG.po compiled by msgfmt (Debian package gettext) into po/LANG.mo, installed as
# $(localedir)/LANG/LC_MESSAGES/$(EXTENSION).mo, where PostgreSQL looks for its own catalogues.
# Without msgfmt the module builds and installs as before, its messages in English only.
MSGFMT  ?= $(shell command -v msgfmt 2>/dev/null)
ifeq ($(MSGFMT),)
$(warning msgfmt not found (Debian package gettext): no message catalogues, messages stay in English)
PO_LANGS =
else
PO_LANGS = $(patsubst po/%.po,%,$(wildcard po/*.po))
endif
MO_FILES = $(patsubst %,po/%.mo,$(PO_LANGS))

EXTRA_CLEAN = results regression.diffs regression.out test/out $(wildcard po/*.mo)

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

all: $(MO_FILES)

po/%.mo: po/%.po
	$(MSGFMT) --check -o $@ $<

install: install-po
.PHONY: install-po
install-po: $(MO_FILES)
	for lang in $(PO_LANGS); do \
	  $(MKDIR_P) '$(DESTDIR)$(localedir)/'$$lang/LC_MESSAGES && \
	  $(INSTALL_DATA) po/$$lang.mo '$(DESTDIR)$(localedir)/'$$lang/LC_MESSAGES/$(EXTENSION).mo || exit 1; \
	done

# Every po/LANG.po brought up to date with the messages of the C code (errmsg, errdetail, errhint)
# and of the PL/pgSQL parts raised through cp._t('...') (tools/po-update.sh; --check to verify).
.PHONY: update-po
update-po:
	bash tools/po-update.sh

sql/$(EXTENSION)--$(EXTVERSION).sql: $(sort $(wildcard sql/parts/*.sql)) $(EXTENSION).control
	cat $(sort $(wildcard sql/parts/*.sql)) > $@

# PGXS tracks no header dependencies: a changed struct in a header must rebuild every
# object, or a stale one reads the old layout (a crash, not a compile error).
$(OBJS): $(wildcard src/*.h)

# A version string baked into the module: rebuild when the control file changes.
src/community_planning.o: $(EXTENSION).control

.PHONY: lint
lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,style,performance,portability \
	  --inline-suppr --suppress=missingIncludeSystem --suppress=missingInclude \
	  -D__GNUC__ -DCP_EXTENSION_VERSION='"$(EXTVERSION)"' -DCP_TEXTDOMAIN='"$(EXTENSION)"' -Dpg_attribute_noreturn\(\)=__attribute__\(\(noreturn\)\) -I src src/
