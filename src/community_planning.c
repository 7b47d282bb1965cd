/*
 * community_planning.c: module entry, settings and cp.version().
 */
#include "postgres.h"

#include <math.h>

#include <geos_c.h>
#include <proj.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/pg_list.h"
#include "storage/proc.h"
#include "utils/array.h"
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
	/* messages in the session's lc_messages: po/LANG.po, installed as LANG/LC_MESSAGES/TEXTDOMAIN.mo */
	pg_bindtextdomain(TEXTDOMAIN);
}

PG_FUNCTION_INFO_V1(cp_translate);

/*
 * cp._t(msgid): the translation of an English message of the extension's
 * catalogue in the session's lc_messages, the msgid itself without one. The
 * PL/pgSQL parts raise their messages through it (PL/pgSQL RAISE texts are not
 * translated by PostgreSQL).
 */
Datum
cp_translate(PG_FUNCTION_ARGS)
{
	char	   *msgid = text_to_cstring(PG_GETARG_TEXT_PP(0));

	PG_RETURN_TEXT_P(cstring_to_text(dgettext(TEXTDOMAIN, msgid)));
}

/*
 * What the extension already said in the current client statement: keys of
 * NOTICEs given (message texts, or kind:item), forgotten when a new statement
 * (its start time or local transaction) begins. A NOTICE is given once per
 * statement even when one statement (cp.compute_indicators) runs several
 * analyses that would each give it.
 */
static TimestampTz seen_statement = 0;
static LocalTransactionId seen_lxid = InvalidLocalTransactionId;
static List *seen_keys = NIL;	/* of char *, in TopMemoryContext */

#define CP_SEEN_MAX 256

bool
cp_first_in_statement(const char *key)
{
	TimestampTz stmt = GetCurrentStatementStartTimestamp();
	ListCell   *lc;
	MemoryContext old;

	if (stmt != seen_statement || MyProc == NULL || MyProc->lxid != seen_lxid)
	{
		list_free_deep(seen_keys);
		seen_keys = NIL;
		seen_statement = stmt;
		seen_lxid = MyProc ? MyProc->lxid : InvalidLocalTransactionId;
	}
	foreach(lc, seen_keys)
	{
		if (strcmp((const char *) lfirst(lc), key) == 0)
			return false;
	}
	if (list_length(seen_keys) < CP_SEEN_MAX)
	{
		old = MemoryContextSwitchTo(TopMemoryContext);
		seen_keys = lappend(seen_keys, pstrdup(key));
		MemoryContextSwitchTo(old);
	}
	return true;
}

PG_FUNCTION_INFO_V1(cp_first_in_statement_sql);

/*
 * cp._first_in_statement(kind, items): the items (in their order, NULLs
 * dropped) not yet reported under kind in the current statement; they count as
 * reported from now on. NULL items array: NULL.
 */
Datum
cp_first_in_statement_sql(PG_FUNCTION_ARGS)
{
	char	   *kind;
	ArrayType  *items;
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i,
				kept = 0;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
	items = PG_GETARG_ARRAYTYPE_P(1);
	if (ARR_NDIM(items) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("items must be a one-dimensional array")));
	deconstruct_array(items, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
	for (i = 0; i < n; i++)
	{
		char	   *key;

		if (nulls[i])
			continue;
		key = psprintf("%s:%s", kind, TextDatumGetCString(elems[i]));
		if (cp_first_in_statement(key))
			elems[kept++] = elems[i];
		pfree(key);
	}
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, kept, TEXTOID, -1, false, TYPALIGN_INT));
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
