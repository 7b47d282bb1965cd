/*
 * network_build.c: compile an edges query into the flat network blob.
 *
 * Steps: read rows (query_reader), resolve the CRS and measure lengths
 * (geodesic for longitude/latitude, then project to a metric CRS), derive
 * topology (split at shared vertices, merge within tolerance) unless
 * source/target are given, weigh pieces, label components, lay out CSR.
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/memutils.h"

#include "community_planning.h"
#include "crs.h"
#include "ewkb.h"
#include "network.h"
#include "query_reader.h"

/* One input row. */
typedef struct EdgeRow
{
	int64		id;
	double		cost;			/* NaN: absent or NULL, so the length */
	double		reverse_cost;	/* NaN: absent or NULL, so equal to cost */
	int64		source;
	int64		target;
	int			first_line;
	int			nlines;
	double		length;			/* filled after measuring */
} EdgeRow;

typedef struct BuildState
{
	EdgeRow    *rows;
	int			nrows;
	int			cap_rows;
	/* lines of all rows, coordinates flattened */
	int		   *line_start;		/* nlines + 1 */
	int		   *line_row;
	int			nlines;
	int			cap_lines;
	double	   *x;
	double	   *y;
	double	   *z;
	int			nverts;
	int			cap_verts;
	bool		has_z;
	bool		mixed_z;
	int32		srid;
	bool		user_nodes;
	bool		columns_checked;
	const struct CpColumn *cols;
	int64		skipped_null;
} BuildState;

enum
{
	COL_ID, COL_GEOM, COL_SOURCE, COL_TARGET, COL_COST, COL_REVERSE, NCOLS
};

static void
check_cost(double v, int64 id, const char *col)
{
	if (isnan(v) || isinf(v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("edge %lld has a %s that is not a finite number", (long long) id, col),
				 errhint("Use a negative %s to close that direction.", col)));
}

static void
grow_verts(BuildState *st, int extra)
{
	if (st->nverts + extra <= st->cap_verts)
		return;
	while (st->nverts + extra > st->cap_verts)
		st->cap_verts *= 2;
	st->x = repalloc_huge(st->x, sizeof(double) * st->cap_verts);
	st->y = repalloc_huge(st->y, sizeof(double) * st->cap_verts);
	st->z = repalloc_huge(st->z, sizeof(double) * st->cap_verts);
}

static void
add_lines(BuildState *st, const CpGeom *g, int row)
{
	int			p;

	for (p = 0; p < g->nparts; p++)
	{
		int			a = g->part_start[p],
					b = g->part_start[p + 1];

		if (b - a < 2)
			continue;
		if (st->nlines + 2 > st->cap_lines)
		{
			st->cap_lines *= 2;
			st->line_start = repalloc_huge(st->line_start, sizeof(int) * st->cap_lines);
			st->line_row = repalloc_huge(st->line_row, sizeof(int) * st->cap_lines);
		}
		grow_verts(st, b - a);
		memcpy(st->x + st->nverts, g->x + a, sizeof(double) * (b - a));
		memcpy(st->y + st->nverts, g->y + a, sizeof(double) * (b - a));
		if (g->has_z)
			memcpy(st->z + st->nverts, g->z + a, sizeof(double) * (b - a));
		else
			memset(st->z + st->nverts, 0, sizeof(double) * (b - a));
		st->line_row[st->nlines] = row;
		st->line_start[st->nlines] = st->nverts;
		st->nverts += b - a;
		st->nlines++;
		st->line_start[st->nlines] = st->nverts;
	}
}

/* Decode an edge's geometry: a LineString or MultiLineString. */
static CpGeom *
decode_edge_geometry(const uint8 *wkb, size_t len, int64 id)
{
	uint32		type;
	int32		srid;
	bool		has_z;

	cp_ewkb_peek(wkb, len, &type, &srid, &has_z);
	if (type != CP_WKB_LINESTRING && type != CP_WKB_MULTILINESTRING)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("edge %lld is a %s, not a LineString or MultiLineString",
						(long long) id, cp_wkb_type_name(type))));
	return cp_ewkb_decode(wkb, len);
}

/* Which optional columns the query has is known once it is bound. */
static void
check_optional_columns(BuildState *st)
{
	const CpColumn *cols = st->cols;

	if (cols[COL_SOURCE].present != cols[COL_TARGET].present)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("edges query has column \"%s\" but not \"%s\"",
						cols[COL_SOURCE].present ? "source" : "target",
						cols[COL_SOURCE].present ? "target" : "source"),
				 errhint("Give both source and target, or neither to derive topology from the geometry.")));
	if (cols[COL_REVERSE].present && !cols[COL_COST].present)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("edges query has column \"reverse_cost\" but not \"cost\"")));
	st->user_nodes = cols[COL_SOURCE].present;
	st->columns_checked = true;
}

static void
read_edge_row(const CpRowValue *v, void *arg)
{
	BuildState *st = arg;
	EdgeRow    *r;
	CpGeom	   *g;
	int			i;

	if (!st->columns_checked)
		check_optional_columns(st);
	if (v[COL_ID].isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NOT_NULL_VIOLATION),
				 errmsg("edges query returned a NULL id")));
	if (v[COL_GEOM].isnull)
	{
		st->skipped_null++;
		return;
	}
	g = decode_edge_geometry(v[COL_GEOM].wkb, v[COL_GEOM].wkb_len, v[COL_ID].i);
	if (st->nrows == 0)
		st->srid = g->srid;
	if (g->srid != st->srid)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("edges have mixed SRIDs %d and %d", st->srid, g->srid),
				 errdetail("Edge %lld has SRID %d.", (long long) v[COL_ID].i, g->srid),
				 errhint("Transform all edges to one SRID with ST_Transform.")));
	if (st->nrows > 0 && g->has_z != st->has_z)
		st->mixed_z = true;
	st->has_z = g->has_z;
	if (g->npoints < 2)
	{
		st->skipped_null++;
		return;
	}

	if (st->nrows == st->cap_rows)
	{
		st->cap_rows *= 2;
		st->rows = repalloc_huge(st->rows, sizeof(EdgeRow) * st->cap_rows);
	}
	r = &st->rows[st->nrows];
	r->id = v[COL_ID].i;
	r->cost = v[COL_COST].isnull ? NAN : v[COL_COST].f;
	r->reverse_cost = v[COL_REVERSE].isnull ? NAN : v[COL_REVERSE].f;
	if (!v[COL_COST].isnull)
		check_cost(r->cost, r->id, "cost");
	if (!v[COL_REVERSE].isnull)
		check_cost(r->reverse_cost, r->id, "reverse_cost");
	if (st->user_nodes)
	{
		if (v[COL_SOURCE].isnull || v[COL_TARGET].isnull)
			ereport(ERROR,
					(errcode(ERRCODE_NOT_NULL_VIOLATION),
					 errmsg("edge %lld has a NULL source or target", (long long) r->id)));
		if (g->nparts != 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("edge %lld has %d lines", (long long) r->id, g->nparts),
					 errdetail("With source and target columns each edge must be one LineString.")));
		r->source = v[COL_SOURCE].i;
		r->target = v[COL_TARGET].i;
	}
	r->first_line = st->nlines;
	add_lines(st, g, st->nrows);
	r->nlines = st->nlines - r->first_line;
	st->nrows++;
	for (i = 0; i < g->npoints; i++)
		if (!isfinite(g->x[i]) || !isfinite(g->y[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("edge %lld has a coordinate that is not finite", (long long) r->id)));
}

static int
cmp_int64(const void *a, const void *b)
{
	int64		x = *(const int64 *) a,
				y = *(const int64 *) b;

	return x < y ? -1 : x > y ? 1 : 0;
}

static int
cmp_int64_arg(const void *a, const void *b, void *arg)
{
	return cmp_int64(a, b);
}

#define SORT_RUN 32768

/*
 * A sort that looks for interrupts: runs of SORT_RUN elements sorted on their
 * own, then merged pass by pass. A plain qsort of millions of ids runs for
 * hundreds of milliseconds without a look at a cancel.
 */
static void
sort_interruptible(void *base, size_t n, size_t size, qsort_arg_comparator cmp, void *arg)
{
	char	   *a = base,
			   *buf,
			   *src,
			   *dst;
	size_t		run,
				i;

	for (i = 0; i < n; i += SORT_RUN)
	{
		CHECK_FOR_INTERRUPTS();
		qsort_arg(a + i * size, Min(SORT_RUN, n - i), size, cmp, arg);
	}
	if (n <= SORT_RUN)
		return;
	buf = palloc_extended(size * n, MCXT_ALLOC_HUGE);
	src = a;
	dst = buf;
	for (run = SORT_RUN; run < n; run *= 2)
	{
		size_t		lo;

		for (lo = 0; lo < n; lo += 2 * run)
		{
			size_t		mid = Min(lo + run, n),
						hi = Min(lo + 2 * run, n),
						x = lo,
						y = mid,
						o = lo;

			while (x < mid || y < hi)
			{
				bool		take_x = y >= hi || (x < mid && cmp(src + x * size, src + y * size, arg) <= 0);

				if ((o & 0xffff) == 0)
					CHECK_FOR_INTERRUPTS();
				memcpy(dst + o * size, src + (take_x ? x++ : y++) * size, size);
				o++;
			}
		}
		{
			char	   *t = src;

			src = dst;
			dst = t;
		}
	}
	if (src != a)
		memcpy(a, src, size * n);
	pfree(buf);
}

static void
check_unique_ids(const BuildState *st)
{
	int64	   *ids = palloc_extended(sizeof(int64) * Max(st->nrows, 1), MCXT_ALLOC_HUGE);
	int			i;

	for (i = 0; i < st->nrows; i++)
		ids[i] = st->rows[i].id;
	sort_interruptible(ids, st->nrows, sizeof(int64), cmp_int64_arg, NULL);
	for (i = 1; i < st->nrows; i++)
		if (ids[i] == ids[i - 1])
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("duplicate edge id %lld", (long long) ids[i]),
					 errhint("Each row of the edges query needs its own id.")));
	pfree(ids);
}

/*
 * Segment lengths in metres (seglen[v] for the segment v -> v+1), measured
 * geodesically for longitude/latitude; then coordinates go to the metric CRS.
 */
static double *
measure_and_project(BuildState *st, int32 *metric_srid)
{
	const CpCrs *crs = cp_crs_get(st->srid);
	double	   *seglen = palloc_extended(sizeof(double) * Max(st->nverts, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	int			l,
				v;

	for (l = 0; l < st->nlines; l++)
	{
		CHECK_FOR_INTERRUPTS();
		for (v = st->line_start[l]; v < st->line_start[l + 1] - 1; v++)
			seglen[v] = crs->geographic ?
				cp_crs_geodesic(crs, st->x[v], st->y[v], st->x[v + 1], st->y[v + 1]) :
				hypot(st->x[v + 1] - st->x[v], st->y[v + 1] - st->y[v]);
	}
	*metric_srid = st->srid;
	if (crs->geographic)
	{
		double		minx = INFINITY,
					maxx = -INFINITY,
					miny = INFINITY,
					maxy = -INFINITY;

		for (v = 0; v < st->nverts; v++)
		{
			minx = Min(minx, st->x[v]);
			maxx = Max(maxx, st->x[v]);
			miny = Min(miny, st->y[v]);
			maxy = Max(maxy, st->y[v]);
		}
		*metric_srid = cp_crs_metric_srid(crs, (minx + maxx) / 2, (miny + maxy) / 2);
		/* in slices, so a cancel is seen between them */
		for (v = 0; v < st->nverts; v += 65536)
		{
			CHECK_FOR_INTERRUPTS();
			cp_crs_transform(st->srid, *metric_srid, Min(65536, st->nverts - v), st->x + v, st->y + v);
		}
	}
	/* what the snapping grid and the loader accept (network_check.c) */
	for (v = 0; v < st->nverts; v++)
		if (!(fabs(st->x[v]) <= 1e9) || !(fabs(st->y[v]) <= 1e9))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("edge vertex (%g %g) lies beyond 1e9 metres in SRID %d", st->x[v], st->y[v], *metric_srid),
					 errhint("Check the edges' SRID: projected coordinates on Earth stay within about 4e7 metres.")));
	return seglen;
}

/* Vertex clustering: a hash grid with cells of the tolerance. */
typedef struct Cluster
{
	int			nreps;
	double	   *rx;
	double	   *ry;
	int		   *next;			/* chain within a hash bucket */
	int		   *bucket;
	uint64		mask;
	double		cell;
	double		tol2;
} Cluster;

static uint64
cell_hash(int64 cx, int64 cy)
{
	uint64		h = (uint64) cx * 0x9E3779B97F4A7C15ULL ^ ((uint64) cy + 0x632BE59BD9B4E019ULL) * 0xC2B2AE3D27D4EB4FULL;

	return h ^ (h >> 29);
}

static int
cluster_find_or_add(Cluster *c, double x, double y)
{
	int64		cx = (int64) floor(x / c->cell),
				cy = (int64) floor(y / c->cell);
	int64		dx,
				dy;
	int			r;
	uint64		b;

	for (dx = -1; dx <= 1; dx++)
		for (dy = -1; dy <= 1; dy++)
			for (r = c->bucket[cell_hash(cx + dx, cy + dy) & c->mask]; r >= 0; r = c->next[r])
			{
				double		ex = c->rx[r] - x,
							ey = c->ry[r] - y;

				if (ex * ex + ey * ey <= c->tol2)
					return r;
			}
	r = c->nreps++;
	c->rx[r] = x;
	c->ry[r] = y;
	b = cell_hash(cx, cy) & c->mask;
	c->next[r] = c->bucket[b];
	c->bucket[b] = r;
	return r;
}

/* Map every vertex to its cluster representative. */
static int *
cluster_vertices(const BuildState *st, double tolerance, int *nreps)
{
	Cluster		c;
	int		   *rep = palloc_extended(sizeof(int) * Max(st->nverts, 1), MCXT_ALLOC_HUGE);
	uint64		size = 16;
	int			v;

	while (size < (uint64) st->nverts * 2)
		size <<= 1;
	c.nreps = 0;
	c.rx = palloc_extended(sizeof(double) * Max(st->nverts, 1), MCXT_ALLOC_HUGE);
	c.ry = palloc_extended(sizeof(double) * Max(st->nverts, 1), MCXT_ALLOC_HUGE);
	c.next = palloc_extended(sizeof(int) * Max(st->nverts, 1), MCXT_ALLOC_HUGE);
	c.bucket = palloc_extended(sizeof(int) * size, MCXT_ALLOC_HUGE);
	memset(c.bucket, 0xff, sizeof(int) * size);
	c.mask = size - 1;
	c.cell = Max(tolerance, 1e-6);
	c.tol2 = tolerance * tolerance;
	for (v = 0; v < st->nverts; v++)
	{
		if ((v & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		rep[v] = cluster_find_or_add(&c, st->x[v], st->y[v]);
		/* snap the vertex onto its representative so pieces meet exactly */
		((BuildState *) st)->x[v] = c.rx[rep[v]];
		((BuildState *) st)->y[v] = c.ry[rep[v]];
	}
	*nreps = c.nreps;
	return rep;
}

/* Pieces under construction. */
typedef struct PieceList
{
	int			n;
	int			cap;
	uint32	   *source;
	uint32	   *target;
	int		   *row;
	int32	   *part;
	int		   *vfirst;			/* into the build vertex arrays, with vcount */
	int		   *vcount;
	double	   *len;
	double	   *tlen_fwd;		/* slope-weighted lengths */
	double	   *tlen_bwd;
	/* kept vertex indices (duplicates at merged points dropped) */
	int		   *vidx;
	int			nvidx;
	int			cap_vidx;
} PieceList;

static void
pieces_init(PieceList *pl, int cap, int cap_vidx)
{
	pl->n = 0;
	pl->cap = Max(cap, 16);
	pl->source = palloc_extended(sizeof(uint32) * pl->cap, MCXT_ALLOC_HUGE);
	pl->target = palloc_extended(sizeof(uint32) * pl->cap, MCXT_ALLOC_HUGE);
	pl->row = palloc_extended(sizeof(int) * pl->cap, MCXT_ALLOC_HUGE);
	pl->part = palloc_extended(sizeof(int32) * pl->cap, MCXT_ALLOC_HUGE);
	pl->vfirst = palloc_extended(sizeof(int) * pl->cap, MCXT_ALLOC_HUGE);
	pl->vcount = palloc_extended(sizeof(int) * pl->cap, MCXT_ALLOC_HUGE);
	pl->len = palloc_extended(sizeof(double) * pl->cap, MCXT_ALLOC_HUGE);
	pl->tlen_fwd = palloc_extended(sizeof(double) * pl->cap, MCXT_ALLOC_HUGE);
	pl->tlen_bwd = palloc_extended(sizeof(double) * pl->cap, MCXT_ALLOC_HUGE);
	pl->cap_vidx = Max(cap_vidx, 16);
	pl->vidx = palloc_extended(sizeof(int) * pl->cap_vidx, MCXT_ALLOC_HUGE);
	pl->nvidx = 0;
}

static void
pieces_grow(PieceList *pl)
{
	if (pl->n < pl->cap)
		return;
	pl->cap *= 2;
	pl->source = repalloc_huge(pl->source, sizeof(uint32) * pl->cap);
	pl->target = repalloc_huge(pl->target, sizeof(uint32) * pl->cap);
	pl->row = repalloc_huge(pl->row, sizeof(int) * pl->cap);
	pl->part = repalloc_huge(pl->part, sizeof(int32) * pl->cap);
	pl->vfirst = repalloc_huge(pl->vfirst, sizeof(int) * pl->cap);
	pl->vcount = repalloc_huge(pl->vcount, sizeof(int) * pl->cap);
	pl->len = repalloc_huge(pl->len, sizeof(double) * pl->cap);
	pl->tlen_fwd = repalloc_huge(pl->tlen_fwd, sizeof(double) * pl->cap);
	pl->tlen_bwd = repalloc_huge(pl->tlen_bwd, sizeof(double) * pl->cap);
}

static void
push_vidx(PieceList *pl, int v)
{
	if (pl->nvidx == pl->cap_vidx)
	{
		pl->cap_vidx *= 2;
		pl->vidx = repalloc_huge(pl->vidx, sizeof(int) * pl->cap_vidx);
	}
	pl->vidx[pl->nvidx++] = v;
}

/* Tobler's hiking function, relative to flat ground: time factor for a slope. */
static double
tobler_factor(double slope)
{
	return exp(3.5 * (fabs(slope + 0.05) - 0.05));
}

/*
 * Add the piece made of build vertices [from, to] of one line, keeping
 * 'seglen' lengths and dropping zero-length steps at merged points.
 */
static void
add_piece(PieceList *pl, const BuildState *st, const double *seglen, const int *rep,
		  int line, int from, int to, uint32 src, uint32 tgt, int32 part)
{
	int			v;
	double		len = 0,
				tf = 0,
				tb = 0;
	int			first = pl->nvidx;

	push_vidx(pl, from);
	for (v = from; v < to; v++)
	{
		double		s = seglen[v];

		if (rep != NULL && rep[v] == rep[v + 1])
			continue;
		len += s;
		if (st->has_z && s > 0)
		{
			double		dz = st->z[v + 1] - st->z[v];
			double		horiz = hypot(st->x[v + 1] - st->x[v], st->y[v + 1] - st->y[v]);
			double		slope = horiz > 0 ? dz / horiz : 0;

			tf += s * tobler_factor(slope);
			tb += s * tobler_factor(-slope);
		}
		else
		{
			tf += s;
			tb += s;
		}
		push_vidx(pl, v + 1);
	}
	if (pl->nvidx - first < 2 || (src == tgt && len == 0))
	{
		pl->nvidx = first;		/* a degenerate step at a merged point */
		return;
	}
	pieces_grow(pl);
	pl->source[pl->n] = src;
	pl->target[pl->n] = tgt;
	pl->row[pl->n] = st->line_row[line];
	pl->part[pl->n] = part;
	pl->vfirst[pl->n] = first;
	pl->vcount[pl->n] = pl->nvidx - first;
	pl->len[pl->n] = len;
	pl->tlen_fwd[pl->n] = tf;
	pl->tlen_bwd[pl->n] = tb;
	pl->n++;
}

/* Derived topology: split every line at vertices that are nodes. */
static uint32
split_at_shared_vertices(const BuildState *st, const double *seglen, double tolerance,
						 PieceList *pl)
{
	int			nreps;
	int		   *rep = cluster_vertices(st, tolerance, &nreps);
	int		   *uses = palloc_extended(sizeof(int) * Max(nreps, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	int32	   *node_of = palloc_extended(sizeof(int32) * Max(nreps, 1), MCXT_ALLOC_HUGE);
	uint32		nnodes = 0;
	int			l,
				v,
				r;

	/* a vertex used twice (by two lines, or twice by one) is a junction */
	CHECK_FOR_INTERRUPTS();
	for (l = 0; l < st->nlines; l++)
		for (v = st->line_start[l]; v < st->line_start[l + 1]; v++)
			if (v == st->line_start[l] || rep[v] != rep[v - 1])
				uses[rep[v]]++;
	for (l = 0; l < st->nlines; l++)
	{
		uses[rep[st->line_start[l]]] += 2;	/* endpoints are always nodes */
		uses[rep[st->line_start[l + 1] - 1]] += 2;
	}
	for (r = 0; r < nreps; r++)
		node_of[r] = -1;

	for (l = 0; l < st->nlines; l++)
	{
			int			a = st->line_start[l],
					b = st->line_start[l + 1] - 1;
		int			from = a;

		CHECK_FOR_INTERRUPTS();
		for (v = a + 1; v <= b; v++)
		{
			if (v < b && uses[rep[v]] < 2)
				continue;
			if (node_of[rep[from]] < 0)
				node_of[rep[from]] = nnodes++;
			if (node_of[rep[v]] < 0)
				node_of[rep[v]] = nnodes++;
			add_piece(pl, st, seglen, rep, l, from, v, node_of[rep[from]], node_of[rep[v]], 0);
			from = v;
		}
	}
	/* number parts within each input edge, in line order */
	for (l = 0; l < pl->n; l++)
		pl->part[l] = (l > 0 && pl->row[l] == pl->row[l - 1]) ? pl->part[l - 1] + 1 : 1;
	return nnodes;
}

/* User topology: each line is one piece between its row's source and target. */
static uint32
use_given_nodes(const BuildState *st, const double *seglen, PieceList *pl, int64 **node_ids)
{
	int64	   *ids = palloc_extended(sizeof(int64) * Max(st->nrows * 2, 1), MCXT_ALLOC_HUGE);
	int			n = 0,
				i,
				nunique = 0;

	for (i = 0; i < st->nrows; i++)
	{
		ids[n++] = st->rows[i].source;
		ids[n++] = st->rows[i].target;
	}
	sort_interruptible(ids, n, sizeof(int64), cmp_int64_arg, NULL);
	for (i = 0; i < n; i++)
		if (i == 0 || ids[i] != ids[i - 1])
			ids[nunique++] = ids[i];
	for (i = 0; i < st->nrows; i++)
	{
		const EdgeRow *r = &st->rows[i];
		int64	   *s = bsearch(&r->source, ids, nunique, sizeof(int64), cmp_int64);
		int64	   *t = bsearch(&r->target, ids, nunique, sizeof(int64), cmp_int64);
		int			l = r->first_line;

		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();

		add_piece(pl, st, seglen, NULL, l, st->line_start[l], st->line_start[l + 1] - 1,
				  (uint32) (s - ids), (uint32) (t - ids), 1);
	}
	*node_ids = ids;
	return nunique;
}

static inline uint32
uf_find(uint32 *parent, uint32 v)
{
	while (parent[v] != v)
	{
		parent[v] = parent[parent[v]];
		v = parent[v];
	}
	return v;
}

/* Roots by component length, descending, then by node number. */
static int
cmp_root(const void *a, const void *b, void *arg)
{
	const double *clen = arg;
	uint32		x = *(const uint32 *) a,
				y = *(const uint32 *) b;

	if (clen[x] != clen[y])
		return clen[x] > clen[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Union-find over nodes; components numbered by length, largest first. */
static int32 *
label_components(const PieceList *pl, uint32 nnodes, uint32 *ncomponents, double *largest_share,
				 double *total_length)
{
	uint32	   *parent = palloc_extended(sizeof(uint32) * Max(nnodes, 1), MCXT_ALLOC_HUGE);
	double	   *clen = palloc_extended(sizeof(double) * Max(nnodes, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	int32	   *rank_of = palloc_extended(sizeof(int32) * Max(nnodes, 1), MCXT_ALLOC_HUGE);
	uint32	   *roots = palloc_extended(sizeof(uint32) * Max(nnodes, 1), MCXT_ALLOC_HUGE);
	int32	   *comp = palloc_extended(sizeof(int32) * Max(pl->n, 1), MCXT_ALLOC_HUGE);
	uint32		i,
				nroots = 0;
	int			p;
	double		total = 0;

	for (i = 0; i < nnodes; i++)
		parent[i] = i;
	for (p = 0; p < pl->n; p++)
	{
		uint32		a = uf_find(parent, pl->source[p]),
					b = uf_find(parent, pl->target[p]);

		if ((p & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (a != b)
			parent[a] = b;
	}
	for (p = 0; p < pl->n; p++)
	{
		if ((p & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		clen[uf_find(parent, pl->source[p])] += pl->len[p];
		total += pl->len[p];
	}
	for (i = 0; i < nnodes; i++)
		if (parent[i] == i)
			roots[nroots++] = i;
	/* order roots by length, descending, then by root (a sort: there may be millions) */
	sort_interruptible(roots, nroots, sizeof(uint32), cmp_root, clen);
	for (i = 0; i < nroots; i++)
		rank_of[roots[i]] = (int32) i + 1;
	for (p = 0; p < pl->n; p++)
		comp[p] = rank_of[uf_find(parent, pl->source[p])];
	*ncomponents = 0;
	for (i = 0; i < nroots; i++)
		if (clen[roots[i]] > 0 || nroots == 1)
			(*ncomponents)++;
	*largest_share = total > 0 && nroots > 0 ? clen[roots[0]] / total : 0;
	*total_length = total;
	return comp;
}

/* Weights of a piece from its row: the row's cost spread by length. */
static void
piece_weights(const BuildState *st, const PieceList *pl, int p, float *cf, float *cb, float *tf,
			  float *tb)
{
	const EdgeRow *r = &st->rows[pl->row[p]];
	double		share = r->length > 0 ? pl->len[p] / r->length : 1.0;
	double		fwd = isnan(r->cost) ? pl->len[p] : r->cost * share;
	double		bwd = isnan(r->reverse_cost) ? fwd : r->reverse_cost * share;

	if (!isnan(r->cost) && r->cost < 0)
		fwd = -1;
	if (!isnan(r->reverse_cost) && r->reverse_cost < 0)
		bwd = -1;
	*cf = (float) fwd;
	*cb = (float) bwd;
	*tf = fwd < 0 ? -1.0f : (float) (pl->len[p] > 0 ? fwd * pl->tlen_fwd[p] / pl->len[p] : fwd);
	*tb = bwd < 0 ? -1.0f : (float) (pl->len[p] > 0 ? bwd * pl->tlen_bwd[p] / pl->len[p] : bwd);
}

#define ALIGN8(n) (((n) + 7) & ~((uint64) 7))

static bytea *
serialize(const BuildState *st, const PieceList *pl, uint32 nnodes, const int64 *node_ids,
		  const int32 *comp, uint32 ncomponents, double largest_share, double total_length,
		  int32 metric_srid, double tolerance)
{
	CpNetHeader h;
	uint64		off = ALIGN8(sizeof(CpNetHeader));
	uint64		np = pl->n;
	bytea	   *blob;
	char	   *base;
	uint32	   *adj_start,
			   *adj,
			   *fill;
	int			p,
				i;

	memset(&h, 0, sizeof(h));
	h.magic = CP_NET_MAGIC;
	h.format = CP_NET_FORMAT;
	h.srid = metric_srid;
	h.source_srid = st->srid;
	h.flags = (st->user_nodes ? CP_NET_USER_NODES : 0) | (st->has_z ? CP_NET_HAS_Z : 0);
	h.nnodes = nnodes;
	h.npieces = pl->n;
	h.nverts = pl->nvidx;
	h.ninput_edges = st->nrows;
	h.ncomponents = ncomponents;
	h.tolerance_m = tolerance;
	h.total_length_m = total_length;
	h.largest_share = largest_share;
#define PLACE(field, bytes) do { h.field = off; off = ALIGN8(off + (bytes)); } while (0)
	PLACE(off_adj_start, sizeof(uint32) * (nnodes + 1));
	PLACE(off_adj, sizeof(uint32) * 2 * np);
	PLACE(off_node_id, st->user_nodes ? sizeof(int64) * nnodes : 0);
	PLACE(off_source, sizeof(uint32) * np);
	PLACE(off_target, sizeof(uint32) * np);
	PLACE(off_length, sizeof(float) * np);
	PLACE(off_cost_fwd, sizeof(float) * np);
	PLACE(off_cost_bwd, sizeof(float) * np);
	PLACE(off_time_fwd, sizeof(float) * np);
	PLACE(off_time_bwd, sizeof(float) * np);
	PLACE(off_edge_id, sizeof(int64) * np);
	PLACE(off_part, sizeof(int32) * np);
	PLACE(off_component, sizeof(int32) * np);
	PLACE(off_vert_start, sizeof(uint32) * (np + 1));
	PLACE(off_vx, sizeof(double) * pl->nvidx);
	PLACE(off_vy, sizeof(double) * pl->nvidx);
#undef PLACE
	h.total_size = off;
	if (off + VARHDRSZ > MaxAllocHugeSize || off / (1024.0 * 1024.0) > cp_max_network_memory_mb)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("compiled network needs %.0f MB, more than community_planning.max_network_memory (%d MB)",
						off / (1024.0 * 1024.0), cp_max_network_memory_mb),
				 errhint("Raise community_planning.max_network_memory or build the network for a smaller area.")));
	if (off + VARHDRSZ > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("compiled network of %.0f MB is larger than a bytea can hold",
						off / (1024.0 * 1024.0))));

	/*
	 * Laid out in a MAXALIGNed scratch buffer: a bytea's data starts 4 bytes
	 * into its chunk, and the 8-byte arrays must be aligned where written
	 * (copied into the bytea at the end; loaders realign, cp_network_map).
	 */
	base = palloc_extended(off, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	memcpy(base, &h, sizeof(h));

	adj_start = (uint32 *) (base + h.off_adj_start);
	adj = (uint32 *) (base + h.off_adj);
	for (p = 0; p < pl->n; p++)
	{
		adj_start[pl->source[p] + 1]++;
		adj_start[pl->target[p] + 1]++;
	}
	for (i = 0; i < (int) nnodes; i++)
		adj_start[i + 1] += adj_start[i];
	fill = palloc_extended(sizeof(uint32) * Max(nnodes, 1), MCXT_ALLOC_HUGE);
	memcpy(fill, adj_start, sizeof(uint32) * nnodes);
	for (p = 0; p < pl->n; p++)
	{
		adj[fill[pl->source[p]]++] = (uint32) p << 1;
		adj[fill[pl->target[p]]++] = ((uint32) p << 1) | 1;
	}
	if (st->user_nodes)
		memcpy(base + h.off_node_id, node_ids, sizeof(int64) * nnodes);
	{
		uint32	   *src = (uint32 *) (base + h.off_source);
		uint32	   *tgt = (uint32 *) (base + h.off_target);
		float	   *len = (float *) (base + h.off_length);
		float	   *cf = (float *) (base + h.off_cost_fwd);
		float	   *cb = (float *) (base + h.off_cost_bwd);
		float	   *tf = (float *) (base + h.off_time_fwd);
		float	   *tb = (float *) (base + h.off_time_bwd);
		int64	   *eid = (int64 *) (base + h.off_edge_id);
		int32	   *part = (int32 *) (base + h.off_part);
		int32	   *cmp = (int32 *) (base + h.off_component);
		uint32	   *vs = (uint32 *) (base + h.off_vert_start);
		double	   *vx = (double *) (base + h.off_vx);
		double	   *vy = (double *) (base + h.off_vy);

		for (p = 0; p < pl->n; p++)
		{
			if ((p & 0xffff) == 0)
				CHECK_FOR_INTERRUPTS();
			src[p] = pl->source[p];
			tgt[p] = pl->target[p];
			len[p] = (float) pl->len[p];
			piece_weights(st, pl, p, &cf[p], &cb[p], &tf[p], &tb[p]);
			eid[p] = st->rows[pl->row[p]].id;
			part[p] = pl->part[p];
			cmp[p] = comp[p];
			vs[p] = pl->vfirst[p];
		}
		vs[pl->n] = pl->nvidx;
		for (i = 0; i < pl->nvidx; i++)
		{
			vx[i] = st->x[pl->vidx[i]];
			vy[i] = st->y[pl->vidx[i]];
		}
	}
	blob = palloc_extended(VARHDRSZ + off, MCXT_ALLOC_HUGE);
	SET_VARSIZE(blob, VARHDRSZ + off);
	cp_copy_interruptible(VARDATA(blob), base, off);
	pfree(base);
	return blob;
}

bytea *
cp_network_compile(const char *edges_sql, double tolerance_m)
{
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext work = AllocSetContextCreate(caller, "cp network build", ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(work);
	CpColumn	cols[NCOLS] = {
		{"id", CP_COL_INT8, true},
		{"geom", CP_COL_GEOMETRY, true},
		{"source", CP_COL_INT8, false},
		{"target", CP_COL_INT8, false},
		{"cost", CP_COL_FLOAT8, false},
		{"reverse_cost", CP_COL_FLOAT8, false},
	};
	BuildState	st;
	double	   *seglen;
	int32		metric_srid;
	PieceList	pl;
	uint32		nnodes,
				ncomponents;
	int64	   *node_ids = NULL;
	int32	   *comp;
	double		largest_share,
				total_length;
	bytea	   *blob;
	int			i,
				l,
				v;

	if (isnan(tolerance_m) || tolerance_m < 0 || tolerance_m > 100)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tolerance_m must be between 0 and 100 metres")));
	/* a subnormal tolerance would merge nothing and make a hash cell of 1e-308 m */
	if (tolerance_m > 0 && tolerance_m < 1e-6)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tolerance_m must be 0 or at least 0.000001 metres"),
				 errdetail("The value given is %g.", tolerance_m)));

	memset(&st, 0, sizeof(st));
	st.cap_rows = 1024;
	st.rows = palloc(sizeof(EdgeRow) * st.cap_rows);
	st.cap_lines = 1024;
	st.line_start = palloc(sizeof(int) * st.cap_lines);
	st.line_row = palloc(sizeof(int) * st.cap_lines);
	st.line_start[0] = 0;
	st.cap_verts = 4096;
	st.x = palloc(sizeof(double) * st.cap_verts);
	st.y = palloc(sizeof(double) * st.cap_verts);
	st.z = palloc(sizeof(double) * st.cap_verts);

	st.cols = cols;
	cp_read_query(edges_sql, "edges", cols, NCOLS, read_edge_row, &st);

	if (st.nrows == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("edges query returned no usable edges"),
				 errhint("The query must return at least one LineString with two points.")));
	if (st.skipped_null > 0)
		ereport(NOTICE,
				(errmsg("skipped %lld edges with NULL or empty geometry", (long long) st.skipped_null)));
	if (st.mixed_z)
		st.has_z = false;		/* slope only when every edge carries Z */
	check_unique_ids(&st);

	seglen = measure_and_project(&st, &metric_srid);
	for (i = 0; i < st.nrows; i++)
	{
		EdgeRow    *r = &st.rows[i];

		r->length = 0;
		for (l = r->first_line; l < r->first_line + r->nlines; l++)
			for (v = st.line_start[l]; v < st.line_start[l + 1] - 1; v++)
				r->length += seglen[v];
	}

	pieces_init(&pl, st.nrows * 2, st.nverts + st.nlines);
	if (st.user_nodes)
		nnodes = use_given_nodes(&st, seglen, &pl, &node_ids);
	else
		nnodes = split_at_shared_vertices(&st, seglen, tolerance_m, &pl);
	if (pl.n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("edges query returned no usable edges"),
				 errdetail("Every edge has zero length.")));
	comp = label_components(&pl, nnodes, &ncomponents, &largest_share, &total_length);

	MemoryContextSwitchTo(caller);
	blob = serialize(&st, &pl, nnodes, node_ids, comp, ncomponents, largest_share, total_length,
					 metric_srid, tolerance_m);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(work);
	return blob;
}
