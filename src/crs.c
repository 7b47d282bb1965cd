/*
 * crs.c: SRID lookup, metric-CRS choice, cached PROJ transformations and
 * geodesic lengths.
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include <math.h>
#include <geodesic.h>
#include <proj.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "crs.h"
#include "ewkb.h"

#define CRS_CACHE_SIZE 32
#define TRANSFORM_CACHE_SIZE 16

typedef struct TransformEntry
{
	int32		from;
	int32		to;
	PJ		   *pj;
} TransformEntry;

static PJ_CONTEXT *proj_ctx = NULL;
static CpCrs crs_cache[CRS_CACHE_SIZE];
static int	crs_cache_used = 0;
static TransformEntry transforms[TRANSFORM_CACHE_SIZE];
static int	transforms_used = 0;

static PJ_CONTEXT *
cp_proj(void)
{
	if (proj_ctx == NULL)
	{
		proj_ctx = proj_context_create();
		if (proj_ctx == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("could not create a PROJ context")));
		proj_log_level(proj_ctx, PJ_LOG_NONE);
	}
	return proj_ctx;
}

/* The definition PostGIS holds for srid, as text PROJ can read; palloc'd. */
static char *
srid_definition(int32 srid)
{
	Oid			argtypes[1] = {INT4OID};
	Datum		args[1] = {Int32GetDatum(srid)};
	MemoryContext caller = CurrentMemoryContext;
	char	   *result = NULL;
	char	   *schema;
	char	   *query;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SELECT quote_ident(extnamespace::regnamespace::text) FROM pg_extension "
					"WHERE extname = 'postgis'", true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("PostGIS is not installed in this database")));
	schema = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	query = psprintf("SELECT auth_name, auth_srid, srtext, proj4text FROM %s.spatial_ref_sys WHERE srid = $1",
					  schema);
	if (SPI_execute_with_args(query, 1, argtypes, args, NULL, true, 1) == SPI_OK_SELECT &&
		SPI_processed == 1)
	{
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		char	   *auth = SPI_getvalue(tup, desc, 1);
		char	   *code = SPI_getvalue(tup, desc, 2);
		char	   *wkt = SPI_getvalue(tup, desc, 3);
		char	   *proj4 = SPI_getvalue(tup, desc, 4);
		MemoryContext old = MemoryContextSwitchTo(caller);

		if (auth && code && *auth)
			result = psprintf("%s:%s", auth, code);
		else if (wkt && *wkt)
			result = pstrdup(wkt);
		else if (proj4 && *proj4)
			result = pstrdup(proj4);
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
	if (result == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown SRID %d", srid),
				 errhint("The SRID must be listed in PostGIS's spatial_ref_sys.")));
	return result;
}

static PJ *
create_crs(int32 srid)
{
	char	   *def = srid_definition(srid);
	PJ		   *crs = proj_create(cp_proj(), def);

	if (crs == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("PROJ cannot read the definition of SRID %d", srid),
				 errdetail("%s", proj_context_errno_string(cp_proj(), proj_context_errno(cp_proj())))));
	return crs;
}

/* Unit of the first axis of a projected CRS, as a factor to metres. */
static double
projected_unit_factor(PJ *crs, char *unit_name, size_t unit_len)
{
	PJ_CONTEXT *ctx = cp_proj();
	PJ		   *cs = proj_crs_get_coordinate_system(ctx, crs);
	double		factor = 0.0;
	const char *name = NULL;

	if (cs != NULL)
	{
		if (!proj_cs_get_axis_info(ctx, cs, 0, NULL, NULL, NULL, &factor, &name, NULL, NULL))
			factor = 0.0;
		strlcpy(unit_name, name ? name : "unknown", unit_len);
		proj_destroy(cs);
	}
	return factor;
}

const CpCrs *
cp_crs_get(int32 srid)
{
	int			i;
	PJ		   *crs;
	PJ_TYPE		type;
	CpCrs		info;

	for (i = 0; i < crs_cache_used; i++)
		if (crs_cache[i].srid == srid)
			return &crs_cache[i];
	if (srid <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("geometry has no SRID"),
				 errhint("Set one with ST_SetSRID(geom, 4326) or the SRID of your projected data.")));

	crs = create_crs(srid);
	memset(&info, 0, sizeof(info));
	info.srid = srid;
	strlcpy(info.name, proj_get_name(crs) ? proj_get_name(crs) : "", sizeof(info.name));
	type = proj_get_type(crs);
	if (type == PJ_TYPE_BOUND_CRS)
	{
		PJ		   *base = proj_get_source_crs(cp_proj(), crs);

		proj_destroy(crs);
		crs = base;
		type = proj_get_type(crs);
	}
	info.geographic = type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS;
	if (info.geographic)
	{
		PJ		   *ell = proj_get_ellipsoid(cp_proj(), crs);
		int			computed;

		if (ell == NULL ||
			!proj_ellipsoid_get_parameters(cp_proj(), ell, &info.semi_major, NULL, &computed,
										   &info.inv_flattening))
		{
			info.semi_major = 6378137.0;
			info.inv_flattening = 298.257223563;
		}
		if (ell)
			proj_destroy(ell);
	}
	else if (type == PJ_TYPE_PROJECTED_CRS)
	{
		char		unit[64];
		double		factor = projected_unit_factor(crs, unit, sizeof(unit));

		if (fabs(factor - 1.0) > 1e-12)
		{
			proj_destroy(crs);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("SRID %d is projected in %s, not metres", srid, unit),
					 errhint("Transform the data to a metric CRS or to EPSG:4326 first.")));
		}
	}
	else
	{
		proj_destroy(crs);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("SRID %d is neither geographic nor projected", srid),
				 errhint("Use longitude/latitude (EPSG:4326, EPSG:4490) or a projected CRS in metres.")));
	}
	proj_destroy(crs);
	if (crs_cache_used == CRS_CACHE_SIZE)
		crs_cache_used = 0;		/* small cache: start over rather than grow */
	crs_cache[crs_cache_used] = info;
	return &crs_cache[crs_cache_used++];
}

int32
cp_crs_metric_srid(const CpCrs *geographic, double lon, double lat)
{
	int			zone;

	/* CGCS2000 / 3-degree Gauss-Kruger CM 75E .. 135E are EPSG:4534 .. 4554 */
	if (geographic->srid == 4490)
	{
		int			cm = (int) floor(lon / 3.0 + 0.5) * 3;

		if (cm >= 75 && cm <= 135)
			return 4534 + (cm - 75) / 3;
	}
	zone = (int) floor((lon + 180.0) / 6.0) + 1;
	zone = Max(1, Min(60, zone));
	return (lat >= 0 ? 32600 : 32700) + zone;
}

static PJ *
transformer(int32 from, int32 to)
{
	int			i;
	PJ		   *src,
			   *dst,
			   *pj,
			   *norm;

	for (i = 0; i < transforms_used; i++)
		if (transforms[i].from == from && transforms[i].to == to)
			return transforms[i].pj;
	(void) cp_crs_get(from);
	(void) cp_crs_get(to);
	src = create_crs(from);
	dst = create_crs(to);
	pj = proj_create_crs_to_crs_from_pj(cp_proj(), src, dst, NULL, NULL);
	proj_destroy(src);
	proj_destroy(dst);
	if (pj == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("PROJ cannot transform SRID %d to SRID %d", from, to)));
	/* longitude/easting first, whatever the authority's axis order */
	norm = proj_normalize_for_visualization(cp_proj(), pj);
	proj_destroy(pj);
	if (norm == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("PROJ cannot normalise the transformation from SRID %d to SRID %d", from, to)));
	if (transforms_used == TRANSFORM_CACHE_SIZE)
	{
		proj_destroy(transforms[0].pj);
		memmove(&transforms[0], &transforms[1], sizeof(TransformEntry) * (TRANSFORM_CACHE_SIZE - 1));
		transforms_used--;
	}
	transforms[transforms_used].from = from;
	transforms[transforms_used].to = to;
	transforms[transforms_used].pj = norm;
	transforms_used++;
	return norm;
}

void
cp_crs_transform(int32 from_srid, int32 to_srid, int n, double *x, double *y)
{
	PJ		   *pj;
	size_t		done;
	int			i;

	if (from_srid == to_srid || n == 0)
		return;
	pj = transformer(from_srid, to_srid);
	proj_errno_reset(pj);
	done = proj_trans_generic(pj, PJ_FWD, x, sizeof(double), n, y, sizeof(double), n,
							  NULL, 0, 0, NULL, 0, 0);
	for (i = 0; i < n; i++)
		if (!isfinite(x[i]) || !isfinite(y[i]))
			break;
	if (done != (size_t) n || i < n)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot transform coordinates from SRID %d to SRID %d", from_srid, to_srid),
				 errdetail("A coordinate lies outside the area where the transformation is defined.")));
}

double
cp_crs_geodesic(const CpCrs *crs, double lon1, double lat1, double lon2, double lat2)
{
	struct geod_geodesic g;
	double		s12;

	geod_init(&g, crs->semi_major, crs->inv_flattening > 0 ? 1.0 / crs->inv_flattening : 0.0);
	geod_inverse(&g, lat1, lon1, lat2, lon2, &s12, NULL, NULL);
	return s12;
}

static void
transform_coord(double *x, double *y, void *arg)
{
	const int32 *srids = arg;

	cp_crs_transform(srids[0], srids[1], 1, x, y);
	if (!isfinite(*x) || !isfinite(*y))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a geometry cannot be transformed from SRID %d to SRID %d", srids[0], srids[1]),
				 errhint("It lies outside the area where the target SRID is defined; check its SRID.")));
}

bytea *
cp_crs_transform_ewkb(const uint8 *wkb, size_t len, int32 to_srid)
{
	int32		srids[2];
	int32		given;
	bytea	   *copy = palloc(VARHDRSZ + len);
	bytea	   *moved;

	srids[0] = cp_ewkb_srid(wkb, len);
	srids[1] = to_srid;
	SET_VARSIZE(copy, VARHDRSZ + len);
	memcpy(VARDATA(copy), wkb, len);
	if (srids[0] == to_srid)
		return copy;
	(void) cp_crs_get(srids[0]);	/* a clear error for SRID 0 or unknown */
	(void) cp_crs_get(srids[1]);
	moved = cp_ewkb_map_coords(copy, transform_coord, srids, &given);
	return cp_ewkb_with_srid((const uint8 *) VARDATA(moved), VARSIZE(moved) - VARHDRSZ, to_srid);
}
