/*
 * parking.c: the walking-distance allocation of parking spaces to buildings.
 *
 * cp_parking_allocate serves the (building, car park) pairs within walk_m of
 * snapped buildings and car parks in one global greedy pass by (distance,
 * building id, car park id): each pair takes as many spaces as both its
 * building still needs and its car park still has. No space is counted
 * twice, and no building gets more than its demand (docs/parking.md).
 * cp._parking_eval (parking_eval.c) and cp._parking_allocate (here: buildings
 * as id, geom, demand and car parks as id, geom, capacity) call it.
 *
 * The pairs come from bounded searches from the car parks (one seed each, so
 * a search touches only the streets near it), never a search per building,
 * and the pass runs in distance bands so that pairs that could take nothing
 * (a full car park, a served building) are never made.
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include <math.h>

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/tuplestore.h"

#include "network.h"
#include "parking.h"
#include "query_reader.h"
#include "reach.h"
#include "units.h"

PG_FUNCTION_INFO_V1(cp_parking_allocate_sql);

typedef CpParkSite Site;

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
				 errdetail("The %s with id %lld has %s %g.", set->one, (long long) v[0].i, set->amount_name, v[2].f)));
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
			cp_duplicate_id_error(query, one, set->sites[i].id, NULL);
	if (set->no_geom > 0)
		ereport(NOTICE,
				(errmsg("%lld %s with NULL or empty geometry take no part in the allocation",
						(long long) set->no_geom, what)));
	if (set->unsnapped > 0)
		ereport(NOTICE,
				(errmsg("%lld %s lie more than %g m from the network and take no part in the allocation",
						(long long) set->unsnapped, what, max_snap)));
}

static inline int
cmp_pair(const Pair *x, const Pair *y)
{
	if (x->distance != y->distance)
		return x->distance < y->distance ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return x->p < y->p ? -1 : x->p > y->p;
}

/* an inlined comparator: the pair sort is a large share of the run */
#define ST_SORT sort_pairs
#define ST_ELEMENT_TYPE Pair
#define ST_COMPARE(a, b) cmp_pair(a, b)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* The state of one allocation: sites, what they still need or have, the band's pairs. */
typedef struct Allocation
{
	CpNetwork  *net;
	const Site *bld;
	int			nbld;
	const Site *lots;
	int			nlots;
	CpUnitsByPiece by_piece;	/* usable buildings by the piece they are snapped to */
	int32		lot;			/* the car park being searched */
	double	   *need;			/* per building: spaces still missing */
	double	   *left;			/* per car park: spaces still free */
	double		lo;				/* the band: lo < distance <= hi */
	double		hi;
	Pair	   *pairs;
	Size		npairs;
	Size		cap;
	Size		total_pairs;
	Size		searches;
	double		fixed_bytes;	/* per piece, building and car park arrays */
} Allocation;

static void
pair_add(Allocation *al, double distance, int32 b, int32 p)
{
	if (al->npairs == al->cap)
	{
		/* the band's pairs, and as many again while they are sorted */
		cp_check_call_memory("the parking allocation's candidate pairs",
							 4.0 * al->cap * sizeof(Pair) + al->fixed_bytes,
							 "Use a smaller walk_m, or fewer buildings and car parks per call, or raise community_planning.max_call_memory.");
		al->cap *= 2;
		al->pairs = repalloc_huge(al->pairs, sizeof(Pair) * al->cap);
	}
	al->pairs[al->npairs++] = (Pair) {distance, b, p};
}

/* A building already served is not paired again (its distance is not even read). */
static bool
building_served(int32 b, void *arg)
{
	const Allocation *al = arg;

	return !(al->need[b] > 0);
}

/* A building still short of spaces that walks to the car park being searched: a pair in the band. */
static void
building_reached(int32 b, double distance, void *arg)
{
	Allocation *al = arg;

	if (distance > al->lo)
		pair_add(al, distance, b, al->lot);
}

/*
 * The pairs of the band: one search per car park with spaces left, toward
 * the seed (building -> car park, as cp.nearest measures it), bounded by the
 * band's upper end; the buildings read their distance from the labels of the
 * ends of their piece (cp_search_reach_point), as cp.nearest's targets do.
 */
static void
find_band_pairs(Allocation *al)
{
	int			i;

	al->npairs = 0;
	for (i = 0; i < al->nlots; i++)
	{
		const Site *lot = &al->lots[i];
		CpSeed		seed;

		CHECK_FOR_INTERRUPTS();
		if (!(al->left[i] > 0))
			continue;
		seed = (CpSeed) {lot->piece, lot->fraction, 0};
		al->lot = i;
		al->searches++;
		cp_reach_units(&al->by_piece, &seed, al->hi, building_served, building_reached, al);
	}
	al->total_pairs += al->npairs;
}

/* Buildings by piece (CSR), so a search visits only the buildings on the pieces it reached. */
/* Usable buildings (demand left, snapped) in reach.c's index. */
static bool
place_building(int32 b, uint32 *piece, double *fraction, void *arg)
{
	const Allocation *al = arg;

	if (!al->bld[b].usable)
		return false;
	*piece = al->bld[b].piece;
	*fraction = al->bld[b].fraction;
	return true;
}

static void
index_buildings(Allocation *al)
{
	(void) cp_units_by_piece(&al->by_piece, al->net, al->nbld, place_building, al);
}

/*
 * Sort the band's pairs with interrupt checks: a distribution pass by
 * distance into buckets of about 64K pairs (the bucket is monotone in the
 * distance, so the buckets in order are the sorted order), then each bucket
 * on its own. A plain sort of tens of millions of pairs would run seconds
 * without a look at a cancel.
 */
static void
sort_band_pairs(Allocation *al)
{
	Size		n = al->npairs,
				nb,
				i,
				b;
	double		lo = INFINITY,
				hi = -INFINITY,
				scale;
	Size	   *start;
	Pair	   *sorted;

	if (n <= (1 << 17))
	{
		sort_pairs(al->pairs, n);
		return;
	}
	nb = n >> 16;
	for (i = 0; i < n; i++)
	{
		lo = Min(lo, al->pairs[i].distance);
		hi = Max(hi, al->pairs[i].distance);
	}
	scale = hi > lo ? (double) nb / (hi - lo) : 0;
	start = palloc0_array(Size, nb + 1);
#define BUCKET(d) (((d) - lo) * scale < (double) (nb - 1) ? (Size) (((d) - lo) * scale) : nb - 1)
	for (i = 0; i < n; i++)
	{
		if ((i & 0xfffff) == 0)
			CHECK_FOR_INTERRUPTS();
		start[BUCKET(al->pairs[i].distance) + 1]++;
	}
	for (b = 0; b < nb; b++)
		start[b + 1] += start[b];
	sorted = palloc_extended(sizeof(Pair) * n, MCXT_ALLOC_HUGE);
	for (i = 0; i < n; i++)
	{
		if ((i & 0xfffff) == 0)
			CHECK_FOR_INTERRUPTS();
		sorted[start[BUCKET(al->pairs[i].distance)]++] = al->pairs[i];
	}
#undef BUCKET
	/* start[b] is now the end of bucket b */
	for (b = 0; b < nb; b++)
	{
		Size		from = b == 0 ? 0 : start[b - 1];

		CHECK_FOR_INTERRUPTS();
		sort_pairs(sorted + from, start[b] - from);
	}
	pfree(al->pairs);
	pfree(start);
	al->pairs = sorted;
	al->cap = n;
}

void
cp_parking_check_walk(double walk_m, double max_snap)
{
	cp_parking_check_cutoff(walk_m, max_snap, false);
}

void
cp_parking_check_cutoff(double walk_m, double max_snap, bool by_time)
{
	if (by_time && !(walk_m >= CP_MIN_WALK_M && walk_m <= CP_MAX_WALK_M))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("walk_m in minutes must come to between %.15g and %.15g metres at the profile's pace",
						CP_MIN_WALK_M, CP_MAX_WALK_M),
				 errdetail("walk_m times the profile's metres per minute is %s.", float8out_internal(walk_m)),
				 errhint("At the walk profile's 83.3 metres per minute that is up to 1200 minutes.")));
	if (!(walk_m > 0 && walk_m < INFINITY))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("walk_m must be a finite number of metres above zero"),
				 errdetail("The value given is %s.", float8out_internal(walk_m))));
	cp_check_arg("walk_m", walk_m, CP_MIN_WALK_M, CP_MAX_WALK_M, "metres");
	if (!(max_snap >= 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_snap_m must be a non-negative number of metres")));
	cp_check_arg("max_snap_m", max_snap, 0, CP_MAX_SNAP_M, "metres");
}

void
cp_parking_allocate(CpNetwork *net, const CpParkSite *bld, int nbld, const CpParkSite *lots, int nlots,
					double walk_m, CpMetric metric, CpParkServeFn serve, void *arg)
{
	Allocation	al;
	int			b;
	Size		i,
				served = 0;
	instr_time	start;

	INSTR_TIME_SET_CURRENT(start);

	/*
	 * The global greedy pass, nearest pair first, run in distance bands
	 * (walk_m / 16, / 8, ... walk_m): every pair of a band comes after every
	 * pair of the bands before it, so serving band after band is the one
	 * global pass. A band searches only from car parks with spaces left and
	 * keeps only buildings still short: the pairs the global pass would give
	 * nothing are never made (in a dense city most car parks are full within
	 * the first bands).
	 */
	memset(&al, 0, sizeof(al));
	al.net = net;
	al.bld = bld;
	al.nbld = nbld;
	al.lots = lots;
	al.nlots = nlots;
	al.fixed_bytes = 2.0 * sizeof(uint32) * net->npieces + (sizeof(int32) + sizeof(double)) * nbld +
		sizeof(double) * nlots;
	cp_check_call_memory("the parking allocation", al.fixed_bytes + sizeof(Pair) * 1024.0,
						 "Use fewer buildings and car parks per call, or raise community_planning.max_call_memory.");
	index_buildings(&al);
	al.by_piece.metric = metric;	/* set after cp_units_by_piece, which starts at metres */
	al.need = palloc_extended(sizeof(double) * Max(nbld, 1), MCXT_ALLOC_HUGE);
	al.left = palloc_extended(sizeof(double) * Max(nlots, 1), MCXT_ALLOC_HUGE);
	for (b = 0; b < nbld; b++)
		al.need[b] = bld[b].usable ? bld[b].amount : 0;
	for (b = 0; b < nlots; b++)
		al.left[b] = lots[b].usable ? lots[b].amount : 0;
	al.cap = 1024;
	al.pairs = palloc_extended(sizeof(Pair) * al.cap, MCXT_ALLOC_HUGE);
	al.lo = -1;
	al.hi = walk_m / 16;
	for (;;)
	{
		bool		any_short = false,
					any_open = false;

		CHECK_FOR_INTERRUPTS();
		/* nothing more to serve once every building is served or every car park full */
		for (b = 0; b < nbld && !any_short; b++)
			any_short = al.need[b] > 0;
		for (b = 0; b < nlots && !any_open; b++)
			any_open = al.left[b] > 0;
		if (!any_short || !any_open)
			break;
		find_band_pairs(&al);
		sort_band_pairs(&al);
		for (i = 0; i < al.npairs; i++)
		{
			const Pair *q = &al.pairs[i];
			double		take = Min(al.need[q->b], al.left[q->p]);

			if ((i & 0xfff) == 0)
				CHECK_FOR_INTERRUPTS();
			if (take > 0)
			{
				al.need[q->b] -= take;
				al.left[q->p] -= take;
				serve(q->b, q->p, q->distance, take, arg);
				served++;
			}
		}
		elog(DEBUG1, "parking: band up to %g m: %zu pairs, %zu served so far, at %.0f ms",
			 al.hi, al.npairs, served, cp_ms_since(start));
		if (al.hi >= walk_m)
			break;
		al.lo = al.hi;
		/* the band always grows (walk_m's range keeps walk_m / 16 a normal number) */
		al.hi = al.hi * 2 > al.hi ? Min(al.hi * 2, walk_m) : walk_m;
	}
	elog(DEBUG1, "parking: %zu searches, %zu pairs made", al.searches, al.total_pairs);
	elog(DEBUG1, "parking: %zu pairs share spaces, allocated in %.0f ms", served, cp_ms_since(start));
	cp_units_by_piece_free(&al.by_piece);
	pfree(al.need);
	pfree(al.left);
	pfree(al.pairs);
}

typedef struct AllocateOut
{
	ReturnSetInfo *rsinfo;
	const SiteSet *bld;
	const SiteSet *lots;
} AllocateOut;

static void
put_pair(int32 b, int32 p, double distance_m, double spaces, void *arg)
{
	AllocateOut *out = arg;
	Datum		values[4];
	bool		nulls[4] = {0};

	values[0] = Int64GetDatum(out->bld->sites[b].id);
	values[1] = Int64GetDatum(out->lots->sites[p].id);
	values[2] = Float8GetDatum(distance_m);
	values[3] = Float8GetDatum(spaces);
	tuplestore_putvalues(out->rsinfo->setResult, out->rsinfo->setDesc, values, nulls);
}

/*
 * cp._parking_allocate(network, buildings_sql, parking_sql, walk_m, max_snap_m)
 *   RETURNS TABLE (building_id, parking_id, distance_m, spaces)
 * buildings_sql returns id, geom, demand; parking_sql returns id, geom,
 * capacity. Rows without demand or capacity (NULL or 0), without geometry or
 * farther than max_snap_m from the network take no part. One row per pair
 * that shares spaces, in allocation order. (The public functions use
 * cp._parking_eval, parking_eval.c; this one stays for 0.1.0's callers.)
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
	AllocateOut out;
	instr_time	start;

	cp_parking_check_walk(walk_m, max_snap);
	INSTR_TIME_SET_CURRENT(start);
	net = cp_network_get(network);
	read_sites(&bld, net, buildings_sql, "buildings", "buildings", "building", "demand", max_snap);
	read_sites(&lots, net, parking_sql, "parking", "car parks", "car park", "capacity", max_snap);
	elog(DEBUG1, "parking: %d buildings and %d car parks read and snapped in %.0f ms",
		 bld.n, lots.n, cp_ms_since(start));
	InitMaterializedSRF(fcinfo, 0);
	out.rsinfo = rsinfo;
	out.bld = &bld;
	out.lots = &lots;
	cp_parking_allocate(net, bld.sites, bld.n, lots.sites, lots.n, walk_m, CP_METRIC_DISTANCE, put_pair, &out);
	return (Datum) 0;
}
