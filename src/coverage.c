/*
 * coverage.c: facility coverage of residents for every category at once.
 *
 * Residents are read and snapped once; each category is one bounded
 * multi-source search from its facilities (walking from home to the
 * facility, as cp.nearest), after which every resident's nearest facility is
 * read off the search labels. The crow-fly figure uses a grid of the
 * category's radius, so a resident looks at nine cells only.
 *
 * Per resident (cp.access) the rows go out as they are; per community
 * (cp.coverage, cp.life_circle) residents are put into the communities'
 * polygons here (GEOS prepared geometries under an STRtree) and only the
 * population sums go out, so a city report never turns into millions of SQL
 * rows or a planner's guess at a spatial join.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

#include "crs.h"
#include "ewkb.h"
#include "geos_util.h"
#include "network.h"
#include "query_reader.h"

PG_FUNCTION_INFO_V1(cp_coverage_eval_sql);

/* Radii are compared with a millimetre of slack, as the SQL layer always did. */
#define COVERAGE_SLACK_M 0.001

typedef struct Category
{
	const char *code;
	double		radius;
	int			n;				/* facilities */
	int			cap;
	int64	   *id;
	double	   *x;
	double	   *y;
	CpSnap	   *snap;
	/* crow-fly grid: facilities by square cell at least the radius (+ slack) wide */
	double		cell;
	double		x0;
	double		y0;
	int32		nx;
	int32		ny;
	int32	   *cell_start;
	int32	   *cell_fac;
} Category;

typedef struct Residents
{
	int			n;
	int			cap;
	int64	   *id;
	double	   *population;
	bool	   *placed;			/* has a point */
	double	   *x;
	double	   *y;
	CpSnap	   *snap;
} Residents;

/*
 * Community polygons in the network's CRS. GEOS objects live outside palloc:
 * a reset callback on the owning context frees them, on error too.
 */
typedef struct Communities
{
	int			n;
	int			cap;
	int64	   *id;
	GEOSGeometry **geom;
	const GEOSPreparedGeometry **prep;
	GEOSSTRtree *tree;
	int64		no_geom;
	MemoryContextCallback cleanup;
} Communities;

typedef struct ReadState
{
	CpNetwork  *net;
	double		max_snap;
	Category   *cats;
	int			ncats;
	Residents  *res;
	Communities *com;
	int64		null_geoms;
	int64		unsnapped;
	int64		ignored;		/* facilities of categories not asked for */
} ReadState;

static int
category_index(const Category *cats, int ncats, const char *code)
{
	int			i;

	for (i = 0; i < ncats; i++)
		if (strcmp(cats[i].code, code) == 0)
			return i;
	return -1;
}

static void
read_facility_row(const CpRowValue *v, void *arg)
{
	ReadState  *st = arg;
	Category   *c;
	int			ci;
	double		x,
				y;

	if (v[0].isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("a facility has a NULL id"),
				 errhint("Every facility needs an id.")));
	if (v[1].isnull || (ci = category_index(st->cats, st->ncats, v[1].text)) < 0)
	{
		st->ignored++;
		return;
	}
	if (v[2].isnull || !cp_geom_to_network_point(st->net, v[2].wkb, v[2].wkb_len, &x, &y))
	{
		st->null_geoms++;
		return;
	}
	c = &st->cats[ci];
	/* repalloc keeps the arrays in the caller's context (this runs in a per-row one) */
	if (c->n == c->cap)
	{
		c->cap *= 2;
		c->id = repalloc_huge(c->id, sizeof(int64) * c->cap);
		c->x = repalloc_huge(c->x, sizeof(double) * c->cap);
		c->y = repalloc_huge(c->y, sizeof(double) * c->cap);
		c->snap = repalloc_huge(c->snap, sizeof(CpSnap) * c->cap);
	}
	c->id[c->n] = v[0].i;
	c->x[c->n] = x;
	c->y[c->n] = y;
	c->snap[c->n] = cp_snap_point(st->net, x, y, st->max_snap);
	if (!c->snap[c->n].found)
		st->unsnapped++;
	c->n++;
}

static void
grow_residents(Residents *r)
{
	if (r->n < r->cap)
		return;
	r->cap *= 2;
	r->id = repalloc_huge(r->id, sizeof(int64) * r->cap);
	r->population = repalloc_huge(r->population, sizeof(double) * r->cap);
	r->placed = repalloc_huge(r->placed, sizeof(bool) * r->cap);
	r->x = repalloc_huge(r->x, sizeof(double) * r->cap);
	r->y = repalloc_huge(r->y, sizeof(double) * r->cap);
	r->snap = repalloc_huge(r->snap, sizeof(CpSnap) * r->cap);
}

static void
read_resident_row(const CpRowValue *v, void *arg)
{
	ReadState  *st = arg;
	Residents  *r = st->res;
	int			i;

	if (v[0].isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("a resident unit has a NULL id"),
				 errhint("Every resident unit (building, grid cell) needs an id.")));
	if (!v[2].isnull && !(v[2].f >= 0 && !isinf(v[2].f)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("population must be a finite number, zero or more"),
				 errdetail("Resident unit %lld has population %g.", (long long) v[0].i, v[2].f),
				 errhint("NULL population counts as 0.")));
	grow_residents(r);
	i = r->n++;
	r->id[i] = v[0].i;
	r->population[i] = v[2].isnull ? 0 : v[2].f;
	r->placed[i] = !v[1].isnull &&
		cp_geom_to_network_point(st->net, v[1].wkb, v[1].wkb_len, &r->x[i], &r->y[i]);
	if (!r->placed[i])
	{
		/* counted in the population, never covered: as a resident the search cannot place */
		st->null_geoms++;
		memset(&r->snap[i], 0, sizeof(CpSnap));
		return;
	}
	r->snap[i] = cp_snap_point(st->net, r->x[i], r->y[i], st->max_snap);
	if (!r->snap[i].found)
		st->unsnapped++;
}

/* Facilities by grid cell (side = radius): counting sort into cell_start/cell_fac. */
static void
build_crowfly_grid(Category *c)
{
	double		x1 = -INFINITY,
				y1 = -INFINITY;
	int32	   *cell;
	int			i;
	int64		ncells;

	c->x0 = c->y0 = INFINITY;
	for (i = 0; i < c->n; i++)
	{
		c->x0 = Min(c->x0, c->x[i]);
		c->y0 = Min(c->y0, c->y[i]);
		x1 = Max(x1, c->x[i]);
		y1 = Max(y1, c->y[i]);
	}
	if (c->n == 0)
		return;
	/*
	 * Cells at least the radius wide, so the nine around a resident hold every
	 * facility in reach; wider where the radius is tiny against the spread, so
	 * the grid stays within about a million cells.
	 */
	c->cell = Max(c->radius + COVERAGE_SLACK_M, Max(x1 - c->x0, y1 - c->y0) / 1000.0);
	c->nx = (int32) floor((x1 - c->x0) / c->cell) + 1;
	c->ny = (int32) floor((y1 - c->y0) / c->cell) + 1;
	ncells = (int64) c->nx * c->ny;
	c->cell_start = palloc0(sizeof(int32) * (ncells + 1));
	c->cell_fac = palloc(sizeof(int32) * c->n);
	cell = palloc(sizeof(int32) * c->n);
	for (i = 0; i < c->n; i++)
	{
		int32		cx = Min((int32) ((c->x[i] - c->x0) / c->cell), c->nx - 1);
		int32		cy = Min((int32) ((c->y[i] - c->y0) / c->cell), c->ny - 1);

		cell[i] = cy * c->nx + cx;
		c->cell_start[cell[i] + 1]++;
	}
	for (i = 0; i < ncells; i++)
		c->cell_start[i + 1] += c->cell_start[i];
	{
		int32	   *fill = palloc(sizeof(int32) * ncells);

		memcpy(fill, c->cell_start, sizeof(int32) * ncells);
		for (i = 0; i < c->n; i++)
			c->cell_fac[fill[cell[i]]++] = i;
		pfree(fill);
	}
	pfree(cell);
}

/* Crow-fly distance to the nearest facility within the radius; -1 when none. */
static double
crowfly_nearest(const Category *c, double x, double y)
{
	double		limit = c->radius + COVERAGE_SLACK_M;
	double		best2 = limit * limit;
	bool		found = false;
	int32		cx,
				cy,
				ix,
				iy;
	double		fx,
				fy;

	if (c->n == 0)
		return -1;
	fx = floor((x - c->x0) / c->cell);
	fy = floor((y - c->y0) / c->cell);
	/* more than a cell outside the grid: nothing within the radius */
	if (fx < -1 || fy < -1 || fx > c->nx || fy > c->ny)
		return -1;
	cx = (int32) fx;
	cy = (int32) fy;
	for (iy = Max(cy - 1, 0); iy <= Min(cy + 1, c->ny - 1); iy++)
		for (ix = Max(cx - 1, 0); ix <= Min(cx + 1, c->nx - 1); ix++)
		{
			int32		cell = iy * c->nx + ix,
						j;

			for (j = c->cell_start[cell]; j < c->cell_start[cell + 1]; j++)
			{
				int32		f = c->cell_fac[j];
				double		dx = c->x[f] - x,
							dy = c->y[f] - y,
							d2 = dx * dx + dy * dy;

				if (d2 <= best2)
				{
					best2 = d2;
					found = true;
				}
			}
		}
	return found ? sqrt(best2) : -1;
}

static void
text_array_arg(ArrayType *a, const char *what, Datum **elems, int *n)
{
	bool	   *nulls;
	int			i;

	if (ARR_NDIM(a) > 1 || ARR_ELEMTYPE(a) != TEXTOID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional text array", what)));
	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, elems, &nulls, n);
	for (i = 0; i < *n; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL", what)));
}

static double *
float8_array_arg(ArrayType *a, const char *what, int *n)
{
	if (ARR_NDIM(a) > 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional float8 array without NULLs", what)));
	*n = ARR_NDIM(a) == 0 ? 0 : ARR_DIMS(a)[0];
	return (double *) ARR_DATA_PTR(a);
}

/*
 * Nearest facility of category c for every resident: one search, then a read
 * of the labels at each resident's snap point. fac_out[i] = index into the
 * category's facilities or -1; dist_out[i] (when given) its walking distance.
 */
static void
search_category(CpNetwork *net, const Category *c, const Residents *r, CpMetric metric,
				int32 *fac_out, double *dist_out)
{
	CpSeed	   *seeds = palloc(sizeof(CpSeed) * Max(c->n, 1));
	double		bound = c->radius + COVERAGE_SLACK_M;
	int			nseeds = 0,
				i;
	CpReach		reach = {0};

	for (i = 0; i < c->n; i++)
		if (c->snap[i].found)
			seeds[nseeds++] = (CpSeed) {c->snap[i].piece, c->snap[i].fraction, i};
	cp_seeds_sort(seeds, nseeds);
	if (nseeds > 0)
		cp_search(net, seeds, nseeds, 1, bound, metric, true, NULL, 0);
	for (i = 0; i < r->n; i++)
	{
		fac_out[i] = -1;
		if ((i & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (nseeds == 0 || !r->snap[i].found)
			continue;
		if (cp_search_reach_point(net, seeds, nseeds, r->snap[i].piece, r->snap[i].fraction,
								  1, bound, metric, true, &reach) > 0)
		{
			fac_out[i] = reach.origin;
			if (dist_out)
				dist_out[i] = metric == CP_METRIC_TIME ? reach.secondary : reach.primary;
		}
	}
	pfree(seeds);
}

static void
free_communities(void *arg)
{
	Communities *com = arg;
	GEOSContextHandle_t h = cp_geos();
	int			i;

	if (com->tree)
		GEOSSTRtree_destroy_r(h, com->tree);
	for (i = 0; i < com->n; i++)
	{
		if (com->prep[i])
			GEOSPreparedGeom_destroy_r(h, com->prep[i]);
		if (com->geom[i])
			GEOSGeom_destroy_r(h, com->geom[i]);
	}
	com->n = 0;
	com->tree = NULL;
}

typedef struct TransformArg
{
	int32		from;
	int32		to;
} TransformArg;

static void
transform_coord(double *x, double *y, void *arg)
{
	const TransformArg *t = arg;

	cp_crs_transform(t->from, t->to, 1, x, y);
}

static void
read_community_row(const CpRowValue *v, void *arg)
{
	ReadState  *st = arg;
	Communities *com = st->com;
	GEOSContextHandle_t h = cp_geos();
	uint32		type;
	int32		srid;
	bool		has_z;
	int			i;

	if (v[0].isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("a community has a NULL id")));
	if (com->n == com->cap)
	{
		com->cap *= 2;
		com->id = repalloc_huge(com->id, sizeof(int64) * com->cap);
		com->geom = repalloc_huge(com->geom, sizeof(GEOSGeometry *) * com->cap);
		com->prep = repalloc_huge(com->prep, sizeof(GEOSPreparedGeometry *) * com->cap);
	}
	i = com->n;
	com->id[i] = v[0].i;
	com->geom[i] = NULL;
	com->prep[i] = NULL;
	com->n++;
	if (v[1].isnull)
	{
		com->no_geom++;
		return;
	}
	cp_ewkb_peek(v[1].wkb, v[1].wkb_len, &type, &srid, &has_z);
	if (srid != st->net->hdr->srid)
	{
		bytea	   *in = palloc(VARHDRSZ + v[1].wkb_len);
		bytea	   *out;
		TransformArg t = {srid, st->net->hdr->srid};
		int32		given_srid;

		(void) cp_crs_get(srid);	/* a clear error for SRID 0 or unknown */
		SET_VARSIZE(in, VARHDRSZ + v[1].wkb_len);
		memcpy(VARDATA(in), v[1].wkb, v[1].wkb_len);
		out = cp_ewkb_map_coords(in, transform_coord, &t, &given_srid);
		com->geom[i] = cp_geos_from_ewkb((const uint8 *) VARDATA(out), VARSIZE(out) - VARHDRSZ);
	}
	else
		com->geom[i] = cp_geos_from_ewkb(v[1].wkb, v[1].wkb_len);
	if (GEOSisEmpty_r(h, com->geom[i]))
	{
		com->no_geom++;
		return;
	}
	com->prep[i] = GEOSPrepare_r(h, com->geom[i]);
	if (com->prep[i] == NULL)
		cp_geos_raise("preparing a community polygon");
}

static void
read_communities(ReadState *st, Communities *com, const char *sql)
{
	CpColumn	cols[2] = {{"id", CP_COL_INT8, true}, {"geom", CP_COL_GEOMETRY, true}};
	GEOSContextHandle_t h = cp_geos();
	int			i;

	memset(com, 0, sizeof(*com));
	com->cap = 64;
	com->id = palloc(sizeof(int64) * com->cap);
	com->geom = palloc(sizeof(GEOSGeometry *) * com->cap);
	com->prep = palloc(sizeof(GEOSPreparedGeometry *) * com->cap);
	com->cleanup.func = free_communities;
	com->cleanup.arg = com;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, &com->cleanup);
	st->com = com;
	cp_read_query(sql, "communities", cols, 2, read_community_row, st);
	com->tree = GEOSSTRtree_create_r(h, 10);
	if (com->tree == NULL)
		cp_geos_raise("building the community index");
	for (i = 0; i < com->n; i++)
	{
		if ((i & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();	/* the reset callback frees the GEOS objects */
		if (com->prep[i])
			GEOSSTRtree_insert_r(h, com->tree, com->geom[i], &com->id[i]);
	}
}

/* STRtree callback: collect candidate indexes (no ereport in a library callback). */
typedef struct Candidates
{
	const int64 *base;
	int		   *idx;
	int			n;
} Candidates;

static void
collect_candidate(void *item, void *arg)
{
	Candidates *c = arg;

	c->idx[c->n++] = (int) ((const int64 *) item - c->base);
}

/*
 * The communities a resident's point lies in (boundary included, as
 * ST_Intersects), as indexes into com; returns their count.
 */
static int
resident_communities(const Communities *com, double x, double y, Candidates *cand, int *out)
{
	GEOSContextHandle_t h = cp_geos();
	GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
	int			i,
				n = 0;

	if (pt == NULL)
		cp_geos_raise("making a point");
	cand->n = 0;
	GEOSSTRtree_query_r(h, com->tree, pt, collect_candidate, cand);
	for (i = 0; i < cand->n; i++)
	{
		char		hit = GEOSPreparedIntersects_r(h, com->prep[cand->idx[i]], pt);

		if (hit == 2)
		{
			GEOSGeom_destroy_r(h, pt);
			cp_geos_raise("testing a point against a community");
		}
		if (hit)
			out[n++] = cand->idx[i];
	}
	GEOSGeom_destroy_r(h, pt);
	return n;
}

/* Population sums per group: slot c = category c, slot ncats = every category at once. */
static void
add_resident(double *pop, double *cov, double *crow, int ncats, double p,
			 int32 *const *fac, double *const *crowd, int i)
{
	bool		all_walk = true,
				all_crow = true;
	int			c;

	for (c = 0; c < ncats; c++)
	{
		pop[c] += p;
		if (fac[c][i] >= 0)
			cov[c] += p;
		else
			all_walk = false;
		if (crowd[c][i] >= 0)
			crow[c] += p;
		else
			all_crow = false;
	}
	pop[ncats] += p;
	if (all_walk)
		cov[ncats] += p;
	if (all_crow)
		crow[ncats] += p;
}

static void
put_resident_rows(ReturnSetInfo *rsinfo, const Residents *res, const Category *cats, int ncats,
				  int32 *const *fac, double *const *dist, double *const *crow)
{
	int			i,
				c;

	for (i = 0; i < res->n; i++)
	{
		if ((i & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		for (c = 0; c < ncats; c++)
		{
			Datum		values[9];
			bool		nulls[9] = {false, true, false, false, false, false, false, true, true};

			values[0] = Int64GetDatum(res->id[i]);
			values[2] = CStringGetTextDatum(cats[c].code);
			values[3] = Float8GetDatum(res->population[i]);
			nulls[4] = nulls[5] = fac[c][i] < 0;
			if (fac[c][i] >= 0)
			{
				values[4] = Int64GetDatum(cats[c].id[fac[c][i]]);
				values[5] = Float8GetDatum(dist[c][i]);
			}
			nulls[6] = crow[c][i] < 0;
			values[6] = Float8GetDatum(crow[c][i]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
}

/*
 * Sums per community (com given) or for the whole area (com NULL: one group,
 * every resident, those without a point included), one row per group and
 * category plus one with category NULL, groups in input order.
 */
static void
put_group_rows(ReturnSetInfo *rsinfo, const Residents *res, const Category *cats, int ncats,
			   int32 *const *fac, double *const *crow, const Communities *com)
{
	int			ngroups = com ? com->n : 1;
	int			width = ncats + 1;
	double	   *pop = palloc0_array(double, (Size) ngroups * width);
	double	   *cov = palloc0_array(double, (Size) ngroups * width);
	double	   *crw = palloc0_array(double, (Size) ngroups * width);
	int		   *member = palloc(sizeof(int) * Max(ngroups, 1));
	Candidates	cand = {com ? com->id : NULL, palloc(sizeof(int) * Max(ngroups, 1)), 0};
	int			g,
				i,
				c;

	for (i = 0; i < res->n; i++)
	{
		int			nm = 0,
					m;

		if ((i & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (com == NULL)
			member[nm++] = 0;
		else if (res->placed[i])
			nm = resident_communities(com, res->x[i], res->y[i], &cand, member);
		for (m = 0; m < nm; m++)
		{
			g = member[m];
			add_resident(pop + g * width, cov + g * width, crw + g * width, ncats,
						 res->population[i], fac, crow, i);
		}
	}
	for (g = 0; g < ngroups; g++)
	{
		if ((g & 0x3ff) == 0)
			CHECK_FOR_INTERRUPTS();
		for (c = 0; c <= ncats; c++)
		{
			Datum		values[9];
			bool		nulls[9] = {true, false, false, false, true, true, true, false, false};

			nulls[1] = com == NULL;
			if (com)
				values[1] = Int64GetDatum(com->id[g]);
			nulls[2] = c == ncats;
			if (c < ncats)
				values[2] = CStringGetTextDatum(cats[c].code);
			values[3] = Float8GetDatum(pop[g * width + c]);
			values[7] = Float8GetDatum(cov[g * width + c]);
			values[8] = Float8GetDatum(crw[g * width + c]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
}

/*
 * cp._coverage_eval(network, residents_sql, facilities_sql, codes text[],
 *                   radii float8[], by_time, max_snap_m, per, communities_sql)
 *   residents_sql: id, geom, population; facilities_sql: id, category, geom;
 *   communities_sql (per = 'community'): id, geom.
 * Result columns: resident_id, community_id, category, population,
 * facility_id, distance_m, crowfly_m, covered, crowfly_covered.
 * per = 'resident': one row per resident row and category (the last two NULL).
 * per = 'community' / 'area': per community (area: one group, community_id
 *   NULL) and category, and with category NULL for "every category at once":
 *   population sums (resident, facility and distances NULL).
 */
Datum
cp_coverage_eval_sql(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CpNetwork  *net;
	char	   *residents_sql,
			   *facilities_sql,
			   *per;
	ArrayType  *codes_arr,
			   *radii_arr;
	CpMetric	metric;
	double		max_snap;
	Datum	   *code_datums;
	double	   *radii;
	int			ncats,
				nradii,
				c,
				i;
	Category   *cats;
	Residents	res = {0};
	ReadState	st = {0};
	Communities *com = NULL;
	bool		by_community,
				per_resident;
	int32	  **fac;
	double	  **dist;
	double	  **crow;
	CpColumn	fcols[3] = {{"id", CP_COL_INT8, true}, {"category", CP_COL_TEXT, true},
	{"geom", CP_COL_GEOMETRY, true}};
	CpColumn	rcols[3] = {{"id", CP_COL_INT8, true}, {"geom", CP_COL_GEOMETRY, true},
	{"population", CP_COL_FLOAT8, true}};

	for (i = 0; i < 8; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("argument %d of cp._coverage_eval must not be NULL", i + 1)));
	net = cp_network_get(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	residents_sql = text_to_cstring(PG_GETARG_TEXT_PP(1));
	facilities_sql = text_to_cstring(PG_GETARG_TEXT_PP(2));
	codes_arr = PG_GETARG_ARRAYTYPE_P(3);
	radii_arr = PG_GETARG_ARRAYTYPE_P(4);
	metric = PG_GETARG_BOOL(5) ? CP_METRIC_TIME : CP_METRIC_DISTANCE;
	max_snap = PG_GETARG_FLOAT8(6);
	per = text_to_cstring(PG_GETARG_TEXT_PP(7));
	by_community = strcmp(per, "community") == 0;
	per_resident = strcmp(per, "resident") == 0;
	if (!by_community && !per_resident && strcmp(per, "area") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("per must be 'resident', 'community' or 'area', not \"%s\"", per)));
	if (by_community && PG_ARGISNULL(8))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("communities query must not be NULL per community")));

	text_array_arg(codes_arr, "codes", &code_datums, &ncats);
	radii = float8_array_arg(radii_arr, "radii", &nradii);
	if (nradii != ncats)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("codes and radii must have the same length"),
				 errdetail("There are %d codes and %d radii.", ncats, nradii)));
	if (!(max_snap >= 0) || isinf(max_snap))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_snap_m must be a finite number of metres, zero or more")));
	cp_check_arg("max_snap_m", max_snap, 0, CP_MAX_SNAP_M, "metres");
	cats = palloc0(sizeof(Category) * Max(ncats, 1));
	for (c = 0; c < ncats; c++)
	{
		cats[c].code = TextDatumGetCString(code_datums[c]);
		cats[c].radius = radii[c];
		if (!(radii[c] > 0) || isinf(radii[c]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("radius of category \"%s\" must be a finite number above zero", cats[c].code)));
		if (radii[c] < CP_MIN_CUTOFF || radii[c] > CP_MAX_DISTANCE_M)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("radius of category \"%s\" must be between %.15g and %.15g", cats[c].code,
							CP_MIN_CUTOFF, CP_MAX_DISTANCE_M),
					 errdetail("The value given is %g (metres, or minutes for a time-based report).", radii[c])));
		if (category_index(cats, c, cats[c].code) >= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("category \"%s\" is listed twice", cats[c].code)));
		cats[c].cap = 16;
		cats[c].id = palloc(sizeof(int64) * cats[c].cap);
		cats[c].x = palloc(sizeof(double) * cats[c].cap);
		cats[c].y = palloc(sizeof(double) * cats[c].cap);
		cats[c].snap = palloc(sizeof(CpSnap) * cats[c].cap);
	}

	st.net = net;
	st.max_snap = max_snap;
	st.cats = cats;
	st.ncats = ncats;
	cp_read_query(facilities_sql, "facilities", fcols, 3, read_facility_row, &st);

	res.cap = 1024;
	res.id = palloc(sizeof(int64) * res.cap);
	res.population = palloc(sizeof(double) * res.cap);
	res.placed = palloc(sizeof(bool) * res.cap);
	res.x = palloc(sizeof(double) * res.cap);
	res.y = palloc(sizeof(double) * res.cap);
	res.snap = palloc(sizeof(CpSnap) * res.cap);
	st.res = &res;
	cp_read_query(residents_sql, "residents", rcols, 3, read_resident_row, &st);
	if (by_community)
	{
		/* in palloc memory: its reset callback runs when the context is reset, after this frame is gone */
		com = palloc0(sizeof(Communities));
		read_communities(&st, com, text_to_cstring(PG_GETARG_TEXT_PP(8)));
	}

	/* per category and resident: facility, distance, crow-fly distance; per group the sums */
	cp_check_call_memory(psprintf("a coverage report of %d residents and %d categories", res.n, ncats),
						 (double) ncats * res.n * (sizeof(int32) + 2 * sizeof(double)) +
						 (com ? 3.0 * sizeof(double) * com->n * (ncats + 1) : 0),
						 "Report fewer categories or a smaller area per call, or raise community_planning.max_call_memory.");
	fac = palloc(sizeof(int32 *) * Max(ncats, 1));
	dist = palloc(sizeof(double *) * Max(ncats, 1));
	crow = palloc(sizeof(double *) * Max(ncats, 1));
	for (c = 0; c < ncats; c++)
	{
		fac[c] = palloc_extended(sizeof(int32) * Max(res.n, 1), MCXT_ALLOC_HUGE);
		/* sums per community need only whether a facility is in reach */
		dist[c] = per_resident ? palloc_extended(sizeof(double) * Max(res.n, 1), MCXT_ALLOC_HUGE) : NULL;
		crow[c] = palloc_extended(sizeof(double) * Max(res.n, 1), MCXT_ALLOC_HUGE);
		search_category(net, &cats[c], &res, metric, fac[c], dist[c]);
		build_crowfly_grid(&cats[c]);
		for (i = 0; i < res.n; i++)
		{
			if ((i & 0xfff) == 0)
				CHECK_FOR_INTERRUPTS();
			crow[c][i] = res.placed[i] ? crowfly_nearest(&cats[c], res.x[i], res.y[i]) : -1;
		}
	}

	InitMaterializedSRF(fcinfo, 0);
	if (per_resident)
		put_resident_rows(rsinfo, &res, cats, ncats, fac, dist, crow);
	else
		put_group_rows(rsinfo, &res, cats, ncats, fac, crow, com);
	if (st.null_geoms > 0)
		ereport(NOTICE,
				(errmsg("%lld residents or facilities have a NULL or empty geometry", (long long) st.null_geoms),
				 errdetail("Such residents count in the population of the whole area but are never covered; such facilities are left out.")));
	if (st.unsnapped > 0)
		ereport(NOTICE,
				(errmsg("%lld residents or facilities lie more than %g m from the network", (long long) st.unsnapped, max_snap)));
	return (Datum) 0;
}
