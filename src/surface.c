/*
 * surface.c: the accessibility surface of one facility category on a hexagon
 * grid (cp.access_surface, docs/surface.md).
 *
 * One call reads the residents and the facilities queries once each (units.h:
 * every check of them lives there) and computes, per resident unit:
 *
 *   - the walk to the nearest facility of the category: one bounded
 *     multi-source search from all its facilities (as coverage.c), bounded at
 *     SURFACE_WALK_FACTOR times the category's cut-off, read off at each
 *     resident's snap point, in metres and in slope-weighted metres (minutes
 *     × metres per minute of the walking profile: SQL divides);
 *   - covered: that walk within the cut-off (cp.coverage's test);
 *   - the two-step floating catchment of the facilities' capacity among the
 *     target group (sfca.c, the one supply.c uses: the same figures as
 *     cp.supply_access).
 *
 * The grid: PostGIS's ST_HexagonGrid of edge cell_m over the envelope of the
 * residents' points (grown by one cell) in the network's CRS. Its cells are
 * read as a communities query, so a resident unit goes into a cell by the one
 * membership rule (communities.c: the cell containing its representative
 * point, the lowest id on a shared edge). A cell's id encodes the grid's
 * (i, j): ((i + 2^30) << 31) + (j + 2^30). Only cells with residents are
 * returned, in id order.
 *
 * Why not SQL over cp._coverage_run and cp._supply_eval: that would run each
 * caller query twice (the kernel rule, test/pgtap/38_kernel.sql), and neither
 * kernel returns a unit's walk together with its community.
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

PG_FUNCTION_INFO_V1(cp_surface_eval_sql);

/* the walk to the nearest facility is searched to this many cut-offs */
#define SURFACE_WALK_FACTOR 3.0
#define SURFACE_MIN_CELL_M 1.0
#define SURFACE_MAX_CELL_M 10000.0
#define SURFACE_MAX_CELLS 100000.0	/* 2 600 km² at 100 m cells: a city district or more; bounds the grid a call builds */
#define SURFACE_IJ_OFFSET 1073741824.0	/* 2^30 */

typedef struct Surface
{
	CpNetwork  *net;
	const CpUnits *res;
	CpSnap	   *rsnap;
	double		bound;			/* the cut-off with the millimetre of slack */
	CpSfca		sfca;
} Surface;

/*
 * The walk to the nearest facility (all placed facilities of the category,
 * capacity or not) for every snapped resident within walk_bound: dist_m in
 * metres, dist_t in slope-weighted metres; -1 when none is in reach.
 */
static void
nearest_walk(CpNetwork *net, const CpFacilities *fac, const CpSnap *rsnap, int nres,
			 double max_snap, double walk_bound, CpMetric metric, double *dist_m, double *dist_t,
			 int64 *unsnapped)
{
	CpSeed	   *seeds = palloc_extended(sizeof(CpSeed) * Max(fac->n, 1), MCXT_ALLOC_HUGE);
	int			nseeds = 0,
				i;
	CpReach		reach = {0};

	for (i = 0; i < fac->n; i++)
	{
		CpSnap		sn;

		if ((i & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (!fac->placed[i])
			continue;
		sn = cp_snap_point(net, fac->x[i], fac->y[i], max_snap);
		if (!sn.found)
		{
			(*unsnapped)++;
			continue;
		}
		seeds[nseeds++] = (CpSeed) {sn.piece, sn.fraction, i};
	}
	cp_seeds_sort(seeds, nseeds);
	if (nseeds > 0)
		cp_search(net, seeds, nseeds, 1, walk_bound, metric, true, NULL, 0);
	for (i = 0; i < nres; i++)
	{
		dist_m[i] = dist_t[i] = -1;
		if ((i & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (nseeds == 0 || !rsnap[i].found)
			continue;
		if (cp_search_reach_point(net, seeds, nseeds, rsnap[i].piece, rsnap[i].fraction,
								  1, walk_bound, metric, true, &reach) > 0)
		{
			dist_m[i] = metric == CP_METRIC_TIME ? reach.secondary : reach.primary;
			dist_t[i] = metric == CP_METRIC_TIME ? reach.primary : reach.secondary;
		}
	}
	pfree(seeds);
}

/* The hexagons over the envelope, as a communities query (id, geom). */
static char *
grid_query(const char *schema, double cell_m, int32 srid, double x0, double y0, double x1, double y1)
{
	const char *s = quote_identifier(schema);

	return psprintf("SELECT ((h.i::bigint + %.0f::bigint) * 2147483648 + (h.j::bigint + %.0f::bigint)) AS id, h.geom"
					" FROM %s.st_hexagongrid(%.17g, %s.st_makeenvelope(%.17g, %.17g, %.17g, %.17g, %d)) h",
					SURFACE_IJ_OFFSET, SURFACE_IJ_OFFSET, s, cell_m, s, x0, y0, x1, y1, srid);
}

/*
 * cp._surface_eval(network, residents_sql, facilities_sql, category, quiet,
 *                  known, cutoff, by_time, group_column, share, min_floor_m2,
 *                  min_site_m2, decay, decay_param, max_snap_m, cell_m,
 *                  postgis_schema)
 * One row per hexagon with residents: cell (the encoded grid address), geom
 * (EWKB), units, population, target (the group), estimated, covered (target
 * group within the cut-off), reached (within SURFACE_WALK_FACTOR cut-offs),
 * walk_mean_m, walk_max_m, walk_mean_t, walk_max_t (over the units reached,
 * weighted by the group; _t in slope-weighted metres), supply (the 2SFCA's
 * accessible capacity summed over the cell's group).
 */
Datum
cp_surface_eval_sql(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Surface		s;
	CpUnits    *res;
	CpFacilities *fac;
	CpCommunities *com = NULL;
	CpFacilityOptions opt = {0};
	char	   *category,
			   *group,
			   *schema;
	char	  **quiet,
			  **known;
	int			nquiet,
				nknown,
				i,
				ngroups = 0;
	double		cutoff,
				share,
				min_floor,
				min_site,
				max_snap,
				cell_m,
				walk_bound;
	bool		by_time;
	bool	   *uest;
	CpMetric	metric;
	double	   *weight,
			   *dist_m,
			   *dist_t;
	int64		unsnapped = 0,
				outside = 0;
	double		x0 = INFINITY,
				y0 = INFINITY,
				x1 = -INFINITY,
				y1 = -INFINITY;

	for (i = 0; i < 17; i++)
		if (PG_ARGISNULL(i) && i != 13)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("argument %d of cp._surface_eval must not be NULL", i + 1)));
	memset(&s, 0, sizeof(s));
	category = text_to_cstring(PG_GETARG_TEXT_PP(3));
	quiet = cp_text_array_cstrings(PG_GETARG_ARRAYTYPE_P(4), "quiet", &nquiet);
	known = cp_text_array_cstrings(PG_GETARG_ARRAYTYPE_P(5), "known", &nknown);
	cutoff = PG_GETARG_FLOAT8(6);
	by_time = PG_GETARG_BOOL(7);
	group = text_to_cstring(PG_GETARG_TEXT_PP(8));
	share = PG_GETARG_FLOAT8(9);
	min_floor = PG_GETARG_FLOAT8(10);
	min_site = PG_GETARG_FLOAT8(11);
	s.sfca.decay = cp_decay_parse(text_to_cstring(PG_GETARG_TEXT_PP(12)), !PG_ARGISNULL(13),
								  PG_ARGISNULL(13) ? 0 : PG_GETARG_FLOAT8(13), &s.sfca.beta);
	max_snap = PG_GETARG_FLOAT8(14);
	cell_m = PG_GETARG_FLOAT8(15);
	schema = text_to_cstring(PG_GETARG_TEXT_PP(16));
	cp_check_arg("cutoff", cutoff, CP_MIN_CUTOFF, CP_MAX_DISTANCE_M, "metres");
	cp_check_arg("max_snap_m", max_snap, 0, CP_MAX_SNAP_M, "metres");
	cp_check_arg("cell_m", cell_m, SURFACE_MIN_CELL_M, SURFACE_MAX_CELL_M, "metres");
	if (!(share >= 0 && share <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("share of the target group must be between 0 and 1")));
	s.sfca.d0 = cutoff;
	s.bound = cutoff + CP_SFCA_SLACK_M;
	walk_bound = SURFACE_WALK_FACTOR * cutoff + CP_SFCA_SLACK_M;
	metric = by_time ? CP_METRIC_TIME : CP_METRIC_DISTANCE;
	opt.quiet = quiet;
	opt.nquiet = nquiet;
	opt.amount_column = "capacity";
	opt.min_floor = &min_floor;
	opt.min_site = &min_site;

	/* each caller query once: residents, facilities (the cells are the grid's own query) */
	s.net = cp_network_get(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	res = cp_units_read_residents_groups(text_to_cstring(PG_GETARG_TEXT_PP(1)), s.net->hdr->srid,
										 strcmp(group, "population") != 0 ? &group : NULL,
										 strcmp(group, "population") != 0 ? 1 : 0);
	fac = cp_units_read_facilities_opt(text_to_cstring(PG_GETARG_TEXT_PP(2)), s.net->hdr->srid,
									   &category, 1, known, nknown, &opt);
	s.res = res;

	cp_check_call_memory(psprintf("an accessibility surface of %d resident units and %d facilities", res->n, fac->n),
						 (double) res->n * (sizeof(CpSnap) + sizeof(int32) + 5 * sizeof(double)) +
						 (double) fac->n * (2 * sizeof(CpSnap) + sizeof(int32) + sizeof(double)) +
						 (double) s.net->npieces * 2 * sizeof(uint32),
						 "Use fewer resident units or facilities per call (a district at a time), or raise community_planning.max_call_memory.");

	/* the target group of every unit: its column, else population x share */
	weight = palloc_extended(sizeof(double) * Max(res->n, 1), MCXT_ALLOC_HUGE);
	{
		int			gi = strcmp(group, "population") != 0 ? cp_units_group_index(res, group) : -1;

		uest = palloc0_array(bool, Max(res->n, 1));
		for (i = 0; i < res->n; i++)
			weight[i] = cp_units_weight(res, i, gi, share, &uest[i]);
	}

	/* snap the residents with a point once; both searches read these snaps */
	s.rsnap = palloc_extended(sizeof(CpSnap) * Max(res->n, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	for (i = 0; i < res->n; i++)
	{
		if ((i & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (!res->placed[i])
			continue;
		x0 = Min(x0, res->x[i]);
		y0 = Min(y0, res->y[i]);
		x1 = Max(x1, res->x[i]);
		y1 = Max(y1, res->y[i]);
		if (!(res->population[i] > 0))
			continue;
		s.rsnap[i] = cp_snap_point(s.net, res->x[i], res->y[i], max_snap);
		if (!s.rsnap[i].found)
			unsnapped++;
	}

	/* the walk to the nearest facility */
	dist_m = palloc_extended(sizeof(double) * Max(res->n, 1), MCXT_ALLOC_HUGE);
	dist_t = palloc_extended(sizeof(double) * Max(res->n, 1), MCXT_ALLOC_HUGE);
	nearest_walk(s.net, fac, s.rsnap, res->n, max_snap, walk_bound, metric, dist_m, dist_t, &unsnapped);

	/* the 2SFCA (sfca.c): facilities with capacity, residents of the group */
	s.sfca.net = s.net;
	/* those too far are counted by nearest_walk */
	(void) cp_sfca_set_facilities(&s.sfca, fac, max_snap);
	s.sfca.metric = metric;
	s.sfca.nunits = res->n;
	s.sfca.weight = weight;
	s.sfca.usnap = s.rsnap;
	s.sfca.pair_budget = (double) cp_max_call_memory_mb * 1024 * 1024 / 4;
	cp_sfca_run(&s.sfca);

	InitMaterializedSRF(fcinfo, 0);
	if (x0 <= x1)
	{
		double		hex_area = 1.5 * sqrt(3.0) * cell_m * cell_m;
		double		cells;
		double		lim = SURFACE_IJ_OFFSET * cell_m;	/* |i|, |j| below 2^30 */

		x0 -= cell_m;
		y0 -= cell_m;
		x1 += cell_m;
		y1 += cell_m;
		cells = (x1 - x0 + 2 * cell_m) * (y1 - y0 + 2 * cell_m) / hex_area;
		if (cells > SURFACE_MAX_CELLS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cell_m of %g m makes about %.0f cells over the residents, more than %.0f",
							cell_m, cells, SURFACE_MAX_CELLS),
					 errhint("Use larger cells or a smaller area per call.")));
		if (fabs(x0) >= lim || fabs(x1) >= lim || fabs(y0) >= lim || fabs(y1) >= lim)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cell_m of %g m is too small for the coordinates of the network's CRS", cell_m)));
		com = cp_communities_read(grid_query(schema, cell_m, s.net->hdr->srid, x0, y0, x1, y1), s.net->hdr->srid);
		ngroups = cp_communities_count(com);
	}
	if (ngroups > 0)
	{
		int			width = 11;
		double	   *acc = palloc0_array(double, (Size) ngroups * width);
		int32	   *nunits = palloc0_array(int32, ngroups);
		bool	   *gest = palloc0_array(bool, ngroups);
		int			g;

		/* acc per cell: pop, target, covered, reached, sum w d_m, max d_m, sum w d_t, max d_t, supply */
		for (g = 0; g < ngroups; g++)
		{
			acc[g * width + 5] = -1;
			acc[g * width + 7] = -1;
		}
		for (i = 0; i < res->n; i++)
		{
			double	   *a;
			double		w = weight[i];

			if ((i & 0xfff) == 0)
				CHECK_FOR_INTERRUPTS();
			if (!res->placed[i])
				continue;		/* reported by the NOTICE on geometries below */
			g = cp_communities_of(com, true, res->x[i], res->y[i]);
			if (g < 0)
			{
				outside++;
				continue;
			}
			a = acc + g * width;
			nunits[g]++;
			gest[g] |= uest[i];
			a[0] += res->population[i];
			a[1] += w;
			a[8] += w * s.sfca.per_unit[i];
			if (dist_m[i] < 0 || !(res->population[i] > 0))
				continue;
			if (dist_m[i] >= 0 && (by_time ? dist_t[i] : dist_m[i]) <= s.bound)
				a[2] += w;
			if (!(w > 0))
				continue;
			a[3] += w;
			a[4] += w * dist_m[i];
			a[5] = Max(a[5], dist_m[i]);
			a[6] += w * dist_t[i];
			a[7] = Max(a[7], dist_t[i]);
		}
		for (g = 0; g < ngroups; g++)
		{
			Datum		values[13];
			bool		nulls[13] = {0};
			double	   *a = acc + g * width;
			bytea	   *geom;

			if ((g & 0x3ff) == 0)
				CHECK_FOR_INTERRUPTS();
			if (!(a[0] > 0))
				continue;		/* no one lives there */
			geom = cp_communities_geom(com, g);
			values[0] = Int64GetDatum(cp_communities_id(com, g));
			nulls[1] = geom == NULL;
			if (geom)
				values[1] = PointerGetDatum(geom);
			values[2] = Int32GetDatum(nunits[g]);
			values[3] = Float8GetDatum(a[0]);
			values[4] = Float8GetDatum(a[1]);
			values[5] = BoolGetDatum(gest[g]);
			values[6] = Float8GetDatum(a[2]);
			values[7] = Float8GetDatum(a[3]);
			nulls[8] = nulls[9] = nulls[10] = nulls[11] = !(a[3] > 0);
			values[8] = Float8GetDatum(a[3] > 0 ? a[4] / a[3] : 0);
			values[9] = Float8GetDatum(a[5]);
			values[10] = Float8GetDatum(a[3] > 0 ? a[6] / a[3] : 0);
			values[11] = Float8GetDatum(a[7]);
			values[12] = Float8GetDatum(a[8]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		cp_communities_report_outside(com, outside, "residents");
	}
	if (res->no_geom > 0)
		ereport(NOTICE,
				(errmsg("%lld residents have a NULL or empty geometry", (long long) res->no_geom),
				 errdetail("They are in no cell of the surface.")));
	if (fac->no_geom > 0)
		ereport(NOTICE,
				(errmsg("%lld facilities of category \"%s\" have a NULL or empty geometry", (long long) fac->no_geom, category),
				 errdetail("They are left out.")));
	if (unsnapped > 0)
		ereport(NOTICE,
				(errmsg("%lld residents or facilities lie more than %g m from the network", (long long) unsnapped, max_snap)));
	return (Datum) 0;
}
