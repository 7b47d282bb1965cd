/*
 * contour.c: distance field on a grid, marching squares, ring assembly.
 *
 * Corner values are buffer - distance to the nearest segment (positive
 * inside). Each cell emits directed contour segments with the inside on the
 * right; a crossing is named by the grid edge it lies on, so chaining is an
 * array lookup. Clockwise rings are shells, counter-clockwise ones holes.
 *
 * A hole goes to the shell of the polygon it bounds, found in one pass over
 * the grid's rows of corners (linear, no point-in-polygon): along a row, the
 * crossings of the contour alternate, and two consecutive crossings with
 * inside corners between them bound the same polygon. Union-find over those
 * pairs gives each polygon's rings; its one clockwise ring is its shell
 * (the westmost crossing of a polygon on any row is always its shell's).
 *
 * The result is written as EWKB straight from the rings (a catchment of a
 * whole city has hundreds of thousands of holes: building it in GEOS and
 * writing it out again took longer than tracing it). Every loop checks for
 * interrupts.
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include <math.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"

#include "contour.h"
#include "ewkb.h"
#include "network.h"

#define CONTOUR_MAX_CORNERS (1 << 24)
#define CONTOUR_SLICE ((Size) 1 << 20)	/* corners between interrupt checks */

/*
 * GCC vectorizes the hot loops at -O2 only when asked (clang, for the JIT
 * bitcode, does anyway); on x86-64 the distance loop also gets an AVX2 clone,
 * chosen at load time. Never FMA (fp-contract=off): a fused multiply-add
 * rounds differently.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define CP_VECTORIZE __attribute__((optimize("tree-vectorize", "vect-cost-model=dynamic", "no-trapping-math", \
													"fp-contract=off")))
#if defined(__x86_64__)
#define CP_VECTORIZE_WIDE CP_VECTORIZE __attribute__((target_clones("avx2", "default")))
#else
#define CP_VECTORIZE_WIDE CP_VECTORIZE
#endif
#else
#define CP_VECTORIZE
#define CP_VECTORIZE_WIDE
#endif

void
cp_segments_init(CpSegments *s)
{
	s->n = 0;
	s->cap = 1024;
	s->x0 = palloc(sizeof(double) * s->cap);
	s->y0 = palloc(sizeof(double) * s->cap);
	s->x1 = palloc(sizeof(double) * s->cap);
	s->y1 = palloc(sizeof(double) * s->cap);
	s->tag = palloc(sizeof(int64) * s->cap);
}

void
cp_segments_add(CpSegments *s, double x0, double y0, double x1, double y1)
{
	cp_segments_add_tagged(s, x0, y0, x1, y1, -1);
}

void
cp_segments_add_tagged(CpSegments *s, double x0, double y0, double x1, double y1, int64 tag)
{
	if (s->n == s->cap)
	{
		s->cap *= 2;
		s->x0 = repalloc_huge(s->x0, sizeof(double) * s->cap);
		s->y0 = repalloc_huge(s->y0, sizeof(double) * s->cap);
		s->x1 = repalloc_huge(s->x1, sizeof(double) * s->cap);
		s->y1 = repalloc_huge(s->y1, sizeof(double) * s->cap);
		s->tag = repalloc_huge(s->tag, sizeof(int64) * s->cap);
	}
	s->x0[s->n] = x0;
	s->y0[s->n] = y0;
	s->x1[s->n] = x1;
	s->y1[s->n] = y1;
	s->tag[s->n] = tag;
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
	double	   *scratch;		/* one row of distances (nx) */
	uint8	   *in;				/* per corner: val > 0, 1 or 0 (plus 8 spare bytes) */
} Grid;

/* Eight bytes of the inside flags from corner c on (unaligned). */
static inline uint64
in8(const Grid *g, Size c)
{
	uint64		v;

	memcpy(&v, g->in + c, sizeof(v));
	return v;
}

/*
 * Squared distances of n corners from x0 + i0 * res on at height py to a
 * segment. Branch-free and on doubles only, so that the compiler turns it
 * into vector code (every lane computes exactly what scalar code would).
 */
static void CP_VECTORIZE_WIDE
row_distances(double *restrict out, int i0, int n, double x0, double res, double ax, double ay,
			  double dx, double dy, double len2, double py)
{
	double		across = (py - ay) * dy;
	int			i;

	for (i = 0; i < n; i++)
	{
		double		px = x0 + (i0 + i) * res;
		double		t = ((px - ax) * dx + across) / len2;
		double		qx,
					qy;

		t = t < 0 ? 0 : t;
		t = t > 1 ? 1 : t;
		qx = ax + t * dx - px;
		qy = ay + t * dy - py;
		out[i] = qx * qx + qy * qy;
	}
}

/* Keep the nearer of each corner's distance and a new one within limit2 (vector code too). */
static void CP_VECTORIZE
keep_nearer(float *restrict row, const double *restrict d2, int n, double limit2)
{
	int			i;

	for (i = 0; i < n; i++)
	{
		double		old = row[i];
		bool		nearer = (d2[i] < old) & (d2[i] <= limit2);

		row[i] = nearer ? (float) d2[i] : row[i];
	}
}

/* The corners a segment's stamp covers: its box widened by the buffer, within the grid. */
static void
segment_box(const Grid *g, double ax, double ay, double bx, double by, double buffer,
			int *i0, int *i1, int *j0, int *j1)
{
	*i0 = Max((int) floor((Min(ax, bx) - buffer - g->x0) / g->res), 0);
	*i1 = Min((int) ceil((Max(ax, bx) + buffer - g->x0) / g->res), g->nx - 1);
	*j0 = Max((int) floor((Min(ay, by) - buffer - g->y0) / g->res), 0);
	*j1 = Min((int) ceil((Max(ay, by) + buffer - g->y0) / g->res), g->ny - 1);
}

/*
 * Stamps shared by the contours of one call (CpStampCache). A corner's
 * coordinates x0 + i * res do not depend on the grid when every such product
 * and sum is exact (res a short binary fraction, e.g. 5 m for the default
 * 25 m buffer): then the squared distances of a run of segments, computed
 * once on a global lattice, are those every grid would compute. The
 * catchments of many facilities reach the same whole pieces again and again.
 */
typedef struct StampEntry
{
	int64		tag;			/* hash key: the run (a whole piece) */
	int32		nsegs;			/* 0: not kept (the cache is full, or too far out) */
	double		ax,				/* the run's first point, checked on use */
				ay;
	int32		I0,				/* global lattice index of the first corner */
				J0,
				w,
				h;
	float	   *d2;				/* w * h: least squared distance, +Infinity beyond the limit */
} StampEntry;

/* Working arrays a contour borrows from the cache: one lattice's worth, kept between contours. */
typedef enum
{
	BUF_D2,
	BUF_IN,
	BUF_NEXT,
	BUF_LINKED,
	BUF_STARTS,
	NUM_BUFS
} ContourBuf;

struct CpStampCache
{
	double		buffer;
	double		res;
	MemoryContext cxt;
	HTAB	   *runs;
	Size		bytes;
	void	   *buf[NUM_BUFS];
	Size		buf_size[NUM_BUFS];
};

/* at most this, and a quarter of community_planning.max_call_memory */
#define STAMP_CACHE_BYTES ((Size) 64 * 1024 * 1024)
#define STAMP_MAX_INDEX ((double) (1 << 28))

CpStampCache *
cp_stamp_cache_create(double buffer, double resolution)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "cp contour stamps",
											  ALLOCSET_DEFAULT_SIZES);
	CpStampCache *c = MemoryContextAllocZero(cxt, sizeof(CpStampCache));
	HASHCTL		ctl;

	c->buffer = buffer;
	c->res = resolution;
	c->cxt = cxt;
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(StampEntry);
	ctl.hcxt = cxt;
	c->runs = hash_create("cp contour stamps", 1024, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	return c;
}

void
cp_stamp_cache_free(CpStampCache *cache)
{
	if (cache)
		MemoryContextDelete(cache->cxt);
}

/*
 * A working array of a contour: from the cache when there is one (the grids
 * of a call's contours reuse the same memory instead of fresh pages each
 * time), else palloc'd. Zeroed when asked.
 */
static void *
buf_get(CpStampCache *c, ContourBuf which, Size size, bool zero)
{
	void	   *p;

	if (c == NULL)
		return palloc_extended(size, MCXT_ALLOC_HUGE | (zero ? MCXT_ALLOC_ZERO : 0));
	if (c->buf_size[which] < size)
	{
		if (c->buf[which])
			pfree(c->buf[which]);
		c->buf[which] = NULL;
		c->buf_size[which] = 0;
		c->buf[which] = MemoryContextAllocHuge(c->cxt, size);
		c->buf_size[which] = size;
	}
	p = c->buf[which];
	if (zero)
		memset(p, 0, size);
	return p;
}

/* Give a working array back (kept by the cache). */
static void
buf_put(const CpStampCache *c, void *p)
{
	if (c == NULL)
		pfree(p);
}

/* Whether origin + i * res is exactly (origin / res + i) * res for 0 <= i < n. */
static bool
lattice_exact(double res, double origin, int n)
{
	int			e;
	double		mantissa = ldexp(frexp(res, &e), 24);
	double		k = rint(origin / res);

	return mantissa == rint(mantissa) && k * res == origin && fabs(k) + n < STAMP_MAX_INDEX;
}

/* A segment's box on the global lattice (what a grid's box is, rounding aside). */
static void
global_box(double res, double ax, double ay, double bx, double by, double buffer,
		   double *i0, double *i1, double *j0, double *j1)
{
	*i0 = floor((Min(ax, bx) - buffer) / res);
	*i1 = ceil((Max(ax, bx) + buffer) / res);
	*j0 = floor((Min(ay, by) - buffer) / res);
	*j1 = ceil((Max(ay, by) + buffer) / res);
}

/* Keep the smaller of each corner's value and a cached one (vector code). */
static void CP_VECTORIZE
keep_smaller(float *restrict row, const float *restrict d2, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		row[i] = d2[i] < row[i] ? d2[i] : row[i];
}

/*
 * The least squared distance of every corner to segments [s, s + n) of segs,
 * each over its global box, as stamp_segment would compute them: a corner
 * keeps the least of its candidates' distances rounded to float, whatever the
 * order, and only candidates within the limit.
 */
static void
stamp_fill(CpStampCache *c, StampEntry *e, const CpSegments *segs, int s, int n)
{
	double		limit2 = c->buffer * c->buffer * 1.44;
	double		i0 = INFINITY,
				i1 = -INFINITY,
				j0 = INFINITY,
				j1 = -INFINITY;
	double	   *scratch;
	Size		size;
	int			t;

	for (t = s; t < s + n; t++)
	{
		double		a0,
					a1,
					b0,
					b1;

		global_box(c->res, segs->x0[t], segs->y0[t], segs->x1[t], segs->y1[t], c->buffer,
				   &a0, &a1, &b0, &b1);
		i0 = Min(i0, a0);
		i1 = Max(i1, a1);
		j0 = Min(j0, b0);
		j1 = Max(j1, b1);
	}
	size = (Size) ((i1 - i0 + 1) * (j1 - j0 + 1) * sizeof(float));
	e->nsegs = 0;
	if (Max(fabs(i0), fabs(i1)) + Max(fabs(j0), fabs(j1)) >= STAMP_MAX_INDEX ||
		c->bytes + size > Min(STAMP_CACHE_BYTES, (Size) cp_max_call_memory_mb * 1024 * 1024 / 4))
		return;					/* full: the rest is stamped grid by grid */
	e->I0 = (int32) i0;
	e->J0 = (int32) j0;
	e->w = (int32) (i1 - i0 + 1);
	e->h = (int32) (j1 - j0 + 1);
	e->d2 = MemoryContextAlloc(c->cxt, size);
	for (t = 0; t < e->w * e->h; t++)
		e->d2[t] = INFINITY;
	scratch = palloc(sizeof(double) * e->w);
	for (t = s; t < s + n; t++)
	{
		double		ax = segs->x0[t],
					ay = segs->y0[t],
					dx = segs->x1[t] - ax,
					dy = segs->y1[t] - ay;
		double		len2 = dx * dx + dy * dy;
		double		a0,
					a1,
					b0,
					b1;
		int			i,
					j;

		global_box(c->res, ax, ay, segs->x1[t], segs->y1[t], c->buffer, &a0, &a1, &b0, &b1);
		if (!(len2 > 0))
			len2 = 1;			/* as stamp_segment */
		for (j = (int) b0; j <= (int) b1; j++)
		{
			float	   *row = e->d2 + (Size) (j - e->J0) * e->w + ((int) a0 - e->I0);

			/* x0 + (i0 + i) * res with x0 = 0: the exact lattice coordinate */
			row_distances(scratch, (int) a0, (int) (a1 - a0 + 1), 0.0, c->res, ax, ay, dx, dy, len2,
						  j * c->res);
			for (i = 0; i <= (int) (a1 - a0); i++)
			{
				float		v = scratch[i] <= limit2 ? (float) scratch[i] : INFINITY;

				row[i] = v < row[i] ? v : row[i];
			}
		}
	}
	pfree(scratch);
	c->bytes += size;
	e->ax = segs->x0[s];
	e->ay = segs->y0[s];
	e->nsegs = n;
}

/*
 * Stamp the run [s, s + n) of one tag from the cache; false when it cannot
 * (then each segment is stamped on its own). It can when every segment's box
 * on this grid is its global box, so each corner has the same candidates.
 */
static bool
stamp_cached(Grid *g, CpStampCache *c, int32 gi0, int32 gj0, const CpSegments *segs, int s, int n,
			 double buffer)
{
	bool		found;
	StampEntry *e = hash_search(c->runs, &segs->tag[s], HASH_ENTER, &found);
	int			t,
				j,
				i0,
				i1,
				j0,
				j1;

	if (!found)
		stamp_fill(c, e, segs, s, n);
	if (e->nsegs != n || e->ax != segs->x0[s] || e->ay != segs->y0[s])
		return false;
	for (t = s; t < s + n; t++)
	{
		double		a0,
					a1,
					b0,
					b1;

		segment_box(g, segs->x0[t], segs->y0[t], segs->x1[t], segs->y1[t], buffer, &i0, &i1, &j0, &j1);
		global_box(c->res, segs->x0[t], segs->y0[t], segs->x1[t], segs->y1[t], buffer, &a0, &a1, &b0, &b1);
		if (gi0 + i0 != a0 || gi0 + i1 != a1 || gj0 + j0 != b0 || gj0 + j1 != b1)
			return false;
	}
	/* the union of the boxes: inside the grid, as each of them is */
	for (j = 0; j < e->h; j++)
		keep_smaller(g->d2 + (Size) (e->J0 + j - gj0) * g->nx + (e->I0 - gi0),
					 e->d2 + (Size) j * e->w, e->w);
	return true;
}

/* Squared distance of every corner near a segment, keeping the minimum. */
static void
stamp_segment(Grid *g, double ax, double ay, double bx, double by, double buffer)
{
	double		dx = bx - ax,
				dy = by - ay;
	double		len2 = dx * dx + dy * dy;
	double		b2 = buffer * buffer;
	int			i0,
				i1,
				j0,
				j1,
				j;

	segment_box(g, ax, ay, bx, by, buffer, &i0, &i1, &j0, &j1);
	/* a point: t = 0, which is the segment with dx = dy = 0 and any len2 > 0 */
	if (!(len2 > 0))
		len2 = 1;
	for (j = j0; j <= j1; j++)
	{
		float	   *row = g->d2 + (Size) j * g->nx;

		row_distances(g->scratch, i0, i1 - i0 + 1, g->x0, g->res, ax, ay, dx, dy, len2,
					  g->y0 + j * g->res);
		keep_nearer(row + i0, g->scratch, i1 - i0 + 1, b2 * 1.44);
	}
}

/* Not stamped yet: infinitely far (vector code). */
static void CP_VECTORIZE
fill_infinity(float *restrict d2, Size n)
{
	Size		k;

	for (k = 0; k < n; k++)
		d2[k] = INFINITY;
}

/*
 * Squared distances become buffer - distance in place, never exactly 0, and
 * in[k] says whether the corner is inside. With SSE2 four corners at a time:
 * the same IEEE operations (sqrt is exact in both), without libm's errno branch.
 */
static void
corner_values(float *restrict d2, uint8 *restrict in, Size n, double buffer)
{
	Size		k = 0;

#ifdef __SSE2__
	const __m128d b = _mm_set1_pd(buffer);
	const __m128 far = _mm_set1_ps((float) -buffer),
				inf = _mm_set1_ps(INFINITY),
				zero = _mm_setzero_ps(),
				tiny = _mm_set1_ps(-1e-6f);

	for (; k + 4 <= n; k += 4)
	{
		__m128		x = _mm_loadu_ps(d2 + k);
		__m128		m = _mm_cmpeq_ps(x, inf);
		__m128		lo,
					hi,
					v;
		int			bits;

		if (_mm_movemask_ps(m) == 0xf)
		{
			/* four corners far from every segment (most of a grid): no square roots */
			_mm_storeu_ps(d2 + k, far);
			memset(in + k, 0, 4);
			continue;
		}
		lo = _mm_cvtpd_ps(_mm_sub_pd(b, _mm_sqrt_pd(_mm_cvtps_pd(x))));
		hi = _mm_cvtpd_ps(_mm_sub_pd(b, _mm_sqrt_pd(_mm_cvtps_pd(_mm_movehl_ps(x, x)))));
		v = _mm_movelh_ps(lo, hi);
		v = _mm_or_ps(_mm_and_ps(m, far), _mm_andnot_ps(m, v));
		m = _mm_cmpeq_ps(v, zero);
		v = _mm_or_ps(_mm_and_ps(m, tiny), _mm_andnot_ps(m, v));
		_mm_storeu_ps(d2 + k, v);
		bits = _mm_movemask_ps(_mm_cmpgt_ps(v, zero));
		in[k] = bits & 1;
		in[k + 1] = (bits >> 1) & 1;
		in[k + 2] = (bits >> 2) & 1;
		in[k + 3] = (bits >> 3) & 1;
	}
#endif
	for (; k < n; k++)
	{
		/* d2 >= 0: not stamped is +Infinity */
		float		v = d2[k] == INFINITY ? (float) -buffer : (float) (buffer - sqrt(d2[k]));

		d2[k] = v == 0 ? -1e-6f : v;
		in[k] = d2[k] > 0;
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
 * The links of eight edges are set up (all -1) when the first of them is
 * linked or linked to: the ring scan reads only such groups, and the rest of
 * the array is never touched (a catchment's grid is mostly without contour).
 */
static inline void
link_group(int32 *next, uint8 *linked, int64 edge)
{
	if (!linked[edge >> 3])
	{
		memset(next + (edge & ~(int64) 7), 0xff, 8 * sizeof(int32));
		linked[edge >> 3] = 1;
	}
}

/*
 * Marching squares. Corners of cell (i, j): 0 = (i, j), 1 = (i+1, j),
 * 2 = (i+1, j+1), 3 = (i, j+1); edges: bottom (i,j)h, right (i+1,j)v,
 * top (i,j+1)h, left (i,j)v. Segments run with the inside on the right.
 */
static void
march(const Grid *g, int32 *next, uint8 *linked, uint8 *starts)
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
			int64		bottom = 2 * c,
						right = 2 * (c + 1) + 1,
						top = 2 * (c + g->nx),
						left = 2 * c + 1;
			bool		in0,
						in1,
						in2,
						in3;
			int			code;

			/* eight cells wholly outside or wholly inside: no contour there */
			if (i + 9 < g->nx)
			{
				uint64		a = in8(g, c) | in8(g, c + 1) | in8(g, c + g->nx) | in8(g, c + g->nx + 1);
				uint64		e = in8(g, c) & in8(g, c + 1) & in8(g, c + g->nx) & in8(g, c + g->nx + 1);

				if (a == 0 || e == UINT64CONST(0x0101010101010101))
				{
					i += 7;
					continue;
				}
			}
			in0 = g->in[c];
			in1 = g->in[c + 1];
			in2 = g->in[c + g->nx + 1];
			in3 = g->in[c + g->nx];
			code = in0 | (in1 << 1) | (in2 << 2) | (in3 << 3);

#define LINK(from, to) (link_group(next, linked, (from)), link_group(next, linked, (to)), \
						starts[(from) >> 3] |= (uint8) (1 << ((from) & 7)), next[(from)] = (int32) (to))
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
	Size		start;			/* into the coordinate arrays */
	Size		n;				/* closed: last point repeats the first; 0: dropped */
	double		area;			/* > 0 for shells, < 0 for holes */
	double		minx,
				miny,
				maxx,
				maxy;
	int32		shell;			/* holes: the shell they belong to */
} Ring;

/* A processed horizontal grid edge keeps its ring in 'next' as -(ring + 2). */
#define RING_MARK(r) (-((int32) (r)) - 2)
#define MARKED_RING(v) (-(v) - 2)

static bool
point_in_ring(const double *xs, const double *ys, const Ring *r, double px, double py)
{
	bool		inside = false;
	Size		a,
				b;

	if (px < r->minx || px > r->maxx || py < r->miny || py > r->maxy)
		return false;
	for (a = r->start, b = r->start + r->n - 2; a < r->start + r->n - 1; b = a++)
		if ((ys[a] > py) != (ys[b] > py) &&
			px < (xs[b] - xs[a]) * (py - ys[a]) / (ys[b] - ys[a]) + xs[a])
			inside = !inside;
	return inside;
}

static int32
uf_find(int32 *parent, int32 v)
{
	while (parent[v] != v)
	{
		parent[v] = parent[parent[v]];
		v = parent[v];
	}
	return v;
}

/*
 * The shell of every hole, from the rows of corners. On row j the horizontal
 * grid edges are met west to east; a crossing with the inside corner to its
 * east opens an inside stretch, the next crossing closes it, and both rings
 * bound the same polygon. 'next' holds each crossed horizontal edge's ring.
 */
static void
assign_holes(const Grid *g, const int32 *next, Ring *rings, int32 nrings,
			 const double *xs, const double *ys)
{
	int32	   *parent = palloc_extended(sizeof(int32) * Max(nrings, 1), MCXT_ALLOC_HUGE);
	int32	   *shell_of = palloc_extended(sizeof(int32) * Max(nrings, 1), MCXT_ALLOC_HUGE);
	int32		r;
	int			i,
				j;

	for (r = 0; r < nrings; r++)
	{
		parent[r] = r;
		shell_of[r] = -1;
	}
	for (j = 0; j < g->ny; j++)
	{
		int32		open = -1;	/* ring of the crossing that opened an inside stretch */

		if ((j & 63) == 0)
			CHECK_FOR_INTERRUPTS();
		for (i = 0; i + 1 < g->nx; i++)
		{
			Size		c = (Size) j * g->nx + i;
			bool		in0,
						in1;
			int32		mark,
						ring;

			/* no crossing among the next eight edges of the row */
			if (i + 9 < g->nx && in8(g, c) == in8(g, c + 1))
			{
				i += 7;
				continue;
			}
			in0 = g->in[c];
			in1 = g->in[c + 1];
			if (in0 == in1)
				continue;
			mark = next[2 * c];
			if (mark > -2)
				continue;		/* not on a kept ring (cannot happen) */
			ring = MARKED_RING(mark);
			if (in1)
				open = ring;	/* inside to the east */
			else if (open >= 0)
			{
				int32		a = uf_find(parent, open),
							b = uf_find(parent, ring);

				if (a != b)
					parent[a] = b;
				open = -1;
			}
		}
	}
	for (r = 0; r < nrings; r++)
		if (rings[r].area > 0)
		{
			int32		root = uf_find(parent, r);

			/* two shells in one polygon cannot happen: such holes take the slow way */
			shell_of[root] = shell_of[root] == -1 ? r : -2;
		}
	for (r = 0; r < nrings; r++)
	{
		int32		t,
					best_shell;
		double		best = INFINITY;

		if (!(rings[r].area < 0))
			continue;
		best_shell = shell_of[uf_find(parent, r)];
		if (best_shell >= 0)
		{
			rings[r].shell = best_shell;
			continue;
		}
		/* defensive: the smallest shell containing the hole's first point */
		CHECK_FOR_INTERRUPTS();
		best_shell = -1;
		for (t = 0; t < nrings; t++)
			if (rings[t].area > 0 && rings[t].area < best &&
				point_in_ring(xs, ys, &rings[t], xs[rings[r].start], ys[rings[r].start]))
			{
				best = rings[t].area;
				best_shell = t;
			}
		rings[r].shell = best_shell;
	}
	pfree(parent);
	pfree(shell_of);
}

/*
 * The first edge from k on (below n) that a link starts from: most of a grid
 * has none, skipped 64 edges at a time. Checks for interrupts as it goes.
 */
static Size
next_start(const uint8 *starts, Size k, Size n)
{
	Size		group = k >> 3;
	uint32		bits = starts[group] & (0xffu << (k & 7));
	Size		scanned = 0;

	while (bits == 0)
	{
		uint64		eight;

		group++;
		if (group * 8 >= n)
			return n;
		if ((++scanned & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		memcpy(&eight, starts + group, sizeof(eight));
		if (eight == 0)
		{
			group += 7;
			continue;
		}
		bits = starts[group];
	}
	return Min(group * 8 + pg_rightmost_one_pos32(bits), n);
}

/* Little-endian (NDR) writers for the EWKB output. */
static inline char *
put_uint32(char *p, uint32 v)
{
	int			b;

	for (b = 0; b < 4; b++)
		*p++ = (char) ((v >> (8 * b)) & 0xff);
	return p;
}

static inline char *
put_double(char *p, double d)
{
#ifdef WORDS_BIGENDIAN
	uint64		v;
	int			b;

	memcpy(&v, &d, sizeof(v));
	for (b = 0; b < 8; b++)
		*p++ = (char) ((v >> (8 * b)) & 0xff);
	return p;
#else
	memcpy(p, &d, sizeof(d));	/* already little-endian */
	return p + sizeof(d);
#endif
}

bytea *
cp_contour_buffer(const CpSegments *segs, double buffer, double resolution, int32 srid,
				  double *area)
{
	return cp_contour_buffer_cached(segs, buffer, resolution, srid, area, NULL);
}

bytea *
cp_contour_buffer_cached(const CpSegments *segs, double buffer, double resolution, int32 srid,
						 double *area, CpStampCache *cache)
{
	double		minx = INFINITY,
				miny = INFINITY,
				maxx = -INFINITY,
				maxy = -INFINITY;
	Grid		g;
	Size		ncorners,
				k,
				npts = 0,
				cap_pts = 1024;
	int32	   *next;
	uint8	   *linked;
	uint8	   *starts;
	CpStampCache *stamps;
	int			s;
	int32		nrings = 0,
				cap_rings = 64,
				r;
	Ring	   *rings;
	double	   *xs,
			   *ys;
	int32	   *hole_start,
			   *hole_list;
	int32		npolys = 0;
	double		bytes = 1 + 4 + 4 + 4;	/* byte order, type, SRID, count */
	bytea	   *result;
	char	   *out;

	*area = 0;

	for (s = 0; s < segs->n; s++)
	{
		if ((s & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
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
	/* distance field and crossing links; ring points come on top, about as many again */
	cp_check_call_memory(psprintf("a catchment contour of %d x %d corners", g.nx, g.ny),
						 (double) ncorners * (sizeof(float) + 2 * sizeof(int32)) * 1.5,
						 "Use a larger buffer_m (the grid step is buffer_m / 5) or raise community_planning.max_call_memory.");
	g.d2 = buf_get(cache, BUF_D2, sizeof(float) * ncorners, false);
	g.scratch = palloc_extended(sizeof(double) * g.nx, MCXT_ALLOC_HUGE);
	for (k = 0; k < ncorners; k += CONTOUR_SLICE)
	{
		CHECK_FOR_INTERRUPTS();
		fill_infinity(g.d2 + k, Min(CONTOUR_SLICE, ncorners - k));
	}
	stamps = cache;
	if (stamps && !(stamps->res == g.res && stamps->buffer == buffer &&
					lattice_exact(g.res, g.x0, g.nx) && lattice_exact(g.res, g.y0, g.ny)))
		stamps = NULL;
	for (s = 0; s < segs->n;)
	{
		int			run = 1;

		if ((s & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		while (s + run < segs->n && segs->tag[s] >= 0 && segs->tag[s + run] == segs->tag[s])
			run++;
		if (stamps == NULL || segs->tag[s] < 0 ||
			!stamp_cached(&g, stamps, (int32) rint(g.x0 / g.res), (int32) rint(g.y0 / g.res),
						  segs, s, run, buffer))
		{
			int			t;

			for (t = s; t < s + run; t++)
				stamp_segment(&g, segs->x0[t], segs->y0[t], segs->x1[t], segs->y1[t], buffer);
		}
		s += run;
	}
	g.val = g.d2;				/* in place: buffer - distance, never exactly 0 */
	g.in = buf_get(cache, BUF_IN, ncorners + 8, false);
	for (k = 0; k < ncorners; k += CONTOUR_SLICE)
	{
		CHECK_FOR_INTERRUPTS();
		corner_values(g.val + k, g.in + k, Min(CONTOUR_SLICE, ncorners - k), buffer);
	}
	memset(g.in + ncorners, 0, 8);

	/* set up eight edges at a time by march() where it links them (link_group) */
	next = buf_get(cache, BUF_NEXT, sizeof(int32) * (2 * ncorners + 8), false);
	/* per eight edges: whether they are set up, and which of them a link starts from */
	linked = buf_get(cache, BUF_LINKED, 2 * ncorners / 8 + 16, true);
	starts = buf_get(cache, BUF_STARTS, 2 * ncorners / 8 + 16, true);
	march(&g, next, linked, starts);

	/* chain crossings into closed rings; visited edges keep their ring (horizontal) or -1 */
	rings = palloc(sizeof(Ring) * cap_rings);
	xs = palloc_extended(sizeof(double) * cap_pts, MCXT_ALLOC_HUGE);
	ys = palloc_extended(sizeof(double) * cap_pts, MCXT_ALLOC_HUGE);
	/* rings start in edge order, at the edges march() linked from (starts) */
	for (k = next_start(starts, 0, 2 * ncorners); k < 2 * ncorners;
		 k = next_start(starts, k + 1, 2 * ncorners))
	{
		int64		e = (int64) k;
		Ring	   *ring;
		Size		p;

		if (next[k] < 0)
			continue;			/* on a ring already */
		if (nrings == cap_rings)
		{
			if (cap_rings >= PG_INT32_MAX / 2)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("catchment contour has too many rings")));
			cap_rings *= 2;
			rings = repalloc_huge(rings, sizeof(Ring) * cap_rings);
		}
		ring = &rings[nrings];
		ring->start = npts;
		ring->area = 0;
		ring->minx = ring->miny = INFINITY;
		ring->maxx = ring->maxy = -INFINITY;
		ring->shell = -1;
		while (e >= 0 && next[e] >= 0)
		{
			int64		to = next[e];

			if ((npts & 0xffff) == 0)
				CHECK_FOR_INTERRUPTS();
			if (npts + 2 >= cap_pts)
			{
				cap_pts *= 2;
				xs = repalloc_huge(xs, sizeof(double) * cap_pts);
				ys = repalloc_huge(ys, sizeof(double) * cap_pts);
			}
			crossing_point(&g, e, &xs[npts], &ys[npts]);
			ring->minx = Min(ring->minx, xs[npts]);
			ring->maxx = Max(ring->maxx, xs[npts]);
			ring->miny = Min(ring->miny, ys[npts]);
			ring->maxy = Max(ring->maxy, ys[npts]);
			npts++;
			next[e] = (e & 1) ? -1 : RING_MARK(nrings);
			e = to;
		}
		xs[npts] = xs[ring->start];
		ys[npts] = ys[ring->start];
		npts++;
		ring->n = npts - ring->start;
		nrings++;
		if (ring->n < 4)
		{
			/* degenerate: kept as a dropped ring so the marks stay right */
			npts = ring->start;
			ring->n = 0;
			continue;
		}
		/* segments run with the inside on their right: shells come out clockwise */
		for (p = ring->start; p < ring->start + ring->n - 1; p++)
			ring->area -= (xs[p] * ys[p + 1] - xs[p + 1] * ys[p]) / 2;
	}
	assign_holes(&g, next, rings, nrings, xs, ys);
	buf_put(cache, next);
	buf_put(cache, linked);
	buf_put(cache, starts);
	buf_put(cache, g.d2);
	buf_put(cache, g.in);
	pfree(g.scratch);

	/* holes by shell (counting sort), so assembly is linear */
	hole_start = palloc0_array(int32, (Size) nrings + 1);
	hole_list = palloc_extended(sizeof(int32) * Max(nrings, 1), MCXT_ALLOC_HUGE);
	for (r = 0; r < nrings; r++)
		if (rings[r].area < 0 && rings[r].shell >= 0)
			hole_start[rings[r].shell + 1]++;
	for (r = 0; r < nrings; r++)
		hole_start[r + 1] += hole_start[r];
	{
		int32	   *fill = palloc_extended(sizeof(int32) * Max(nrings, 1), MCXT_ALLOC_HUGE);

		memcpy(fill, hole_start, sizeof(int32) * nrings);
		for (r = 0; r < nrings; r++)
			if (rings[r].area < 0 && rings[r].shell >= 0)
				hole_list[fill[rings[r].shell]++] = r;
		pfree(fill);
	}

	/* EWKB straight from the rings: no GEOS objects for a possibly huge polygon */
	for (r = 0; r < nrings; r++)
		if (rings[r].area > 0)
		{
			int32		t;

			npolys++;
			bytes += 1 + 4 + 4 + 4 + 16.0 * rings[r].n;
			*area += rings[r].area;
			for (t = hole_start[r]; t < hole_start[r + 1]; t++)
			{
				bytes += 4 + 16.0 * rings[hole_list[t]].n;
				*area += rings[hole_list[t]].area;
			}
		}
	/*
	 * PostGIS parses the polygon in the SQL wrapper without looking for
	 * interrupts (about 7 ms per MB): a bigger one could not be cancelled
	 * promptly, and is of no use on a map anyway.
	 */
	if (bytes > CP_MAX_POLYGON_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("catchment polygon would take %.0f MB, more than the %d MB limit",
						ceil(bytes / (1024.0 * 1024.0)), CP_MAX_POLYGON_BYTES / (1024 * 1024)),
				 errdetail("It has %d polygons with %.0f vertices in all.", npolys, (bytes - 13) / 16),
				 errhint("Use a smaller cutoff or a larger buffer_m (the outline is traced on a grid of buffer_m / 5).")));
	cp_check_call_memory("a catchment polygon", bytes * 2,
						 "Use a larger buffer_m or a smaller cutoff, or raise community_planning.max_call_memory.");
	result = palloc_extended(VARHDRSZ + (Size) bytes, MCXT_ALLOC_HUGE);
	SET_VARSIZE(result, VARHDRSZ + (Size) bytes);
	out = VARDATA(result);
	*out++ = 1;
	out = put_uint32(out, (uint32) CP_WKB_MULTIPOLYGON | (srid > 0 ? 0x20000000u : 0));
	if (srid > 0)
		out = put_uint32(out, (uint32) srid);
	out = put_uint32(out, (uint32) npolys);
	for (r = 0; r < nrings; r++)
	{
		int32		t;

		if (!(rings[r].area > 0))
			continue;
		if ((r & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		*out++ = 1;
		out = put_uint32(out, CP_WKB_POLYGON);
		out = put_uint32(out, (uint32) (1 + hole_start[r + 1] - hole_start[r]));
		for (t = hole_start[r] - 1; t < hole_start[r + 1]; t++)
		{
			const Ring *ring = &rings[t < hole_start[r] ? r : hole_list[t]];
			Size		p;

			if ((t & 0xfff) == 0)
				CHECK_FOR_INTERRUPTS();
			out = put_uint32(out, (uint32) ring->n);
			for (p = ring->start; p < ring->start + ring->n; p++)
			{
				out = put_double(out, xs[p]);
				out = put_double(out, ys[p]);
			}
		}
	}
	Assert(out == VARDATA(result) + (Size) bytes);
	pfree(hole_start);
	pfree(hole_list);
	pfree(xs);
	pfree(ys);
	pfree(rings);
	return result;
}
