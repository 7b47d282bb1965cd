/*
 * sites.c: site suggestions (issue 17): choose n of a district's candidate
 * sites that best serve one category's target group, on foot (docs/sites.md).
 *
 * Objectives, over the target group's people w_i of resident unit i, the
 * existing facilities E of the category and the chosen set S:
 *
 *   coverage      F(S) = sum_i w_i [some facility of E u S within the cut-off]
 *                 (maximal covering; gain = people newly covered)
 *   p_median      T(S) = sum_i w_i min(P, d_i(E u S)), d_i the walk to the
 *                 nearest facility, P the penalty walk (the cut-off unless
 *                 given): people beyond P count at P; gain = T's reduction
 *   capacity_gap  G(S) = sum_i max(0, D_i - w_i A_i(E u S)), D_i = w_i per_1000
 *                 / 1000 the places unit i needs, A_i = sum_j R_j the places per
 *                 person within the cut-off of i, R_j = S_j / sum_k w_k over the
 *                 people within the cut-off of facility j (the step 2SFCA of
 *                 supply.c); gain = G's reduction (the gap closed)
 *
 * All three gains are monotone submodular set functions of S, so greedy is
 * within 1 - 1/e of the optimum (Nemhauser, Wolsey & Fisher 1978) and a
 * candidate's gain from an earlier round bounds its gain now: CELF (Leskovec
 * et al. 2007) re-evaluates only the candidate on top of a heap ordered by
 * (bound desc, id asc) until the top is fresh. capacity_gap is submodular
 * because 2SFCA's R_j of a new facility does not depend on the other
 * facilities: the gap closed is sum_i min(max(0, D_i - a_i(E)), a_i(S)) with
 * a_i additive in S, a concave function of a modular one. Should a
 * re-evaluated gain ever exceed its bound (it cannot, up to rounding), the
 * remaining rounds evaluate every candidate exactly (no laziness).
 *
 * The walks: one bounded search per candidate toward it (resident ->
 * candidate, as cp.nearest and supply.c measure), through reach.c's units by
 * piece, computed once; the (resident, walk) pairs are kept for the rounds.
 * The existing facilities are searched the same way once. Each caller query
 * is read once (units.c for residents and facilities, query_reader.c for the
 * candidates: id, geom, optional capacity).
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
#include "utils/tuplestore.h"

#include "network.h"
#include "query_reader.h"
#include "reach.h"
#include "units.h"

PG_FUNCTION_INFO_V1(cp_suggest_sites_sql);

/* Cut-offs are compared with a millimetre of slack, as coverage.c and supply.c. */
#define SITES_SLACK_M 0.001

typedef enum Objective
{
	OBJ_COVERAGE,
	OBJ_CAPACITY_GAP,
	OBJ_P_MEDIAN
} Objective;

/* Candidates as read: id, representative point, capacity, geometry as given. */
typedef struct Candidates
{
	int			n;
	int			cap;
	int64	   *id;
	bool	   *placed;
	double	   *x;
	double	   *y;
	double	   *capacity;		/* NaN: none given */
	bytea	  **geom;
	bool		has_capacity;
	MemoryContext keep;
	int32		srid;
} Candidates;

typedef struct Sites
{
	CpNetwork  *net;
	Objective	obj;
	double		cutoff;			/* metres (or slope-weighted metres) */
	double		in_reach;		/* cutoff + slack */
	double		bound;			/* the search bound */
	double		penalty;		/* p_median */
	double		rate;			/* capacity_gap: places per person of the group */
	/* residents */
	CpUnits    *res;
	double	   *w;				/* target-group people */
	CpSnap	   *rsnap;
	CpUnitsByPiece ix;
	bool	   *covered;
	double	   *dist;			/* p_median: min(penalty, nearest walk) */
	double	   *need;			/* capacity_gap: D_i - supply so far (may be negative) */
	/* one search's pairs */
	int32	   *buf_i;
	double	   *buf_d;
	int			nbuf;
	int			bufcap;
	/* candidates' pairs (CSR) */
	Size	   *pstart;
	int32	   *pres;
	double	   *pdist;
	Size		npairs;
	Size		paircap;
	double		base_bytes;
	double	   *ratio;			/* capacity_gap: R_c */
} Sites;

static int
cmp_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a,
				y = *(const int64 *) b;

	return x < y ? -1 : x > y ? 1 : 0;
}

static Objective
parse_objective(const char *name)
{
	if (strcmp(name, "coverage") == 0)
		return OBJ_COVERAGE;
	if (strcmp(name, "capacity_gap") == 0)
		return OBJ_CAPACITY_GAP;
	if (strcmp(name, "p_median") == 0)
		return OBJ_P_MEDIAN;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown objective \"%s\"", name),
			 errhint("Use 'coverage', 'capacity_gap' or 'p_median'.")));
	return OBJ_COVERAGE;		/* not reached */
}

/* Candidates ---------------------------------------------------------------- */

static void
read_candidate_row(const CpRowValue *v, void *arg)
{
	Candidates *c = arg;
	int			i;

	if (v[0].isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("a candidate site has a NULL id"),
				 errhint("Every candidate site needs an id.")));
	if (c->has_capacity && !v[2].isnull && !(v[2].f >= 0 && !isinf(v[2].f)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("capacity must be a finite number, zero or more"),
				 errdetail("Candidate site %lld has capacity %g.", (long long) v[0].i, v[2].f),
				 errhint("NULL capacity takes the capacity argument.")));
	if (c->n == c->cap)
	{
		c->cap *= 2;
		c->id = repalloc_huge(c->id, sizeof(int64) * c->cap);
		c->placed = repalloc_huge(c->placed, sizeof(bool) * c->cap);
		c->x = repalloc_huge(c->x, sizeof(double) * c->cap);
		c->y = repalloc_huge(c->y, sizeof(double) * c->cap);
		c->capacity = repalloc_huge(c->capacity, sizeof(double) * c->cap);
		c->geom = repalloc_huge(c->geom, sizeof(bytea *) * c->cap);
	}
	i = c->n++;
	c->id[i] = v[0].i;
	c->capacity[i] = (c->has_capacity && !v[2].isnull) ? v[2].f : NAN;
	c->placed[i] = !v[1].isnull &&
		cp_geom_point_in_srid(v[1].wkb, v[1].wkb_len, c->srid, &c->x[i], &c->y[i]);
	c->geom[i] = NULL;
	if (!c->placed[i])
		c->x[i] = c->y[i] = 0;
	else
	{
		bytea	   *g = MemoryContextAlloc(c->keep, VARHDRSZ + v[1].wkb_len);

		SET_VARSIZE(g, VARHDRSZ + v[1].wkb_len);
		memcpy(VARDATA(g), v[1].wkb, v[1].wkb_len);
		c->geom[i] = g;
	}
}

static Candidates *
read_candidates(const char *sql, int32 srid)
{
	Candidates *c = palloc0(sizeof(Candidates));
	CpColumn	cols[3] = {{"id", CP_COL_INT8, true}, {"geom", CP_COL_GEOMETRY, true},
	{"capacity", CP_COL_FLOAT8, false}};
	int			i;

	c->cap = 256;
	c->srid = srid;
	c->keep = CurrentMemoryContext;
	c->has_capacity = true;
	c->id = palloc(sizeof(int64) * c->cap);
	c->placed = palloc(sizeof(bool) * c->cap);
	c->x = palloc(sizeof(double) * c->cap);
	c->y = palloc(sizeof(double) * c->cap);
	c->capacity = palloc(sizeof(double) * c->cap);
	c->geom = palloc(sizeof(bytea *) * c->cap);
	/* capacity is optional: the callback sees present only after the query is opened */
	cp_read_query(sql, "candidates", cols, 3, read_candidate_row, c);
	if (!cols[2].present)
		for (i = 0; i < c->n; i++)
			c->capacity[i] = NAN;
	c->has_capacity = cols[2].present;
	if (c->n > 1)
	{
		int64	   *sorted = palloc_extended(sizeof(int64) * c->n, MCXT_ALLOC_HUGE);
		memcpy(sorted, c->id, sizeof(int64) * c->n);
		qsort(sorted, c->n, sizeof(int64), cmp_int64);
		for (i = 1; i < c->n; i++)
			if (sorted[i] == sorted[i - 1])
				cp_duplicate_id_error("candidates", "candidate site", sorted[i],
									  "Every candidate site needs its own id.");
		pfree(sorted);
	}
	return c;
}

/* Searches -------------------------------------------------------------------- */

static bool
place_resident(int32 i, uint32 *piece, double *fraction, void *arg)
{
	const Sites *s = arg;

	if (!s->rsnap[i].found || !(s->w[i] > 0))
		return false;
	*piece = s->rsnap[i].piece;
	*fraction = s->rsnap[i].fraction;
	return true;
}

static void
resident_reached(int32 i, double distance, void *arg)
{
	Sites	   *s = arg;

	if (s->nbuf == s->bufcap)
	{
		s->bufcap *= 2;
		s->buf_i = repalloc_huge(s->buf_i, sizeof(int32) * s->bufcap);
		s->buf_d = repalloc_huge(s->buf_d, sizeof(double) * s->bufcap);
	}
	s->buf_i[s->nbuf] = i;
	s->buf_d[s->nbuf] = distance;
	s->nbuf++;
}

/* One bounded search toward the point: the resident units within the bound into the buffer. */
static void
search_point(Sites *s, const CpSnap *sn)
{
	CpSeed		seed;

	CHECK_FOR_INTERRUPTS();
	s->nbuf = 0;
	if (!sn->found)
		return;
	seed.piece = sn->piece;
	seed.fraction = sn->fraction;
	seed.origin = 0;
	cp_reach_units(&s->ix, &seed, s->bound, NULL, resident_reached, s);
}

/* The places per person R of a facility of amount cap whose pairs are buf_i/buf_d[0..n). */
static double
pairs_ratio(const Sites *s, const int32 *ri, const double *rd, Size n, double cap)
{
	double		denom = 0;
	Size		k;

	for (k = 0; k < n; k++)
		if (rd[k] <= s->in_reach)
			denom += s->w[ri[k]];
	return denom > 0 ? cap / denom : 0;
}

/* Apply a facility (existing or chosen) whose pairs are given to the state. */
static void
commit_pairs(Sites *s, const int32 *ri, const double *rd, Size n, double ratio)
{
	Size		k;

	for (k = 0; k < n; k++)
	{
		int32		i = ri[k];
		double		d = rd[k];

		if ((k & 0xffff) == 0xffff)
			CHECK_FOR_INTERRUPTS();
		if (d <= s->in_reach)
		{
			s->covered[i] = true;
			if (s->obj == OBJ_CAPACITY_GAP)
				s->need[i] -= s->w[i] * ratio;
		}
		if (s->obj == OBJ_P_MEDIAN && d < s->dist[i])
			s->dist[i] = d;
	}
}

/* The marginal gain of candidate c against the current state. */
static double
candidate_gain(const Sites *s, int c)
{
	Size		k,
				from = s->pstart[c],
				to = s->pstart[c + 1];
	double		g = 0;

	for (k = from; k < to; k++)
	{
		int32		i = s->pres[k];
		double		d = s->pdist[k];

		switch (s->obj)
		{
			case OBJ_COVERAGE:
				if (d <= s->in_reach && !s->covered[i])
					g += s->w[i];
				break;
			case OBJ_P_MEDIAN:
				if (d < s->dist[i])
					g += s->w[i] * (s->dist[i] - d);
				break;
			case OBJ_CAPACITY_GAP:
				if (d <= s->in_reach && s->need[i] > 0)
					g += Min(s->need[i], s->w[i] * s->ratio[c]);
				break;
		}
	}
	return g;
}

/* The objective's value of the current state (people covered, total walk, gap). */
static double
objective_value(const Sites *s)
{
	double		v = 0;
	int			i;

	for (i = 0; i < s->res->n; i++)
	{
		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		switch (s->obj)
		{
			case OBJ_COVERAGE:
				if (s->covered[i])
					v += s->w[i];
				break;
			case OBJ_P_MEDIAN:
				v += s->w[i] * s->dist[i];
				break;
			case OBJ_CAPACITY_GAP:
				if (s->need[i] > 0)
					v += s->need[i];
				break;
		}
	}
	return v;
}

static double
covered_people(const Sites *s)
{
	double		v = 0;
	int			i;

	for (i = 0; i < s->res->n; i++)
		if (s->covered[i])
			v += s->w[i];
	return v;
}

/* The CELF heap: candidates by (bound desc, id asc). */
typedef struct Heap
{
	int		   *c;
	int			n;
	const double *bound;
	const int64 *id;
} Heap;

static inline bool
heap_before(const Heap *h, int a, int b)
{
	if (h->bound[a] != h->bound[b])
		return h->bound[a] > h->bound[b];
	return h->id[a] < h->id[b];
}

static void
heap_down(Heap *h, int at)
{
	for (;;)
	{
		int			l = 2 * at + 1,
					r = l + 1,
					best = at,
					t;

		if (l < h->n && heap_before(h, h->c[l], h->c[best]))
			best = l;
		if (r < h->n && heap_before(h, h->c[r], h->c[best]))
			best = r;
		if (best == at)
			return;
		t = h->c[at];
		h->c[at] = h->c[best];
		h->c[best] = t;
		at = best;
	}
}

static void
heap_build(Heap *h)
{
	int			i;

	for (i = h->n / 2 - 1; i >= 0; i--)
		heap_down(h, i);
}

static void
pairs_append(Sites *s)
{
	int			k;

	if (s->npairs + s->nbuf > s->paircap)
	{
		while (s->npairs + s->nbuf > s->paircap)
			s->paircap *= 2;
		cp_check_call_memory("the walks from the candidate sites to the residents",
							 s->base_bytes + (double) s->paircap * (sizeof(int32) + sizeof(double)),
							 "Use fewer candidate sites or resident units per call (a district at a time), or raise community_planning.max_call_memory.");
		s->pres = repalloc_huge(s->pres, sizeof(int32) * s->paircap);
		s->pdist = repalloc_huge(s->pdist, sizeof(double) * s->paircap);
	}
	for (k = 0; k < s->nbuf; k++)
	{
		s->pres[s->npairs] = s->buf_i[k];
		s->pdist[s->npairs] = s->buf_d[k];
		s->npairs++;
	}
}

/*
 * cp._suggest_sites_run(network, residents_sql, candidates_sql, facilities_sql,
 *   category, n, objective, cutoff, by_time, group_column, share, known text[],
 *   quiet text[], min_floor_m2, min_site_m2, per_1000, capacity, penalty,
 *   max_snap_m)
 * Result: rank, candidate_id, gain, value, covered, target, geom (EWKB as given), estimated.
 */
Datum
cp_suggest_sites_sql(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	static const char *const argnames[] = {"network", "residents_sql", "candidates_sql", "facilities_sql",
		"category", "n", "objective", "cutoff", "by_time", "group_column", "share", "known", "quiet",
		"min_floor_m2", "min_site_m2", "per_1000", "capacity", "penalty", "max_snap_m"};
	Sites		s;
	Candidates *cand;
	CpFacilities *fac = NULL;
	char	   *residents_sql,
			   *candidates_sql,
			   *facilities_sql,
			   *category,
			   *group;
	char	  **known,
			  **quiet;
	int			nknown,
				nquiet,
				npick,
				i,
				c,
				round;
	double		share,
				min_floor,
				min_site,
				default_capacity = NAN,
				max_snap,
				total = 0;
	bool		by_time,
				estimated = false,
				lazy = true;
	CpFacilityOptions opt = {0};
	CpSnap	   *csnap;
	double	   *bound;
	int		   *stamp;
	bool	   *picked;
	Heap		h;
	int64		unsnapped_res = 0,
				unsnapped_cand = 0,
				unsnapped_fac = 0;

	for (i = 0; i < 19; i++)
		if (PG_ARGISNULL(i) && i != 3 && i != 15 && i != 16 && i != 17)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("argument %s of cp._suggest_sites_run must not be NULL", argnames[i])));
	memset(&s, 0, sizeof(s));
	residents_sql = text_to_cstring(PG_GETARG_TEXT_PP(1));
	candidates_sql = text_to_cstring(PG_GETARG_TEXT_PP(2));
	facilities_sql = PG_ARGISNULL(3) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(3));
	category = text_to_cstring(PG_GETARG_TEXT_PP(4));
	npick = PG_GETARG_INT32(5);
	s.obj = parse_objective(text_to_cstring(PG_GETARG_TEXT_PP(6)));
	s.cutoff = PG_GETARG_FLOAT8(7);
	by_time = PG_GETARG_BOOL(8);
	group = text_to_cstring(PG_GETARG_TEXT_PP(9));
	share = PG_GETARG_FLOAT8(10);
	known = cp_text_array_cstrings(PG_GETARG_ARRAYTYPE_P(11), "known", &nknown);
	quiet = cp_text_array_cstrings(PG_GETARG_ARRAYTYPE_P(12), "quiet", &nquiet);
	min_floor = PG_GETARG_FLOAT8(13);
	min_site = PG_GETARG_FLOAT8(14);
	max_snap = PG_GETARG_FLOAT8(18);

	if (npick < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n must be at least 1"),
				 errdetail("The value given is %d.", npick)));
	cp_check_arg("cutoff", s.cutoff, CP_MIN_CUTOFF, CP_MAX_DISTANCE_M, "metres");
	cp_check_arg("max_snap_m", max_snap, 0, CP_MAX_SNAP_M, "metres");
	if (!(share >= 0 && share <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("share of the target group must be between 0 and 1")));
	s.in_reach = s.cutoff + SITES_SLACK_M;
	s.bound = s.in_reach;
	s.penalty = s.cutoff;
	if (s.obj == OBJ_P_MEDIAN && !PG_ARGISNULL(17))
	{
		s.penalty = PG_GETARG_FLOAT8(17);
		cp_check_arg("penalty walk", s.penalty, CP_MIN_CUTOFF, CP_MAX_DISTANCE_M, "metres");
		s.bound = Max(s.in_reach, s.penalty + SITES_SLACK_M);
	}
	if (s.obj == OBJ_CAPACITY_GAP)
	{
		if (PG_ARGISNULL(15))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("objective capacity_gap needs the places per 1000 people of the target group"),
					 errhint("Pass per_1000 => ..., with its source.")));
		s.rate = PG_GETARG_FLOAT8(15);
		if (!(s.rate > 0 && !isinf(s.rate)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("per_1000 must be a finite number above zero")));
		s.rate /= 1000.0;
		if (!PG_ARGISNULL(16))
		{
			default_capacity = PG_GETARG_FLOAT8(16);
			if (!(default_capacity >= 0 && !isinf(default_capacity)))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("capacity must be a finite number, zero or more"),
						 errdetail("The value given is %g.", default_capacity)));
		}
	}

	s.net = cp_network_get(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	s.res = cp_units_read_residents_groups(residents_sql, s.net->hdr->srid, &group, 1);
	cand = read_candidates(candidates_sql, s.net->hdr->srid);
	if (facilities_sql)
	{
		opt.quiet = quiet;
		opt.nquiet = nquiet;
		if (s.obj == OBJ_CAPACITY_GAP)
		{
			opt.amount_column = "capacity";
			opt.amount_hint = "capacity is the places (beds, seats) a facility offers; a facility without it counts as 0.";
		}
		else
		{
			opt.min_floor = &min_floor;
			opt.min_site = &min_site;
		}
		fac = cp_units_read_facilities_opt(facilities_sql, s.net->hdr->srid, &category, 1, known, nknown, &opt);
	}
	if (npick > cand->n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n must not exceed the number of candidate sites"),
				 errdetail("n is %d, the candidates query returned %d.", npick, cand->n)));
	if (s.obj == OBJ_CAPACITY_GAP)
		for (c = 0; c < cand->n; c++)
		{
			if (isnan(cand->capacity[c]))
				cand->capacity[c] = default_capacity;
			if (isnan(cand->capacity[c]))
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("candidate site %lld has no capacity", (long long) cand->id[c]),
						 errhint("Give the candidates query a capacity column, or pass capacity => ... for those without one.")));
		}

	s.base_bytes = (double) s.res->n * (sizeof(CpSnap) + sizeof(int32) + 3 * sizeof(double) + sizeof(bool)) +
		(double) cand->n * (sizeof(CpSnap) + sizeof(Size) + 3 * sizeof(double) + 2 * sizeof(int)) +
		(double) s.net->npieces * 2 * sizeof(uint32);
	cp_check_call_memory(psprintf("site suggestions over %d resident units and %d candidate sites", s.res->n, cand->n),
						 s.base_bytes,
						 "Use fewer candidate sites or resident units per call (a district at a time), or raise community_planning.max_call_memory.");

	/* the target group's people per unit */
	{
		int			g = cp_units_group_index(s.res, group);

		s.w = palloc_extended(sizeof(double) * Max(s.res->n, 1), MCXT_ALLOC_HUGE);
		for (i = 0; i < s.res->n; i++)
		{
			s.w[i] = cp_units_weight(s.res, i, g, share, &estimated);
			total += s.w[i];
		}
	}
	/* snap and index the residents with people */
	{
		bool	   *skip = palloc_extended(sizeof(bool) * Max(s.res->n, 1), MCXT_ALLOC_HUGE);

		s.rsnap = palloc_extended(sizeof(CpSnap) * Max(s.res->n, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		for (i = 0; i < s.res->n; i++)
			skip[i] = !s.res->placed[i] || !(s.w[i] > 0);
		cp_snap_points(s.net, s.res->x, s.res->y, skip, s.res->n, max_snap, s.rsnap);
		for (i = 0; i < s.res->n; i++)
			if (!skip[i] && !s.rsnap[i].found)
				unsnapped_res++;
		pfree(skip);
		(void) cp_units_by_piece(&s.ix, s.net, s.res->n, place_resident, &s);
		s.ix.metric = by_time ? CP_METRIC_TIME : CP_METRIC_DISTANCE;
	}
	s.covered = palloc_extended(sizeof(bool) * Max(s.res->n, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	if (s.obj == OBJ_P_MEDIAN)
	{
		s.dist = palloc_extended(sizeof(double) * Max(s.res->n, 1), MCXT_ALLOC_HUGE);
		for (i = 0; i < s.res->n; i++)
			s.dist[i] = s.penalty;
	}
	if (s.obj == OBJ_CAPACITY_GAP)
	{
		s.need = palloc_extended(sizeof(double) * Max(s.res->n, 1), MCXT_ALLOC_HUGE);
		for (i = 0; i < s.res->n; i++)
			s.need[i] = s.w[i] * s.rate;
	}
	s.bufcap = 1024;
	s.buf_i = palloc_extended(sizeof(int32) * s.bufcap, MCXT_ALLOC_HUGE);
	s.buf_d = palloc_extended(sizeof(double) * s.bufcap, MCXT_ALLOC_HUGE);

	/* the existing facilities, each searched once and applied */
	if (fac)
		for (int f = 0; f < fac->n; f++)
		{
			CpSnap		sn;

			if ((f & 0xff) == 0)
				CHECK_FOR_INTERRUPTS();
			if (!fac->placed[f])
				continue;
			sn = cp_snap_point(s.net, fac->x[f], fac->y[f], max_snap);
			if (!sn.found)
			{
				unsnapped_fac++;
				continue;
			}
			search_point(&s, &sn);
			commit_pairs(&s, s.buf_i, s.buf_d, s.nbuf,
						 s.obj == OBJ_CAPACITY_GAP ? pairs_ratio(&s, s.buf_i, s.buf_d, s.nbuf, fac->amount[f]) : 0);
		}

	/* the candidates, each searched once; their pairs kept */
	csnap = palloc_extended(sizeof(CpSnap) * Max(cand->n, 1), MCXT_ALLOC_HUGE);
	s.pstart = palloc_extended(sizeof(Size) * (cand->n + 1), MCXT_ALLOC_HUGE);
	s.ratio = palloc_extended(sizeof(double) * Max(cand->n, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	s.paircap = 4096;
	s.pres = palloc_extended(sizeof(int32) * s.paircap, MCXT_ALLOC_HUGE);
	s.pdist = palloc_extended(sizeof(double) * s.paircap, MCXT_ALLOC_HUGE);
	for (c = 0; c < cand->n; c++)
	{
		csnap[c] = cand->placed[c] ? cp_snap_point(s.net, cand->x[c], cand->y[c], max_snap) : (CpSnap) {0};
		if (!csnap[c].found)
			unsnapped_cand++;
		s.pstart[c] = s.npairs;
		search_point(&s, &csnap[c]);
		pairs_append(&s);
		if (s.obj == OBJ_CAPACITY_GAP)
			s.ratio[c] = pairs_ratio(&s, s.pres + s.pstart[c], s.pdist + s.pstart[c],
									 s.npairs - s.pstart[c], cand->capacity[c]);
	}
	s.pstart[cand->n] = s.npairs;

	/* CELF: every candidate's gain against the existing facilities, then lazily */
	bound = palloc_extended(sizeof(double) * Max(cand->n, 1), MCXT_ALLOC_HUGE);
	stamp = palloc_extended(sizeof(int) * Max(cand->n, 1), MCXT_ALLOC_HUGE);
	picked = palloc_extended(sizeof(bool) * Max(cand->n, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	h.c = palloc_extended(sizeof(int) * Max(cand->n, 1), MCXT_ALLOC_HUGE);
	h.n = cand->n;
	h.bound = bound;
	h.id = cand->id;
	for (c = 0; c < cand->n; c++)
	{
		if ((c & 0xff) == 0)
			CHECK_FOR_INTERRUPTS();
		bound[c] = candidate_gain(&s, c);
		stamp[c] = 0;
		h.c[c] = c;
	}
	heap_build(&h);

	InitMaterializedSRF(fcinfo, 0);
	for (round = 0; round < npick; round++)
	{
		int			best;
		Datum		values[8];
		bool		nulls[8] = {false};
		int64		evaluated = 0;

		if (!lazy)
		{
			/* exact: every remaining candidate evaluated this round */
			for (i = 0; i < h.n; i++)
			{
				bound[h.c[i]] = candidate_gain(&s, h.c[i]);
				stamp[h.c[i]] = round;
			}
			heap_build(&h);
		}
		for (;;)
		{
			double		g;

			c = h.c[0];
			if (stamp[c] == round)
				break;
			CHECK_FOR_INTERRUPTS();
			g = candidate_gain(&s, c);
			evaluated++;
			if (g > bound[c] * (1 + 1e-9) + 1e-9)
			{
				/* a gain grew: not submodular here, so no laziness from now on */
				lazy = false;
				elog(DEBUG1, "sites: candidate %lld gained %g over its bound %g; exact rounds from here",
					 (long long) cand->id[c], g, bound[c]);
				for (i = 0; i < h.n; i++)
				{
					bound[h.c[i]] = candidate_gain(&s, h.c[i]);
					stamp[h.c[i]] = round;
				}
				heap_build(&h);
				continue;
			}
			bound[c] = g;
			stamp[c] = round;
			heap_down(&h, 0);
		}
		best = h.c[0];
		h.c[0] = h.c[--h.n];
		heap_down(&h, 0);
		picked[best] = true;
		commit_pairs(&s, s.pres + s.pstart[best], s.pdist + s.pstart[best],
					 s.pstart[best + 1] - s.pstart[best], s.ratio[best]);
		elog(DEBUG1, "sites: pick %d = candidate %lld (gain %g) after %lld re-evaluations",
			 round + 1, (long long) cand->id[best], bound[best], (long long) evaluated);

		values[0] = Int32GetDatum(round + 1);
		values[1] = Int64GetDatum(cand->id[best]);
		values[2] = Float8GetDatum(bound[best]);
		values[3] = Float8GetDatum(objective_value(&s));
		values[4] = Float8GetDatum(covered_people(&s));
		values[5] = Float8GetDatum(total);
		nulls[6] = cand->geom[best] == NULL;
		if (cand->geom[best])
			values[6] = PointerGetDatum(cand->geom[best]);
		values[7] = BoolGetDatum(estimated);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	if (s.res->no_geom > 0 || unsnapped_res > 0)
		ereport(NOTICE,
				(errmsg("%lld residents have no geometry and %lld lie more than %g m from the network",
						(long long) s.res->no_geom, (long long) unsnapped_res, max_snap),
				 errdetail("They count in the target group but no site can reach them.")));
	if (unsnapped_cand > 0 || unsnapped_fac > 0)
		ereport(NOTICE,
				(errmsg("%lld candidate sites and %lld facilities have no geometry or lie more than %g m from the network",
						(long long) unsnapped_cand, (long long) unsnapped_fac, max_snap),
				 errdetail("Such a candidate reaches nobody (gain 0); such a facility serves nobody.")));
	return (Datum) 0;
}
