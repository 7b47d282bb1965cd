/*
 * network_sql.c: SQL-callable functions of the walking network engine.
 * The public API in schema cp is thin SQL over these (sql/parts/10_network.sql).
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include <math.h>

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "ewkb.h"
#include "network.h"
#include "query_reader.h"
#include "portability/instr_time.h"

PG_FUNCTION_INFO_V1(cp_network_compile_sql);
PG_FUNCTION_INFO_V1(cp_network_summary_sql);
PG_FUNCTION_INFO_V1(cp_network_edges_sql);
PG_FUNCTION_INFO_V1(cp_snap_sql);
PG_FUNCTION_INFO_V1(cp_nearest_sql);
PG_FUNCTION_INFO_V1(cp_walk_sql);

Datum
cp_network_compile_sql(PG_FUNCTION_ARGS)
{
	char	   *sql = text_to_cstring(PG_GETARG_TEXT_PP(0));
	double		tolerance = PG_GETARG_FLOAT8(1);

	PG_RETURN_BYTEA_P(cp_network_compile(sql, tolerance));
}

/* Summary of a compiled blob, for the catalog row. */
Datum
cp_network_summary_sql(PG_FUNCTION_ARGS)
{
	bytea	   *blob = PG_GETARG_BYTEA_P(0);
	CpNetwork	net;
	TupleDesc	desc;
	Datum		values[11];
	bool		nulls[11] = {0};

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	memset(&net, 0, sizeof(net));
	cp_network_map(&net, blob);
	values[0] = Int32GetDatum(net.hdr->srid);
	values[1] = Int32GetDatum(net.hdr->source_srid);
	values[2] = Int64GetDatum(net.hdr->nnodes);
	values[3] = Int64GetDatum(net.hdr->npieces);
	values[4] = Int64GetDatum(net.hdr->ninput_edges);
	values[5] = Int32GetDatum(net.hdr->ncomponents);
	values[6] = Float8GetDatum(net.hdr->largest_share);
	values[7] = Float8GetDatum(net.hdr->total_length_m);
	values[8] = Int64GetDatum(VARSIZE_ANY(blob));
	values[9] = BoolGetDatum((net.hdr->flags & CP_NET_HAS_Z) != 0);
	values[10] = Int64GetDatum((int64) net.hdr->nverts * 2 * sizeof(double));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

static char *
network_name_arg(FunctionCallInfo fcinfo, int n)
{
	return text_to_cstring(PG_GETARG_TEXT_PP(n));
}

static int64
node_out(const CpNetwork *net, uint32 node)
{
	return net->node_id ? net->node_id[node] : (int64) node + 1;
}

/* Every piece: (edge_id, part, piece, source, target, length_m, cost, reverse_cost, component, geom) */
Datum
cp_network_edges_sql(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CpNetwork  *net = cp_network_get(network_name_arg(fcinfo, 0));
	uint32		p;

	InitMaterializedSRF(fcinfo, 0);
	for (p = 0; p < net->npieces; p++)
	{
		Datum		values[10];
		bool		nulls[10] = {0};
		uint32		v0 = net->vert_start[p],
					n = net->vert_start[p + 1] - v0;

		if ((p & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = Int64GetDatum(net->edge_id[p]);
		values[1] = Int32GetDatum(net->part[p]);
		values[2] = Int64GetDatum((int64) p + 1);
		values[3] = Int64GetDatum(node_out(net, net->source[p]));
		values[4] = Int64GetDatum(node_out(net, net->target[p]));
		values[5] = Float8GetDatum(net->length[p]);
		values[6] = Float8GetDatum(net->cost_fwd[p] < 0 ? -1.0 : net->cost_fwd[p]);
		values[7] = Float8GetDatum(net->cost_bwd[p] < 0 ? -1.0 : net->cost_bwd[p]);
		values[8] = Int32GetDatum(net->component[p]);
		values[9] = PointerGetDatum(cp_ewkb_linestring(n, net->vx + v0, net->vy + v0, net->hdr->srid));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

static void
check_max_snap(double max_snap)
{
	if (isnan(max_snap) || max_snap < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_snap_m must be a non-negative number of metres")));
	cp_check_arg("max_snap_m", max_snap, 0, CP_MAX_SNAP_M, "metres");
}

static void
check_speed(double speed)
{
	if (!(speed > 0) || isinf(speed))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("walking speed must be a positive number")));
	cp_check_arg("walking speed", speed, CP_MIN_SPEED, CP_MAX_SPEED, "metres per minute");
}

/* Nearest point on the nearest piece; no row beyond max_snap_m. */
Datum
cp_snap_sql(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CpNetwork  *net = cp_network_get(network_name_arg(fcinfo, 0));
	bytea	   *wkb = cp_geometry_arg(fcinfo, 1);
	double		max_snap = PG_GETARG_FLOAT8(2);
	double		x,
				y;
	CpSnap		s;

	check_max_snap(max_snap);
	InitMaterializedSRF(fcinfo, 0);
	if (!cp_geom_to_network_point(net, (const uint8 *) VARDATA_ANY(wkb), VARSIZE_ANY_EXHDR(wkb), &x, &y))
		return (Datum) 0;
	s = cp_snap_point(net, x, y, max_snap);
	if (s.found)
	{
		Datum		values[7];
		bool		nulls[7] = {0};

		values[0] = Int64GetDatum(net->edge_id[s.piece]);
		values[1] = Float8GetDatum(cp_snap_edge_fraction(net, &s));
		values[2] = Float8GetDatum(s.distance);
		values[3] = PointerGetDatum(cp_ewkb_point(s.x, s.y, net->hdr->srid));
		values[4] = Int32GetDatum(net->part[s.piece]);
		values[5] = Int64GetDatum((int64) s.piece + 1);
		values[6] = Float8GetDatum(s.fraction);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * Points read from an (id, geom) query and snapped onto the network. The
 * snaps are kept in the snapping grid's order (cp_snap_order): snapping and
 * reading the search's labels then walk memory in sequence, not at random.
 */
typedef struct SnappedSet
{
	CpNetwork  *net;
	double		max_snap;
	int			n;				/* rows kept, in input order */
	int			cap;
	int64	   *id;
	bool	   *missing;		/* no point (kept rows of targets) */
	double	   *x;				/* while reading: the point in the network's CRS */
	double	   *y;
	uint32		m;				/* placed points */
	uint32	   *order;			/* [m]: input index of the j-th placed point */
	uint32	   *rank;			/* [n]: j of an input row, SET_NO_POINT when missing */
	CpSnap	   *snap;			/* [m], in grid order */
	bool		keep_missing;	/* targets: a row without geometry still gets an answer */
	int64		null_geoms;
	int64		empty_geoms;
	int64		unsnapped;
} SnappedSet;

#define SET_NO_POINT PG_UINT32_MAX

/* How far ahead a loop gathering from random places asks for its data. */
#define PREFETCH_AHEAD 16

static void
grow_set(SnappedSet *set)
{
	if (set->n == set->cap)
	{
		set->cap *= 2;
		set->id = repalloc_huge(set->id, sizeof(int64) * set->cap);
		set->x = repalloc_huge(set->x, sizeof(double) * set->cap);
		set->y = repalloc_huge(set->y, sizeof(double) * set->cap);
		set->missing = repalloc_huge(set->missing, sizeof(bool) * set->cap);
	}
}

/* A row that cannot be placed: kept (unsnapped) for targets, skipped for origins. */
static void
missing_row(SnappedSet *set, int64 id)
{
	if (!set->keep_missing)
		return;
	grow_set(set);
	set->id[set->n] = id;
	set->missing[set->n] = true;
	set->n++;
}

/* Rows are only read here; they are snapped together afterwards (snap_set). */
static void
read_point_row(const CpRowValue *v, void *arg)
{
	SnappedSet *set = arg;

	if (v[0].isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("a row has a NULL id"),
				 errhint("Every origin and target needs an id.")));
	if (v[1].isnull)
	{
		set->null_geoms++;
		missing_row(set, v[0].i);
		return;
	}
	grow_set(set);
	if (!cp_geom_to_network_point(set->net, v[1].wkb, v[1].wkb_len, &set->x[set->n], &set->y[set->n]))
	{
		set->empty_geoms++;
		missing_row(set, v[0].i);
		return;
	}
	set->id[set->n] = v[0].i;
	set->missing[set->n] = false;
	set->n++;
}

/* Snap every placed point, in grid order; missing rows get no snap. */
static void
snap_set(SnappedSet *set)
{
	double	   *xs,
			   *ys;
	uint32		i,
				j;

	set->order = cp_snap_order(set->net, set->x, set->y, set->missing, set->n, &set->m);
	set->rank = palloc_extended(sizeof(uint32) * Max(set->n, 1), MCXT_ALLOC_HUGE);
	for (i = 0; i < set->n; i++)
		set->rank[i] = SET_NO_POINT;
	/* gathered first, so the snapping loop reads its input in sequence */
	xs = palloc_extended(sizeof(double) * Max(set->m, 1), MCXT_ALLOC_HUGE);
	ys = palloc_extended(sizeof(double) * Max(set->m, 1), MCXT_ALLOC_HUGE);
	for (j = 0; j < set->m; j++)
	{
		/* random reads: ask for them early (PREFETCH_AHEAD points ahead) */
		if (j + PREFETCH_AHEAD < set->m)
		{
			__builtin_prefetch(&set->x[set->order[j + PREFETCH_AHEAD]]);
			__builtin_prefetch(&set->y[set->order[j + PREFETCH_AHEAD]]);
		}
		set->rank[set->order[j]] = j;
		xs[j] = set->x[set->order[j]];
		ys[j] = set->y[set->order[j]];
	}
	pfree(set->x);
	pfree(set->y);
	set->x = set->y = NULL;
	set->snap = palloc_extended(sizeof(CpSnap) * Max(set->m, 1), MCXT_ALLOC_HUGE);
	for (j = 0; j < set->m; j++)
	{
		if ((j & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		set->snap[j] = cp_snap_point(set->net, xs[j], ys[j], set->max_snap);
		if (!set->snap[j].found)
			set->unsnapped++;
	}
	pfree(xs);
	pfree(ys);
}

static void
read_points(SnappedSet *set, CpNetwork *net, const char *sql, const char *what, double max_snap,
			bool keep_missing)
{
	CpColumn	cols[2] = {{"id", CP_COL_INT8, true}, {"geom", CP_COL_GEOMETRY, true}};
	instr_time	start;
	double		read_ms;

	memset(set, 0, sizeof(*set));
	set->net = net;
	set->max_snap = max_snap;
	set->cap = 256;
	set->id = palloc(sizeof(int64) * set->cap);
	set->x = palloc(sizeof(double) * set->cap);
	set->y = palloc(sizeof(double) * set->cap);
	set->missing = palloc(sizeof(bool) * set->cap);
	set->keep_missing = keep_missing;
	INSTR_TIME_SET_CURRENT(start);
	cp_read_query(sql, what, cols, 2, read_point_row, set);
	read_ms = cp_ms_since(start);
	snap_set(set);
	elog(DEBUG1, "%s: %d rows read in %.1f ms, snapped in %.1f ms", what, set->n, read_ms,
		 cp_ms_since(start) - read_ms);
	if (set->null_geoms + set->empty_geoms > 0)
		ereport(NOTICE,
				(errmsg("%s %lld %s with NULL or empty geometry",
						keep_missing ? "no answer for" : "skipped",
						(long long) (set->null_geoms + set->empty_geoms), what)));
	if (set->unsnapped > 0)
		ereport(NOTICE,
				(errmsg("%lld %s lie more than %g m from the network", (long long) set->unsnapped, what, max_snap)));
}

static int
cmp_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a,
				y = *(const int64 *) b;

	return x < y ? -1 : x > y;
}

/* Each target gets its own rows: a repeated id would give it two sets of answers. */
static void
check_unique_ids(const SnappedSet *set, const char *query)
{
	int64	   *ids;
	int			i;

	if (set->n < 2)
		return;
	ids = palloc_extended(sizeof(int64) * set->n, MCXT_ALLOC_HUGE);
	memcpy(ids, set->id, sizeof(int64) * set->n);
	CHECK_FOR_INTERRUPTS();
	qsort(ids, set->n, sizeof(int64), cmp_int64);
	for (i = 1; i < set->n; i++)
		if (ids[i] == ids[i - 1])
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("%s query returned duplicate ids", query),
					 errdetail("The id %lld appears more than once.", (long long) ids[i]),
					 errhint("Each target needs its own id (SELECT DISTINCT ON (id) ..., or number the rows).")));
	pfree(ids);
}

static CpMetric
metric_arg(bool by_time)
{
	return by_time ? CP_METRIC_TIME : CP_METRIC_DISTANCE;
}

/* Reaches of all targets at once up to this size (k = 1: 1.4 million targets) */
#define NEAREST_REACH_BATCH_BYTES (32.0 * 1024 * 1024)

/* Reaches of one snapped target (none when it lies too far from the network). */
static int
reach_of(const CpNetwork *net, const CpSeed *seeds, int nseeds, const CpSnap *snap, int k,
		 double bound, CpMetric metric, CpReach *out)
{
	if (!snap->found)
		return 0;
	return cp_search_reach_point(net, seeds, nseeds, snap->piece, snap->fraction, k, bound,
								 metric, true, out);
}

/* The rows of one target: its reaches in rank order, or one row of NULLs. */
static void
emit_target(ReturnSetInfo *rsinfo, int64 id, const SnappedSet *origins, const CpReach *reach,
			int n, bool by_time, double speed)
{
	Datum		values[5];
	bool		nulls[5] = {0};
	int			r;

	values[0] = Int64GetDatum(id);
	if (n == 0)
	{
		nulls[1] = nulls[2] = nulls[3] = nulls[4] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		return;
	}
	for (r = 0; r < n; r++)
	{
		double		dist = by_time ? reach[r].secondary : reach[r].primary;
		double		time = by_time ? reach[r].primary : reach[r].secondary;

		values[1] = Int64GetDatum(origins->id[reach[r].origin]);
		values[2] = Int32GetDatum(r + 1);
		values[3] = Float8GetDatum(dist);
		values[4] = Float8GetDatum(time / speed);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

/*
 * cp._nearest(network, origins_sql, targets_sql, max_cost, k, speed_m_per_min,
 *             by_time, max_snap_m): k nearest origins of every target.
 */
Datum
cp_nearest_sql(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CpNetwork  *net = cp_network_get(network_name_arg(fcinfo, 0));
	char	   *origins_sql = text_to_cstring(PG_GETARG_TEXT_PP(1));
	char	   *targets_sql = text_to_cstring(PG_GETARG_TEXT_PP(2));
	double		max_cost = PG_GETARG_FLOAT8(3);
	int32		k = PG_GETARG_INT32(4);
	double		speed = PG_GETARG_FLOAT8(5);	/* metres per minute */
	bool		by_time = PG_GETARG_BOOL(6);
	double		max_snap = PG_GETARG_FLOAT8(7);
	CpMetric	metric = metric_arg(by_time);
	double		bound;
	SnappedSet	origins,
				targets;
	CpSeed	   *seeds;
	CpReach    *reach;
	int		   *nreach = NULL;
	bool		batch;
	instr_time	start;
	double		inputs_ms,
				search_ms;
	int			nseeds = 0,
				i;
	uint32		j;

	if (isnan(max_cost) || max_cost < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_cost must be a non-negative number"),
				 errdetail("It is metres, or minutes with unit => 'min'.")));
	if (max_cost > CP_MAX_DISTANCE_M)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_cost must be at most %.15g", CP_MAX_DISTANCE_M),
				 errdetail("The value given is %g (metres, or minutes with unit => 'min').", max_cost)));
	if (k < 1 || k > 1000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be between 1 and 1000")));
	check_max_snap(max_snap);
	check_speed(speed);
	/* time weights are metres at flat walking pace, so minutes become metres */
	bound = by_time ? max_cost * speed : max_cost;

	INSTR_TIME_SET_CURRENT(start);
	read_points(&origins, net, origins_sql, "origins", max_snap, false);
	read_points(&targets, net, targets_sql, "targets", max_snap, true);
	inputs_ms = cp_ms_since(start);
	check_unique_ids(&targets, "targets");

	seeds = palloc_extended(sizeof(CpSeed) * Max(origins.m, 1), MCXT_ALLOC_HUGE);
	/* a seed's origin is the input index: ties go to the earlier origin, as always */
	for (j = 0; j < origins.m; j++)
		if (origins.snap[j].found)
			seeds[nseeds++] = (CpSeed) {origins.snap[j].piece, origins.snap[j].fraction,
										(int32) origins.order[j]};
	cp_seeds_sort(seeds, nseeds);
	cp_search(net, seeds, nseeds, k, bound, metric, true, NULL, 0);
	search_ms = cp_ms_since(start) - inputs_ms;

	InitMaterializedSRF(fcinfo, 0);
	/* all reaches first, in grid order, when they fit in a modest array */
	batch = (double) Max(targets.m, 1) * k * sizeof(CpReach) <= NEAREST_REACH_BATCH_BYTES;
	if (batch)
	{
		reach = palloc_extended(sizeof(CpReach) * Max(targets.m, 1) * k, MCXT_ALLOC_HUGE);
		nreach = palloc_extended(sizeof(int) * Max(targets.m, 1), MCXT_ALLOC_HUGE);
		for (j = 0; j < targets.m; j++)
		{
			if ((j & 0xfff) == 0)
				CHECK_FOR_INTERRUPTS();
			nreach[j] = reach_of(net, seeds, nseeds, &targets.snap[j], k, bound, metric,
								 &reach[(Size) j * k]);
		}
	}
	else
		reach = palloc(sizeof(CpReach) * k);
	for (i = 0; i < targets.n; i++)
	{
		uint32		t = targets.rank[i];
		const CpReach *r = reach;
		int			n = 0;

		CHECK_FOR_INTERRUPTS();	/* a target emits up to k rows */
		if (batch && i + PREFETCH_AHEAD < targets.n &&
			targets.rank[i + PREFETCH_AHEAD] != SET_NO_POINT)
			__builtin_prefetch(&reach[(Size) targets.rank[i + PREFETCH_AHEAD] * k]);
		if (t != SET_NO_POINT && batch)
		{
			r = &reach[(Size) t * k];
			n = nreach[t];
		}
		else if (t != SET_NO_POINT)
			n = reach_of(net, seeds, nseeds, &targets.snap[t], k, bound, metric, reach);
		emit_target(rsinfo, targets.id[i], &origins, r, n, by_time, speed);
	}
	cp_search_trim(net);
	elog(DEBUG1, "cp.nearest: inputs %.1f ms, search %.1f ms, reach and rows %.1f ms",
		 inputs_ms, search_ms, cp_ms_since(start) - inputs_ms - search_ms);
	return (Datum) 0;
}

/*
 * cp._walk(network, a, b, speed_m_per_min, by_time, max_snap_m): shortest walk
 * from a to b; metres, or minutes when by_time. NULL when unreachable.
 */
Datum
cp_walk_sql(PG_FUNCTION_ARGS)
{
	CpNetwork  *net = cp_network_get(network_name_arg(fcinfo, 0));
	bytea	   *a = cp_geometry_arg(fcinfo, 1);
	bytea	   *b = cp_geometry_arg(fcinfo, 2);
	double		speed = PG_GETARG_FLOAT8(3);
	bool		by_time = PG_GETARG_BOOL(4);
	double		max_snap = PG_GETARG_FLOAT8(5);
	double		ax,
				ay,
				bx,
				by;
	CpSnap		sa,
				sb;
	CpSeed		seed;
	CpReach		reach;

	check_max_snap(max_snap);
	check_speed(speed);
	if (!cp_geom_to_network_point(net, (const uint8 *) VARDATA_ANY(a), VARSIZE_ANY_EXHDR(a), &ax, &ay) ||
		!cp_geom_to_network_point(net, (const uint8 *) VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), &bx, &by))
		PG_RETURN_NULL();
	sa = cp_snap_point(net, ax, ay, max_snap);
	sb = cp_snap_point(net, bx, by, max_snap);
	if (!sa.found || !sb.found)
		PG_RETURN_NULL();
	/* search from a outward; b reads its reach from the labels */
	seed = (CpSeed) {sa.piece, sa.fraction, 0};
	{
		uint32		ends[2] = {net->source[sb.piece], net->target[sb.piece]};

		cp_search(net, &seed, 1, 1, INFINITY, metric_arg(by_time), false, ends, 2);
	}
	if (cp_search_reach_point(net, &seed, 1, sb.piece, sb.fraction, 1, INFINITY,
							  metric_arg(by_time), false, &reach) == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(by_time ? reach.primary / speed : reach.primary);
}
