/*
 * heritage.c: the rules of the heritage-building protection register.
 *
 * cp.heritage_site is guarded by a BEFORE row trigger (geometry validity,
 * the register's SRID, footprint within protection zone within control zone,
 * zones required by grade, no overlapping listed footprints, decisions for
 * deregistration, loss and protection changes, no deletion of listed sites)
 * and audited by an AFTER row trigger into cp.heritage_history, which a third
 * trigger keeps append-only.  Geometries of the row are checked with GEOS on
 * the EWKB that the geometry type's send function produces; checks against
 * other rows go through SPI on the GiST indexes.
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include <ctype.h>

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "geos_util.h"

PG_FUNCTION_INFO_V1(cp_heritage_site_guard);
PG_FUNCTION_INFO_V1(cp_heritage_site_audit);
PG_FUNCTION_INFO_V1(cp_heritage_history_guard);

/* Second key of the transaction-level advisory lock serialising register edits. */
#define CP_HERITAGE_LOCK_KEY 7

/* One broken rule, raised after every GEOS object has been freed. */
typedef struct RuleFailure
{
	int			sqlstate;
	const char *rule;
	char	   *detail;
	char	   *hint;
} RuleFailure;

/* The geometries of one register row, as GEOS objects (NULL when SQL NULL). */
typedef struct SiteGeoms
{
	GEOSGeometry *footprint;
	GEOSGeometry *protection_zone;
	GEOSGeometry *control_zone;
	int32		srid[3];
} SiteGeoms;

static const char *const geom_columns[3] = {"footprint", "protection_zone", "control_zone"};

/* Refuses a call that is not a row trigger of the expected kind. */
static TriggerData *
check_trigger_call(FunctionCallInfo fcinfo, const char *fname)
{
	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("%s must be called as a trigger", fname)));
	return (TriggerData *) fcinfo->context;
}

/* Column number by name; the register's own columns must exist. */
static int
column_number(TupleDesc desc, const char *name)
{
	int			attnum = SPI_fnumber(desc, name);

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("heritage register has no column \"%s\"", name)));
	return attnum;
}

/* Text value of a column, or NULL. */
static char *
text_value(HeapTuple tuple, TupleDesc desc, const char *name)
{
	bool		isnull;
	Datum		d = heap_getattr(tuple, column_number(desc, name), desc, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/* A decision reference counts only when it has visible characters. */
static bool
has_text(const char *s)
{
	if (s == NULL)
		return false;
	for (; *s; s++)
		if (!isspace((unsigned char) *s))
			return true;
	return false;
}

static bool
same_text(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Whether a column has the same value in both rows (binary comparison). */
static bool
column_unchanged(HeapTuple oldtup, HeapTuple newtup, TupleDesc desc, const char *name)
{
	int			attnum = column_number(desc, name);
	Form_pg_attribute att = TupleDescAttr(desc, attnum - 1);
	bool		oldnull;
	bool		newnull;
	Datum		o = heap_getattr(oldtup, attnum, desc, &oldnull);
	Datum		n = heap_getattr(newtup, attnum, desc, &newnull);

	if (oldnull || newnull)
		return oldnull == newnull;
	if (att->attlen == -1)
	{
		o = PointerGetDatum(PG_DETOAST_DATUM_PACKED(o));
		n = PointerGetDatum(PG_DETOAST_DATUM_PACKED(n));
		if (VARSIZE_ANY_EXHDR(o) != VARSIZE_ANY_EXHDR(n))
			return false;
		return memcmp(VARDATA_ANY(o), VARDATA_ANY(n), VARSIZE_ANY_EXHDR(o)) == 0;
	}
	return datumIsEqual(o, n, att->attbyval, att->attlen);
}

/* Geometry Datum -> GEOS via the type's binary send function (EWKB). */
static GEOSGeometry *
geometry_to_geos(Datum d, Oid typid, int32 *srid)
{
	Oid			sendfn;
	bool		varlena;
	bytea	   *wkb;
	GEOSGeometry *g;

	getTypeBinaryOutputInfo(typid, &sendfn, &varlena);
	wkb = OidSendFunctionCall(sendfn, d);
	g = cp_geos_from_ewkb((const uint8 *) VARDATA(wkb), VARSIZE(wkb) - VARHDRSZ);
	*srid = GEOSGetSRID_r(cp_geos(), g);
	pfree(wkb);
	return g;
}

static void
free_site_geoms(SiteGeoms *sg)
{
	GEOSContextHandle_t h = cp_geos();

	if (sg->footprint)
		GEOSGeom_destroy_r(h, sg->footprint);
	if (sg->protection_zone)
		GEOSGeom_destroy_r(h, sg->protection_zone);
	if (sg->control_zone)
		GEOSGeom_destroy_r(h, sg->control_zone);
	sg->footprint = sg->protection_zone = sg->control_zone = NULL;
}

/* Reads the three geometry columns; an unreadable one is an error at once. */
static void
read_site_geoms(HeapTuple tuple, TupleDesc desc, SiteGeoms *sg)
{
	GEOSGeometry **slots[3];
	int			i;

	slots[0] = &sg->footprint;
	slots[1] = &sg->protection_zone;
	slots[2] = &sg->control_zone;
	memset(sg, 0, sizeof(SiteGeoms));
	for (i = 0; i < 3; i++)
	{
		int			attnum = column_number(desc, geom_columns[i]);
		bool		isnull;
		Datum		d = heap_getattr(tuple, attnum, desc, &isnull);

		if (isnull)
			continue;
		PG_TRY();
		{
			*slots[i] = geometry_to_geos(d, TupleDescAttr(desc, attnum - 1)->atttypid,
										 &sg->srid[i]);
		}
		PG_CATCH();
		{
			free_site_geoms(sg);
			PG_RE_THROW();
		}
		PG_END_TRY();
	}
}

static void
fail(RuleFailure *f, int sqlstate, const char *rule, char *detail, char *hint)
{
	f->sqlstate = sqlstate;
	f->rule = rule;
	f->detail = detail;
	f->hint = hint;
}

/* Valid and non-empty, else a failure naming the column. */
static bool
check_valid(GEOSGeometry *g, const char *column, const char *rule, RuleFailure *f)
{
	GEOSContextHandle_t h = cp_geos();
	char		empty = GEOSisEmpty_r(h, g);
	char		valid;

	if (empty == 2)
	{
		fail(f, ERRCODE_EXTERNAL_ROUTINE_EXCEPTION, rule,
			 psprintf("GEOS could not tell whether the %s is empty: %s", column,
					  cp_geos_last_error()), NULL);
		return false;
	}
	if (empty)
	{
		fail(f, ERRCODE_CHECK_VIOLATION, rule,
			 psprintf("The %s is empty.", column),
			 pstrdup("Give the outline of the site, or leave an optional zone NULL."));
		return false;
	}
	valid = GEOSisValid_r(h, g);
	if (valid != 1)
	{
		char	   *reason = GEOSisValidReason_r(h, g);
		char	   *copy = pstrdup(reason ? reason : "unknown reason");

		if (reason)
			GEOSFree_r(h, reason);
		fail(f, ERRCODE_CHECK_VIOLATION, rule,
			 psprintf("The %s is not a valid geometry: %s.", column, copy),
			 pstrdup("Repair it (for example with ST_MakeValid) and check the outline before saving."));
		return false;
	}
	return true;
}

/* inner covered by outer, else a failure. */
static bool
check_covered(GEOSGeometry *inner, const char *inner_name, GEOSGeometry *outer,
			  const char *outer_name, const char *rule, RuleFailure *f)
{
	char		r = GEOSCoveredBy_r(cp_geos(), inner, outer);

	if (r == 2)
	{
		fail(f, ERRCODE_EXTERNAL_ROUTINE_EXCEPTION, rule,
			 psprintf("GEOS could not compare the %s with the %s: %s", inner_name, outer_name,
					  cp_geos_last_error()), NULL);
		return false;
	}
	if (!r)
	{
		fail(f, ERRCODE_CHECK_VIOLATION, rule,
			 psprintf("The %s is not inside the %s.", inner_name, outer_name),
			 psprintf("Draw the %s so that it covers the whole %s.", outer_name, inner_name));
		return false;
	}
	return true;
}

/* Which zones a grade requires: bit 1 protection zone, bit 2 control zone. */
static int
zones_required(const char *grade)
{
	if (grade == NULL)
		return 0;
	if (strcmp(grade, "national") == 0 || strcmp(grade, "provincial") == 0 ||
		strcmp(grade, "municipal") == 0)
		return 3;
	if (strcmp(grade, "historic_building") == 0)
		return 1;
	return 0;
}

/* Row geometry rules, all in GEOS; returns false with f filled on the first broken rule. */
static bool
check_geometry_rules(SiteGeoms *sg, const char *grade, int32 register_srid, RuleFailure *f)
{
	int			need = zones_required(grade);
	int			i;

	if (sg->footprint == NULL)
		return true;			/* NOT NULL constraint reports it */
	for (i = 0; i < 3; i++)
	{
		GEOSGeometry *g = i == 0 ? sg->footprint : i == 1 ? sg->protection_zone : sg->control_zone;

		if (g == NULL)
			continue;
		if (sg->srid[i] <= 0)
		{
			fail(f, ERRCODE_CHECK_VIOLATION, "srid",
				 psprintf("The %s has no SRID.", geom_columns[i]),
				 psprintf("Give every geometry the register's SRID %d, e.g. with ST_SetSRID or ST_Transform.",
						  register_srid));
			return false;
		}
		if (sg->srid[i] != register_srid)
		{
			fail(f, ERRCODE_CHECK_VIOLATION, "srid",
				 psprintf("The %s has SRID %d but the register uses SRID %d.", geom_columns[i],
						  sg->srid[i], register_srid),
				 psprintf("Transform the geometry with ST_Transform(geom, %d) before saving.",
						  register_srid));
			return false;
		}
	}
	if (!check_valid(sg->footprint, "footprint", "footprint_valid", f))
		return false;
	if (sg->protection_zone && !check_valid(sg->protection_zone, "protection zone", "zone_valid", f))
		return false;
	if (sg->control_zone && !check_valid(sg->control_zone, "control zone", "zone_valid", f))
		return false;
	if (((need & 1) && sg->protection_zone == NULL) || ((need & 2) && sg->control_zone == NULL))
	{
		fail(f, ERRCODE_CHECK_VIOLATION, "zones_required",
			 psprintf("Grade %s requires %s.", grade,
					  need == 3 ? "a protection zone and a construction control zone" :
					  "a protection zone"),
			 pstrdup("Cultural-relic protection units need both zones; historic buildings need a protection zone."));
		return false;
	}
	if (sg->protection_zone &&
		!check_covered(sg->footprint, "footprint", sg->protection_zone, "protection zone",
					   "footprint_within_protection_zone", f))
		return false;
	if (sg->control_zone &&
		!check_covered(sg->protection_zone ? sg->protection_zone : sg->footprint,
					   sg->protection_zone ? "protection zone" : "footprint",
					   sg->control_zone, "control zone",
					   sg->protection_zone ? "protection_zone_within_control_zone" :
					   "footprint_within_control_zone", f))
		return false;
	return true;
}

/*
 * PostGIS's schema, quoted, for the queries below. These triggers are
 * SECURITY DEFINER with search_path = pg_catalog, cp, pg_temp, so no name is
 * looked up in a schema that other roles can write to: every PostGIS
 * function and operator is named with its schema. Read per call (a cheap
 * catalogue lookup) so that a moved PostGIS is never missed.
 */
static const char *
postgis_schema(void)
{
	bool		isnull;
	Datum		d;

	if (SPI_execute("SELECT n.nspname FROM pg_catalog.pg_extension e "
					"JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
					"WHERE e.extname = 'postgis'", true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("extension \"postgis\" is not installed")));
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return quote_identifier(pstrdup(NameStr(*DatumGetName(d))));
}

/* Serialises register edits so that overlap and SRID checks see every committed row. */
static void
lock_register(Oid relid)
{
	Oid			argtypes[2] = {INT4OID, INT4OID};
	Datum		args[2];

	args[0] = Int32GetDatum((int32) relid);
	args[1] = Int32GetDatum(CP_HERITAGE_LOCK_KEY);
	if (SPI_execute_with_args("SELECT pg_catalog.pg_advisory_xact_lock($1, $2)",
							  2, argtypes, args, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not lock the heritage register");
}

/* The register's SRID: the setting, else the rows already there, else this row's (then stored). */
static int32
register_srid(int64 site_id, int32 row_srid)
{
	bool		isnull;
	Datum		d;
	Oid			argtypes[1] = {INT8OID};
	Datum		args[1];

	if (SPI_execute("SELECT srid FROM cp.heritage_config", false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read cp.heritage_config");
	if (SPI_processed > 0)
	{
		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (!isnull)
			return DatumGetInt32(d);
	}
	args[0] = Int64GetDatum(site_id);
	if (SPI_execute_with_args(psprintf("SELECT %s.ST_SRID(footprint) FROM cp.heritage_site "
									   "WHERE id <> $1 AND footprint IS NOT NULL LIMIT 1",
									   postgis_schema()),
							  1, argtypes, args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read cp.heritage_site");
	if (SPI_processed > 0)
	{
		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		if (!isnull)
			return DatumGetInt32(d);
	}
	if (row_srid > 0)
	{
		Oid			t[1] = {INT4OID};
		Datum		a[1];

		a[0] = Int32GetDatum(row_srid);
		if (SPI_execute_with_args("INSERT INTO cp.heritage_config AS c (srid) VALUES ($1) "
								  "ON CONFLICT (only_row) DO UPDATE SET srid = EXCLUDED.srid "
								  "WHERE c.srid IS NULL",
								  1, t, a, NULL, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "could not record the register's SRID");
	}
	return row_srid;
}

/* Another listed footprint whose interior meets this one: its code, or NULL. */
static char *
overlapping_site(int64 site_id, Datum footprint, Oid geomtype)
{
	Oid			argtypes[2];
	Datum		args[2];
	const char *pg = postgis_schema();

	argtypes[0] = INT8OID;
	argtypes[1] = geomtype;
	args[0] = Int64GetDatum(site_id);
	args[1] = footprint;
	if (SPI_execute_with_args(psprintf("SELECT code FROM cp.heritage_site "
									   "WHERE status OPERATOR(pg_catalog.=) 'listed' "
									   "AND id OPERATOR(pg_catalog.<>) $1 AND footprint OPERATOR(%s.&&) $2 "
									   "AND %s.ST_Intersects(footprint, $2) "
									   "AND NOT %s.ST_Touches(footprint, $2) ORDER BY code LIMIT 1",
									   pg, pg, pg),
							  2, argtypes, args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not search cp.heritage_site");
	if (SPI_processed == 0)
		return NULL;
	return SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
}

/* Decision rules: deregistration, re-listing, loss and protection changes need a new decision reference. */
static bool
check_decision_rules(HeapTuple oldtup, HeapTuple newtup, TupleDesc desc, RuleFailure *f)
{
	char	   *new_status = text_value(newtup, desc, "status");
	char	   *new_condition = text_value(newtup, desc, "condition");
	char	   *new_ref = text_value(newtup, desc, "decision_ref");
	char	   *old_status = oldtup ? text_value(oldtup, desc, "status") : NULL;
	char	   *old_condition = oldtup ? text_value(oldtup, desc, "condition") : NULL;
	char	   *old_ref = oldtup ? text_value(oldtup, desc, "decision_ref") : NULL;
	bool		fresh_ref = has_text(new_ref) && (oldtup == NULL || !same_text(new_ref, old_ref));
	const char *why = NULL;

	if (new_status && strcmp(new_status, "deregistered") == 0 &&
		(old_status == NULL || strcmp(old_status, "deregistered") != 0))
		why = "Deregistering a site";
	else if (new_condition && strcmp(new_condition, "lost") == 0 &&
			 (old_condition == NULL || strcmp(old_condition, "lost") != 0))
		why = "Recording a site as lost";
	else if (oldtup && new_status && strcmp(new_status, "listed") == 0 &&
			 old_status && strcmp(old_status, "deregistered") == 0)
		why = "Listing a deregistered site again";
	else if (oldtup && old_status && strcmp(old_status, "listed") == 0)
	{
		static const char *const protected_cols[] =
		{"grade", "footprint", "protection_zone", "control_zone", "height_limit_m", "style_rules"};
		int			i;

		for (i = 0; i < lengthof(protected_cols); i++)
			if (!column_unchanged(oldtup, newtup, desc, protected_cols[i]))
			{
				why = psprintf("Changing the %s of a listed site", protected_cols[i]);
				break;
			}
	}
	if (why == NULL || fresh_ref)
		return true;
	fail(f, ERRCODE_INTEGRITY_CONSTRAINT_VIOLATION, "decision_required",
		 psprintf("%s needs a new decision reference in decision_ref%s.", why,
				  oldtup ? " (different from the previous one)" : ""),
		 pstrdup("Set decision_ref to the number of the approving decision in the same UPDATE or INSERT."));
	return false;
}

static void
raise_rule(const char *code, RuleFailure *f)
{
	ereport(ERROR,
			(errcode(f->sqlstate),
			 errmsg("heritage site \"%s\" violates rule \"%s\"", code ? code : "(no code)", f->rule),
			 f->detail ? errdetail_internal("%s", f->detail) : 0,
			 f->hint ? errhint("%s", f->hint) : 0));
}

/*
 * BEFORE INSERT OR UPDATE OR DELETE FOR EACH ROW on cp.heritage_site (and
 * BEFORE TRUNCATE, which is always refused).
 */
Datum
cp_heritage_site_guard(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = check_trigger_call(fcinfo, "cp_heritage_site_guard");
	TupleDesc	desc = trigdata->tg_relation->rd_att;
	HeapTuple	oldtup = NULL;
	HeapTuple	newtup;
	RuleFailure f;
	SiteGeoms	sg;
	char	   *code;
	char	   *status;
	bool		ok;
	bool		isnull;
	int64		site_id;
	int32		srid;
	int			fp_attnum;
	Datum		fp;

	if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_RESTRICT_VIOLATION),
				 errmsg("heritage register cp.heritage_site cannot be truncated"),
				 errdetail("Listed sites cannot be deleted, and every change must leave an audit row."),
				 errhint("Deregister sites one by one, each with its decision reference.")));
	if (!TRIGGER_FIRED_BEFORE(trigdata->tg_event) || !TRIGGER_FIRED_FOR_ROW(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("cp_heritage_site_guard must be a BEFORE ROW trigger")));
	memset(&f, 0, sizeof(f));

	if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
	{
		oldtup = trigdata->tg_trigtuple;
		status = text_value(oldtup, desc, "status");
		if (status && strcmp(status, "listed") == 0)
		{
			fail(&f, ERRCODE_RESTRICT_VIOLATION, "listed_not_deleted",
				 pstrdup("A listed site cannot be deleted."),
				 pstrdup("Deregister it instead: UPDATE ... SET status = 'deregistered', decision_ref = '<decision>'."));
			raise_rule(text_value(oldtup, desc, "code"), &f);
		}
		return PointerGetDatum(oldtup);
	}

	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		oldtup = trigdata->tg_trigtuple;
		newtup = trigdata->tg_newtuple;
	}
	else
		newtup = trigdata->tg_trigtuple;

	/*
	 * Under REPEATABLE READ the snapshot predates edits committed while this
	 * one waited for the register lock, so the overlap check could miss them.
	 */
	if (IsolationUsesXactSnapshot() && !IsolationIsSerializable())
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the heritage register cannot be edited under REPEATABLE READ"),
				 errdetail("Its rules are checked against every committed edit, which a repeatable-read snapshot cannot see."),
				 errhint("Edit it under READ COMMITTED or SERIALIZABLE.")));

	code = text_value(newtup, desc, "code");
	status = text_value(newtup, desc, "status");
	site_id = DatumGetInt64(heap_getattr(newtup, column_number(desc, "id"), desc, &isnull));
	if (isnull)
		site_id = 0;
	/* an id is the audit's key: renumbering a site would let a row re-enter unaudited */
	if (oldtup != NULL && !isnull)
	{
		bool		oldnull;
		int64		old_id = DatumGetInt64(heap_getattr(oldtup, column_number(desc, "id"), desc, &oldnull));

		if (!oldnull && old_id != site_id)
			ereport(ERROR,
					(errcode(ERRCODE_INTEGRITY_CONSTRAINT_VIOLATION),
					 errmsg("the id of heritage site \"%s\" cannot change", code ? code : "?"),
					 errdetail("Site %lld would become %lld; the audit follows sites by id.",
							   (long long) old_id, (long long) site_id)));
	}

	if (!check_decision_rules(oldtup, newtup, desc, &f))
		raise_rule(code, &f);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	lock_register(RelationGetRelid(trigdata->tg_relation));

	read_site_geoms(newtup, desc, &sg);
	PG_TRY();
	{
		srid = register_srid(site_id, sg.footprint ? sg.srid[0] : 0);
	}
	PG_CATCH();
	{
		free_site_geoms(&sg);
		PG_RE_THROW();
	}
	PG_END_TRY();
	if (srid <= 0)
		srid = sg.srid[0];
	ok = check_geometry_rules(&sg, text_value(newtup, desc, "grade"), srid, &f);
	free_site_geoms(&sg);
	if (!ok)
		raise_rule(code, &f);

	fp_attnum = column_number(desc, "footprint");
	fp = heap_getattr(newtup, fp_attnum, desc, &isnull);
	if (!isnull && status && strcmp(status, "listed") == 0)
	{
		char	   *other = overlapping_site(site_id, fp, TupleDescAttr(desc, fp_attnum - 1)->atttypid);

		if (other)
		{
			fail(&f, ERRCODE_EXCLUSION_VIOLATION, "no_overlap",
				 psprintf("The footprint overlaps the footprint of listed site \"%s\".", other),
				 pstrdup("Listed footprints may share walls but not area; correct one of the outlines."));
			raise_rule(code, &f);
		}
	}
	SPI_finish();
	return PointerGetDatum(newtup);
}

/*
 * AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW on cp.heritage_site: one audit
 * row per change, naming the role that made it (the role outside this
 * SECURITY DEFINER function).
 */
Datum
cp_heritage_site_audit(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = check_trigger_call(fcinfo, "cp_heritage_site_audit");
	Relation	rel = trigdata->tg_relation;
	TupleDesc	desc = rel->rd_att;
	HeapTuple	oldtup = NULL;
	HeapTuple	newtup = NULL;
	const char *op;
	Oid			argtypes[4];
	Datum		args[4];
	char		nulls[4] = {' ', ' ', ' ', ' '};

	if (!TRIGGER_FIRED_AFTER(trigdata->tg_event) || !TRIGGER_FIRED_FOR_ROW(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("cp_heritage_site_audit must be an AFTER ROW trigger")));
	if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
	{
		op = "insert";
		newtup = trigdata->tg_trigtuple;
	}
	else if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		op = "update";
		oldtup = trigdata->tg_trigtuple;
		newtup = trigdata->tg_newtuple;
	}
	else
	{
		op = "delete";
		oldtup = trigdata->tg_trigtuple;
	}

	argtypes[0] = argtypes[1] = rel->rd_rel->reltype;
	argtypes[2] = TEXTOID;
	argtypes[3] = TEXTOID;
	if (oldtup)
		args[0] = heap_copy_tuple_as_datum(oldtup, desc);
	else
	{
		args[0] = (Datum) 0;
		nulls[0] = 'n';
	}
	if (newtup)
		args[1] = heap_copy_tuple_as_datum(newtup, desc);
	else
	{
		args[1] = (Datum) 0;
		nulls[1] = 'n';
	}
	args[2] = CStringGetTextDatum(op);
	args[3] = CStringGetTextDatum(GetUserNameFromId(GetOuterUserId(), false));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("SELECT cp.heritage_audit_write($1, $2, $3, $4)",
							  4, argtypes, args, nulls, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not write cp.heritage_history");
	SPI_finish();
	return PointerGetDatum(NULL);
}

/*
 * BEFORE UPDATE OR DELETE FOR EACH ROW and BEFORE TRUNCATE on
 * cp.heritage_history: the audit is append-only, also for its owner.  The one
 * exception is the supervised archive: a superuser who has named the archiving
 * decision in cp_heritage.archive_ref may DELETE rows (an AFTER statement
 * trigger then records the archive itself).
 */
Datum
cp_heritage_history_guard(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = check_trigger_call(fcinfo, "cp_heritage_history_guard");
	const char *what = "changed";

	if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event) && TRIGGER_FIRED_FOR_ROW(trigdata->tg_event))
	{
		const char *ref = GetConfigOption("cp_heritage.archive_ref", true, false);

		if (has_text(ref) && superuser())
			return PointerGetDatum(trigdata->tg_trigtuple);
		what = "deleted";
	}
	else if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
		what = "truncated";
	else if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
		what = "updated";
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("heritage audit cp.heritage_history is append-only"),
			 errdetail("Audit rows cannot be %s, also not by the owner of the register.", what),
			 errhint("Archiving is supervised: a superuser sets cp_heritage.archive_ref to the archiving decision and deletes rows in the same transaction.")));
	PG_RETURN_NULL();			/* not reached */
}
