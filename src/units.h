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

#include <math.h>

#define CP_MAX_GROUPS 16

typedef struct CpUnits
{
	int			n;
	int64	   *id;
	double	   *population;
	bool	   *placed;			/* has a representative point */
	double	   *x;				/* in the SRID given to cp_units_read_residents */
	double	   *y;
	int64		no_geom;		/* NULL or empty geometries */
	/* target-group columns asked for (age_60_plus, ...): NULL when absent, NaN = NULL value */
	int			ngroups;
	const char *group_name[CP_MAX_GROUPS];
	double	   *group[CP_MAX_GROUPS];
} CpUnits;

extern CpUnits *cp_units_read_residents(const char *sql, int32 srid);

/*
 * The same with optional target-group columns (people of an age cohort in the
 * unit), each checked like population and never above it (22023).
 */
extern CpUnits *cp_units_read_residents_groups(const char *sql, int32 srid,
											   char **groups, int ngroups);

/* Index of a target-group column among those read, -1 for everyone (population). */
extern int	cp_units_group_index(const CpUnits *u, const char *column);

/*
 * Weight of unit i for group g: the unit's own count of the group when the
 * query has it, else its population times the group's share (estimated set).
 * g = -1: the population.
 */
static inline double
cp_units_weight(const CpUnits *u, int i, int g, double share, bool *estimated)
{
	if (g < 0)
		return u->population[i];
	if (u->group[g] != NULL && !isnan(u->group[g][i]))
		return u->group[g][i];
	*estimated = true;
	return u->population[i] * share;
}

/*
 * The one wording of a duplicate id in a caller's query (23505): "<query>
 * query returned duplicate ids", DETAIL "<One> <id> appears more than once."
 * (one: "building", "car park", "community", "resident unit"), hint optional.
 */
extern void cp_duplicate_id_error(const char *query, const char *one, int64 id, const char *hint) pg_attribute_noreturn();

/*
 * Facilities (columns id, category, geom, and an amount column when one is
 * named: capacity, floor_area) of the categories asked for, read once. Every
 * check of a facilities query lives here: missing column 42703, NULL id 23502,
 * duplicate id 23505, a category no set and no OSM mapping row knows (not in
 * known[]) 22023 naming it, a negative / NaN / infinite amount 22023 (NULL
 * amount counts as 0). Categories known but not asked for are left out with
 * one NOTICE naming them. Facilities without a geometry are left out (counted).
 */
typedef struct CpFacilities
{
	int			n;
	int64		undersized;		/* below their category's minimum size: left out */
	int64	   *id;
	int		   *category;		/* index into the codes asked for */
	double	   *amount;			/* 0 without an amount column */
	bool	   *placed;
	double	   *x;
	double	   *y;
	int64		no_geom;
	int64		ignored;		/* of a known category not asked for */
} CpFacilities;

extern CpFacilities *cp_units_read_facilities(const char *sql, int32 srid,
											  char **codes, int ncodes,
											  char **known, int nknown,
											  const char *amount_column,
											  const char *amount_hint);

/*
 * The same, with categories that are known and expected in the query but not
 * analysed (quiet[]: e.g. the rest of a standard's categories when a life
 * circle needs some of them), which are left out without the NOTICE.
 */
extern CpFacilities *cp_units_read_facilities_quiet(const char *sql, int32 srid,
													char **codes, int ncodes,
													char **known, int nknown,
													char **quiet, int nquiet,
													const char *amount_column,
													const char *amount_hint);

/*
 * Everything a facilities read can be asked for. Minimum sizes (per code
 * asked for; 0 or less = none) apply to facilities whose query carries
 * floor_area or site_area (m²): one below its category's minimum is left out
 * and named in a NOTICE; a NULL size passes.
 */
typedef struct CpFacilityOptions
{
	char	  **quiet;
	int			nquiet;
	const char *amount_column;
	const char *amount_hint;
	const double *min_floor;
	const double *min_site;
} CpFacilityOptions;

extern CpFacilities *cp_units_read_facilities_opt(const char *sql, int32 srid,
												  char **codes, int ncodes,
												  char **known, int nknown,
												  const CpFacilityOptions *opt);

#endif
