/*
 * contour.c: distance field on a grid, marching squares, ring assembly.
 *
 * Corner values are buffer - distance to the nearest segment (positive
 * inside). Each cell emits directed contour segments with the inside on the
 * right; a crossing is named by the grid edge it lies on, so chaining is an
 * array lookup. Clockwise rings are shells, counter-clockwise ones holes,
 * given to the smallest shell that contains them.
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"

#include "contour.h"
#include "geos_util.h"

#define CONTOUR_MAX_CORNERS (1 << 24)

void
cp_segments_init(CpSegments *s)
{
	s->n = 0;
	s->cap = 1024;
	s->x0 = palloc(sizeof(double) * s->cap);
	s->y0 = palloc(sizeof(double) * s->cap);
	s->x1 = palloc(sizeof(double) * s->cap);
	s->y1 = palloc(sizeof(double) * s->cap);
}

void
cp_segments_add(CpSegments *s, double x0, double y0, double x1, double y1)
{
	if (s->n == s->cap)
	{
		s->cap *= 2;
		s->x0 = repalloc_huge(s->x0, sizeof(double) * s->cap);
		s->y0 = repalloc_huge(s->y0, sizeof(double) * s->cap);
		s->x1 = repalloc_huge(s->x1, sizeof(double) * s->cap);
		s->y1 = repalloc_huge(s->y1, sizeof(double) * s->cap);
	}
	s->x0[s->n] = x0;
	s->y0[s->n] = y0;
	s->x1[s->n] = x1;
	s->y1[s->n] = y1;
	s->n++;
}

typedef struct Grid
{
	double		x0;
	double		y0;
	double		res;
	int			nx;				/* corners per row */
	int			ny;
	float	   *d2;				/* squared distance, per corner */
	float	   *val;			/* buffer - distance */
} Grid;

/* Squared distance of every corner near a segment, keeping the minimum. */
static void
stamp_segment(Grid *g, double ax, double ay, double bx, double by, double buffer)
{
	double		dx = bx - ax,
				dy = by - ay;
	double		len2 = dx * dx + dy * dy;
	int			i0 = (int) floor((Min(ax, bx) - buffer - g->x0) / g->res);
	int			i1 = (int) ceil((Max(ax, bx) + buffer - g->x0) / g->res);
	int			j0 = (int) floor((Min(ay, by) - buffer - g->y0) / g->res);
	int			j1 = (int) ceil((Max(ay, by) + buffer - g->y0) / g->res);
	double		b2 = buffer * buffer;
	int			i,
				j;

	i0 = Max(i0, 0);
	j0 = Max(j0, 0);
	i1 = Min(i1, g->nx - 1);
	j1 = Min(j1, g->ny - 1);
	for (j = j0; j <= j1; j++)
	{
		double		py = g->y0 + j * g->res;
		float	   *row = g->d2 + (Size) j * g->nx;

		for (i = i0; i <= i1; i++)
		{
			double		px = g->x0 + i * g->res;
			double		t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
			double		qx,
						qy,
						d2;

			t = t < 0 ? 0 : (t > 1 ? 1 : t);
			qx = ax + t * dx - px;
			qy = ay + t * dy - py;
			d2 = qx * qx + qy * qy;
			if (d2 < row[i] && d2 <= b2 * 1.44)
				row[i] = (float) d2;
		}
	}
}

/* Crossing point on grid edge 'e' (2 * corner + 0 horizontal / 1 vertical). */
static void
crossing_point(const Grid *g, int64 e, double *x, double *y)
{
	int64		corner = e >> 1;
	int			i = (int) (corner % g->nx);
	int			j = (int) (corner / g->nx);
	int64		other = (e & 1) ? corner + g->nx : corner + 1;
	double		va = g->val[corner],
				vb = g->val[other];
	double		t = va / (va - vb);

	if (e & 1)
	{
		*x = g->x0 + i * g->res;
		*y = g->y0 + (j + t) * g->res;
	}
	else
	{
		*x = g->x0 + (i + t) * g->res;
		*y = g->y0 + j * g->res;
	}
}

/*
 * Marching squares. Corners of cell (i, j): 0 = (i, j), 1 = (i+1, j),
 * 2 = (i+1, j+1), 3 = (i, j+1); edges: bottom (i,j)h, right (i+1,j)v,
 * top (i,j+1)h, left (i,j)v. Segments run with the inside on the right.
 */
static void
march(const Grid *g, int32 *next)
{
	int			i,
				j;

	for (j = 0; j + 1 < g->ny; j++)
	{
		if ((j & 63) == 0)
			CHECK_FOR_INTERRUPTS();
		for (i = 0; i + 1 < g->nx; i++)
		{
			int64		c = (int64) j * g->nx + i;
			bool		in0 = g->val[c] > 0,
						in1 = g->val[c + 1] > 0,
						in2 = g->val[c + g->nx + 1] > 0,
						in3 = g->val[c + g->nx] > 0;
			int			code = in0 | (in1 << 1) | (in2 << 2) | (in3 << 3);
			int64		bottom = 2 * c,
						right = 2 * (c + 1) + 1,
						top = 2 * (c + g->nx),
						left = 2 * c + 1;

#define LINK(from, to) (next[(from)] = (int32) (to))
			switch (code)
			{
				case 0:
				case 15:
					break;
				case 1:
					LINK(left, bottom);
					break;
				case 2:
					LINK(bottom, right);
					break;
				case 3:
					LINK(left, right);
					break;
				case 4:
					LINK(right, top);
					break;
				case 5:
					/* saddle: the centre decides whether 0 and 2 connect */
					if (g->val[c] + g->val[c + 1] + g->val[c + g->nx + 1] + g->val[c + g->nx] > 0)
					{
						LINK(left, top);
						LINK(right, bottom);
					}
					else
					{
						LINK(left, bottom);
						LINK(right, top);
					}
					break;
				case 6:
					LINK(bottom, top);
					break;
				case 7:
					LINK(left, top);
					break;
				case 8:
					LINK(top, left);
					break;
				case 9:
					LINK(top, bottom);
					break;
				case 10:
					if (g->val[c] + g->val[c + 1] + g->val[c + g->nx + 1] + g->val[c + g->nx] > 0)
					{
						LINK(bottom, left);
						LINK(top, right);
					}
					else
					{
						LINK(bottom, right);
						LINK(top, left);
					}
					break;
				case 11:
					LINK(top, right);
					break;
				case 12:
					LINK(right, left);
					break;
				case 13:
					LINK(right, bottom);
					break;
				case 14:
					LINK(bottom, left);
					break;
			}
#undef LINK
		}
	}
}

typedef struct Ring
{
	int			start;			/* into the coordinate arrays */
	int			n;				/* closed: last point repeats the first */
	double		area;			/* > 0 for shells, < 0 for holes */
	double		minx,
				miny,
				maxx,
				maxy;
	int			shell;			/* holes: the shell they belong to */
} Ring;

static bool
point_in_ring(const double *xs, const double *ys, const Ring *r, double px, double py)
{
	bool		inside = false;
	int			a,
				b;

	if (px < r->minx || px > r->maxx || py < r->miny || py > r->maxy)
		return false;
	for (a = r->start, b = r->start + r->n - 2; a < r->start + r->n - 1; b = a++)
		if ((ys[a] > py) != (ys[b] > py) &&
			px < (xs[b] - xs[a]) * (py - ys[a]) / (ys[b] - ys[a]) + xs[a])
			inside = !inside;
	return inside;
}

static GEOSGeometry *
ring_geometry(const double *xs, const double *ys, const Ring *r)
{
	GEOSContextHandle_t h = cp_geos();
	GEOSCoordSequence *seq = GEOSCoordSeq_create_r(h, r->n, 2);
	int			k;

	for (k = 0; k < r->n; k++)
		GEOSCoordSeq_setXY_r(h, seq, k, xs[r->start + k], ys[r->start + k]);
	return GEOSGeom_createLinearRing_r(h, seq);
}

GEOSGeometry *
cp_contour_buffer(const CpSegments *segs, double buffer, double resolution)
{
	GEOSContextHandle_t h = cp_geos();
	double		minx = INFINITY,
				miny = INFINITY,
				maxx = -INFINITY,
				maxy = -INFINITY;
	Grid		g;
	Size		ncorners,
				k;
	int32	   *next;
	int			s,
				nrings = 0,
				cap_rings = 64,
				npts = 0,
				cap_pts = 1024;
	Ring	   *rings;
	double	   *xs,
			   *ys;
	GEOSGeometry **polys;
	int			npolys = 0;
	GEOSGeometry *result;

	for (s = 0; s < segs->n; s++)
	{
		minx = Min(minx, Min(segs->x0[s], segs->x1[s]));
		maxx = Max(maxx, Max(segs->x0[s], segs->x1[s]));
		miny = Min(miny, Min(segs->y0[s], segs->y1[s]));
		maxy = Max(maxy, Max(segs->y0[s], segs->y1[s]));
	}
	g.res = resolution;
	/* coarser when the area is huge, so the grid stays bounded */
	while (((maxx - minx + 2 * buffer) / g.res + 5) * ((maxy - miny + 2 * buffer) / g.res + 5) > CONTOUR_MAX_CORNERS)
		g.res *= 1.5;
	/*
	 * A margin of outside corners closes every contour. Corners sit on one
	 * lattice whatever the extent, so the catchments of growing cutoffs are
	 * traced on the same corners and nest.
	 */
	g.x0 = (floor((minx - buffer) / g.res) - 2) * g.res;
	g.y0 = (floor((miny - buffer) / g.res) - 2) * g.res;
	g.nx = (int) ceil((maxx + buffer - g.x0) / g.res) + 3;
	g.ny = (int) ceil((maxy + buffer - g.y0) / g.res) + 3;
	ncorners = (Size) g.nx * g.ny;
	g.d2 = palloc_extended(sizeof(float) * ncorners, MCXT_ALLOC_HUGE);
	for (k = 0; k < ncorners; k++)
		g.d2[k] = INFINITY;
	for (s = 0; s < segs->n; s++)
	{
		if ((s & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		stamp_segment(&g, segs->x0[s], segs->y0[s], segs->x1[s], segs->y1[s], buffer);
	}
	g.val = g.d2;				/* in place: buffer - distance, never exactly 0 */
	for (k = 0; k < ncorners; k++)
	{
		float		v = isinf(g.d2[k]) ? (float) -buffer : (float) (buffer - sqrt(g.d2[k]));

		g.val[k] = v == 0 ? -1e-6f : v;
	}

	next = palloc_extended(sizeof(int32) * 2 * ncorners, MCXT_ALLOC_HUGE);
	memset(next, 0xff, sizeof(int32) * 2 * ncorners);
	march(&g, next);

	/* chain crossings into closed rings */
	rings = palloc(sizeof(Ring) * cap_rings);
	xs = palloc_extended(sizeof(double) * cap_pts, MCXT_ALLOC_HUGE);
	ys = palloc_extended(sizeof(double) * cap_pts, MCXT_ALLOC_HUGE);
	for (k = 0; k < 2 * ncorners; k++)
	{
		int64		e = (int64) k;
		Ring	   *r;

		if (next[k] < 0)
			continue;
		if (nrings == cap_rings)
		{
			cap_rings *= 2;
			rings = repalloc(rings, sizeof(Ring) * cap_rings);
		}
		r = &rings[nrings++];
		r->start = npts;
		r->area = 0;
		r->minx = r->miny = INFINITY;
		r->maxx = r->maxy = -INFINITY;
		r->shell = -1;
		while (e >= 0 && next[e] >= 0)
		{
			int64		to = next[e];

			if (npts + 2 >= cap_pts)
			{
				cap_pts *= 2;
				xs = repalloc_huge(xs, sizeof(double) * cap_pts);
				ys = repalloc_huge(ys, sizeof(double) * cap_pts);
			}
			crossing_point(&g, e, &xs[npts], &ys[npts]);
			r->minx = Min(r->minx, xs[npts]);
			r->maxx = Max(r->maxx, xs[npts]);
			r->miny = Min(r->miny, ys[npts]);
			r->maxy = Max(r->maxy, ys[npts]);
			npts++;
			next[e] = -1;
			e = to;
		}
		xs[npts] = xs[r->start];
		ys[npts] = ys[r->start];
		npts++;
		r->n = npts - r->start;
		if (r->n < 4)
		{
			npts = r->start;
			nrings--;
			continue;
		}
		/* segments run with the inside on their right: shells come out clockwise */
		for (s = r->start; s < r->start + r->n - 1; s++)
			r->area -= (xs[s] * ys[s + 1] - xs[s + 1] * ys[s]) / 2;
	}
	pfree(next);
	pfree(g.d2);

	/* holes go to the smallest shell containing them */
	for (s = 0; s < nrings; s++)
	{
		int			t;
		double		best = INFINITY;

		if (rings[s].area >= 0)
			continue;
		for (t = 0; t < nrings; t++)
			if (rings[t].area > 0 && rings[t].area < best &&
				point_in_ring(xs, ys, &rings[t], xs[rings[s].start], ys[rings[s].start]))
			{
				best = rings[t].area;
				rings[s].shell = t;
			}
	}
	polys = palloc(sizeof(GEOSGeometry *) * Max(nrings, 1));
	for (s = 0; s < nrings; s++)
	{
		int			t,
					nholes = 0;
		GEOSGeometry **holes;

		if (rings[s].area <= 0)
			continue;
		holes = palloc(sizeof(GEOSGeometry *) * Max(nrings, 1));
		for (t = 0; t < nrings; t++)
			if (rings[t].area < 0 && rings[t].shell == s)
				holes[nholes++] = ring_geometry(xs, ys, &rings[t]);
		polys[npolys++] = GEOSGeom_createPolygon_r(h, ring_geometry(xs, ys, &rings[s]),
												   holes, nholes);
		pfree(holes);
	}
	pfree(xs);
	pfree(ys);
	pfree(rings);
	result = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys, npolys);
	pfree(polys);
	if (result == NULL)
		cp_geos_raise("assembling contour polygons");
	return result;
}
