/*
 * ewkb.h: the one codec between PostGIS geometries (as EWKB bytes) and C.
 *
 * Geometry crosses the SQL/C boundary as (E)WKB; PostGIS's C library is never
 * linked. Points and (multi)linestrings are decoded here; anything else is
 * handed to GEOS through cp_geos_from_ewkb(). cp_ewkb_map_coords() rewrites
 * the X/Y of any geometry type in place (used for China's map coordinates).
 */
#ifndef CP_EWKB_H
#define CP_EWKB_H

#include "postgres.h"

/* OGC base type codes */
#define CP_WKB_POINT 1
#define CP_WKB_LINESTRING 2
#define CP_WKB_POLYGON 3
#define CP_WKB_MULTIPOINT 4
#define CP_WKB_MULTILINESTRING 5
#define CP_WKB_MULTIPOLYGON 6
#define CP_WKB_COLLECTION 7

/* Deepest nesting of collections accepted anywhere. */
#define CP_WKB_MAX_DEPTH 32

/* Decoded points or lines: parts share one coordinate array. */
typedef struct CpGeom
{
	uint32		type;			/* base type code of the outer geometry */
	int32		srid;			/* 0 when the bytes carry none */
	bool		has_z;
	int			nparts;			/* points: one part per point; lines: one per line */
	int		   *part_start;		/* nparts + 1 offsets into the coordinates */
	int			npoints;
	double	   *x;
	double	   *y;
	double	   *z;				/* NULL unless has_z */
} CpGeom;

extern const char *cp_wkb_type_name(uint32 type);

/* Header only: type, srid, has_z. Errors on malformed bytes. */
extern void cp_ewkb_peek(const uint8 *buf, size_t len, uint32 *type, int32 *srid, bool *has_z);

/* The outer SRID (0 if none) of any geometry type the coordinate mapper walks, curves included. */
extern int32 cp_ewkb_srid(const uint8 *buf, size_t len);

/*
 * Check a whole OGC geometry (types 1-7) before it is handed to GEOS: bounded
 * nesting, finite coordinates, no curves. Returns true when a collection
 * holds an empty member (which the caller must drop before GEOS sees it).
 */
extern bool cp_ewkb_check(const uint8 *buf, size_t len);

/* Full decode of Point, MultiPoint, LineString and MultiLineString. */
extern CpGeom *cp_ewkb_decode(const uint8 *buf, size_t len);

/* A Point's X/Y without allocating (same checks); false when it is empty. */
extern bool cp_ewkb_point_xy(const uint8 *buf, size_t len, double *x, double *y);

/* Writers: EWKB with SRID, returned as bytea. */
extern bytea *cp_ewkb_point(double x, double y, int32 srid);
extern bytea *cp_ewkb_linestring(int n, const double *x, const double *y, int32 srid);

/*
 * Rewrite every X/Y of any (E)WKB geometry (all OGC and curve types, Z and M
 * kept) through fn, in a copy; *srid receives the outer SRID (0 if none).
 */
typedef void (*CpCoordFn) (double *x, double *y, void *arg);
extern bytea *cp_ewkb_map_coords(const bytea *in, CpCoordFn fn, void *arg, int32 *srid);

/* A copy of an EWKB geometry whose outer header carries 'srid' (added when absent). */
extern bytea *cp_ewkb_with_srid(const uint8 *buf, size_t len, int32 srid);

#endif
