# community_planning: PGXS build
EXTENSION  = community_planning
EXTVERSION = $(shell sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" $(EXTENSION).control)

MODULE_big = community_planning
OBJS       = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

# The install script of the current release is assembled from sql/parts/
# (one file per concern, applied in name order). Released upgrade diffs
# (sql/community_planning--A--B.sql) are shipped as they are.
DATA_built = sql/$(EXTENSION)--$(EXTVERSION).sql
DATA       = $(filter-out $(DATA_built),$(wildcard sql/$(EXTENSION)--*--*.sql))
DOCS       =

REGRESS      = $(patsubst test/sql/%.sql,%,$(sort $(wildcard test/sql/*.sql)))
REGRESS_OPTS = --inputdir=test --load-extension=postgis --load-extension=$(EXTENSION)

PG_CPPFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers \
              -Wno-sign-compare $(shell geos-config --cflags) $(shell pkg-config --cflags proj)
SHLIB_LINK  = $(shell geos-config --clibs) $(shell pkg-config --libs proj) -lm

EXTRA_CLEAN = results regression.diffs regression.out test/out

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

sql/$(EXTENSION)--$(EXTVERSION).sql: $(sort $(wildcard sql/parts/*.sql))
	cat $^ > $@

.PHONY: lint
lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,style,performance,portability \
	  --inline-suppr --suppress=missingIncludeSystem --suppress=missingInclude \
	  -D__GNUC__ -Dpg_attribute_noreturn\(\)=__attribute__\(\(noreturn\)\) -I src src/
