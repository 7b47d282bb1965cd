/*
 * community_planning.c: module entry, settings and cp.version().
 */
#include "postgres.h"

#include <geos_c.h>
#include <proj.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"

#include "community_planning.h"

PG_MODULE_MAGIC;

int			cp_max_network_memory_mb = 1024;

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("community_planning.max_network_memory",
							"Largest compiled network one backend may hold, in megabytes.",
							"Building or loading a bigger network is an error.",
							&cp_max_network_memory_mb,
							1024, 1, 1024 * 1024,
							PGC_USERSET, GUC_UNIT_MB,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("community_planning");
}

PG_FUNCTION_INFO_V1(cp_version);

/* Versions of everything the library was built and linked with. */
Datum
cp_version(PG_FUNCTION_ARGS)
{
	StringInfoData s;
	PJ_INFO		proj = proj_info();

	initStringInfo(&s);
	appendStringInfo(&s,
					 "{\"extension\": \"%s\", \"postgresql\": \"%s\", "
					 "\"geos\": \"%s\", \"proj\": \"%s\"}",
					 CP_EXTENSION_VERSION, PG_VERSION, GEOSversion(), proj.version);
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(s.data)));
}
