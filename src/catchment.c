/*
 * catchment.c: walking catchments (isochrone polygons) from one bounded
 * search per facility, all cutoffs at once.
 *
 * The reached network, including the reached part of every edge the cutoff
 * crosses, is cut out of the piece geometries, then either buffered ('edges')
 * or wrapped in a concave hull ('hull') with GEOS.
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

#include "contour.h"
#include "geos_util.h"
#include "network.h"
#include "query_reader.h"

PG_FUNCTION_INFO_V1(cp_catchment_sql);
PG_FUNCTION_INFO_V1(cp_catchments_sql);

typedef enum CatchmentMethod
{
	METHOD_EDGES,				/* contour of the distance to the reached network */
	METHOD_EXACT,				/* GEOS buffer of the reached network */
	METHOD_HULL					/* concave hull of the reached network */
} CatchmentMethod;

typedef struct CatchmentOptions
{
	double	   *cutoffs;		/* ascending, in the search metric's units (metres-equivalent) */
	double	   *cutoffs_out;	/* as given, for output */
	int			ncutoffs;
	CatchmentMethod method;
	double		buffer_m;
	CpMetric	metric;
	double		max_snap;
	CpStampCache *stamps;		/* 'edges': segment stamps shared by all contours of the call */
} CatchmentOptions;

/* A reached stretch of one piece, as fractions along it. */
typedef struct Stretch
{
	double		from;
	double		to;
} Stretch;

/* Points of piece p between fractions a <= b of its projected length; returns the count (>= 2). */
static int
piece_points(const CpNetwork *net, uint32 p, double a, double b, double *xs, double *ys)
{
	uint32		v0 = net->vert_start[p],
				v1 = net->vert_start[p + 1];
	double		total = 0,
				run = 0;
	uint32		v;
	int			n = 0;

	for (v = v0; v + 1 < v1; v++)
		total += hypot(net->vx[v + 1] - net->vx[v], net->vy[v + 1] - net->vy[v]);
	a *= total;
	b *= total;
	for (v = v0; v + 1 < v1; v++)
	{
		double		s = hypot(net->vx[v + 1] - net->vx[v], net->vy[v + 1] - net->vy[v]);
		double		lo = run,
					hi = run + s;

		if (hi >= a && lo <= b && s > 0)
		{
			double		t0 = Max(0.0, (a - lo) / s),
						t1 = Min(1.0, (b - lo) / s);

			if (n == 0)
			{
				xs[n] = net->vx[v] + t0 * (net->vx[v + 1] - net->vx[v]);
				ys[n] = net->vy[v] + t0 * (net->vy[v + 1] - net->vy[v]);
				n++;
			}
			xs[n] = net->vx[v] + t1 * (net->vx[v + 1] - net->vx[v]);
			ys[n] = net->vy[v] + t1 * (net->vy[v + 1] - net->vy[v]);
			n++;
		}
		run = hi;
	}
	if (n == 0)
	{
		xs[n] = net->vx[v0];
		ys[n] = net->vy[v0];
		n++;
	}
	if (n == 1)
	{
		xs[1] = xs[0];
		ys[1] = ys[0];
		n = 2;
	}
	return n;
}

/* Where reached stretches go: GEOS lines, or plain segments for the contour. */
typedef struct StretchSink
{
	double	   *xs;				/* scratch, longest piece + 2 */
	double	   *ys;
	bool		to_geos;
	GEOSGeometry **lines;
	int			nlines;
	int			cap_lines;
	CpSegments	segs;
} StretchSink;

static void
sink_init(StretchSink *sink, const CpNetwork *net, bool to_geos)
{
	uint32		p,
				longest = 2;

	for (p = 0; p < net->npieces; p++)
		longest = Max(longest, net->vert_start[p + 1] - net->vert_start[p]);
	memset(sink, 0, sizeof(*sink));
	sink->xs = palloc(sizeof(double) * (longest + 2));
	sink->ys = palloc(sizeof(double) * (longest + 2));
	sink->to_geos = to_geos;
	if (to_geos)
	{
		sink->cap_lines = 256;
		sink->lines = palloc(sizeof(GEOSGeometry *) * sink->cap_lines);
	}
	else
		cp_segments_init(&sink->segs);
}

/* Free the GEOS lines collected so far (before an error or interrupt leaves). */
static void
sink_drop_lines(StretchSink *sink)
{
	GEOSContextHandle_t h = cp_geos();

	while (sink->nlines > 0)
		GEOSGeom_destroy_r(h, sink->lines[--sink->nlines]);
}

static void
sink_add(StretchSink *sink, const CpNetwork *net, uint32 p, double a, double b)
{
	int			n = piece_points(net, p, a, b, sink->xs, sink->ys);
	int			i;

	if (!sink->to_geos)
	{
		/* a whole piece is the same run of segments whenever it is reached: tagged, shared */
		for (i = 0; i + 1 < n; i++)
			cp_segments_add_tagged(&sink->segs, sink->xs[i], sink->ys[i], sink->xs[i + 1],
								   sink->ys[i + 1], (a == 0 && b == 1) ? (int64) p : -1);
		return;
	}
	{
		GEOSContextHandle_t h = cp_geos();
		GEOSCoordSequence *seq = GEOSCoordSeq_create_r(h, n, 2);

		for (i = 0; i < n; i++)
			GEOSCoordSeq_setXY_r(h, seq, i, sink->xs[i], sink->ys[i]);
		if (sink->nlines >= CP_MAX_GEOS_STRETCHES)
		{
			GEOSCoordSeq_destroy_r(h, seq);
			sink_drop_lines(sink);
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("catchment reaches more than %d street stretches, too many for the 'exact' and 'hull' methods",
							CP_MAX_GEOS_STRETCHES),
					 errhint("Use method 'edges' (traced outline, fast at any size) or a smaller cutoff.")));
		}
		if (sink->nlines == sink->cap_lines)
		{
			sink->cap_lines *= 2;
			sink->lines = repalloc(sink->lines, sizeof(GEOSGeometry *) * sink->cap_lines);
		}
		sink->lines[sink->nlines++] = GEOSGeom_createLineString_r(h, seq);
	}
}

static bool
is_touched(const CpNetwork *net, uint32 node)
{
	return net->space.nsettled[node] > 0 || !isinf(net->space.tentative[node]);
}

static double
node_cost(const CpNetwork *net, uint32 node)
{
	const CpReach *labels;

	return cp_search_node_labels(net, node, &labels) > 0 ? labels[0].primary : INFINITY;
}

/* Sort and merge overlapping stretches: overlapping lines make GEOS buffering slow. */
static int
merge_stretches(Stretch *s, int n)
{
	int			i,
				j,
				kept = 0;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (s[j].from < s[i].from)
			{
				Stretch		t = s[i];

				s[i] = s[j];
				s[j] = t;
			}
	for (i = 0; i < n; i++)
	{
		if (s[i].to < s[i].from)
			continue;
		if (kept > 0 && s[i].from <= s[kept - 1].to)
			s[kept - 1].to = Max(s[kept - 1].to, s[i].to);
		else
			s[kept++] = s[i];
	}
	return kept;
}

/*
 * Reached intervals of piece p within 'cutoff', walking toward the seed:
 * from the source end, the target end, and along the seed's own piece.
 */
static int
reached_intervals(const CpNetwork *net, uint32 p, const CpSeed *seed, double cutoff, CpMetric metric,
				  Stretch *out)
{
	double		ds = node_cost(net, net->source[p]);
	double		dt = node_cost(net, net->target[p]);
	float		wf = cp_piece_weight(net, p, true, metric);
	float		wb = cp_piece_weight(net, p, false, metric);
	int			n = 0;

	/* x -> source walks backward, then on from the source */
	if (ds <= cutoff)
		out[n++] = (Stretch) {0, wb > 0 ? Min(1.0, (cutoff - ds) / wb) : (wb == 0 ? 1.0 : 0.0)};
	if (dt <= cutoff)
		out[n++] = (Stretch) {wf > 0 ? Max(0.0, 1 - (cutoff - dt) / wf) : (wf == 0 ? 0.0 : 1.0), 1};
	if (p == seed->piece)
	{
		double		f = seed->fraction;
		double		lo = wf > 0 ? Max(0.0, f - cutoff / wf) : (wf == 0 ? 0.0 : f);
		double		hi = wb > 0 ? Min(1.0, f + cutoff / wb) : (wb == 0 ? 1.0 : f);

		out[n++] = (Stretch) {lo, hi};
	}
	return merge_stretches(out, n);
}

/* Every reached stretch within 'cutoff', each piece visited once. */
static void
collect_reached(const CpNetwork *net, const CpSeed *seed, double cutoff, CpMetric metric,
				StretchSink *sink)
{
	const CpSearchSpace *space = &net->space;
	Stretch		iv[3];
	int			k,
				m;
	uint32		i;

	for (i = 0; i < space->ntouched; i++)
	{
		uint32		u = space->touched[i];
		uint32		a;

		if ((i & 0x3ff) == 0)
		{
			if (sink->to_geos && cp_interrupt_pending())
			{
				sink_drop_lines(sink);
				cp_interrupt_raise();
			}
			CHECK_FOR_INTERRUPTS();
		}
		for (a = net->adj_start[u]; a < net->adj_start[u + 1]; a++)
		{
			uint32		p = net->adj[a] >> 1;
			bool		u_is_target = net->adj[a] & 1;
			uint32		other = u_is_target ? net->source[p] : net->target[p];

			/* each piece once: from its source when the search touched it, else from its target */
			if (p == seed->piece || (u_is_target && is_touched(net, other)))
				continue;
			m = reached_intervals(net, p, seed, cutoff, metric, iv);
			for (k = 0; k < m; k++)
				sink_add(sink, net, p, iv[k].from, iv[k].to);
		}
	}
	/* the seed's own piece, with the stretch along it from the seed */
	m = reached_intervals(net, seed->piece, seed, cutoff, metric, iv);
	for (k = 0; k < m; k++)
		sink_add(sink, net, seed->piece, iv[k].from, iv[k].to);
}

static GEOSGeometry *
sink_lines(StretchSink *sink)
{
	GEOSGeometry *result = GEOSGeom_createCollection_r(cp_geos(), GEOS_MULTILINESTRING,
													   sink->lines, sink->nlines);

	if (result == NULL)
		cp_geos_raise("collecting the reached network");
	sink->nlines = 0;
	return result;
}

/*
 * Buffer every reached stretch on its own and union the small polygons
 * (cascaded): about ten times faster than buffering the whole collection,
 * whose overlapping offset curves GEOS must node all together.
 */
static GEOSGeometry *
buffer_union(const GEOSGeometry *lines, double buffer_m)
{
	GEOSContextHandle_t h = cp_geos();
	GEOSGeometry *merged = GEOSLineMerge_r(h, lines);
	int			n;
	GEOSGeometry **parts;
	GEOSGeometry *collection,
			   *result;
	int			i;

	if (merged == NULL)
		cp_geos_raise("merging reached streets");
	n = GEOSGetNumGeometries_r(h, merged);
	parts = palloc(sizeof(GEOSGeometry *) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		GEOSGeometry *simple = NULL;

		if ((i & 255) == 0 && cp_interrupt_pending())
			parts[i] = NULL;
		else
		{
			simple = GEOSSimplify_r(h, GEOSGetGeometryN_r(h, merged, i), buffer_m / 25);
			parts[i] = simple ? GEOSBuffer_r(h, simple, buffer_m, 4) : NULL;
		}
		if (simple)
			GEOSGeom_destroy_r(h, simple);
		if (parts[i] == NULL)
		{
			/* a cancel, or GEOS failed: free everything, then report which */
			while (i > 0)
				GEOSGeom_destroy_r(h, parts[--i]);
			GEOSGeom_destroy_r(h, merged);
			if (cp_interrupt_pending())
				cp_interrupt_raise();
			cp_geos_raise("buffering a reached street");
		}
	}
	GEOSGeom_destroy_r(h, merged);
	collection = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, n);
	pfree(parts);
	if (collection == NULL)
		cp_geos_raise("collecting buffers");
	result = GEOSUnaryUnion_r(h, collection);
	GEOSGeom_destroy_r(h, collection);
	return result;
}

static GEOSGeometry *
as_multipolygon(GEOSGeometry *g)
{
	GEOSContextHandle_t h = cp_geos();
	int			type = GEOSGeomTypeId_r(h, g);

	if (type == GEOS_POLYGON)
	{
		GEOSGeometry *parts[1] = {g};

		return GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, 1);
	}
	if (type == GEOS_MULTIPOLYGON)
		return g;
	/* anything else (an empty result): an empty MultiPolygon */
	GEOSGeom_destroy_r(h, g);
	return GEOSGeom_createEmptyCollection_r(h, GEOS_MULTIPOLYGON);
}

/* The grid step of the traced contour. */
static double
contour_resolution(const CatchmentOptions *opt)
{
	return Max(opt->buffer_m / 5, 0.5);
}

/* The 'edges' catchment: traced contour, EWKB and area without GEOS. */
static bytea *
contour_for(const CpNetwork *net, const CpSeed *seed, double cutoff, const CatchmentOptions *opt,
			double *area)
{
	StretchSink sink;
	bytea	   *ewkb;

	sink_init(&sink, net, false);
	collect_reached(net, seed, cutoff, opt->metric, &sink);
	ewkb = cp_contour_buffer_cached(&sink.segs, opt->buffer_m, contour_resolution(opt),
									net->hdr->srid, area, opt->stamps);
	pfree(sink.segs.x0);
	pfree(sink.segs.y0);
	pfree(sink.segs.x1);
	pfree(sink.segs.y1);
	pfree(sink.segs.tag);
	pfree(sink.xs);
	pfree(sink.ys);
	return ewkb;
}

/* The 'exact' and 'hull' catchments, with GEOS. */
static GEOSGeometry *
polygon_for(const CpNetwork *net, const CpSeed *seed, double cutoff, const CatchmentOptions *opt)
{
	GEOSContextHandle_t h = cp_geos();
	StretchSink sink;
	GEOSGeometry *poly;

	sink_init(&sink, net, true);
	collect_reached(net, seed, cutoff, opt->metric, &sink);
	{
		GEOSGeometry *lines = sink_lines(&sink);

		if (opt->method == METHOD_EXACT)
			poly = buffer_union(lines, opt->buffer_m);
		else
		{
			GEOSGeometry *points = GEOSGeom_extractUniquePoints_r(h, lines);
			GEOSGeometry *hull,
					   *bufhull,
					   *buflines;

			if (points == NULL)
				cp_geos_raise("collecting the reached points");
			hull = GEOSConcaveHull_r(h, points, 0.3, 0);
			GEOSGeom_destroy_r(h, points);
			if (hull == NULL)
			{
				GEOSGeom_destroy_r(h, lines);
				cp_geos_raise("computing a concave hull");
			}
			/* the hull may cut corners of the reached lines: add them back */
			bufhull = GEOSBuffer_r(h, hull, opt->buffer_m, 4);
			GEOSGeom_destroy_r(h, hull);
			if (bufhull == NULL)
			{
				GEOSGeom_destroy_r(h, lines);
				cp_geos_raise("buffering a hull");
			}
			buflines = buffer_union(lines, opt->buffer_m);
			if (buflines == NULL)
			{
				GEOSGeom_destroy_r(h, bufhull);
				GEOSGeom_destroy_r(h, lines);
				cp_geos_raise("buffering a hull");
			}
			poly = GEOSUnion_r(h, bufhull, buflines);
			GEOSGeom_destroy_r(h, bufhull);
			GEOSGeom_destroy_r(h, buflines);
		}
		GEOSGeom_destroy_r(h, lines);
	}
	if (poly == NULL)
		cp_geos_raise("building a catchment polygon");
	if (GEOSisValid_r(h, poly) != 1)
	{
		GEOSGeometry *valid = GEOSMakeValid_r(h, poly);

		GEOSGeom_destroy_r(h, poly);
		poly = valid;
		if (poly == NULL)
			cp_geos_raise("repairing a catchment polygon");
	}
	return as_multipolygon(poly);
}

/*
 * GEOS polygons of the cutoff loop live outside palloc: when a cancel or a
 * GEOS failure leaves the loop by longjmp they are freed at the next call.
 */
static GEOSGeometry *held_poly = NULL;
static GEOSGeometry *held_previous = NULL;

static void
free_held(void)
{
	GEOSContextHandle_t h = cp_geos();

	if (held_poly)
		GEOSGeom_destroy_r(h, held_poly);
	if (held_previous && held_previous != held_poly)
		GEOSGeom_destroy_r(h, held_previous);
	held_poly = held_previous = NULL;
}

/* Emit one row per cutoff for one snapped facility. */
static void
emit_catchments(CpNetwork *net, const CpSnap *snap, const CatchmentOptions *opt, bool with_id,
				int64 id, ReturnSetInfo *rsinfo)
{
	GEOSContextHandle_t h = cp_geos();
	CpSeed		seed = {snap->piece, snap->fraction, 0};
	int			c;

	free_held();
	cp_search(net, &seed, 1, 1, opt->cutoffs[opt->ncutoffs - 1], opt->metric, true, NULL, 0);
	for (c = 0; c < opt->ncutoffs; c++)
	{
		Datum		values[4];
		bool		nulls[4] = {0};
		double		area = 0;
		int			col = 0;
		bytea	   *ewkb;

		CHECK_FOR_INTERRUPTS();
		if (opt->method == METHOD_EDGES)
		{
			/* the contour of a pointwise larger distance field nests by itself */
			ewkb = contour_for(net, &seed, opt->cutoffs[c], opt, &area);
		}
		else
		{
			held_poly = polygon_for(net, &seed, opt->cutoffs[c], opt);

			/*
			 * Keep the smaller cutoff inside: hulls are not monotone in their
			 * input, and buffers approximate arcs by chords at different angles.
			 */
			if (held_previous != NULL)
			{
				GEOSGeometry *merged = GEOSUnion_r(h, held_poly, held_previous);

				if (merged == NULL)
					cp_geos_raise("nesting catchments");
				GEOSGeom_destroy_r(h, held_poly);
				held_poly = as_multipolygon(merged);
			}
			if (!GEOSArea_r(h, held_poly, &area))
				cp_geos_raise("measuring a catchment");
			ewkb = cp_geos_to_ewkb(held_poly, net->hdr->srid);
			if (held_previous)
				GEOSGeom_destroy_r(h, held_previous);
			held_previous = held_poly;
			held_poly = NULL;
		}
		if (with_id)
			values[col++] = Int64GetDatum(id);
		values[col++] = Float8GetDatum(opt->cutoffs_out[c]);
		values[col++] = Float8GetDatum(area);
		values[col++] = PointerGetDatum(ewkb);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		pfree(ewkb);
	}
	free_held();
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return x < y ? -1 : x > y;
}

/* Arguments shared by both functions, from position 'first' on. */
static void
read_options(FunctionCallInfo fcinfo, int first, CatchmentOptions *opt)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(first);
	char	   *method = text_to_cstring(PG_GETARG_TEXT_PP(first + 1));
	double		speed = PG_GETARG_FLOAT8(first + 3);
	bool		by_time = PG_GETARG_BOOL(first + 4);
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i,
				kept = 0;

	opt->buffer_m = PG_GETARG_FLOAT8(first + 2);
	opt->max_snap = PG_GETARG_FLOAT8(first + 5);
	opt->metric = by_time ? CP_METRIC_TIME : CP_METRIC_DISTANCE;
	if (strcmp(method, "edges") == 0)
		opt->method = METHOD_EDGES;
	else if (strcmp(method, "exact") == 0)
		opt->method = METHOD_EXACT;
	else if (strcmp(method, "hull") == 0)
		opt->method = METHOD_HULL;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown catchment method \"%s\"", method),
				 errhint("Use 'edges' (traced buffer of the reached network), 'exact' (GEOS buffer) or 'hull' (concave hull).")));
	cp_check_arg("buffer_m", opt->buffer_m, CP_MIN_BUFFER_M, CP_MAX_BUFFER_M, "metres");
	if (isnan(opt->max_snap) || opt->max_snap < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_snap_m must be a non-negative number of metres")));
	cp_check_arg("max_snap_m", opt->max_snap, 0, CP_MAX_SNAP_M, "metres");
	if (!(speed > 0) || isinf(speed))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("walking speed must be a positive number")));
	cp_check_arg("walking speed", speed, CP_MIN_SPEED, CP_MAX_SPEED, "metres per minute");
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("cutoffs must be a one-dimensional array")));
	deconstruct_array(arr, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, &n);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cutoffs must not be empty")));
	opt->cutoffs_out = palloc(sizeof(double) * n);
	for (i = 0; i < n; i++)
	{
		double		v = nulls[i] ? NAN : DatumGetFloat8(elems[i]);

		if (nulls[i] || isnan(v) || isinf(v) || v <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cutoffs must be positive finite numbers"),
					 errdetail("Cutoff %d is %s.", i + 1, nulls[i] ? "NULL" : psprintf("%g", v))));
		if (v < CP_MIN_CUTOFF || v > CP_MAX_DISTANCE_M)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cutoffs must be between %.15g and %.15g", CP_MIN_CUTOFF, CP_MAX_DISTANCE_M),
					 errdetail("Cutoff %d is %g (metres, or minutes with unit => 'min').", i + 1, v)));
		opt->cutoffs_out[i] = v;
	}
	qsort(opt->cutoffs_out, n, sizeof(double), cmp_double);
	for (i = 0; i < n; i++)
		if (kept == 0 || opt->cutoffs_out[i] != opt->cutoffs_out[kept - 1])
			opt->cutoffs_out[kept++] = opt->cutoffs_out[i];
	opt->ncutoffs = kept;
	if (kept > CP_MAX_CUTOFFS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many cutoffs: %d", kept),
				 errdetail("One call traces at most %d distinct cutoffs.", CP_MAX_CUTOFFS),
				 errhint("Split the cutoffs over several calls.")));
	opt->cutoffs = palloc(sizeof(double) * kept);
	for (i = 0; i < kept; i++)
		opt->cutoffs[i] = by_time ? opt->cutoffs_out[i] * speed : opt->cutoffs_out[i];
}

/*
 * cp._catchment(network, origin_ewkb, cutoffs, method, buffer_m, speed_m_per_min,
 *               by_time, max_snap_m) -> (cutoff, area_m2, geom_ewkb)
 */
Datum
cp_catchment_sql(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CpNetwork  *net = cp_network_get(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	bytea	   *origin = cp_geometry_arg(fcinfo, 1);
	CatchmentOptions opt;
	double		x,
				y;
	CpSnap		snap;

	read_options(fcinfo, 2, &opt);
	opt.stamps = opt.method == METHOD_EDGES ?
		cp_stamp_cache_create(opt.buffer_m, contour_resolution(&opt)) : NULL;
	InitMaterializedSRF(fcinfo, 0);
	if (!cp_geom_to_network_point(net, (const uint8 *) VARDATA_ANY(origin), VARSIZE_ANY_EXHDR(origin), &x, &y))
	{
		ereport(NOTICE, (errmsg("the origin is empty: no catchment")));
		return (Datum) 0;
	}
	snap = cp_snap_point(net, x, y, opt.max_snap);
	if (!snap.found)
	{
		ereport(NOTICE,
				(errmsg("the origin lies more than %g m from the network: no catchment", opt.max_snap)));
		return (Datum) 0;
	}
	emit_catchments(net, &snap, &opt, false, 0, rsinfo);
	cp_stamp_cache_free(opt.stamps);
	return (Datum) 0;
}

typedef struct FacilityList
{
	CpNetwork  *net;
	int			n;
	int			cap;
	int64	   *id;
	double	   *x;
	double	   *y;
	int64		skipped;
} FacilityList;

static void
read_facility(const CpRowValue *v, void *arg)
{
	FacilityList *fl = arg;

	if (v[0].isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("facilities query returned a NULL id")));
	if (v[1].isnull)
	{
		fl->skipped++;
		return;
	}
	if (fl->n == fl->cap)
	{
		fl->cap *= 2;
		fl->id = repalloc(fl->id, sizeof(int64) * fl->cap);
		fl->x = repalloc(fl->x, sizeof(double) * fl->cap);
		fl->y = repalloc(fl->y, sizeof(double) * fl->cap);
	}
	if (!cp_geom_to_network_point(fl->net, v[1].wkb, v[1].wkb_len, &fl->x[fl->n], &fl->y[fl->n]))
	{
		fl->skipped++;
		return;
	}
	fl->id[fl->n++] = v[0].i;
}

/*
 * cp._catchments(network, facilities_sql, cutoffs, method, buffer_m,
 *                speed_m_per_min, by_time, max_snap_m)
 *   -> (facility_id, cutoff, area_m2, geom_ewkb)
 */
Datum
cp_catchments_sql(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CpNetwork  *net = cp_network_get(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	char	   *sql = text_to_cstring(PG_GETARG_TEXT_PP(1));
	CpColumn	cols[2] = {{"id", CP_COL_INT8, true}, {"geom", CP_COL_GEOMETRY, true}};
	CatchmentOptions opt;
	FacilityList fl;
	int64		unsnapped = 0;
	int			i;

	read_options(fcinfo, 2, &opt);
	opt.stamps = opt.method == METHOD_EDGES ?
		cp_stamp_cache_create(opt.buffer_m, contour_resolution(&opt)) : NULL;
	memset(&fl, 0, sizeof(fl));
	fl.net = net;
	fl.cap = 64;
	fl.id = palloc(sizeof(int64) * fl.cap);
	fl.x = palloc(sizeof(double) * fl.cap);
	fl.y = palloc(sizeof(double) * fl.cap);
	cp_read_query(sql, "facilities", cols, 2, read_facility, &fl);
	if (fl.skipped > 0)
		ereport(NOTICE,
				(errmsg("skipped %lld facilities with NULL or empty geometry", (long long) fl.skipped)));
	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < fl.n; i++)
	{
		CpSnap		snap = cp_snap_point(net, fl.x[i], fl.y[i], opt.max_snap);

		CHECK_FOR_INTERRUPTS();
		if (!snap.found)
		{
			unsnapped++;
			continue;
		}
		emit_catchments(net, &snap, &opt, true, fl.id[i], rsinfo);
	}
	if (unsnapped > 0)
		ereport(NOTICE,
				(errmsg("%lld facilities lie more than %g m from the network: no catchment",
						(long long) unsnapped, opt.max_snap)));
	cp_stamp_cache_free(opt.stamps);
	return (Datum) 0;
}
