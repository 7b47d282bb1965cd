/*
 * units.h: resident units (buildings, grid cells, address points) read once.
 *
 * The residents query (columns id, geom, population) is run once; every check
 * of it lives here: missing column 42703, NULL id 23502, duplicate id 23505,
 * negative / NaN / infinite population 22023 (NULL population counts as 0).
 * Each unit gets its representative point in the analysis SRID (the one way
 * into a CRS: cp_geom_point_in_srid); snapping to a network is the caller's.
 */
#ifndef CP_UNITS_H
#define CP_UNITS_H

#include "postgres.h"

typedef struct CpUnits
{
	int			n;
	int64	   *id;
	double	   *population;
	bool	   *placed;			/* has a representative point */
	double	   *x;				/* in the SRID given to cp_units_read_residents */
	double	   *y;
	int64		no_geom;		/* NULL or empty geometries */
} CpUnits;

extern CpUnits *cp_units_read_residents(const char *sql, int32 srid);

#endif
