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
 * by the one membership rule (communities.c) and only the population sums go
 * out, so a city report never turns into millions of SQL rows or a planner's
 * guess at a spatial join. Each caller query is read once (units.c).
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
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

#include "communities.h"
#include "network.h"
#include "query_reader.h"
#include "units.h"

PG_FUNCTION_INFO_V1(cp_coverage_run_sql);
PG_FUNCTION_INFO_V1(cp_coverage_groups_sql);
PG_FUNCTION_INFO_V1(cp_coverage_eval_sql);

/* Radii are compared with a millimetre of slack, as the SQL layer always did. */
#define COVERAGE_SLACK_M 0.001

typedef struct Category
{
	const char *code;
	double		radius;
	/* whom the category serves: a residents column (-1: everyone) and its share when absent */
	int			group;
	double		share;
	int			n;				/* facilities */
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
	double		inv_cell;
	int32	   *cell_start;
	double	   *cell_x;			/* facility coordinates in cell order */
	double	   *cell_y;
} Category;

/* Residents as read (units.c) with their snap points on the network. */
typedef struct Residents
{
	CpUnits    *u;
	CpSnap	   *snap;
} Residents;

static int
category_index(const Category *cats, int ncats, const char *code)
{
	int			i;

	for (i = 0; i < ncats; i++)
		if (strcmp(cats[i].code, code) == 0)
			return i;
	return -1;
}

/* The facilities read once (units.c) into one array set per category, snapped. */
static int64
split_facilities(const CpFacilities *f, CpNetwork *net, double max_snap, Category *cats, int ncats)
{
	int64		unsnapped = 0;
	int			c,
				i;

	for (i = 0; i < f->n; i++)
		if (f->placed[i])
			cats[f->category[i]].n++;
	for (c = 0; c < ncats; c++)
	{
		int			n = Max(cats[c].n, 1);

		cats[c].id = palloc_extended(sizeof(int64) * n, MCXT_ALLOC_HUGE);
		cats[c].x = palloc_extended(sizeof(double) * n, MCXT_ALLOC_HUGE);
		cats[c].y = palloc_extended(sizeof(double) * n, MCXT_ALLOC_HUGE);
		cats[c].snap = palloc_extended(sizeof(CpSnap) * n, MCXT_ALLOC_HUGE);
		cats[c].n = 0;
	}
	for (i = 0; i < f->n; i++)
	{
		Category   *cat = &cats[f->category[i]];

		if ((i & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (!f->placed[i])
			continue;
		cat->id[cat->n] = f->id[i];
		cat->x[cat->n] = f->x[i];
		cat->y[cat->n] = f->y[i];
		cat->n++;
	}
	for (c = 0; c < ncats; c++)
	{
		cp_snap_points(net, cats[c].x, cats[c].y, NULL, cats[c].n, max_snap, cats[c].snap);
		for (i = 0; i < cats[c].n; i++)
			if (!cats[c].snap[i].found)
				unsnapped++;
	}
	return unsnapped;
}

/* Residents (and their snaps) rearranged so that resident j is the one at order[j]. */
static void
permute_residents(Residents *r, const uint32 *order)
{
	CpUnits    *u = r->u;
	int			n = u->n,
				j;
	int64	   *id = palloc_extended(sizeof(int64) * Max(n, 1), MCXT_ALLOC_HUGE);
	double	   *pop = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	bool	   *placed = palloc_extended(sizeof(bool) * Max(n, 1), MCXT_ALLOC_HUGE);
	double	   *x = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	double	   *y = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	CpSnap	   *snap = palloc_extended(sizeof(CpSnap) * Max(n, 1), MCXT_ALLOC_HUGE);

	for (j = 0; j < n; j++)
	{
		uint32		i = order[j];

		if ((j & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		id[j] = u->id[i];
		pop[j] = u->population[i];
		placed[j] = u->placed[i];
		x[j] = u->x[i];
		y[j] = u->y[i];
		snap[j] = r->snap[i];
	}
	for (int g = 0; g < u->ngroups; g++)
	{
		double	   *grp;

		if (u->group[g] == NULL)
			continue;
		grp = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
		for (j = 0; j < n; j++)
			grp[j] = u->group[g][order[j]];
		pfree(u->group[g]);
		u->group[g] = grp;
	}
	pfree(u->id);
	pfree(u->population);
	pfree(u->placed);
	pfree(u->x);
	pfree(u->y);
	pfree(r->snap);
	u->id = id;
	u->population = pop;
	u->placed = placed;
	u->x = x;
	u->y = y;
	r->snap = snap;
}

static int64
snap_residents(Residents *r, CpNetwork *net, double max_snap)
{
	int64		unsnapped = 0;
	int			i;

	bool	   *skip = palloc_extended(sizeof(bool) * Max(r->u->n, 1), MCXT_ALLOC_HUGE);
	uint32	   *order;
	uint32		nplaced;

	/* residents without a point count in the population and are never covered */
	r->snap = palloc_extended(sizeof(CpSnap) * Max(r->u->n, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	for (i = 0; i < r->u->n; i++)
		skip[i] = !r->u->placed[i];
	cp_snap_points(net, r->u->x, r->u->y, skip, r->u->n, max_snap, r->snap);
	for (i = 0; i < r->u->n; i++)
		if (r->u->placed[i] && !r->snap[i].found)
			unsnapped++;
	/*
	 * From here on residents are kept in the snapping grid's order (those
	 * without a point last): every category's label reads then walk the
	 * network's memory in sequence instead of at random, and the results per
	 * resident are written in sequence. Output is sorted by SQL.
	 */
	order = cp_snap_order(net, r->u->x, r->u->y, skip, r->u->n, &nplaced);
	for (i = 0; i < r->u->n; i++)
		if (skip[i])
			order[nplaced++] = i;
	permute_residents(r, order);
	pfree(order);
	pfree(skip);
	return unsnapped;
}

/* Facilities by grid cell (side = radius): counting sort into cell_start and cell-ordered coordinates. */
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
	c->cell_x = palloc(sizeof(double) * c->n);
	c->cell_y = palloc(sizeof(double) * c->n);
	c->inv_cell = 1.0 / c->cell;
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
		{
			int32		at = fill[cell[i]]++;

			c->cell_x[at] = c->x[i];
			c->cell_y[at] = c->y[i];
		}
		pfree(fill);
	}
	pfree(cell);
}

/*
 * Crow-fly distance to the nearest facility within the radius; -1 when none.
 * any: the first one found within the radius will do (sums per community need
 * only whether there is one), so the scan stops there.
 */
static double
crowfly_nearest(const Category *c, double x, double y, bool any)
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
	fx = floor((x - c->x0) * c->inv_cell);
	fy = floor((y - c->y0) * c->inv_cell);
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
				double		dx = c->cell_x[j] - x,
							dy = c->cell_y[j] - y,
							d2 = dx * dx + dy * dy;

				if (d2 <= best2)
				{
					best2 = d2;
					found = true;
					if (any)
						return sqrt(best2);
				}
			}
		}
	return found ? sqrt(best2) : -1;
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
	for (i = 0; i < r->u->n; i++)
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


/*
 * Population sums per group: slot c = category c weighted by the category's
 * target group, slot ncats = every category at once (everyone: a place has
 * the whole life circle or not).
 */
static void
add_resident(double *pop, double *cov, double *crow, bool *est, const Category *cats, int ncats,
			 const CpUnits *u, int32 *const *fac, double *const *crowd, int i)
{
	bool		all_walk = true,
				all_crow = true;
	double		p = u->population[i];
	int			c;

	for (c = 0; c < ncats; c++)
	{
		double		w = cp_units_weight(u, i, cats[c].group, cats[c].share, &est[c]);

		pop[c] += w;
		if (fac[c][i] >= 0)
			cov[c] += w;
		else
			all_walk = false;
		if (crowd[c][i] >= 0)
			crow[c] += w;
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
	const CpUnits *u = res->u;
	int			i,
				c;

	for (i = 0; i < u->n; i++)
	{
		if ((i & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		for (c = 0; c < ncats; c++)
		{
			Datum		values[11];
			bool		nulls[11] = {false, true, false, false, false, false, false, true, true, true, false};
			bool		estimated = false;

			values[0] = Int64GetDatum(u->id[i]);
			values[2] = CStringGetTextDatum(cats[c].code);
			values[3] = Float8GetDatum(cp_units_weight(u, i, cats[c].group, cats[c].share, &estimated));
			values[10] = BoolGetDatum(estimated);
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
 * Sums per community (the one membership rule, communities.c) or for the
 * whole area (one group: every resident, those without a point included),
 * one row per group and category plus one with category NULL, groups in id
 * order, each with the community's geometry as the caller gave it.
 */
static void
put_group_rows(ReturnSetInfo *rsinfo, const Residents *res, const Category *cats, int ncats,
			   int32 *const *fac, double *const *crow, const CpCommunities *com)
{
	const CpUnits *u = res->u;
	int			ngroups = cp_communities_count(com);
	bool		by_community = cp_communities_by_community(com);
	int			width = ncats + 1;
	double	   *pop = palloc0_array(double, (Size) ngroups * width);
	double	   *cov = palloc0_array(double, (Size) ngroups * width);
	double	   *crw = palloc0_array(double, (Size) ngroups * width);
	bool	   *est = palloc0_array(bool, (Size) ngroups * width);
	int64		outside = 0;
	int			g,
				i,
				c;

	for (i = 0; i < u->n; i++)
	{
		if ((i & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		g = cp_communities_of(com, u->placed[i], u->x[i], u->y[i]);
		if (g < 0)
		{
			outside++;
			continue;
		}
		add_resident(pop + g * width, cov + g * width, crw + g * width, est + g * width, cats, ncats,
					 u, fac, crow, i);
	}
	for (g = 0; g < ngroups; g++)
	{
		bytea	   *geom = cp_communities_geom(com, g);

		if ((g & 0x3ff) == 0)
			CHECK_FOR_INTERRUPTS();
		for (c = 0; c <= ncats; c++)
		{
			Datum		values[11];
			bool		nulls[11] = {true, false, false, false, true, true, true, false, false, false, false};

			nulls[1] = !by_community;
			if (by_community)
				values[1] = Int64GetDatum(cp_communities_id(com, g));
			nulls[2] = c == ncats;
			if (c < ncats)
				values[2] = CStringGetTextDatum(cats[c].code);
			values[3] = Float8GetDatum(pop[g * width + c]);
			values[7] = Float8GetDatum(cov[g * width + c]);
			values[8] = Float8GetDatum(crw[g * width + c]);
			nulls[9] = geom == NULL;
			if (geom)
				values[9] = PointerGetDatum(geom);
			values[10] = BoolGetDatum(est[g * width + c]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	cp_communities_report_outside(com, outside, "residents");
}

/*
 * cp._coverage_run(network, residents_sql, facilities_sql, codes text[],
 *                  radii float8[], by_time, max_snap_m, per, communities_sql,
 *                  known text[], quiet text[])
 *   residents_sql: id, geom, population; facilities_sql: id, category, geom;
 *   communities_sql: id, geom, or NULL for the whole area; known: every
 *   category code a set or the OSM mapping uses (others are a typo: 22023);
 *   quiet: categories expected in the query but not analysed (no NOTICE).
 * Each query is run once. Result columns: resident_id, community_id, category,
 * population, facility_id, distance_m, crowfly_m, covered, crowfly_covered,
 * geom (EWKB of the community as given).
 * per = 'resident': one row per resident row and category (sums NULL).
 * per = 'community': per community (communities_sql NULL: the whole area, one
 *   group with community_id NULL) and category, and with category NULL for
 *   "every category at once": population sums.
 */
/* Same-length array arguments (a per-category setting): 2202E otherwise. */
static void
check_per_category(int n, int ncats, const char *what)
{
	if (n != ncats)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("codes and %s must have the same length", what),
				 errdetail("There are %d codes and %d %s.", ncats, n, what)));
}

/*
 * The run; with_groups: 0.3.0's arguments 11-14 (target-group column and its
 * share per category, minimum floor and site area per category) and the
 * estimated column. Without them (0.2.0's declaration) everyone counts for
 * every category and no minimum applies.
 */
static Datum
coverage_run(FunctionCallInfo fcinfo, bool with_groups)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CpNetwork  *net;
	char	   *residents_sql,
			   *facilities_sql,
			   *per,
			  **codes,
			  **known,
			  **quiet;
	CpMetric	metric;
	double		max_snap;
	double	   *radii;
	int			ncats,
				nradii,
				nknown,
				nquiet,
				c,
				i;
	Category   *cats;
	Residents	res = {0};
	CpFacilities *fac_read;
	CpCommunities *com = NULL;
	bool		per_resident;
	int64		unsnapped;
	int32	  **fac;
	double	  **dist;
	double	  **crow;
	char	  **groups = NULL;
	double	   *shares = NULL;
	CpFacilityOptions opt = {0};
	int			nargs = with_groups ? 15 : 11;

	for (i = 0; i < nargs; i++)
		if (PG_ARGISNULL(i) && i != 8)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("argument %d of cp._coverage_run must not be NULL", i + 1)));
	net = cp_network_get(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	residents_sql = text_to_cstring(PG_GETARG_TEXT_PP(1));
	facilities_sql = text_to_cstring(PG_GETARG_TEXT_PP(2));
	codes = cp_text_array_cstrings(PG_GETARG_ARRAYTYPE_P(3), "codes", &ncats);
	radii = float8_array_arg(PG_GETARG_ARRAYTYPE_P(4), "radii", &nradii);
	metric = PG_GETARG_BOOL(5) ? CP_METRIC_TIME : CP_METRIC_DISTANCE;
	max_snap = PG_GETARG_FLOAT8(6);
	per = text_to_cstring(PG_GETARG_TEXT_PP(7));
	known = cp_text_array_cstrings(PG_GETARG_ARRAYTYPE_P(9), "known", &nknown);
	quiet = cp_text_array_cstrings(PG_GETARG_ARRAYTYPE_P(10), "quiet", &nquiet);
	if (with_groups)
	{
		int			n;

		groups = cp_text_array_cstrings(PG_GETARG_ARRAYTYPE_P(11), "group columns", &n);
		check_per_category(n, ncats, "group columns");
		shares = float8_array_arg(PG_GETARG_ARRAYTYPE_P(12), "shares", &n);
		check_per_category(n, ncats, "shares");
		opt.min_floor = float8_array_arg(PG_GETARG_ARRAYTYPE_P(13), "minimum floor areas", &n);
		check_per_category(n, ncats, "minimum floor areas");
		opt.min_site = float8_array_arg(PG_GETARG_ARRAYTYPE_P(14), "minimum site areas", &n);
		check_per_category(n, ncats, "minimum site areas");
		for (c = 0; c < ncats; c++)
			if (!(shares[c] >= 0 && shares[c] <= 1))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("share of the target group of category \"%s\" must be between 0 and 1", codes[c])));
	}
	opt.quiet = quiet;
	opt.nquiet = nquiet;
	per_resident = strcmp(per, "resident") == 0;
	if (!per_resident && strcmp(per, "community") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("per must be 'resident' or 'community', not \"%s\"", per)));
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
		cats[c].code = codes[c];
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
	}

	/* each caller query once: facilities, residents, communities */
	fac_read = cp_units_read_facilities_opt(facilities_sql, net->hdr->srid, codes, ncats,
											known, nknown, &opt);
	unsnapped = split_facilities(fac_read, net, max_snap, cats, ncats);
	res.u = cp_units_read_residents_groups(residents_sql, net->hdr->srid, groups, groups ? ncats : 0);
	for (c = 0; c < ncats; c++)
	{
		cats[c].group = groups ? cp_units_group_index(res.u, groups[c]) : -1;
		cats[c].share = shares ? shares[c] : 1;
	}
	unsnapped += snap_residents(&res, net, max_snap);
	if (!per_resident)
		com = cp_communities_read(PG_ARGISNULL(8) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(8)),
								  net->hdr->srid);

	/* per category and resident: facility, distance, crow-fly distance; per group the sums */
	cp_check_call_memory(psprintf("a coverage report of %d residents and %d categories", res.u->n, ncats),
						 (double) ncats * res.u->n * (sizeof(int32) + 2 * sizeof(double)) +
						 (com ? 3.0 * sizeof(double) * cp_communities_count(com) * (ncats + 1) : 0),
						 "Report fewer categories or a smaller area per call, or raise community_planning.max_call_memory.");
	fac = palloc(sizeof(int32 *) * Max(ncats, 1));
	dist = palloc(sizeof(double *) * Max(ncats, 1));
	crow = palloc(sizeof(double *) * Max(ncats, 1));
	for (c = 0; c < ncats; c++)
	{
		fac[c] = palloc_extended(sizeof(int32) * Max(res.u->n, 1), MCXT_ALLOC_HUGE);
		/* sums per community need only whether a facility is in reach */
		dist[c] = per_resident ? palloc_extended(sizeof(double) * Max(res.u->n, 1), MCXT_ALLOC_HUGE) : NULL;
		crow[c] = palloc_extended(sizeof(double) * Max(res.u->n, 1), MCXT_ALLOC_HUGE);
		search_category(net, &cats[c], &res, metric, fac[c], dist[c]);
		build_crowfly_grid(&cats[c]);
		for (i = 0; i < res.u->n; i++)
		{
			if ((i & 0xfff) == 0)
				CHECK_FOR_INTERRUPTS();
			crow[c][i] = res.u->placed[i] ? crowfly_nearest(&cats[c], res.u->x[i], res.u->y[i], !per_resident) : -1;
		}
	}

	InitMaterializedSRF(fcinfo, 0);
	if (per_resident)
		put_resident_rows(rsinfo, &res, cats, ncats, fac, dist, crow);
	else
		put_group_rows(rsinfo, &res, cats, ncats, fac, crow, com);
	if (res.u->no_geom + fac_read->no_geom > 0 &&
		cp_first_in_statement(psprintf("no_geom:%lld", (long long) (res.u->no_geom + fac_read->no_geom))))
		ereport(NOTICE,
				(errmsg("%lld residents or facilities have a NULL or empty geometry",
						(long long) (res.u->no_geom + fac_read->no_geom)),
				 errdetail("Such residents count in the population of the whole area but are never covered; such facilities are left out.")));
	if (unsnapped > 0 && cp_first_in_statement(psprintf("unsnapped:%lld:%g", (long long) unsnapped, max_snap)))
		ereport(NOTICE,
				(errmsg("%lld residents or facilities lie more than %g m from the network", (long long) unsnapped, max_snap)));
	return (Datum) 0;
}

/* 0.2.0's declaration: everyone counts for every category. */
Datum
cp_coverage_run_sql(PG_FUNCTION_ARGS)
{
	return coverage_run(fcinfo, false);
}

/*
 * cp._coverage_run as of 0.3.0: arguments as above, then group_columns text[]
 * (a residents column per category: population, age_60_plus, ...), shares
 * float8[] (the group's share of the population, used where the column is
 * absent or NULL), min_floor_m2 float8[] and min_site_m2 float8[] (0 = none);
 * one more result column, estimated.
 */
Datum
cp_coverage_groups_sql(PG_FUNCTION_ARGS)
{
	return coverage_run(fcinfo, true);
}

/* 0.1.0's entry point (its install script names it): the arguments changed with 0.2.0. */
Datum
cp_coverage_eval_sql(PG_FUNCTION_ARGS)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("function cp._coverage_eval was removed in community_planning 0.2.0"),
			 errhint("Run ALTER EXTENSION community_planning UPDATE.")));
	PG_RETURN_NULL();
}
