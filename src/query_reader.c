/*
 * query_reader.c: read a caller's query through SPI in batches.
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/guc_tables.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "query_reader.h"

#define CP_FETCH_BATCH 4096

PG_FUNCTION_INFO_V1(cp_caller_search_path_sql);

/*
 * The search_path of whoever called into the extension. Every cp function pins
 * its own path (pg_catalog, cp, PostGIS, pg_temp: the install script's), so a
 * caller's query text would otherwise resolve its names there first, and a
 * district's own table "communities" would silently be cp.communities. The
 * value in effect before the outermost function-level SET that installed our
 * pinned path is the caller's: walk the GUC stack down past those entries.
 */
static bool
is_pinned_path(const char *path)
{
	return path != NULL && strncmp(path, "pg_catalog, cp, ", 16) == 0;
}

char *
cp_caller_search_path(void)
{
	static struct config_string *conf = NULL;
	const char *val;
	GucStack   *st;

	if (conf == NULL)
	{
		struct config_generic **vars = get_guc_variables();
		int			n = GetNumConfigOptions(),
					i;

		for (i = 0; i < n; i++)
			if (pg_strcasecmp(vars[i]->name, "search_path") == 0 && vars[i]->vartype == PGC_STRING)
			{
				conf = (struct config_string *) vars[i];
				break;
			}
		if (conf == NULL)
			elog(ERROR, "search_path is not a known setting");
	}
	val = *conf->variable;
	for (st = conf->gen.stack; st != NULL && is_pinned_path(val) && st->state == GUC_SAVE; st = st->prev)
		val = st->prior.val.stringval;
	return pstrdup(val ? val : "");
}

/* cp._caller_search_path(): the same for PL/pgSQL that EXECUTEs a caller's query. */
Datum
cp_caller_search_path_sql(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(cp_caller_search_path()));
}

typedef struct ColumnBinding
{
	int			attnum;			/* 1-based in the query's tuple descriptor */
	Oid			typid;
	FmgrInfo	send;			/* geometry: its binary send function (EWKB) */
	bool		is_bytea;
} ColumnBinding;

/* Where an error in a row callback happened: "row 17 (id 42) of the residents query". */
typedef struct RowContext
{
	const char *what;
	int64		row;			/* 1-based */
	const CpRowValue *id;		/* the "id" column's value, when the query has one */
} RowContext;

static void
row_error_context(void *arg)
{
	RowContext *rc = (RowContext *) arg;

	if (rc->id != NULL && !rc->id->isnull)
		errcontext("row %lld (id %lld) of the %s query", (long long) rc->row,
				   (long long) rc->id->i, rc->what);
	else
		errcontext("row %lld of the %s query", (long long) rc->row, rc->what);
}

static const char *
kind_name(CpColumnKind kind)
{
	switch (kind)
	{
		case CP_COL_INT8:
			return "an integer type";
		case CP_COL_FLOAT8:
			return "a numeric type";
		case CP_COL_TEXT:
			return "text";
		default:
			return "geometry";
	}
}

/* PostGIS is not linked, so its type is recognised by name. */
static bool
is_geometry_type(Oid typid)
{
	HeapTuple	tp = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
	bool		result;

	if (!HeapTupleIsValid(tp))
		return false;
	result = strcmp(NameStr(((Form_pg_type) GETSTRUCT(tp))->typname), "geometry") == 0;
	ReleaseSysCache(tp);
	return result;
}

static bool
type_fits(CpColumnKind kind, Oid typid)
{
	switch (kind)
	{
		case CP_COL_INT8:
			return typid == INT2OID || typid == INT4OID || typid == INT8OID;
		case CP_COL_FLOAT8:
			return typid == INT2OID || typid == INT4OID || typid == INT8OID ||
				typid == FLOAT4OID || typid == FLOAT8OID || typid == NUMERICOID;
		case CP_COL_TEXT:
			return typid == TEXTOID || typid == VARCHAROID || typid == BPCHAROID ||
				typid == NAMEOID;
		default:
			return typid == BYTEAOID || is_geometry_type(typid);
	}
}

static void
bind_columns(TupleDesc desc, const char *what, CpColumn *columns, int ncolumns,
			 ColumnBinding *bind)
{
	int			c;

	for (c = 0; c < ncolumns; c++)
	{
		int			attnum = SPI_fnumber(desc, columns[c].name);

		columns[c].present = attnum > 0;
		bind[c].attnum = attnum;
		if (attnum <= 0)
		{
			if (columns[c].required)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_COLUMN),
						 errmsg("%s query has no column \"%s\"", what, columns[c].name),
						 errhint("The %s query must return a column named \"%s\" of %s.",
								 what, columns[c].name, kind_name(columns[c].kind))));
			continue;
		}
		bind[c].typid = SPI_gettypeid(desc, attnum);
		if (!type_fits(columns[c].kind, bind[c].typid))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%s\" of the %s query has type %s", columns[c].name, what,
							format_type_be(bind[c].typid)),
					 errdetail("Column \"%s\" must be %s.", columns[c].name,
							   kind_name(columns[c].kind))));
		bind[c].is_bytea = bind[c].typid == BYTEAOID;
		if (columns[c].kind == CP_COL_GEOMETRY && !bind[c].is_bytea)
		{
			Oid			sendfn;
			bool		varlena;

			getTypeBinaryOutputInfo(bind[c].typid, &sendfn, &varlena);
			fmgr_info_cxt(sendfn, &bind[c].send, CurrentMemoryContext);
		}
	}
}

static double
datum_to_double(Datum d, Oid typid)
{
	switch (typid)
	{
		case INT2OID:
			return (double) DatumGetInt16(d);
		case INT4OID:
			return (double) DatumGetInt32(d);
		case INT8OID:
			return (double) DatumGetInt64(d);
		case FLOAT4OID:
			return (double) DatumGetFloat4(d);
		case FLOAT8OID:
			return DatumGetFloat8(d);
		default:
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8, d));
	}
}

static void
convert_value(Datum d, const CpColumn *col, ColumnBinding *bind, CpRowValue *v)
{
	switch (col->kind)
	{
		case CP_COL_INT8:
			v->i = bind->typid == INT8OID ? DatumGetInt64(d) :
				bind->typid == INT4OID ? (int64) DatumGetInt32(d) : (int64) DatumGetInt16(d);
			break;
		case CP_COL_FLOAT8:
			v->f = datum_to_double(d, bind->typid);
			break;
		case CP_COL_TEXT:
			v->text = bind->typid == NAMEOID ? pstrdup(NameStr(*DatumGetName(d))) :
				TextDatumGetCString(d);
			break;
		case CP_COL_GEOMETRY:
			{
				bytea	   *b = bind->is_bytea ? DatumGetByteaPP(d) :
					DatumGetByteaPP(SendFunctionCall(&bind->send, d));

				v->wkb = (const uint8 *) VARDATA_ANY(b);
				v->wkb_len = VARSIZE_ANY_EXHDR(b);
				break;
			}
	}
}

int64
cp_read_query(const char *sql, const char *what, CpColumn *columns, int ncolumns,
			  CpRowCallback callback, void *arg)
{
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext rowcxt;
	SPIPlanPtr	plan;
	Portal		portal;
	ColumnBinding *bind;
	CpRowValue *values;
	int64		nrows = 0;
	bool		bound = false;
	RowContext	rowinfo;
	ErrorContextCallback errcallback;
	int			c;
	char	   *caller_path;
	int			guc_level = 0;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* the caller's names mean what they mean in the caller's search_path */
	caller_path = cp_caller_search_path();
	if (strcmp(caller_path, namespace_search_path) != 0)
	{
		guc_level = NewGUCNestLevel();
		(void) set_config_option("search_path", caller_path, PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	}
	plan = SPI_prepare(sql, 0, NULL);
	if (plan == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("could not prepare the %s query", what),
				 errdetail("%s", SPI_result_code_string(SPI_result))));
	if (!SPI_is_cursor_plan(plan))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the %s query must be a single SELECT", what)));
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);
	if (guc_level > 0)
		AtEOXact_GUC(true, guc_level);

	bind = MemoryContextAllocZero(caller, sizeof(ColumnBinding) * ncolumns);
	values = MemoryContextAllocZero(caller, sizeof(CpRowValue) * ncolumns);
	rowcxt = AllocSetContextCreate(caller, "cp query row", ALLOCSET_DEFAULT_SIZES);
	rowinfo.what = what;
	rowinfo.row = 0;
	rowinfo.id = NULL;
	for (c = 0; c < ncolumns; c++)
		if (columns[c].kind == CP_COL_INT8 && strcmp(columns[c].name, "id") == 0)
			rowinfo.id = &values[c];

	for (;;)
	{
		uint64		r;
		SPITupleTable *tuptable;

		SPI_cursor_fetch(portal, true, CP_FETCH_BATCH);
		tuptable = SPI_tuptable;
		if (!bound)
		{
			MemoryContext old = MemoryContextSwitchTo(caller);

			bind_columns(tuptable->tupdesc, what, columns, ncolumns, bind);
			MemoryContextSwitchTo(old);
			bound = true;
		}
		if (SPI_processed == 0)
			break;
		for (r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tuple = tuptable->vals[r];
			MemoryContext old;

			CHECK_FOR_INTERRUPTS();
			old = MemoryContextSwitchTo(rowcxt);
			for (c = 0; c < ncolumns; c++)
			{
				Datum		d = 0;

				values[c].isnull = true;
				if (!columns[c].present)
					continue;
				d = SPI_getbinval(tuple, tuptable->tupdesc, bind[c].attnum, &values[c].isnull);
				if (!values[c].isnull)
					convert_value(d, &columns[c], &bind[c], &values[c]);
			}
			/* the callback's scratch (decoded geometry...) goes with the row */
			rowinfo.row = nrows + 1;
			errcallback.callback = row_error_context;
			errcallback.arg = &rowinfo;
			errcallback.previous = error_context_stack;
			error_context_stack = &errcallback;
			callback(values, arg);
			error_context_stack = errcallback.previous;
			MemoryContextSwitchTo(old);
			MemoryContextReset(rowcxt);
			nrows++;
		}
		SPI_freetuptable(tuptable);
	}
	SPI_cursor_close(portal);
	MemoryContextDelete(rowcxt);
	SPI_finish();
	MemoryContextSwitchTo(caller);
	return nrows;
}

bytea *
cp_geometry_arg(FunctionCallInfo fcinfo, int argno)
{
	Oid			typid = get_fn_expr_argtype(fcinfo->flinfo, argno);
	Oid			sendfn;
	bool		varlena;

	if (typid == BYTEAOID)
		return PG_GETARG_BYTEA_PP(argno);
	if (!OidIsValid(typid) || !is_geometry_type(typid))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("a geometry is required, not %s",
						OidIsValid(typid) ? format_type_be(typid) : "a value of unknown type"),
				 errhint("Give a PostGIS geometry (or its EWKB as bytea).")));
	getTypeBinaryOutputInfo(typid, &sendfn, &varlena);
	return DatumGetByteaPP(OidSendFunctionCall(sendfn, PG_GETARG_DATUM(argno)));
}

char **
cp_text_array_cstrings(ArrayType *a, const char *what, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	char	  **out;
	int			i;

	if (ARR_NDIM(a) > 1 || ARR_ELEMTYPE(a) != TEXTOID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional text array", what)));
	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, n);
	out = palloc(sizeof(char *) * (*n + 1));
	for (i = 0; i < *n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL", what)));
		out[i] = TextDatumGetCString(elems[i]);
	}
	return out;
}
