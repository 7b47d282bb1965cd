/*
 * parking_rules.c: demand rules and car-park capacity from area.
 *
 * Demand: the rules of one standard set and community type come resolved
 * from SQL (cp._parking_rules) as arrays in priority order; a building takes
 * the first rule of its use that applies, which is exactly the choice of
 * cp.parking_rule (the community type's rules before 'any' rules, rules with
 * a matching flat-size bin before rules for any flat size).
 *
 * Capacity from area: the same figure as cp.estimate_parking_spaces(area,
 * m2_per_space) with area = ST_Area(geom) in a projected CRS and
 * ST_Area(ST_Transform(geom, 4326)::geography) for longitude/latitude. The
 * planar ring area is PostGIS's shoelace (ptarray_signed_area) and the
 * geodesic one GeographicLib's geod_polygonarea on the WGS 84 ellipsoid, as
 * PostGIS computes them, so the figures agree to the last bits or so. The
 * polygon is read through GEOS (the one way bytes reach a geometry library).
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include <math.h>
#include <geodesic.h>

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"

#include "crs.h"
#include "ewkb.h"
#include "geos_util.h"
#include "parking.h"

/* A one-dimensional array argument without NULLs where nulls_ok is false. */
static Datum *
array_arg(ArrayType *a, Oid elemtype, const char *name, bool nulls_ok, bool **nulls, int *n)
{
	Datum	   *elems;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	if (ARR_NDIM(a) > 1 || ARR_ELEMTYPE(a) != elemtype)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array of %s", name, format_type_be(elemtype))));
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(a, elemtype, typlen, typbyval, typalign, &elems, nulls, n);
	for (int i = 0; i < *n && !nulls_ok; i++)
		if ((*nulls)[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL", name)));
	return elems;
}

CpParkRules *
cp_parking_rules_from_arrays(ArrayType *use, ArrayType *basis, ArrayType *spaces,
							 ArrayType *flat_min, ArrayType *flat_max)
{
	CpParkRules *r = palloc0(sizeof(CpParkRules));
	Datum	   *u,
			   *b,
			   *s,
			   *lo,
			   *hi;
	bool	   *nu,
			   *nb,
			   *ns,
			   *nlo,
			   *nhi;
	int			n[5],
				i;

	u = array_arg(use, TEXTOID, "uses", false, &nu, &n[0]);
	b = array_arg(basis, TEXTOID, "bases", false, &nb, &n[1]);
	s = array_arg(spaces, FLOAT8OID, "spaces", false, &ns, &n[2]);
	lo = array_arg(flat_min, FLOAT8OID, "flat_min", true, &nlo, &n[3]);
	hi = array_arg(flat_max, FLOAT8OID, "flat_max", true, &nhi, &n[4]);
	for (i = 1; i < 5; i++)
		if (n[i] != n[0])
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("uses, bases, spaces, flat_min and flat_max must have the same length"),
					 errdetail("The lengths are %d, %d, %d, %d and %d.", n[0], n[1], n[2], n[3], n[4])));
	r->n = n[0];
	r->use = palloc(sizeof(char *) * Max(r->n, 1));
	r->per_household = palloc(sizeof(bool) * Max(r->n, 1));
	r->spaces = palloc(sizeof(double) * Max(r->n, 1));
	r->banded = palloc(sizeof(bool) * Max(r->n, 1));
	r->flat_min = palloc(sizeof(double) * Max(r->n, 1));
	r->flat_max = palloc(sizeof(double) * Max(r->n, 1));
	for (i = 0; i < r->n; i++)
	{
		char	   *bs = TextDatumGetCString(b[i]);

		r->use[i] = TextDatumGetCString(u[i]);
		if (strcmp(bs, "household") == 0)
			r->per_household[i] = true;
		else if (strcmp(bs, "floor_100m2") == 0)
			r->per_household[i] = false;
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown parking rule basis \"%s\"", bs),
					 errhint("A basis is household or floor_100m2.")));
		r->spaces[i] = DatumGetFloat8(s[i]);
		if (!(r->spaces[i] >= 0 && r->spaces[i] < INFINITY))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("parking rule spaces must be finite and not negative")));
		r->banded[i] = !nlo[i] || !nhi[i];
		r->flat_min[i] = nlo[i] ? -INFINITY : DatumGetFloat8(lo[i]);
		r->flat_max[i] = nhi[i] ? INFINITY : DatumGetFloat8(hi[i]);
	}
	return r;
}

int
cp_parking_rule_for(const CpParkRules *rules, const int *idx, int n,
					bool households_known, double households,
					bool floor_area_known, double floor_area)
{
	int			k;

	for (k = 0; k < n; k++)
	{
		int			r = idx[k];
		double		flat;

		if (!rules->banded[r])
			return r;
		/* as SQL: households > 0 AND floor_area > 0 AND flat > min AND flat <= max */
		if (!households_known || !floor_area_known || !(households > 0) || !(floor_area > 0))
			continue;
		flat = floor_area / households;
		if (flat > rules->flat_min[r] && flat <= rules->flat_max[r])
			return r;
	}
	return -1;
}

/* One ring's coordinates, copied out of GEOS. */
typedef struct Ring
{
	int			npoints;
	double	   *x;
	double	   *y;
	bool		outer;			/* the first ring of its polygon */
} Ring;

typedef struct Rings
{
	int			n;
	int			cap;
	Ring	   *ring;
} Rings;

static void
add_ring(Rings *rs, GEOSContextHandle_t h, const GEOSGeometry *ring, bool outer, GEOSGeometry *owner)
{
	const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(h, ring);
	unsigned int n = 0,
				i;
	Ring	   *r;

	if (seq == NULL || !GEOSCoordSeq_getSize_r(h, seq, &n))
	{
		GEOSGeom_destroy_r(h, owner);
		cp_geos_raise("reading a ring of a car park");
	}
	if (rs->n == rs->cap)
	{
		rs->cap *= 2;
		rs->ring = repalloc(rs->ring, sizeof(Ring) * rs->cap);
	}
	r = &rs->ring[rs->n++];
	r->npoints = (int) n;
	r->outer = outer;
	r->x = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	r->y = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	for (i = 0; i < n; i++)
		if (!GEOSCoordSeq_getXY_r(h, seq, i, &r->x[i], &r->y[i]))
		{
			GEOSGeom_destroy_r(h, owner);
			cp_geos_raise("reading a ring of a car park");
		}
}

/* The rings of every polygon in g (polygons, multipolygons, collections). */
static void
collect_rings(Rings *rs, GEOSContextHandle_t h, const GEOSGeometry *g, GEOSGeometry *owner, int depth)
{
	int			type = GEOSGeomTypeId_r(h, g);
	int			i,
				n;

	if (cp_interrupt_pending())
	{
		GEOSGeom_destroy_r(h, owner);
		cp_interrupt_raise();
	}
	if (type == GEOS_POLYGON)
	{
		if (GEOSisEmpty_r(h, g))
			return;
		add_ring(rs, h, GEOSGetExteriorRing_r(h, g), true, owner);
		n = GEOSGetNumInteriorRings_r(h, g);
		for (i = 0; i < n; i++)
			add_ring(rs, h, GEOSGetInteriorRingN_r(h, g, i), false, owner);
	}
	else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION)
	{
		n = GEOSGetNumGeometries_r(h, g);
		for (i = 0; i < n && depth < CP_WKB_MAX_DEPTH; i++)
			collect_rings(rs, h, GEOSGetGeometryN_r(h, g, i), owner, depth + 1);
	}
}

/* PostGIS's ptarray_signed_area: the shoelace from the first vertex. */
static double
ring_area_planar(const Ring *r)
{
	double		sum = 0.0,
				x0;
	int			i;

	if (r->npoints < 3)
		return 0.0;
	x0 = r->x[0];
	for (i = 2; i < r->npoints; i++)
		sum += (r->x[i - 1] - x0) * (r->y[i - 2] - r->y[i]);
	return fabs(sum / 2.0);
}

/* PostGIS's ptarray_area_spheroid: the ring without its closing vertex into geod_polygon. */
static double
ring_area_geodesic(const struct geod_geodesic *g, const Ring *r)
{
	struct geod_polygon poly;
	double		area = 0;
	int			i;

	if (r->npoints < 4)
		return 0.0;
	geod_polygon_init(&poly, 0);
	for (i = 0; i < r->npoints - 1; i++)
	{
		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		geod_polygon_addpoint(g, &poly, r->y[i], r->x[i]);
	}
	geod_polygon_compute(g, &poly, 0, 1, &area, NULL);
	return fabs(area);
}

bool
cp_parking_area(const uint8 *wkb, size_t len, double *area_m2)
{
	GEOSContextHandle_t h;
	GEOSGeometry *geom;
	uint32		type;
	int32		srid;
	bool		has_z;
	bool		geographic = false;
	struct geod_geodesic g;
	Rings		rs;
	double		area = 0;
	int			i;

	/* ST_Dimension: by type; a collection by its members (GEOS below) */
	cp_ewkb_peek(wkb, len, &type, &srid, &has_z);
	if (type != CP_WKB_POLYGON && type != CP_WKB_MULTIPOLYGON && type != CP_WKB_COLLECTION)
		return false;
	h = cp_geos();
	geom = cp_geos_from_ewkb(wkb, len);
	if (type == CP_WKB_COLLECTION && GEOSGeom_getDimensions_r(h, geom) != 2)
	{
		GEOSGeom_destroy_r(h, geom);
		return false;
	}
	rs.n = 0;
	rs.cap = 4;
	rs.ring = palloc(sizeof(Ring) * rs.cap);
	collect_rings(&rs, h, geom, geom, 0);
	GEOSGeom_destroy_r(h, geom);

	/* longitude/latitude: on the spheroid (SRID 0 or unknown: in the plane, as ST_Area) */
	if (srid > 0)
		geographic = cp_crs_get(srid)->geographic;
	if (geographic)
	{
		const CpCrs *wgs84 = cp_crs_get(4326);
		double		a = wgs84->semi_major,
					b = a * (1.0 - 1.0 / wgs84->inv_flattening);

		/* PostGIS: f = (a - b) / a from PROJ's semi-minor axis */
		geod_init(&g, a, (a - b) / a);
		for (i = 0; i < rs.n && srid != 4326; i++)
			cp_crs_transform(srid, 4326, rs.ring[i].npoints, rs.ring[i].x, rs.ring[i].y);
	}
	for (i = 0; i < rs.n; i++)
	{
		double		ra;

		CHECK_FOR_INTERRUPTS();
		ra = geographic ? ring_area_geodesic(&g, &rs.ring[i]) : ring_area_planar(&rs.ring[i]);
		area += rs.ring[i].outer ? ra : -ra;
		pfree(rs.ring[i].x);
		pfree(rs.ring[i].y);
	}
	pfree(rs.ring);
	*area_m2 = area;
	return true;
}

double
cp_parking_spaces_from_area(double area_m2, double m2_per_space)
{
	double		spaces;

	if (!(area_m2 >= 0 && area_m2 < INFINITY))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("car park area must be a finite number of square metres, zero or more"),
				 errdetail("The value given is %s.", float8out_internal(area_m2))));
	spaces = floor(float8_div(area_m2, m2_per_space));
	/* cp.estimate_parking_spaces returns an integer */
	if (!(spaces < 2147483648.0))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("integer out of range")));
	return spaces;
}
