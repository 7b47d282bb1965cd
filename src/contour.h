/*
 * contour.h: buffer a set of line segments by tracing the contour of their
 * distance field on a grid (marching squares), as R5 does for isochrones.
 * Much faster than a GEOS buffer-union for dense networks; see docs/catchment.md
 * for the measured accuracy.
 */
#ifndef CP_CONTOUR_H
#define CP_CONTOUR_H

#include "postgres.h"

typedef struct CpSegments
{
	int			n;
	int			cap;
	double	   *x0;
	double	   *y0;
	double	   *x1;
	double	   *y1;
	int64	   *tag;			/* >= 0: a whole piece (the same segments each time it comes); -1 */
} CpSegments;

extern void cp_segments_init(CpSegments *s);
extern void cp_segments_add(CpSegments *s, double x0, double y0, double x1, double y1);
/* A segment of a run that is always the same for one tag (a whole network piece). */
extern void cp_segments_add_tagged(CpSegments *s, double x0, double y0, double x1, double y1,
								   int64 tag);

/*
 * MultiPolygon (EWKB, SRID srid) of all points within 'buffer' of the
 * segments, traced at 'resolution'; *area receives its area. Valid by
 * construction: rings never touch or cross.
 */
extern bytea *cp_contour_buffer(const CpSegments *segs, double buffer, double resolution,
								int32 srid, double *area);

/*
 * Stamps of tagged runs (whole pieces) shared by the contours of one call
 * (same buffer and resolution): many catchments reach the same streets. Used
 * only where a corner's coordinates are exact on one global lattice and every
 * segment's box is the one the stamp was made with, so the result is exactly
 * that of cp_contour_buffer. Memory goes with the cache (64 MB at most).
 */
typedef struct CpStampCache CpStampCache;
extern CpStampCache *cp_stamp_cache_create(double buffer, double resolution);
extern void cp_stamp_cache_free(CpStampCache *cache);
extern bytea *cp_contour_buffer_cached(const CpSegments *segs, double buffer, double resolution,
									   int32 srid, double *area, CpStampCache *cache);

#endif
