/*
 * community_planning.c: module entry, settings and cp.version().
 */
#include "postgres.h"

#include <math.h>

#include <geos_c.h>
#include <proj.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "community_planning.h"
#include "network.h"

PG_MODULE_MAGIC;

int			cp_max_network_memory_mb = 1024;
int			cp_max_call_memory_mb = 1024;

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
	/*
	 * 1 GB: ten times what a city-scale call needs (a k = 1 search of a
	 * million-edge network with 200 000 targets stays under 100 MB), yet a
	 * handful of concurrent runaway calls cannot take a 16-32 GB district
	 * server down. Raise it per session for a deliberate big job.
	 */
	DefineCustomIntVariable("community_planning.max_call_memory",
							"Largest working memory one call of a network function may ask for, in megabytes.",
							"Bigger search labels, catchment grids, coverage arrays or parking pairs are refused (SQLSTATE 54000) before they are allocated.",
							&cp_max_call_memory_mb,
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

/* Refuse (54000) a call whose working memory would pass community_planning.max_call_memory. */
void
cp_check_call_memory(const char *what, double bytes, const char *hint)
{
	double		cap = (double) cp_max_call_memory_mb * 1024 * 1024;

	if (bytes > cap || bytes > (double) MaxAllocHugeSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s would need %.0f MB, more than community_planning.max_call_memory (%d MB)",
						what, ceil(bytes / (1024.0 * 1024.0)), cp_max_call_memory_mb),
				 errhint("%s", hint)));
}

double
cp_ms_since(instr_time start)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, start);
	return INSTR_TIME_GET_MILLISEC(now);
}

/* A numeric argument: finite and within [lo, hi], else 22023 naming it. */
void
cp_check_arg(const char *name, double value, double lo, double hi, const char *unit)
{
	if (!(value >= lo && value <= hi))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between %.15g and %.15g%s%s", name, lo, hi, unit[0] ? " " : "", unit),
				 errdetail("The value given is %s.", float8out_internal(value))));
}
