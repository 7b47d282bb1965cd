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
PG_CPPFLAGS = -DCP_EXTENSION_VERSION='"$(EXTVERSION)"' -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers \
              -Wno-sign-compare $(shell geos-config --cflags) $(shell pkg-config --cflags proj)
SHLIB_LINK  = $(shell geos-config --clibs) $(shell pkg-config --libs proj) -lm

EXTRA_CLEAN = results regression.diffs regression.out test/out

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

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
	  -D__GNUC__ -DCP_EXTENSION_VERSION='"$(EXTVERSION)"' -Dpg_attribute_noreturn\(\)=__attribute__\(\(noreturn\)\) -I src src/
