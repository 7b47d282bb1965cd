/*
 * supply.c: supply against demand by two-step floating catchment (2SFCA).
 *
 * For one capacity-bound category (places, beds, floor space) every
 * facility j shares its amount S_j among the residents who reach it on foot
 * within the category's radius d0, and every resident unit i adds up the
 * shares of the facilities it reaches (docs/supply.md):
 *
 *   R_j = S_j / sum_k P_k W(d_kj)        (step 1, residents k within d0 of j)
 *   A_i = sum_j R_j W(d_ij)              (step 2, facilities j within d0 of i)
 *
 * supply of unit i = P_i A_i. W is the distance decay: 'step' (W = 1 within
 * d0: the classic 2SFCA of Luo & Wang 2003), 'gaussian' (Dai 2010) or
 * 'exponential' (the gravity family, Wang 2012); W = 0 beyond d0 always.
 *
 * The engine is sfca.c (shared with cp.access_surface): one bounded search
 * per facility, one seed each, toward the
 * seed (resident -> facility, as cp.nearest measures it), as parking.c does
 * for car parks. A search touches only the streets within d0 of its
 * facility, so the work grows with facilities x streets within reach, never
 * with the whole network, and there is no cap on the number of facilities
 * (a multi-source search with k labels per node would need k = the number of
 * facilities whose catchments overlap at a node, unknown in advance, and
 * nnodes x k labels of memory). Residents are indexed by the piece of
 * network they snap to, so a search reads only the residents on the pieces
 * it reached. Distances are exactly cp.nearest's (the same labels, the same
 * reading of a point on a piece).
 *
 * The (resident, facility, weight) pairs found by the first step are kept
 * for the second while they fit in a quarter of
 * community_planning.max_call_memory; beyond that they are dropped and the
 * second step searches again, so memory stays linear in residents,
 * facilities and network whatever the density.
 *
 * The residents and facilities queries are each read exactly once, through
 * the shared readers (units.h: every check of them lives there), and units
 * are put into communities by the one membership rule (communities.h).
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/tuplestore.h"

#include "communities.h"
#include "network.h"
#include "reach.h"
#include "sfca.h"
#include "query_reader.h"
#include "units.h"

PG_FUNCTION_INFO_V1(cp_supply_eval_sql);
PG_FUNCTION_INFO_V1(cp_supply_groups_sql);

/* The residents that take part and the 2SFCA over them (sfca.c). */
typedef struct Supply
{
	CpNetwork  *net;
	const CpUnits *res;
	CpSnap	   *rsnap;
	CpSfca		sfca;
} Supply;

/* Snap the residents with population; count the unsnapped. */
static int64
snap_residents(Supply *s, double max_snap)
{
	const CpUnits *r = s->res;
	int64		unsnapped = 0;
	int			i;

	s->rsnap = palloc_extended(sizeof(CpSnap) * Max(r->n, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	for (i = 0; i < r->n; i++)
	{
		if ((i & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		/* a unit without people takes no part in either step */
		if (!r->placed[i] || !(r->population[i] > 0))
			continue;
		s->rsnap[i] = cp_snap_point(s->net, r->x[i], r->y[i], max_snap);
		if (!s->rsnap[i].found)
			unsnapped++;
	}
	return unsnapped;
}

/*
 * One row per community in id order (or one for the whole area): population
 * and supply summed over the residents that belong to it, and the amount of
 * the category's facilities that belong to it, by the one membership rule.
 */
static void
put_group_rows(ReturnSetInfo *rsinfo, const Supply *s, const CpUnits *res, const CpFacilities *fac,
			   const CpCommunities *com, bool estimated)
{
	int			ngroups = cp_communities_count(com);
	double	   *gpop = palloc0_array(double, Max(ngroups, 1));
	double	   *gsup = palloc0_array(double, Max(ngroups, 1));
	double	   *gin = palloc0_array(double, Max(ngroups, 1));
	int64		outside = 0;
	int			i,
				f,
				g;

	for (i = 0; i < res->n; i++)
	{
		if ((i & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		g = cp_communities_of(com, res->placed[i], res->x[i], res->y[i]);
		if (g < 0)
		{
			outside++;
			continue;
		}
		gpop[g] += res->population[i];
		gsup[g] += res->population[i] * s->sfca.per_unit[i];
	}
	/* every facility read is of the one category analysed */
	for (f = 0; f < fac->n; f++)
	{
		if ((f & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		g = cp_communities_of(com, fac->placed[f], fac->x[f], fac->y[f]);
		if (g >= 0)
			gin[g] += fac->amount[f];
	}
	for (g = 0; g < ngroups; g++)
	{
		Datum		values[7];
		bool		nulls[7] = {true, true, false, false, false, true, false};

		if ((g & 0x3ff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (cp_communities_by_community(com))
		{
			bytea	   *geom = cp_communities_geom(com, g);

			nulls[1] = false;
			values[1] = Int64GetDatum(cp_communities_id(com, g));
			nulls[5] = geom == NULL;
			if (geom)
				values[5] = PointerGetDatum(geom);
		}
		values[2] = Float8GetDatum(gpop[g]);
		values[3] = Float8GetDatum(gsup[g]);
		values[4] = Float8GetDatum(gin[g]);
		values[6] = BoolGetDatum(estimated);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	cp_communities_report_outside(com, outside, "residents");
}

/*
 * cp._supply_eval(network, residents_sql, facilities_sql, category, quiet text[],
 *                 known text[], radius_m, amount_column, amount_hint, decay,
 *                 decay_param, max_snap_m, per_resident, communities_sql)
 *   residents_sql: id, geom, population; facilities_sql: id, category, geom and
 *   the amount column (capacity, floor_area) of the one category analysed;
 *   quiet: the other categories of the standard set (left out without a
 *   NOTICE); known: every category some set or the OSM mapping uses (others
 *   are an error); communities_sql: id, geom, NULL = whole area.
 * Result columns: resident_id, community_id, population, supply, amount_inside, geom.
 * per_resident: one row per resident row (community_id, amount_inside, geom NULL),
 *   supply = population x A_i.
 * Otherwise one row per community in id order (or one for the whole area,
 *   community_id NULL): population and supply summed over its residents,
 *   amount_inside = the amount of the category's facilities it holds, geom the
 *   community's geometry as given (EWKB).
 */
/*
 * with_groups: 0.3.0's arguments 14-18 (the target group's residents column,
 * its share, minimum floor and site area, by_time) and the estimated column;
 * 0.2.0's declaration: everyone's demand, metres, no minimum.
 */
static Datum
supply_eval(FunctionCallInfo fcinfo, bool with_groups)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	static const char *const argnames[] = {"network", "residents_sql", "facilities_sql", "category", "quiet",
		"known", "radius_m", "amount_column", "amount_hint", "decay", "decay_param", "max_snap_m", "per_resident"};
	Supply		s;
	CpUnits    *res;
	CpFacilities *fac;
	CpCommunities *com;
	char	   *residents_sql,
			   *facilities_sql,
			   *category,
			   *amount_column,
			   *amount_hint,
			   *communities_sql;
	char	  **quiet,
			  **known;
	int			nquiet,
				nknown,
				i;
	double		max_snap;
	bool		per_resident;
	int64		unsnapped_res,
				unsnapped_fac;
	char	   *group = NULL;
	double		share = 1,
				min_floor,
				min_site;
	bool		by_time = false,
				estimated = false;
	CpFacilityOptions opt = {0};

	for (i = 0; i < 13; i++)
		if (PG_ARGISNULL(i) && i != 8 && i != 10)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("argument %s of cp._supply_eval must not be NULL", argnames[i])));
	memset(&s, 0, sizeof(s));
	residents_sql = text_to_cstring(PG_GETARG_TEXT_PP(1));
	facilities_sql = text_to_cstring(PG_GETARG_TEXT_PP(2));
	category = text_to_cstring(PG_GETARG_TEXT_PP(3));
	quiet = cp_text_array_cstrings(PG_GETARG_ARRAYTYPE_P(4), "quiet", &nquiet);
	known = cp_text_array_cstrings(PG_GETARG_ARRAYTYPE_P(5), "known", &nknown);
	s.sfca.d0 = PG_GETARG_FLOAT8(6);
	amount_column = text_to_cstring(PG_GETARG_TEXT_PP(7));
	amount_hint = PG_ARGISNULL(8) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(8));
	s.sfca.decay = cp_decay_parse(text_to_cstring(PG_GETARG_TEXT_PP(9)), !PG_ARGISNULL(10),
								  PG_ARGISNULL(10) ? 0 : PG_GETARG_FLOAT8(10), &s.sfca.beta);
	max_snap = PG_GETARG_FLOAT8(11);
	per_resident = PG_GETARG_BOOL(12);
	communities_sql = PG_ARGISNULL(13) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(13));
	if (with_groups)
	{
		for (i = 14; i < 19; i++)
			if (PG_ARGISNULL(i))
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("argument %d of cp._supply_eval must not be NULL", i + 1)));
		group = text_to_cstring(PG_GETARG_TEXT_PP(14));
		share = PG_GETARG_FLOAT8(15);
		min_floor = PG_GETARG_FLOAT8(16);
		min_site = PG_GETARG_FLOAT8(17);
		by_time = PG_GETARG_BOOL(18);
		if (!(share >= 0 && share <= 1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("share of the target group must be between 0 and 1")));
		opt.min_floor = &min_floor;
		opt.min_site = &min_site;
	}
	opt.quiet = quiet;
	opt.nquiet = nquiet;
	opt.amount_column = amount_column;
	opt.amount_hint = amount_hint;
	cp_check_arg("radius_m", s.sfca.d0, CP_MIN_CUTOFF, CP_MAX_DISTANCE_M, "metres");
	cp_check_arg("max_snap_m", max_snap, 0, CP_MAX_SNAP_M, "metres");

	s.net = cp_network_get(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	res = cp_units_read_residents_groups(residents_sql, s.net->hdr->srid, group ? &group : NULL, group ? 1 : 0);
	/* demand is the target group's: its column, else population x share */
	if (group && strcmp(group, "population") != 0)
	{
		int			g = cp_units_group_index(res, group);

		for (i = 0; i < res->n; i++)
			res->population[i] = cp_units_weight(res, i, g, share, &estimated);
	}
	/* the one category analysed; the rest of the set's are expected in the query and left out quietly */
	fac = cp_units_read_facilities_opt(facilities_sql, s.net->hdr->srid, &category, 1, known, nknown, &opt);
	com = per_resident ? NULL : cp_communities_read(communities_sql, s.net->hdr->srid);
	s.res = res;

	/* per resident: snap, piece index, A_i; per facility: snap, R_j; per piece: start and stamp */
	cp_check_call_memory(psprintf("a two-step floating catchment of %d resident units and %d facilities", res->n, fac->n),
						 (double) res->n * (sizeof(CpSnap) + sizeof(int32) + 2 * sizeof(double)) +
						 (double) fac->n * (sizeof(CpSnap) + sizeof(int32) + sizeof(double) + sizeof(Size)) +
						 (double) s.net->npieces * 2 * sizeof(uint32),
						 "Use fewer resident units or facilities per call (a district at a time), or raise community_planning.max_call_memory.");
	unsnapped_res = snap_residents(&s, max_snap);
	s.sfca.net = s.net;
	unsnapped_fac = cp_sfca_set_facilities(&s.sfca, fac, max_snap);
	s.sfca.metric = by_time ? CP_METRIC_TIME : CP_METRIC_DISTANCE;
	s.sfca.nunits = res->n;
	s.sfca.weight = res->population;
	s.sfca.usnap = s.rsnap;
	s.sfca.pair_budget = (double) cp_max_call_memory_mb * 1024 * 1024 / 4;
	cp_sfca_run(&s.sfca);

	InitMaterializedSRF(fcinfo, 0);
	if (per_resident)
	{
		for (i = 0; i < res->n; i++)
		{
			Datum		values[7];
			bool		nulls[7] = {false, true, false, false, true, true, false};

			if ((i & 0xfff) == 0)
				CHECK_FOR_INTERRUPTS();
			values[0] = Int64GetDatum(res->id[i]);
			values[2] = Float8GetDatum(res->population[i]);
			values[3] = Float8GetDatum(res->population[i] * s.sfca.per_unit[i]);
			values[6] = BoolGetDatum(estimated);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	else
		put_group_rows(rsinfo, &s, res, fac, com, estimated);
	if (res->no_geom > 0)
		ereport(NOTICE,
				(errmsg("%lld residents have a NULL or empty geometry", (long long) res->no_geom),
				 errdetail("They count in the population of the whole area but reach no facility.")));
	if (fac->no_geom > 0)
		ereport(NOTICE,
				(errmsg("%lld facilities of category \"%s\" have a NULL or empty geometry", (long long) fac->no_geom, category),
				 errdetail("They share nothing, and belong to no community (the whole area takes them).")));
	if (unsnapped_res + unsnapped_fac > 0)
		ereport(NOTICE,
				(errmsg("%lld residents and %lld facilities lie more than %g m from the network",
						(long long) unsnapped_res, (long long) unsnapped_fac, max_snap),
				 errdetail("Such residents reach no facility; such facilities share nothing.")));
	return (Datum) 0;
}

/* 0.2.0's declaration: everyone's demand, metres. */
Datum
cp_supply_eval_sql(PG_FUNCTION_ARGS)
{
	return supply_eval(fcinfo, false);
}

/*
 * cp._supply_eval as of 0.3.0: arguments as above, then group_column text
 * (population or an age-cohort column), share float8 (used where that column
 * is absent or NULL), min_floor_m2, min_site_m2 (0 = none), by_time (radius_m
 * then in slope-weighted metres: minutes x the profile's metres per minute);
 * one more result column, estimated.
 */
Datum
cp_supply_groups_sql(PG_FUNCTION_ARGS)
{
	return supply_eval(fcinfo, true);
}
