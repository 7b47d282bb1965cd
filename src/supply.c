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
 * The search: one bounded search per facility, one seed each, toward the
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
#include "units.h"

PG_FUNCTION_INFO_V1(cp_supply_eval_sql);
PG_FUNCTION_INFO_V1(cp_supply_groups_sql);

/* Radii are compared with a millimetre of slack, as cp.nearest's callers always did. */
#define SUPPLY_SLACK_M 0.001
/* The exponential decay's beta: e^-50 is below any capacity's precision. */
#define SUPPLY_MAX_BETA 50.0

typedef enum Decay
{
	DECAY_STEP,
	DECAY_GAUSSIAN,
	DECAY_EXPONENTIAL
} Decay;

typedef struct Supply
{
	CpNetwork  *net;
	double		d0;				/* the catchment radius, metres */
	double		bound;			/* d0 + slack: the search bound */
	Decay		decay;
	double		beta;			/* exponential */
	/* residents: snapped units with population, indexed by piece (CSR) */
	const CpUnits *res;
	CpSnap	   *rsnap;
	CpUnitsByPiece by_piece;	/* residents with people, by the piece they are snapped to */
	/* facilities of the category that take part (snapped, amount > 0) */
	int			nfac;
	int32	   *fidx;			/* index into CpFacilities */
	CpSnap	   *fsnap;
	double	   *ratio;			/* R_j */
	double	   *per_person;		/* A_i, per resident unit */
	/* pairs of step 1, per facility contiguous (kept while they fit) */
	bool		keep_pairs;
	double		pair_budget;	/* bytes */
	Size		npairs;
	Size		pair_cap;
	int32	   *pair_res;
	double	   *pair_w;
	Size	   *pair_start;		/* nfac + 1 */
	/* the facility being searched and what its visit does */
	int			cur;
	bool		second_step;
	double		denom;
} Supply;

/*
 * The decay W(d), d in metres, 0 <= d <= d0 + slack (the search gives nothing
 * beyond); W(d) = 0 beyond d0 for the smooth ones (clamped: the slack never
 * makes a negative weight).
 */
static inline double
decay_weight(const Supply *s, double d)
{
	switch (s->decay)
	{
		case DECAY_STEP:
			return 1.0;
		case DECAY_GAUSSIAN:
			{
				double		e = exp(-0.5),
							r = d / s->d0;

				if (r >= 1)
					return 0;
				return (exp(-0.5 * r * r) - e) / (1 - e);
			}
		case DECAY_EXPONENTIAL:
			return exp(-s->beta * Min(d, s->d0) / s->d0);
	}
	return 0;					/* not reached */
}

static Decay
parse_decay(const char *name, bool has_param, double param, double *beta)
{
	Decay		d;

	if (strcmp(name, "step") == 0)
		d = DECAY_STEP;
	else if (strcmp(name, "gaussian") == 0)
		d = DECAY_GAUSSIAN;
	else if (strcmp(name, "exponential") == 0)
		d = DECAY_EXPONENTIAL;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown distance decay \"%s\"", name),
				 errhint("Use 'step' (the classic two-step floating catchment), 'gaussian' or 'exponential' (decay_param = beta).")));
	if (d == DECAY_EXPONENTIAL)
	{
		if (!has_param)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("distance decay \"exponential\" needs decay_param"),
					 errdetail("W(d) = exp(-beta d / d0) within the radius d0; decay_param is beta."),
					 errhint("Pass decay_param => 1 for a weight of 1/e at the radius.")));
		if (!(param > 0 && param <= SUPPLY_MAX_BETA))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("decay_param of the exponential decay must be above 0 and at most %g", SUPPLY_MAX_BETA),
					 errdetail("The value given is %s.", float8out_internal(param))));
		*beta = param;
	}
	else if (has_param)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("distance decay \"%s\" takes no decay_param", name),
				 errdetail("Its only parameter is the category's radius."),
				 errhint("Leave decay_param NULL.")));
	return d;
}

static char **
text_array_cstrings(ArrayType *a, const char *what, int *n)
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

/* Residents with people take part in both steps (reach.c's index). */
static bool
place_resident(int32 i, uint32 *piece, double *fraction, void *arg)
{
	const Supply *s = arg;

	if (!s->rsnap[i].found || !(s->res->population[i] > 0))
		return false;
	*piece = s->rsnap[i].piece;
	*fraction = s->rsnap[i].fraction;
	return true;
}

/* Snap residents with population and index them by piece; count the unsnapped. */
static int64
index_residents(Supply *s, double max_snap)
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
	(void) cp_units_by_piece(&s->by_piece, s->net, r->n, place_resident, s);
	return unsnapped;
}

static void
pair_add(Supply *s, int32 i, double w)
{
	if (!s->keep_pairs)
		return;
	if (s->npairs == s->pair_cap)
	{
		if ((double) s->pair_cap * 2 * (sizeof(int32) + sizeof(double)) > s->pair_budget)
		{
			/* too many to keep: step 2 searches again */
			s->keep_pairs = false;
			pfree(s->pair_res);
			pfree(s->pair_w);
			s->pair_res = NULL;
			s->pair_w = NULL;
			elog(DEBUG1, "supply: more than %zu pairs, step 2 searches again", s->pair_cap);
			return;
		}
		s->pair_cap *= 2;
		s->pair_res = repalloc_huge(s->pair_res, sizeof(int32) * s->pair_cap);
		s->pair_w = repalloc_huge(s->pair_w, sizeof(double) * s->pair_cap);
	}
	s->pair_res[s->npairs] = i;
	s->pair_w[s->npairs] = w;
	s->npairs++;
}

/*
 * A resident unit within reach of the facility being searched: step 1 adds
 * P_i W(d) to the denominator, step 2 adds R_j W(d) to A_i.
 */
static void
resident_reached(int32 i, double distance, void *arg)
{
	Supply	   *s = arg;
	double		w = decay_weight(s, distance);

	if (!(w > 0))
		return;
	if (s->second_step)
		s->per_person[i] += s->ratio[s->cur] * w;
	else
	{
		s->denom += s->res->population[i] * w;
		pair_add(s, i, w);
	}
}

/* One bounded search from facility f (toward it) and every resident unit it reaches. */
static void
search_facility(Supply *s, int f)
{
	CpSeed		seed = {s->fsnap[f].piece, s->fsnap[f].fraction, 0};

	CHECK_FOR_INTERRUPTS();
	s->cur = f;
	cp_reach_units(&s->by_piece, &seed, s->bound, NULL, resident_reached, s);
}

/* Both steps: R_j for every facility, then A_i for every resident unit. */
static void
two_steps(Supply *s, const CpFacilities *fac)
{
	int			f;
	Size		p;

	s->pair_start = palloc_extended(sizeof(Size) * (s->nfac + 1), MCXT_ALLOC_HUGE);
	s->keep_pairs = true;
	s->pair_cap = 1024;
	s->pair_res = palloc_extended(sizeof(int32) * s->pair_cap, MCXT_ALLOC_HUGE);
	s->pair_w = palloc_extended(sizeof(double) * s->pair_cap, MCXT_ALLOC_HUGE);
	s->second_step = false;
	for (f = 0; f < s->nfac; f++)
	{
		s->pair_start[f] = s->npairs;
		s->denom = 0;
		search_facility(s, f);
		/* no one in reach (or only people at weight 0): the facility serves nobody */
		s->ratio[f] = s->denom > 0 ? fac->amount[s->fidx[f]] / s->denom : 0;
	}
	s->pair_start[s->nfac] = s->npairs;
	if (s->keep_pairs)
	{
		for (f = 0; f < s->nfac; f++)
		{
			if ((f & 0xff) == 0)
				CHECK_FOR_INTERRUPTS();
			for (p = s->pair_start[f]; p < s->pair_start[f + 1]; p++)
			{
				if ((p & 0xffff) == 0xffff)
					CHECK_FOR_INTERRUPTS();
				s->per_person[s->pair_res[p]] += s->ratio[f] * s->pair_w[p];
			}
		}
		elog(DEBUG1, "supply: %d facilities, %zu pairs kept", s->nfac, s->npairs);
		return;
	}
	s->second_step = true;
	for (f = 0; f < s->nfac; f++)
		if (s->ratio[f] > 0)
			search_facility(s, f);
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
		gsup[g] += res->population[i] * s->per_person[i];
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
				f,
				i;
	double		max_snap;
	bool		per_resident;
	int64		unsnapped_res,
				unsnapped_fac = 0;
	char	   *group = NULL;
	double		share = 1,
				min_floor = 0,
				min_site = 0;
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
	quiet = text_array_cstrings(PG_GETARG_ARRAYTYPE_P(4), "quiet", &nquiet);
	known = text_array_cstrings(PG_GETARG_ARRAYTYPE_P(5), "known", &nknown);
	s.d0 = PG_GETARG_FLOAT8(6);
	amount_column = text_to_cstring(PG_GETARG_TEXT_PP(7));
	amount_hint = PG_ARGISNULL(8) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(8));
	s.decay = parse_decay(text_to_cstring(PG_GETARG_TEXT_PP(9)), !PG_ARGISNULL(10),
						  PG_ARGISNULL(10) ? 0 : PG_GETARG_FLOAT8(10), &s.beta);
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
	cp_check_arg("radius_m", s.d0, CP_MIN_CUTOFF, CP_MAX_DISTANCE_M, "metres");
	cp_check_arg("max_snap_m", max_snap, 0, CP_MAX_SNAP_M, "metres");
	s.bound = s.d0 + SUPPLY_SLACK_M;

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
	s.pair_budget = (double) cp_max_call_memory_mb * 1024 * 1024 / 4;
	unsnapped_res = index_residents(&s, max_snap);
	s.by_piece.metric = by_time ? CP_METRIC_TIME : CP_METRIC_DISTANCE;
	s.fidx = palloc_extended(sizeof(int32) * Max(fac->n, 1), MCXT_ALLOC_HUGE);
	s.fsnap = palloc_extended(sizeof(CpSnap) * Max(fac->n, 1), MCXT_ALLOC_HUGE);
	for (f = 0; f < fac->n; f++)
	{
		CpSnap		sn;

		if ((f & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		/* every facility read is of the category; one without capacity shares nothing */
		if (!fac->placed[f] || !(fac->amount[f] > 0))
			continue;
		sn = cp_snap_point(s.net, fac->x[f], fac->y[f], max_snap);
		if (!sn.found)
		{
			unsnapped_fac++;
			continue;
		}
		s.fidx[s.nfac] = f;
		s.fsnap[s.nfac] = sn;
		s.nfac++;
	}
	s.ratio = palloc_extended(sizeof(double) * Max(s.nfac, 1), MCXT_ALLOC_HUGE);
	s.per_person = palloc_extended(sizeof(double) * Max(res->n, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	two_steps(&s, fac);

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
			values[3] = Float8GetDatum(res->population[i] * s.per_person[i]);
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
