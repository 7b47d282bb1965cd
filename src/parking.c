/*
 * parking.c: the walking-distance allocation of parking spaces to buildings.
 *
 * cp._parking_allocate reads buildings (id, geom, demand) and car parks
 * (id, geom, capacity), snaps them once, finds every (building, car park)
 * pair within walk_m with one bounded search per car park (the car park as
 * the only seed, so a search touches only the streets within walk_m of it),
 * sorts the pairs by (distance, building id, car park id) and serves them in
 * that order: each pair takes as many spaces as both its building still needs
 * and its car park still has. No space is counted twice, and no building gets
 * more than its demand (docs/parking.md).
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "network.h"
#include "query_reader.h"

PG_FUNCTION_INFO_V1(cp_parking_allocate_sql);

/* A building or a car park: its amount is demand or capacity in spaces. */
typedef struct Site
{
	int64		id;
	double		amount;
	bool		usable;			/* amount > 0 and snapped */
	uint32		piece;
	double		fraction;
} Site;

typedef struct SiteSet
{
	CpNetwork  *net;
	double		max_snap;
	const char *query;			/* "buildings", "parking": names the query */
	const char *what;			/* "buildings", "car parks" */
	const char *one;			/* "building", "car park" */
	const char *amount_name;	/* "demand", "capacity" */
	Site	   *sites;
	int			n;
	int			cap;
	int64		no_geom;
	int64		unsnapped;
} SiteSet;

/* A candidate pair; b and p index the id-sorted sets, so they order as the ids do. */
typedef struct Pair
{
	double		distance;
	int32		b;
	int32		p;
} Pair;

static void
read_site_row(const CpRowValue *v, void *arg)
{
	SiteSet    *set = arg;
	Site	   *s;
	double		x,
				y;

	if (v[0].isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("%s query returned a row with a NULL id", set->query),
				 errhint("Every building and car park needs an id.")));
	if (!v[2].isnull && !(v[2].f >= 0 && v[2].f < INFINITY))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be finite and not negative", set->amount_name),
				 errdetail("The %s %lld has %s %g.", set->one, (long long) v[0].i, set->amount_name, v[2].f)));
	if (set->n == set->cap)
	{
		set->cap *= 2;
		set->sites = repalloc_huge(set->sites, sizeof(Site) * set->cap);
	}
	s = &set->sites[set->n++];
	memset(s, 0, sizeof(Site));
	s->id = v[0].i;
	s->amount = v[2].isnull ? 0 : v[2].f;
	if (!(s->amount > 0))
		return;					/* takes no part: no need to place it */
	if (v[1].isnull || !cp_geom_to_network_point(set->net, v[1].wkb, v[1].wkb_len, &x, &y))
	{
		set->no_geom++;
		return;
	}
	{
		CpSnap		snap = cp_snap_point(set->net, x, y, set->max_snap);

		if (!snap.found)
		{
			set->unsnapped++;
			return;
		}
		s->usable = true;
		s->piece = snap.piece;
		s->fraction = snap.fraction;
	}
}

static int
cmp_site(const void *a, const void *b)
{
	int64		x = ((const Site *) a)->id,
				y = ((const Site *) b)->id;

	return x < y ? -1 : x > y;
}

/* Read, snap and sort one set by id; a duplicate id is an error. */
static void
read_sites(SiteSet *set, CpNetwork *net, const char *sql, const char *query, const char *what,
		   const char *one, const char *amount_name, double max_snap)
{
	CpColumn	cols[3] = {{"id", CP_COL_INT8, true}, {"geom", CP_COL_GEOMETRY, true},
	{amount_name, CP_COL_FLOAT8, true}};
	int			i;

	memset(set, 0, sizeof(*set));
	set->net = net;
	set->max_snap = max_snap;
	set->query = query;
	set->what = what;
	set->one = one;
	set->amount_name = amount_name;
	set->cap = 256;
	set->sites = palloc(sizeof(Site) * set->cap);
	cp_read_query(sql, query, cols, 3, read_site_row, set);
	qsort(set->sites, set->n, sizeof(Site), cmp_site);
	for (i = 1; i < set->n; i++)
		if (set->sites[i].id == set->sites[i - 1].id)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("%s query returned duplicate ids", query),
					 errdetail("The id %lld appears more than once.", (long long) set->sites[i].id)));
	if (set->no_geom > 0)
		ereport(NOTICE,
				(errmsg("%lld %s with NULL or empty geometry take no part in the allocation",
						(long long) set->no_geom, what)));
	if (set->unsnapped > 0)
		ereport(NOTICE,
				(errmsg("%lld %s lie more than %g m from the network and take no part in the allocation",
						(long long) set->unsnapped, what, max_snap)));
}

static int
cmp_pair(const void *a, const void *b)
{
	const Pair *x = a,
			   *y = b;

	if (x->distance != y->distance)
		return x->distance < y->distance ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return x->p < y->p ? -1 : x->p > y->p;
}

typedef struct PairList
{
	Pair	   *pairs;
	Size		n;
	Size		cap;
} PairList;

static void
pair_add(PairList *l, double distance, int32 b, int32 p)
{
	if (l->n == l->cap)
	{
		l->cap *= 2;
		l->pairs = repalloc_huge(l->pairs, sizeof(Pair) * l->cap);
	}
	l->pairs[l->n++] = (Pair) {distance, b, p};
}

/*
 * The buildings on one piece that can walk to car park 'lot' within walk_m,
 * once per search: the stamp keeps a piece reached from both ends from being
 * read twice.
 */
static void
visit_piece(const CpNetwork *net, const SiteSet *bld, const uint32 *bstart, const int32 *bon,
			int32 *stamp, int32 lot, const CpSeed *seed, uint32 piece, double walk_m, PairList *out)
{
	uint32		j;

	if (stamp[piece] == lot + 1)
		return;
	stamp[piece] = lot + 1;
	for (j = bstart[piece]; j < bstart[piece + 1]; j++)
	{
		CpReach		r;

		if (cp_search_reach_point(net, seed, 1, piece, bld->sites[bon[j]].fraction, 1, walk_m,
								  CP_METRIC_DISTANCE, true, &r) > 0)
			pair_add(out, r.primary, bon[j], lot);
	}
}

/*
 * Every (building, car park) pair within walk_m. One search per car park,
 * toward the seed (building -> car park, as cp.nearest measures it), bounded
 * by walk_m; the buildings read their distance from the labels of the ends
 * of their piece (cp_search_reach_point), as cp.nearest's targets do.
 */
static void
find_pairs(CpNetwork *net, const SiteSet *bld, const SiteSet *lots, double walk_m, PairList *out)
{
	uint32	   *bstart = palloc_extended(sizeof(uint32) * ((Size) net->npieces + 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	int32	   *bon;
	int32	   *stamp = palloc_extended(sizeof(int32) * Max(net->npieces, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	uint32	   *fill;
	int			nusable = 0,
				i;

	/* buildings by piece (CSR), so a search visits only the buildings on the pieces it reached */
	for (i = 0; i < bld->n; i++)
		if (bld->sites[i].usable)
		{
			bstart[bld->sites[i].piece + 1]++;
			nusable++;
		}
	for (i = 0; i < (int) net->npieces; i++)
		bstart[i + 1] += bstart[i];
	bon = palloc_extended(sizeof(int32) * Max(nusable, 1), MCXT_ALLOC_HUGE);
	fill = palloc_extended(sizeof(uint32) * Max(net->npieces, 1), MCXT_ALLOC_HUGE);
	memcpy(fill, bstart, sizeof(uint32) * net->npieces);
	for (i = 0; i < bld->n; i++)
		if (bld->sites[i].usable)
			bon[fill[bld->sites[i].piece]++] = i;
	pfree(fill);

	for (i = 0; i < lots->n; i++)
	{
		const Site *lot = &lots->sites[i];
		CpSeed		seed;
		const CpSearchSpace *space = &net->space;
		uint32		t;

		CHECK_FOR_INTERRUPTS();
		if (!lot->usable)
			continue;
		seed = (CpSeed) {lot->piece, lot->fraction, 0};
		cp_search(net, &seed, 1, 1, walk_m, CP_METRIC_DISTANCE, true, NULL, 0);

		/*
		 * The pieces to look at: the car park's own (its ends may lie beyond
		 * walk_m) and every piece at a settled node.
		 */
		visit_piece(net, bld, bstart, bon, stamp, i, &seed, lot->piece, walk_m, out);
		for (t = 0; t < space->ntouched; t++)
		{
			uint32		u = space->touched[t],
						a;

			if (space->nsettled[u] == 0)
				continue;
			for (a = net->adj_start[u]; a < net->adj_start[u + 1]; a++)
				visit_piece(net, bld, bstart, bon, stamp, i, &seed, net->adj[a] >> 1, walk_m, out);
		}
	}
	pfree(bstart);
	pfree(bon);
	pfree(stamp);
}

static double
ms_since(instr_time start)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, start);
	return INSTR_TIME_GET_MILLISEC(now);
}

/*
 * cp._parking_allocate(network, buildings_sql, parking_sql, walk_m, max_snap_m)
 *   RETURNS TABLE (building_id, parking_id, distance_m, spaces)
 * buildings_sql returns id, geom, demand; parking_sql returns id, geom,
 * capacity. Rows without demand or capacity (NULL or 0), without geometry or
 * farther than max_snap_m from the network take no part. One row per pair
 * that shares spaces, in allocation order.
 */
Datum
cp_parking_allocate_sql(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *network = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *buildings_sql = text_to_cstring(PG_GETARG_TEXT_PP(1));
	char	   *parking_sql = text_to_cstring(PG_GETARG_TEXT_PP(2));
	double		walk_m = PG_GETARG_FLOAT8(3);
	double		max_snap = PG_GETARG_FLOAT8(4);
	CpNetwork  *net;
	SiteSet		bld,
				lots;
	PairList	pl;
	double	   *need;
	double	   *left;
	Size		i,
				served = 0;
	instr_time	start;

	if (!(walk_m > 0 && walk_m < INFINITY))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("walk_m must be a finite number of metres above zero"),
				 errdetail("The value given is %g.", walk_m)));
	if (!(max_snap >= 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_snap_m must be a non-negative number of metres")));
	INSTR_TIME_SET_CURRENT(start);
	net = cp_network_get(network);
	read_sites(&bld, net, buildings_sql, "buildings", "buildings", "building", "demand", max_snap);
	read_sites(&lots, net, parking_sql, "parking", "car parks", "car park", "capacity", max_snap);
	elog(DEBUG1, "parking: %d buildings and %d car parks read and snapped in %.0f ms",
		 bld.n, lots.n, ms_since(start));

	pl.cap = 1024;
	pl.n = 0;
	pl.pairs = palloc_extended(sizeof(Pair) * pl.cap, MCXT_ALLOC_HUGE);
	find_pairs(net, &bld, &lots, walk_m, &pl);
	elog(DEBUG1, "parking: %zu pairs within %g m found at %.0f ms", pl.n, walk_m, ms_since(start));
	qsort(pl.pairs, pl.n, sizeof(Pair), cmp_pair);
	elog(DEBUG1, "parking: pairs sorted at %.0f ms", ms_since(start));

	/* the greedy pass: nearest pair first, each takes what both still have */
	need = palloc_extended(sizeof(double) * Max(bld.n, 1), MCXT_ALLOC_HUGE);
	left = palloc_extended(sizeof(double) * Max(lots.n, 1), MCXT_ALLOC_HUGE);
	for (i = 0; i < (Size) bld.n; i++)
		need[i] = bld.sites[i].amount;
	for (i = 0; i < (Size) lots.n; i++)
		left[i] = lots.sites[i].amount;
	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < pl.n; i++)
	{
		const Pair *q = &pl.pairs[i];
		double		take = Min(need[q->b], left[q->p]);

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (take > 0)
		{
			Datum		values[4];
			bool		nulls[4] = {0};

			need[q->b] -= take;
			left[q->p] -= take;
			values[0] = Int64GetDatum(bld.sites[q->b].id);
			values[1] = Int64GetDatum(lots.sites[q->p].id);
			values[2] = Float8GetDatum(q->distance);
			values[3] = Float8GetDatum(take);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			served++;
		}
	}
	elog(DEBUG1, "parking: %zu pairs share spaces, allocated at %.0f ms", served, ms_since(start));
	return (Datum) 0;
}
