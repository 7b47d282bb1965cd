/*
 * crs.h: coordinate reference systems through PROJ.
 *
 * SRIDs are resolved from PostGIS's spatial_ref_sys (authority code first,
 * then WKT, then proj4 text); transformers are cached per backend.
 */
#ifndef CP_CRS_H
#define CP_CRS_H

#include "postgres.h"

typedef struct CpCrs
{
	int32		srid;
	bool		geographic;		/* degrees of longitude/latitude */
	double		semi_major;		/* ellipsoid, for geodesic lengths */
	double		inv_flattening;
	char		name[128];
} CpCrs;

/* Describe 'srid'; errors if unknown, or projected in a unit other than metres. */
extern const CpCrs *cp_crs_get(int32 srid);

/* A metric CRS for a geographic one around (lon, lat): UTM, or CGCS2000 GK for EPSG:4490. */
extern int32 cp_crs_metric_srid(const CpCrs *geographic, double lon, double lat);

/* Transform n points in place (x = easting or longitude). */
extern void cp_crs_transform(int32 from_srid, int32 to_srid, int n, double *x, double *y);

/*
 * A copy of any EWKB geometry (every type the coordinate mapper walks) with
 * every X/Y transformed to to_srid and the SRID set; 22023 for SRID 0 or an
 * unknown SRID, or a point outside the area the target is defined on.
 */
extern bytea *cp_crs_transform_ewkb(const uint8 *wkb, size_t len, int32 to_srid);

/* Geodesic distance in metres between two lon/lat points on the CRS's ellipsoid. */
extern double cp_crs_geodesic(const CpCrs *crs, double lon1, double lat1, double lon2, double lat2);

#endif
