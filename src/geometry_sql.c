/*
 * geometry_sql.c: a caller's geometry column checked before SQL uses it.
 *
 * The SQL wrappers of coverage, supply and parking read some caller rows in
 * SQL (communities, representative points). A cast such as geom::geometry or
 * a PostGIS call on those rows fails with XX000 on text that is no geometry,
 * on nesting PostGIS cannot parse, or on SRID 0, and ST_PointOnSurface
 * crashes on empty members under GEOS 3.11. These two functions take the
 * column as it comes (geometry, EWKB bytea, anything else refused by name),
 * go through the extension's one EWKB check, and return EWKB for a ::geometry
 * cast.
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#include "crs.h"
#include "ewkb.h"
#include "network.h"
#include "query_reader.h"

PG_FUNCTION_INFO_V1(cp_geometry_ewkb_sql);
PG_FUNCTION_INFO_V1(cp_surface_point_sql);

/*
 * cp._geometry_ewkb(g anyelement, srid integer): g checked (bounded nesting,
 * finite coordinates, no curves), in SRID srid when that is not NULL.
 */
Datum
cp_geometry_ewkb_sql(PG_FUNCTION_ARGS)
{
	bytea	   *in;
	const uint8 *buf;
	size_t		len;
	uint32		type;
	int32		srid;
	bool		has_z;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	in = cp_geometry_arg(fcinfo, 0);
	buf = (const uint8 *) VARDATA_ANY(in);
	len = VARSIZE_ANY_EXHDR(in);
	(void) cp_ewkb_check(buf, len);
	if (PG_ARGISNULL(1))
		PG_RETURN_BYTEA_P(in);
	cp_ewkb_peek(buf, len, &type, &srid, &has_z);
	if (srid != PG_GETARG_INT32(1))
		PG_RETURN_BYTEA_P(cp_crs_transform_ewkb(buf, len, PG_GETARG_INT32(1)));
	PG_RETURN_BYTEA_P(in);
}

/*
 * cp._surface_point(g anyelement, srid integer): a point of g (the point
 * itself, else a point on its surface) in SRID srid; NULL when g is empty.
 */
Datum
cp_surface_point_sql(PG_FUNCTION_ARGS)
{
	bytea	   *in;
	int32		srid = PG_GETARG_INT32(1);
	double		x,
				y;

	in = cp_geometry_arg(fcinfo, 0);
	(void) cp_crs_get(srid);
	if (!cp_geom_point_in_srid((const uint8 *) VARDATA_ANY(in), VARSIZE_ANY_EXHDR(in), srid, &x, &y))
		PG_RETURN_NULL();
	PG_RETURN_BYTEA_P(cp_ewkb_point(x, y, srid));
}
