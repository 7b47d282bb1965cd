/*
 * chinacoord.c: China's map coordinate systems, WGS84 <-> GCJ-02 <-> BD-09.
 *
 * GCJ-02 ("Mars coordinates", used by Amap/Gaode, Tencent and Google China)
 * shifts WGS84 longitude/latitude by a deliberately obscured polynomial on the
 * Krasovsky ellipsoid; BD-09 (Baidu) adds a further rotation and scaling on top
 * of GCJ-02. The forward formulas are the widely published ones (eviltransform,
 * coordtransform); the inverses are solved iteratively to far below a
 * millimetre instead of the usual one-step approximations (1-2 m off).
 * Outside the published bounding box of China every transform is the identity.
 *
 * The shifts are defined on longitude/latitude. EPSG:4326, SRID 0 (read as
 * 4326) and CGCS2000's EPSG:4490 (the same datum as WGS 84 to within a few
 * centimetres, far below the shifts' own accuracy) are shifted as they are.
 * Any other SRID (the CGCS2000 3-degree Gauss-Kruger zones EPSG:4534-4554,
 * UTM, another datum's longitude/latitude) is taken to EPSG:4326 through
 * PROJ (crs.c), shifted there and taken back, so the result keeps the input's
 * SRID and equals ST_Transform(f(ST_Transform(g, 4326)), srid).
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include <math.h>

#include "fmgr.h"
#include "utils/builtins.h"

#include "crs.h"
#include "ewkb.h"
#include "query_reader.h"

#define CP_KRASOVSKY_A 6378245.0
#define CP_KRASOVSKY_EE 0.00669342162296594323
#define CP_BD_X_PI (M_PI * 3000.0 / 180.0)

/* inverse iterations stop when the forward image is this close (degrees, ~1 um) */
#define CP_INVERSE_TOLERANCE 1e-11
#define CP_INVERSE_MAX_ITER 50

typedef enum CpChinaCrs
{
	CP_CRS_WGS84,
	CP_CRS_GCJ02,
	CP_CRS_BD09
} CpChinaCrs;

typedef struct CpChinaStep
{
	CpChinaCrs	from;
	CpChinaCrs	to;
	int32		via_srid;		/* 0: the coordinates are longitude/latitude;
								 * else their SRID, shifted through EPSG:4326 */
} CpChinaStep;

/* SRIDs whose coordinates are shifted as they are: WGS 84, none (read as 4326), CGCS2000 */
static inline bool
lonlat_srid(int32 srid)
{
	return srid == 0 || srid == 4326 || srid == 4490;
}

/* The published bounding box; points outside it are never shifted. */
static inline bool
out_of_china(double lng, double lat)
{
	return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

/* The GCJ-02 offset polynomial, in metres-like units before scaling. */
static void
gcj_offset(double lng, double lat, double *dlng, double *dlat)
{
	double		x = lng - 105.0;
	double		y = lat - 35.0;
	double		common = (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
	double		tlat,
				tlng,
				radlat,
				magic,
				sqrtmagic;

	tlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(fabs(x));
	tlat += common;
	tlat += (20.0 * sin(y * M_PI) + 40.0 * sin(y / 3.0 * M_PI)) * 2.0 / 3.0;
	tlat += (160.0 * sin(y / 12.0 * M_PI) + 320.0 * sin(y * M_PI / 30.0)) * 2.0 / 3.0;

	tlng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(fabs(x));
	tlng += common;
	tlng += (20.0 * sin(x * M_PI) + 40.0 * sin(x / 3.0 * M_PI)) * 2.0 / 3.0;
	tlng += (150.0 * sin(x / 12.0 * M_PI) + 300.0 * sin(x / 30.0 * M_PI)) * 2.0 / 3.0;

	radlat = lat / 180.0 * M_PI;
	magic = sin(radlat);
	magic = 1.0 - CP_KRASOVSKY_EE * magic * magic;
	sqrtmagic = sqrt(magic);
	*dlat = (tlat * 180.0) / ((CP_KRASOVSKY_A * (1.0 - CP_KRASOVSKY_EE)) / (magic * sqrtmagic) * M_PI);
	*dlng = (tlng * 180.0) / (CP_KRASOVSKY_A / sqrtmagic * cos(radlat) * M_PI);
}

/* GCJ-02 -> BD-09 without the bounding-box test. */
static void
bd_forward(double lng, double lat, double *bx, double *by)
{
	double		z = sqrt(lng * lng + lat * lat) + 0.00002 * sin(lat * CP_BD_X_PI);
	double		theta = atan2(lat, lng) + 0.000003 * cos(lng * CP_BD_X_PI);

	*bx = z * cos(theta) + 0.0065;
	*by = z * sin(theta) + 0.006;
}

static void
wgs84_to_gcj02(double *lng, double *lat)
{
	double		dlng,
				dlat;

	if (out_of_china(*lng, *lat))
		return;
	gcj_offset(*lng, *lat, &dlng, &dlat);
	*lng += dlng;
	*lat += dlat;
}

/* Fixed-point iteration w <- w - (gcj(w) - g); the offset varies slowly, so it converges fast. */
static void
gcj02_to_wgs84(double *lng, double *lat)
{
	double		glng = *lng,
				glat = *lat,
				wlng,
				wlat,
				dlng,
				dlat;
	int			i;

	if (out_of_china(glng, glat))
		return;
	gcj_offset(glng, glat, &dlng, &dlat);
	wlng = glng - dlng;
	wlat = glat - dlat;
	for (i = 0; i < CP_INVERSE_MAX_ITER; i++)
	{
		double		elng,
					elat;

		gcj_offset(wlng, wlat, &dlng, &dlat);
		elng = wlng + dlng - glng;
		elat = wlat + dlat - glat;
		wlng -= elng;
		wlat -= elat;
		if (fabs(elng) < CP_INVERSE_TOLERANCE && fabs(elat) < CP_INVERSE_TOLERANCE)
			break;
	}
	*lng = wlng;
	*lat = wlat;
}

static void
gcj02_to_bd09(double *lng, double *lat)
{
	if (out_of_china(*lng, *lat))
		return;
	bd_forward(*lng, *lat, lng, lat);
}

/* The published closed-form inverse as a start, refined by fixed-point iteration. */
static void
bd09_to_gcj02(double *lng, double *lat)
{
	double		blng = *lng,
				blat = *lat,
				x = blng - 0.0065,
				y = blat - 0.006,
				z,
				theta,
				glng,
				glat;
	int			i;

	if (out_of_china(blng, blat))
		return;
	z = sqrt(x * x + y * y) - 0.00002 * sin(y * CP_BD_X_PI);
	theta = atan2(y, x) - 0.000003 * cos(x * CP_BD_X_PI);
	glng = z * cos(theta);
	glat = z * sin(theta);
	for (i = 0; i < CP_INVERSE_MAX_ITER; i++)
	{
		double		flng,
					flat,
					elng,
					elat;

		bd_forward(glng, glat, &flng, &flat);
		elng = flng - blng;
		elat = flat - blat;
		glng -= elng;
		glat -= elat;
		if (fabs(elng) < CP_INVERSE_TOLERANCE && fabs(elat) < CP_INVERSE_TOLERANCE)
			break;
	}
	*lng = glng;
	*lat = glat;
}

/* Callback for cp_ewkb_map_coords: one step between two systems. */
static void
china_step(double *x, double *y, void *arg)
{
	const CpChinaStep *step = (const CpChinaStep *) arg;

	if (step->from == step->to || !isfinite(*x) || !isfinite(*y))
		return;
	if (step->via_srid != 0)
		cp_crs_transform(step->via_srid, 4326, 1, x, y);
	switch (step->from)
	{
		case CP_CRS_WGS84:
			wgs84_to_gcj02(x, y);
			if (step->to == CP_CRS_BD09)
				gcj02_to_bd09(x, y);
			break;
		case CP_CRS_GCJ02:
			if (step->to == CP_CRS_WGS84)
				gcj02_to_wgs84(x, y);
			else
				gcj02_to_bd09(x, y);
			break;
		case CP_CRS_BD09:
			bd09_to_gcj02(x, y);
			if (step->to == CP_CRS_WGS84)
				gcj02_to_wgs84(x, y);
			break;
	}
	if (step->via_srid != 0)
		cp_crs_transform(4326, step->via_srid, 1, x, y);
}

/* A coordinate system name, or an error naming the argument. */
static CpChinaCrs
china_crs(text *name, const char *argname)
{
	char	   *s = text_to_cstring(name);

	if (pg_strcasecmp(s, "wgs84") == 0)
		return CP_CRS_WGS84;
	if (pg_strcasecmp(s, "gcj02") == 0)
		return CP_CRS_GCJ02;
	if (pg_strcasecmp(s, "bd09") == 0)
		return CP_CRS_BD09;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown coordinate system \"%s\" for %s", s, argname),
			 errhint("Use wgs84, gcj02 or bd09.")));
	pg_unreachable();
}

PG_FUNCTION_INFO_V1(cp_chinacoord_ewkb);

/*
 * cp.chinacoord_ewkb(ewkb bytea, from_system text, to_system text) -> bytea
 * Every coordinate of the geometry moved from one system to the other, in
 * the geometry's own SRID (see the head of this file).
 */
Datum
cp_chinacoord_ewkb(PG_FUNCTION_ARGS)
{
	bytea	   *in = cp_geometry_arg(fcinfo, 0);
	CpChinaStep step;
	bytea	   *out;
	int32		srid;

	step.from = china_crs(PG_GETARG_TEXT_PP(1), "from_system");
	step.to = china_crs(PG_GETARG_TEXT_PP(2), "to_system");
	srid = cp_ewkb_srid((const uint8 *) VARDATA_ANY(in), VARSIZE_ANY_EXHDR(in));
	step.via_srid = 0;
	if (!lonlat_srid(srid))
	{
		/* a clear error for an SRID PostGIS or PROJ does not know, or not in metres */
		(void) cp_crs_get(srid);
		step.via_srid = srid;
	}
	out = cp_ewkb_map_coords(in, china_step, &step, &srid);
	PG_RETURN_BYTEA_P(out);
}
