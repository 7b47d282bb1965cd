/*
 * network_snap.c: the snapping index and nearest-point-on-edge queries.
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include <math.h>

#include "miscadmin.h"

#include "crs.h"
#include "ewkb.h"
#include "geos_util.h"
#include "network.h"

#define GRID_MAX_CELLS (1 << 22)
#define GRID_REFS_PER_SEGMENT 16	/* a real street network has 1-4 */

/* References the grid would hold with this cell size: every segment in every cell of its box. */
static uint64
grid_references(const CpNetwork *net, double x0, double y0, double cell)
{
	uint64		total = 0;
	uint32		p,
				v;

	for (p = 0; p < net->npieces; p++)
	{
		if ((p & 0x3fff) == 0)
			CHECK_FOR_INTERRUPTS();
		for (v = net->vert_start[p]; v + 1 < net->vert_start[p + 1]; v++)
		{
			uint64		w = (uint64) ((fabs(net->vx[v + 1] - net->vx[v])) / cell) + 2;
			uint64		h = (uint64) ((fabs(net->vy[v + 1] - net->vy[v])) / cell) + 2;

			total += w * h;
		}
	}
	return total;
}

void
cp_snap_grid_build(CpNetwork *net)
{
	CpSnapGrid *g = &net->grid;
	double		minx = INFINITY,
				miny = INFINITY,
				maxx = -INFINITY,
				maxy = -INFINITY;
	uint32		nverts = net->vert_start[net->npieces];
	uint32		nsegs = nverts - net->npieces;
	uint32		v,
				p,
				total;
	uint32	   *fill;
	int			pass;

	for (v = 0; v < nverts; v++)
	{
		minx = Min(minx, net->vx[v]);
		maxx = Max(maxx, net->vx[v]);
		miny = Min(miny, net->vy[v]);
		maxy = Max(maxy, net->vy[v]);
	}
	/* about two segments per cell over the network's extent */
	g->cell = sqrt(Max((maxx - minx) * (maxy - miny), 1.0) / Max(nsegs / 2, 1));
	g->cell = Max(g->cell, 5.0);
	while (((maxx - minx) / g->cell + 1) * ((maxy - miny) / g->cell + 1) > GRID_MAX_CELLS)
		g->cell *= 1.5;
	/* long segments enter many cells: coarser cells until the references fit (uint32, bounded memory) */
	while (grid_references(net, minx, miny, g->cell) > Max((uint64) nsegs * GRID_REFS_PER_SEGMENT, GRID_MAX_CELLS))
		g->cell *= 2;
	cp_check_call_memory("the snapping grid",
						 (double) grid_references(net, minx, miny, g->cell) * 2 * sizeof(uint32),
						 "The network has very long straight segments; split its edges into shorter ones.");
	g->x0 = minx;
	g->y0 = miny;
	g->nx = (int32) ((maxx - minx) / g->cell) + 1;
	g->ny = (int32) ((maxy - miny) / g->cell) + 1;
	g->cell_start = MemoryContextAllocZero(net->cxt, sizeof(uint32) * ((Size) g->nx * g->ny + 1));

	/* pass 0 counts references per cell, pass 1 fills them */
	fill = NULL;
	for (pass = 0; pass < 2; pass++)
	{
		for (p = 0; p < net->npieces; p++)
		{
			if ((p & 0x3fff) == 0)
				CHECK_FOR_INTERRUPTS();
			for (v = net->vert_start[p]; v + 1 < net->vert_start[p + 1]; v++)
			{
				int32		cx0 = (int32) ((Min(net->vx[v], net->vx[v + 1]) - g->x0) / g->cell);
				int32		cx1 = (int32) ((Max(net->vx[v], net->vx[v + 1]) - g->x0) / g->cell);
				int32		cy0 = (int32) ((Min(net->vy[v], net->vy[v + 1]) - g->y0) / g->cell);
				int32		cy1 = (int32) ((Max(net->vy[v], net->vy[v + 1]) - g->y0) / g->cell);
				int32		cx,
							cy;

				for (cy = cy0; cy <= cy1; cy++)
					for (cx = cx0; cx <= cx1; cx++)
					{
						Size		c = (Size) cy * g->nx + cx;

						if (pass == 0)
							g->cell_start[c + 1]++;
						else
						{
							g->seg_vertex[fill[c]] = v;
							g->seg_piece[fill[c]] = p;
							fill[c]++;
						}
					}
			}
		}
		if (pass == 0)
		{
			Size		c;

			for (c = 0; c < (Size) g->nx * g->ny; c++)
				g->cell_start[c + 1] += g->cell_start[c];
			total = g->cell_start[(Size) g->nx * g->ny];
			g->seg_vertex = MemoryContextAllocHuge(net->cxt, sizeof(uint32) * Max(total, 1));
			g->seg_piece = MemoryContextAllocHuge(net->cxt, sizeof(uint32) * Max(total, 1));
			fill = MemoryContextAllocHuge(net->cxt, sizeof(uint32) * ((Size) g->nx * g->ny));
			memcpy(fill, g->cell_start, sizeof(uint32) * ((Size) g->nx * g->ny));
		}
	}
	pfree(fill);
}

/* Squared distance from (x, y) to segment a-b, with the projection parameter. */
static double
segment_distance2(double x, double y, double ax, double ay, double bx, double by, double *t)
{
	double		dx = bx - ax,
				dy = by - ay;
	double		len2 = dx * dx + dy * dy;
	double		u = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0;
	double		px,
				py;

	u = u < 0 ? 0 : (u > 1 ? 1 : u);
	px = ax + u * dx;
	py = ay + u * dy;
	*t = u;
	return (x - px) * (x - px) + (y - py) * (y - py);
}

/* Fraction along piece p of the point at parameter t of the segment starting at vertex v. */
static double
piece_fraction(const CpNetwork *net, uint32 p, uint32 v, double t)
{
	double		before = 0,
				total = 0;
	uint32		i;

	for (i = net->vert_start[p]; i + 1 < net->vert_start[p + 1]; i++)
	{
		double		s = hypot(net->vx[i + 1] - net->vx[i], net->vy[i + 1] - net->vy[i]);

		if (i < v)
			before += s;
		else if (i == v)
			before += t * s;
		total += s;
	}
	return total > 0 ? Min(1.0, before / total) : 0.0;
}

static void
scan_cell(const CpNetwork *net, int32 cx, int32 cy, double x, double y, double *best2,
		  CpSnap *best, uint32 *best_vertex, double *best_t)
{
	const CpSnapGrid *g = &net->grid;
	Size		c;
	uint32		i;

	if (cx < 0 || cy < 0 || cx >= g->nx || cy >= g->ny)
		return;
	if (best->found)
	{
		/* a segment nearer than the best has its nearest point in a cell nearer than that */
		double		lx = g->x0 + cx * g->cell,
					ly = g->y0 + cy * g->cell;
		double		dx = Max(Max(lx - x, x - (lx + g->cell)), 0.0),
					dy = Max(Max(ly - y, y - (ly + g->cell)), 0.0);
		double		d = sqrt(dx * dx + dy * dy) - 1e-6 * g->cell;

		if (d > 0 && d * d > *best2)
			return;
	}
	c = (Size) cy * g->nx + cx;
	for (i = g->cell_start[c]; i < g->cell_start[c + 1]; i++)
	{
		uint32		v = g->seg_vertex[i];
		uint32		p = g->seg_piece[i];
		double		t;
		double		d2 = segment_distance2(x, y, net->vx[v], net->vy[v], net->vx[v + 1], net->vy[v + 1], &t);

		/* ties go to the lower piece, then the earlier segment: results do not depend on grid order */
		if (d2 < *best2 || (d2 == *best2 && best->found &&
							(p < best->piece || (p == best->piece && v < *best_vertex))))
		{
			*best2 = d2;
			best->found = true;
			best->piece = p;
			*best_vertex = v;
			*best_t = t;
		}
	}
}

CpSnap
cp_snap_point(const CpNetwork *net, double x, double y, double max_dist)
{
	const CpSnapGrid *g = &net->grid;
	CpSnap		best;
	double		best2 = INFINITY;
	uint32		best_vertex = 0;
	double		best_t = 0;
	int32		cx,
				cy;
	int32		r,
				rmax;
	double		outside,
				inset;

	memset(&best, 0, sizeof(best));
	/* how far the point lies outside the grid: rings start counting there */
	outside = Max(Max(g->x0 - x, x - (g->x0 + g->nx * g->cell)),
				  Max(g->y0 - y, y - (g->y0 + g->ny * g->cell)));
	/* also refuses what would not fit the cell arithmetic below */
	if (!(outside <= max_dist) || fabs(x - g->x0) / g->cell > PG_INT32_MAX / 4 ||
		fabs(y - g->y0) / g->cell > PG_INT32_MAX / 4)
		return best;
	cx = (int32) floor((x - g->x0) / g->cell);
	cy = (int32) floor((y - g->y0) / g->cell);
	rmax = (int32) Max(Max(Abs(cx), Abs(cx - g->nx)), Max(Abs(cy), Abs(cy - g->ny))) + 1;
	/* distance to the edge of the point's own cell, less a rounding margin */
	inset = Min(Min(x - (g->x0 + cx * g->cell), g->x0 + (cx + 1) * g->cell - x),
				Min(y - (g->y0 + cy * g->cell), g->y0 + (cy + 1) * g->cell - y));
	inset = Max(inset - 1e-6 * g->cell, 0.0);
	/* rings nearer than the grid's edge hold no cell of it: a far point starts there */
	for (r = outside > g->cell ? (int32) (outside / g->cell) - 1 : 0; r <= rmax; r++)
	{
		int32		i;

		if ((r & 0xff) == 0xff)
			CHECK_FOR_INTERRUPTS();

		if (r == 0)
			scan_cell(net, cx, cy, x, y, &best2, &best, &best_vertex, &best_t);
		else
			for (i = -r; i <= r; i++)
			{
				scan_cell(net, cx + i, cy - r, x, y, &best2, &best, &best_vertex, &best_t);
				scan_cell(net, cx + i, cy + r, x, y, &best2, &best, &best_vertex, &best_t);
				if (i > -r && i < r)
				{
					scan_cell(net, cx - r, cy + i, x, y, &best2, &best, &best_vertex, &best_t);
					scan_cell(net, cx + r, cy + i, x, y, &best2, &best, &best_vertex, &best_t);
				}
			}
		/*
		 * A segment in no cell of rings 0..r lies wholly outside their square,
		 * at least r cells plus the inset away; strictly nearer means no tie
		 * with an unseen segment either.
		 */
		if (best.found && sqrt(best2) < r * g->cell + inset)
			break;
		if (r * g->cell + inset > max_dist)
			break;
	}
	if (!best.found || sqrt(best2) > max_dist)
	{
		best.found = false;
		return best;
	}
	best.distance = sqrt(best2);
	best.fraction = piece_fraction(net, best.piece, best_vertex, best_t);
	best.x = net->vx[best_vertex] + best_t * (net->vx[best_vertex + 1] - net->vx[best_vertex]);
	best.y = net->vy[best_vertex] + best_t * (net->vy[best_vertex + 1] - net->vy[best_vertex]);
	return best;
}

/* Below this many points the visiting order is not worth a sort. */
#define SNAP_SORT_MIN 1024

/* Grid cell of a point, clamped to the grid: the key of the visiting order. */
static uint32
cell_key(const CpSnapGrid *g, double x, double y)
{
	double		fx = (x - g->x0) / g->cell,
				fy = (y - g->y0) / g->cell;
	int32		cx = fx < 0 ? 0 : (fx >= g->nx ? g->nx - 1 : (int32) fx),
				cy = fy < 0 ? 0 : (fy >= g->ny ? g->ny - 1 : (int32) fy);

	return (uint32) cy * (uint32) g->nx + (uint32) cx;
}

/*
 * Points in the order of the grid's cells (counting sort), so consecutive
 * snaps read the same cells and vertices: in input order, a large set jumps
 * at random over an index bigger than the CPU caches.
 */
uint32 *
cp_snap_order(const CpNetwork *net, const double *x, const double *y, const bool *skip, uint32 n,
			  uint32 *count)
{
	const CpSnapGrid *g = &net->grid;
	Size		ncells = (Size) g->nx * g->ny;
	uint32	   *order = palloc_extended(sizeof(uint32) * Max(n, 1), MCXT_ALLOC_HUGE);
	uint32	   *start;
	uint32		i,
				m = 0;

	if (n < SNAP_SORT_MIN || ncells > (Size) n * 64)
	{
		for (i = 0; i < n; i++)
			if (skip == NULL || !skip[i])
				order[m++] = i;
		*count = m;
		return order;
	}
	start = palloc0_array(uint32, ncells + 1);
	for (i = 0; i < n; i++)
		if (skip == NULL || !skip[i])
			start[cell_key(g, x[i], y[i]) + 1]++;
	CHECK_FOR_INTERRUPTS();
	for (i = 0; i < ncells; i++)
		start[i + 1] += start[i];
	m = start[ncells];
	for (i = 0; i < n; i++)
		if (skip == NULL || !skip[i])
			order[start[cell_key(g, x[i], y[i])]++] = i;
	*count = m;
	pfree(start);
	return order;
}

/*
 * Snap many points at once (same answers as cp_snap_point, point by point);
 * out[i] for a point with skip[i] set is left alone. skip may be NULL.
 */
void
cp_snap_points(const CpNetwork *net, const double *x, const double *y, const bool *skip,
			   uint32 n, double max_dist, CpSnap *out)
{
	uint32		m;
	uint32	   *order = cp_snap_order(net, x, y, skip, n, &m);
	double	   *xs = palloc_extended(sizeof(double) * Max(m, 1), MCXT_ALLOC_HUGE);
	double	   *ys = palloc_extended(sizeof(double) * Max(m, 1), MCXT_ALLOC_HUGE);
	uint32		j;

	/* gathered first: the snapping loop then reads its input in sequence */
	for (j = 0; j < m; j++)
	{
		xs[j] = x[order[j]];
		ys[j] = y[order[j]];
	}
	for (j = 0; j < m; j++)
	{
		if ((j & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		out[order[j]] = cp_snap_point(net, xs[j], ys[j], max_dist);
	}
	pfree(xs);
	pfree(ys);
	pfree(order);
}

/* Fraction along the input edge (all its pieces) of a snapped point. */
double
cp_snap_edge_fraction(const CpNetwork *net, const CpSnap *s)
{
	uint32		first = s->piece,
				last = s->piece,
				p;
	double		before = 0,
				total = 0;

	while (first > 0 && net->edge_id[first - 1] == net->edge_id[s->piece] &&
		   net->part[first - 1] == net->part[first] - 1)
		first--;
	while (last + 1 < net->npieces && net->edge_id[last + 1] == net->edge_id[s->piece] &&
		   net->part[last + 1] == net->part[last] + 1)
		last++;
	for (p = first; p <= last; p++)
	{
		if (p < s->piece)
			before += net->length[p];
		total += net->length[p];
	}
	before += s->fraction * net->length[s->piece];
	return total > 0 ? Min(1.0, before / total) : 0.0;
}

/*
 * A representative point of any geometry, in SRID to_srid: the point itself,
 * or a point on the surface (GEOS) for lines and polygons. The one way a
 * caller's geometry reaches a metric CRS. Returns false for an empty geometry.
 */
bool
cp_geom_point_in_srid(const uint8 *wkb, size_t len, int32 to_srid, double *x, double *y)
{
	uint32		type;
	int32		srid;
	bool		has_z;

	cp_ewkb_peek(wkb, len, &type, &srid, &has_z);
	if (type != CP_WKB_POINT && srid != to_srid && srid != 0)
	{
		/* the point on the surface in the target CRS: the same whatever CRS the polygon came in */
		bytea	   *moved = cp_crs_transform_ewkb(wkb, len, to_srid);

		wkb = (const uint8 *) VARDATA(moved);
		len = VARSIZE(moved) - VARHDRSZ;
		srid = to_srid;
	}
	if (type == CP_WKB_POINT)
	{
		if (!cp_ewkb_point_xy(wkb, len, x, y))
			return false;
	}
	else
	{
		GEOSContextHandle_t h = cp_geos();
		GEOSGeometry *geom = cp_geos_from_ewkb(wkb, len);
		GEOSGeometry *pt;
		int			ok;

		if (GEOSisEmpty_r(h, geom))
		{
			GEOSGeom_destroy_r(h, geom);
			return false;
		}
		pt = GEOSPointOnSurface_r(h, geom);
		GEOSGeom_destroy_r(h, geom);
		if (pt == NULL)
			cp_geos_raise("finding a point on a surface");
		ok = GEOSGeomGetX_r(h, pt, x) && GEOSGeomGetY_r(h, pt, y);
		GEOSGeom_destroy_r(h, pt);
		if (!ok)
			cp_geos_raise("reading a point");
	}
	if (srid != to_srid)
	{
		(void) cp_crs_get(srid);	/* a clear error for SRID 0 or unknown */
		cp_crs_transform(srid, to_srid, 1, x, y);
		if (!isfinite(*x) || !isfinite(*y))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a point cannot be transformed from SRID %d to SRID %d", srid, to_srid),
					 errhint("The point lies outside the area where the target SRID is defined; check its SRID.")));
	}
	return true;
}

bool
cp_geom_to_network_point(const CpNetwork *net, const uint8 *wkb, size_t len, double *x, double *y)
{
	return cp_geom_point_in_srid(wkb, len, net->hdr->srid, x, y);
}
