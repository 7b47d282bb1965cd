/*
 * parking.h: the parts of the parking analysis (docs/parking.md).
 *
 * parking.c       the walking-distance allocation (distance bands, one global
 *                 greedy pass) and cp._parking_allocate;
 * parking_rules.c demand rules of a standard set and car-park capacity from
 *                 area (planar, or geodesic as PostGIS's geography ST_Area);
 * parking_eval.c  cp._parking_eval: buildings, car parks and communities read
 *                 once each, checked, allocated, reported per pair, building,
 *                 car park or community.
 */
#ifndef CP_PARKING_H
#define CP_PARKING_H

#include "postgres.h"

#include "utils/array.h"

#include "network.h"

/* m2_per_space: beyond this range a call is refused with 22023 */
#define CP_MIN_M2_PER_SPACE 1.0
#define CP_MAX_M2_PER_SPACE 1e4
/* default_capacity and a type's capacity: spaces of one car park, 0 to this */
#define CP_MAX_DEFAULT_CAPACITY 1e5

/* A building or a car park as the allocation sees it: amount is demand or capacity in spaces. */
typedef struct CpParkSite
{
	int64		id;
	double		amount;
	bool		usable;			/* amount > 0 and snapped */
	uint32		piece;
	double		fraction;
} CpParkSite;

/* One (building, car park) pair that shares spaces, by index into the id-sorted sites. */
typedef void (*CpParkServeFn) (int32 b, int32 p, double distance_m, double spaces, void *arg);

/* walk_m and max_snap_m checked (22023), as every parking function checks them */
extern void cp_parking_check_walk(double walk_m, double max_snap);

/*
 * The same for a cut-off that may be walking time: by_time, walk_m is the
 * caller's minutes times the profile's metres per minute (slope-weighted
 * metres), checked against the same range, the messages saying so.
 */
extern void cp_parking_check_cutoff(double walk_m, double max_snap, bool by_time);

/*
 * The global greedy pass over every (building, car park) pair within walk_m,
 * nearest first (ties: building id, then car park id); sites sorted by id,
 * unique ids. metric: what walk_m and the distances measure, metres or
 * slope-weighted metres (walking time at the profile's pace). serve() is
 * called once per pair that takes spaces, in allocation order.
 */
extern void cp_parking_allocate(CpNetwork *net, const CpParkSite *bld, int nbld,
								const CpParkSite *lots, int nlots, double walk_m,
								CpMetric metric, CpParkServeFn serve, void *arg);

/* parking_rules.c: the demand rules of one set and community type, in priority order */
typedef struct CpParkRules
{
	int			n;
	char	  **use;
	bool	   *per_household;	/* basis household; else floor_100m2 */
	double	   *spaces;
	bool	   *banded;			/* has a flat-size bin */
	double	   *flat_min;		/* -Infinity without a lower bound */
	double	   *flat_max;		/* +Infinity without an upper bound */
} CpParkRules;

extern CpParkRules *cp_parking_rules_from_arrays(ArrayType *use, ArrayType *basis, ArrayType *spaces,
												 ArrayType *flat_min, ArrayType *flat_max);

/*
 * The rule that applies to a building: among rules[first[0..n)] (the rules of
 * its use, in priority order) the first without a flat-size bin or whose bin
 * holds floor_area / households (both known and above zero). -1: none.
 */
extern int	cp_parking_rule_for(const CpParkRules *rules, const int *idx, int n,
								bool households_known, double households,
								bool floor_area_known, double floor_area);

/*
 * Area of a car park's geometry when it is areal (ST_Dimension = 2): in the
 * plane of its own CRS, or on the WGS 84 spheroid (GeographicLib, as PostGIS's
 * ST_Area(ST_Transform(geom, 4326)::geography)) for longitude/latitude.
 * Returns false for points and lines.
 */
extern bool cp_parking_area(const uint8 *wkb, size_t len, double *area_m2);

/* floor(area / m2_per_space) as cp.estimate_parking_spaces computes it (22003 beyond integer) */
extern double cp_parking_spaces_from_area(double area_m2, double m2_per_space);

#endif
