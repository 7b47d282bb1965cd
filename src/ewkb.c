/*
 * ewkb.c: decode and encode (E)WKB points and lines.
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include <math.h>
#include <string.h>

#include "lib/stringinfo.h"
#include "miscadmin.h"

#include "ewkb.h"

#define EWKB_Z 0x80000000u
#define EWKB_M 0x40000000u
#define EWKB_SRID 0x20000000u

typedef struct WkbCursor
{
	const uint8 *buf;
	size_t		len;
	size_t		pos;
} WkbCursor;

static void
wkb_malformed(const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("malformed geometry"),
			 errdetail("%s", why)));
}

static void
wkb_need(WkbCursor *c, size_t n)
{
	if (c->len - c->pos < n)
		wkb_malformed("The WKB data ends early.");
}

static uint32
wkb_uint32(WkbCursor *c, bool little)
{
	uint32		v;

	wkb_need(c, 4);
	if (little)
		v = (uint32) c->buf[c->pos] | ((uint32) c->buf[c->pos + 1] << 8) |
			((uint32) c->buf[c->pos + 2] << 16) | ((uint32) c->buf[c->pos + 3] << 24);
	else
		v = (uint32) c->buf[c->pos + 3] | ((uint32) c->buf[c->pos + 2] << 8) |
			((uint32) c->buf[c->pos + 1] << 16) | ((uint32) c->buf[c->pos] << 24);
	c->pos += 4;
	return v;
}

static double
wkb_double(WkbCursor *c, bool little)
{
	uint8		b[8];
	double		d;
	int			i;

	wkb_need(c, 8);
	for (i = 0; i < 8; i++)
		b[i] = c->buf[c->pos + (little ? i : 7 - i)];
#ifdef WORDS_BIGENDIAN
	for (i = 0; i < 4; i++)
	{
		uint8		t = b[i];

		b[i] = b[7 - i];
		b[7 - i] = t;
	}
#endif
	memcpy(&d, b, 8);
	c->pos += 8;
	return d;
}

/*
 * A coordinate pair must be finite; (NaN, NaN) is how WKB writes an empty
 * point, so only a point may carry it (the caller says whether it may).
 */
static void
wkb_check_finite(double x, double y, bool empty_ok)
{
	if (isfinite(x) && isfinite(y))
		return;
	if (empty_ok && isnan(x) && isnan(y))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("geometry has a non-finite coordinate (%g %g)", x, y),
			 errhint("Coordinates must be finite numbers: remove or repair rows with NaN or Infinity.")));
}

typedef struct WkbHeader
{
	bool		little;
	uint32		type;
	bool		has_z;
	bool		has_m;
	int32		srid;
} WkbHeader;

/* Every OGC type code but 13 and 14 (unused); the caller decides what it can handle. */
static bool
wkb_type_known(uint32 type)
{
	return type >= CP_WKB_POINT && type <= 17 && type != 13 && type != 14;
}

/* Curves, surfaces and TINs: PostGIS has them, GEOS and our decoder do not. */
static void
unsupported_type(uint32 type)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("curved and polyhedral geometries are not supported (WKB type %u)", type),
			 errhint("Convert them first, e.g. with ST_CurveToLine or ST_Dump.")));
}

/*
 * Both EWKB flag bits and ISO 1000/2000/3000 offsets are accepted.
 * 'any_type': also curves, surfaces and TINs (the coordinate mapper walks them).
 */
static WkbHeader
wkb_header_of(WkbCursor *c, bool any_type)
{
	WkbHeader	h;
	uint32		raw;
	uint32		iso;

	wkb_need(c, 1);
	if (c->buf[c->pos] > 1)
		wkb_malformed("The byte-order mark is neither 0 nor 1.");
	h.little = c->buf[c->pos] == 1;
	c->pos++;
	raw = wkb_uint32(c, h.little);
	h.has_z = (raw & EWKB_Z) != 0;
	h.has_m = (raw & EWKB_M) != 0;
	h.srid = 0;
	if (raw & EWKB_SRID)
		h.srid = (int32) wkb_uint32(c, h.little);
	raw &= 0x0FFFFFFFu;
	iso = raw / 1000;
	h.type = raw % 1000;
	if (iso == 1 || iso == 3)
		h.has_z = true;
	if (iso == 2 || iso == 3)
		h.has_m = true;
	if (iso > 3 || !wkb_type_known(h.type))
		wkb_malformed("The geometry type code is unknown.");
	if (!any_type && h.type > CP_WKB_COLLECTION)
		unsupported_type(h.type);
	return h;
}

static WkbHeader
wkb_header(WkbCursor *c)
{
	return wkb_header_of(c, false);
}

const char *
cp_wkb_type_name(uint32 type)
{
	switch (type)
	{
		case CP_WKB_POINT:
			return "Point";
		case CP_WKB_LINESTRING:
			return "LineString";
		case CP_WKB_POLYGON:
			return "Polygon";
		case CP_WKB_MULTIPOINT:
			return "MultiPoint";
		case CP_WKB_MULTILINESTRING:
			return "MultiLineString";
		case CP_WKB_MULTIPOLYGON:
			return "MultiPolygon";
		default:
			return "GeometryCollection";
	}
}

void
cp_ewkb_peek(const uint8 *buf, size_t len, uint32 *type, int32 *srid, bool *has_z)
{
	WkbCursor	c = {buf, len, 0};
	WkbHeader	h = wkb_header(&c);

	*type = h.type;
	*srid = h.srid;
	*has_z = h.has_z;
}

int32
cp_ewkb_srid(const uint8 *buf, size_t len)
{
	WkbCursor	c = {buf, len, 0};

	return wkb_header_of(&c, true).srid;
}

typedef struct GeomBuilder
{
	CpGeom	   *g;
	int			cap_points;
	int			cap_parts;
} GeomBuilder;

static void
builder_add_point(GeomBuilder *b, double x, double y, double z)
{
	CpGeom	   *g = b->g;

	if (g->npoints == b->cap_points)
	{
		b->cap_points *= 2;
		g->x = repalloc(g->x, sizeof(double) * b->cap_points);
		g->y = repalloc(g->y, sizeof(double) * b->cap_points);
		g->z = repalloc(g->z, sizeof(double) * b->cap_points);
	}
	g->x[g->npoints] = x;
	g->y[g->npoints] = y;
	g->z[g->npoints] = z;
	g->npoints++;
}

static void
builder_close_part(GeomBuilder *b)
{
	CpGeom	   *g = b->g;

	if (g->nparts + 1 == b->cap_parts)
	{
		b->cap_parts *= 2;
		g->part_start = repalloc(g->part_start, sizeof(int) * b->cap_parts);
	}
	g->nparts++;
	g->part_start[g->nparts] = g->npoints;
}

static void
read_coords(WkbCursor *c, const WkbHeader *h, GeomBuilder *b, uint32 n)
{
	uint32		i;
	size_t		dims = 2 + (h->has_z ? 1 : 0) + (h->has_m ? 1 : 0);

	if (n > (c->len - c->pos) / (8 * dims))
		wkb_malformed("The coordinate count exceeds the data.");
	for (i = 0; i < n; i++)
	{
		double		x = wkb_double(c, h->little);
		double		y = wkb_double(c, h->little);
		double		z = h->has_z ? wkb_double(c, h->little) : 0.0;

		if (h->has_m)
			(void) wkb_double(c, h->little);
		wkb_check_finite(x, y, h->type == CP_WKB_POINT);
		builder_add_point(b, x, y, z);
	}
}

/* One Point or LineString member; empty points (NaN) are skipped. */
static void
read_simple(WkbCursor *c, uint32 expect, GeomBuilder *b)
{
	WkbHeader	h = wkb_header(c);
	int			before = b->g->npoints;

	if (h.type != expect)
		wkb_malformed("A multi-geometry holds a member of another type.");
	if (h.type == CP_WKB_POINT)
		read_coords(c, &h, b, 1);
	else
		read_coords(c, &h, b, wkb_uint32(c, h.little));
	if (h.type == CP_WKB_POINT && isnan(b->g->x[before]))
		b->g->npoints = before;
	else if (b->g->npoints > before)
		builder_close_part(b);
}

CpGeom *
cp_ewkb_decode(const uint8 *buf, size_t len)
{
	WkbCursor	c = {buf, len, 0};
	WkbHeader	h = wkb_header(&c);
	GeomBuilder b;
	CpGeom	   *g = palloc0(sizeof(CpGeom));

	g->type = h.type;
	g->srid = h.srid;
	g->has_z = h.has_z;
	b.g = g;
	b.cap_points = 16;
	b.cap_parts = 4;
	g->x = palloc(sizeof(double) * b.cap_points);
	g->y = palloc(sizeof(double) * b.cap_points);
	g->z = palloc(sizeof(double) * b.cap_points);
	g->part_start = palloc0(sizeof(int) * b.cap_parts);

	c.pos = 0;
	switch (h.type)
	{
		case CP_WKB_POINT:
		case CP_WKB_LINESTRING:
			read_simple(&c, h.type, &b);
			break;
		case CP_WKB_MULTIPOINT:
		case CP_WKB_MULTILINESTRING:
			{
				uint32		n,
							i;

				(void) wkb_header(&c);
				n = wkb_uint32(&c, h.little);
				if (n > c.len - c.pos)
					wkb_malformed("The member count exceeds the data.");
				for (i = 0; i < n; i++)
					read_simple(&c, h.type == CP_WKB_MULTIPOINT ? CP_WKB_POINT : CP_WKB_LINESTRING, &b);
				break;
			}
		default:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot decode a %s as points or lines", cp_wkb_type_name(h.type))));
	}
	if (!g->has_z)
	{
		pfree(g->z);
		g->z = NULL;
	}
	return g;
}

/*
 * A Point's X/Y read in place: the checks and errors of cp_ewkb_decode()
 * without its allocations (one call per row when a data set is read).
 */
bool
cp_ewkb_point_xy(const uint8 *buf, size_t len, double *x, double *y)
{
	WkbCursor	c = {buf, len, 0};
	WkbHeader	h = wkb_header(&c);
	size_t		dims = 2 + (h.has_z ? 1 : 0) + (h.has_m ? 1 : 0);

	if (h.type != CP_WKB_POINT)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot decode a %s as a point", cp_wkb_type_name(h.type))));
	if (1 > (c.len - c.pos) / (8 * dims))
		wkb_malformed("The coordinate count exceeds the data.");
	*x = wkb_double(&c, h.little);
	*y = wkb_double(&c, h.little);
	wkb_check_finite(*x, *y, true);
	return !isnan(*x);
}

/* Writers: little-endian EWKB. */
static void
out_uint32(StringInfo s, uint32 v)
{
	uint8		b[4] = {v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff};

	appendBinaryStringInfo(s, (char *) b, 4);
}

static void
out_double(StringInfo s, double d)
{
	uint8		b[8];

	memcpy(b, &d, 8);
#ifdef WORDS_BIGENDIAN
	for (int i = 0; i < 4; i++)
	{
		uint8		t = b[i];

		b[i] = b[7 - i];
		b[7 - i] = t;
	}
#endif
	appendBinaryStringInfo(s, (char *) b, 8);
}

static void
out_header(StringInfo s, uint32 type, int32 srid)
{
	appendStringInfoChar(s, 1);
	out_uint32(s, type | (srid > 0 ? EWKB_SRID : 0));
	if (srid > 0)
		out_uint32(s, (uint32) srid);
}

static bytea *
out_finish(StringInfo s)
{
	bytea	   *result = palloc(VARHDRSZ + s->len);

	SET_VARSIZE(result, VARHDRSZ + s->len);
	memcpy(VARDATA(result), s->data, s->len);
	pfree(s->data);
	return result;
}

bytea *
cp_ewkb_point(double x, double y, int32 srid)
{
	StringInfoData s;

	initStringInfo(&s);
	out_header(&s, CP_WKB_POINT, srid);
	out_double(&s, x);
	out_double(&s, y);
	return out_finish(&s);
}

bytea *
cp_ewkb_linestring(int n, const double *x, const double *y, int32 srid)
{
	StringInfoData s;
	int			i;

	initStringInfo(&s);
	out_header(&s, CP_WKB_LINESTRING, srid);
	out_uint32(&s, (uint32) n);
	for (i = 0; i < n; i++)
	{
		out_double(&s, x[i]);
		out_double(&s, y[i]);
	}
	return out_finish(&s);
}

/*
 * Generic coordinate walker: any (E)WKB geometry, rewritten in place.
 *
 * Unlike the decoder above it knows every type PostGIS writes: the OGC
 * seven plus the curve and surface types (8-17). Only X and Y are handed to
 * the callback; Z and M are left as they are.
 */

/* Store a double back in the byte order it was read in. */
static void
wkb_put_double(uint8 *p, double d, bool little)
{
	uint8		b[8];
	int			i;

	memcpy(b, &d, 8);
#ifdef WORDS_BIGENDIAN
	little = !little;
#endif
	for (i = 0; i < 8; i++)
		p[i] = b[little ? i : 7 - i];
}

typedef struct MapHeader
{
	bool		little;
	uint32		type;
	size_t		dims;
	int32		srid;
} MapHeader;

static MapHeader
map_header(WkbCursor *c)
{
	WkbHeader	w = wkb_header_of(c, true);
	MapHeader	h;

	h.little = w.little;
	h.type = w.type;
	h.srid = w.srid;
	h.dims = 2 + (w.has_z ? 1 : 0) + (w.has_m ? 1 : 0);
	return h;
}

/* n coordinates of h's layout starting at the cursor. */
static void
map_coords(WkbCursor *c, uint8 *out, const MapHeader *h, uint32 n,
		   CpCoordFn fn, void *arg)
{
	uint32		i;

	if (n > (c->len - c->pos) / (8 * h->dims))
		wkb_malformed("The coordinate count exceeds the data.");
	for (i = 0; i < n; i++)
	{
		size_t		at = c->pos;
		double		x = wkb_double(c, h->little);
		double		y = wkb_double(c, h->little);

		c->pos += 8 * (h->dims - 2);
		/* empty points are stored as NaN and stay so */
		wkb_check_finite(x, y, h->type == CP_WKB_POINT);
		if (isnan(x))
			continue;
		fn(&x, &y, arg);
		wkb_put_double(out + at, x, h->little);
		wkb_put_double(out + at + 8, y, h->little);
	}
}

static void
map_geometry(WkbCursor *c, uint8 *out, CpCoordFn fn, void *arg, int depth, int32 *srid)
{
	MapHeader	h;
	uint32		n,
				i;

	if (depth > CP_WKB_MAX_DEPTH)
		wkb_malformed("The geometry collections are nested too deeply.");
	check_stack_depth();
	h = map_header(c);
	if (depth == 0)
		*srid = h.srid;
	switch (h.type)
	{
		case CP_WKB_POINT:
			map_coords(c, out, &h, 1, fn, arg);
			break;
		case CP_WKB_LINESTRING:
		case 8:					/* CircularString */
			map_coords(c, out, &h, wkb_uint32(c, h.little), fn, arg);
			break;
		case CP_WKB_POLYGON:
		case 17:				/* Triangle */
			n = wkb_uint32(c, h.little);
			if (n > (c->len - c->pos) / 4)
				wkb_malformed("The ring count exceeds the data.");
			for (i = 0; i < n; i++)
				map_coords(c, out, &h, wkb_uint32(c, h.little), fn, arg);
			break;
		default:				/* multi*, collections, curves, surfaces */
			n = wkb_uint32(c, h.little);
			if (n > (c->len - c->pos) / 5)
				wkb_malformed("The member count exceeds the data.");
			for (i = 0; i < n; i++)
				map_geometry(c, out, fn, arg, depth + 1, srid);
			break;
	}
}

bytea *
cp_ewkb_map_coords(const bytea *in, CpCoordFn fn, void *arg, int32 *srid)
{
	size_t		len = VARSIZE_ANY_EXHDR(in);
	bytea	   *result = palloc(VARHDRSZ + len);
	WkbCursor	c;

	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), VARDATA_ANY(in), len);
	c.buf = (const uint8 *) VARDATA(result);
	c.len = len;
	c.pos = 0;
	map_geometry(&c, (uint8 *) VARDATA(result), fn, arg, 0, srid);
	if (c.pos != len)
		wkb_malformed("Bytes follow the end of the geometry.");
	return result;
}

/*
 * Whole-geometry check before GEOS reads the bytes: GEOS's WKB reader
 * recurses into collections without a limit (a deeply nested collection
 * overflows the stack) and some GEOS 3.11 operations crash on empty members
 * of collections (GEOSPointOnSurface), so both are found here first.
 */
typedef struct CheckState
{
	WkbCursor	c;
	bool		empty_member;
} CheckState;

static bool
check_geometry(CheckState *st, int depth, uint32 expect)
{
	WkbCursor  *c = &st->c;
	WkbHeader	h;
	size_t		dims;
	uint32		n,
				i,
				r;
	bool		empty;

	if (depth > CP_WKB_MAX_DEPTH)
		wkb_malformed(psprintf("Geometry collections are nested more than %d levels deep.",
							   CP_WKB_MAX_DEPTH));
	check_stack_depth();
	h = wkb_header_of(c, false);
	if (expect != 0 && h.type != expect)
		wkb_malformed("A multi-geometry holds a member of another type.");
	dims = 2 + (h.has_z ? 1 : 0) + (h.has_m ? 1 : 0);
	switch (h.type)
	{
		case CP_WKB_POINT:
			n = 1;
			break;
		case CP_WKB_LINESTRING:
			n = wkb_uint32(c, h.little);
			break;
		case CP_WKB_POLYGON:
			n = wkb_uint32(c, h.little);
			if (n > (c->len - c->pos) / 4)
				wkb_malformed("The ring count exceeds the data.");
			empty = n == 0;
			for (r = 0; r < n; r++)
			{
				uint32		npts = wkb_uint32(c, h.little);

				if (npts == 0)
					wkb_malformed("A polygon has an empty ring.");
				if (npts > (c->len - c->pos) / (8 * dims))
					wkb_malformed("The coordinate count exceeds the data.");
				for (i = 0; i < npts; i++)
				{
					double		x = wkb_double(c, h.little);
					double		y = wkb_double(c, h.little);

					c->pos += 8 * (dims - 2);
					wkb_check_finite(x, y, false);
				}
			}
			return empty;
		default:				/* multi-geometries and collections */
			n = wkb_uint32(c, h.little);
			if (n > (c->len - c->pos) / 5)
				wkb_malformed("The member count exceeds the data.");
			empty = true;
			for (i = 0; i < n; i++)
			{
				if ((i & 0xffff) == 0)
					CHECK_FOR_INTERRUPTS();
				/* members of a multi-geometry are of its simple type, a collection's of any */
				if (check_geometry(st, depth + 1,
								   h.type == CP_WKB_COLLECTION ? 0 : h.type - 3))
					st->empty_member = true;
				else
					empty = false;
			}
			return empty;
	}
	/* a point or a line: n coordinates */
	if (n > (c->len - c->pos) / (8 * dims))
		wkb_malformed("The coordinate count exceeds the data.");
	empty = n == 0;
	for (i = 0; i < n; i++)
	{
		double		x = wkb_double(c, h.little);
		double		y = wkb_double(c, h.little);

		c->pos += 8 * (dims - 2);
		wkb_check_finite(x, y, h.type == CP_WKB_POINT);
		if (h.type == CP_WKB_POINT && isnan(x))
			empty = true;
	}
	return empty;
}

bool
cp_ewkb_check(const uint8 *buf, size_t len)
{
	CheckState	st;

	st.c.buf = buf;
	st.c.len = len;
	st.c.pos = 0;
	st.empty_member = false;
	(void) check_geometry(&st, 0, 0);
	if (st.c.pos != len)
		wkb_malformed("Bytes follow the end of the geometry.");
	return st.empty_member;
}

bytea *
cp_ewkb_with_srid(const uint8 *buf, size_t len, int32 srid)
{
	WkbCursor	c = {buf, len, 0};
	WkbHeader	h = wkb_header_of(&c, true);
	size_t		rest;
	bytea	   *out;
	uint8	   *p;
	uint32		type_word;

	/* c.pos is past the byte order, the type word and any SRID */
	rest = len - c.pos;
	out = palloc(VARHDRSZ + 9 + rest);
	SET_VARSIZE(out, VARHDRSZ + 9 + rest);
	p = (uint8 *) VARDATA(out);
	type_word = h.type | EWKB_SRID | (h.has_z ? EWKB_Z : 0) | (h.has_m ? EWKB_M : 0);
	p[0] = h.little ? 1 : 0;
	for (int i = 0; i < 4; i++)
	{
		int			shift = h.little ? 8 * i : 8 * (3 - i);

		p[1 + i] = (type_word >> shift) & 0xff;
		p[5 + i] = ((uint32) srid >> shift) & 0xff;
	}
	memcpy(p + 9, buf + c.pos, rest);
	return out;
}
