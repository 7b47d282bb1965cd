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
} CpSegments;

extern void cp_segments_init(CpSegments *s);
extern void cp_segments_add(CpSegments *s, double x0, double y0, double x1, double y1);

/*
 * MultiPolygon (EWKB, SRID srid) of all points within 'buffer' of the
 * segments, traced at 'resolution'; *area receives its area. Valid by
 * construction: rings never touch or cross.
 */
extern bytea *cp_contour_buffer(const CpSegments *segs, double buffer, double resolution,
								int32 srid, double *area);

#endif
