/*
 * reach.h: the units one seed reaches within a distance.
 *
 * Units (resident units, buildings) are indexed by the network piece they
 * are snapped to, so that one bounded search from a seed (a facility, a car
 * park) visits only the units on the pieces it reached: the seed's own piece
 * (its ends may lie beyond the bound) and every piece at a node the search
 * settled. Each unit reads its distance off the labels of its piece's ends
 * (cp_search_reach_point), as cp.nearest's targets do. The two-step floating
 * catchment (supply.c) and the parking allocation (parking.c) pair their
 * seeds with units this way.
 */
#ifndef CP_REACH_H
#define CP_REACH_H

#include "postgres.h"

#include "network.h"

typedef struct CpUnitsByPiece
{
	CpNetwork  *net;
	uint32	   *start;			/* npieces + 1: units of piece p are unit[start[p] .. start[p + 1]) */
	int32	   *unit;
	double	   *fraction;		/* each unit's place along its piece, aligned with unit[] */
	int32	   *stamp;			/* per piece: the last search that read it */
	int32		nsearch;
	CpMetric	metric;			/* what a search bound measures: metres, or slope-weighted metres (time) */
} CpUnitsByPiece;

/* Where unit i lies: false leaves it out of the index. */
typedef bool (*CpUnitPlaceFn) (int32 i, uint32 *piece, double *fraction, void *arg);

/* A unit to skip before its distance is read (NULL: none). */
typedef bool (*CpUnitSkipFn) (int32 i, void *arg);

/* A unit the seed reaches, with its walking distance (the bounded metric). */
typedef void (*CpUnitReachedFn) (int32 i, double distance, void *arg);

/* Index n units by piece; returns how many are in it. */
extern int	cp_units_by_piece(CpUnitsByPiece *ix, CpNetwork *net, int n, CpUnitPlaceFn place, void *arg);

/*
 * One bounded search from seed (walking toward it, by distance) and reached()
 * for every unit within bound, each unit once, in a fixed order (the seed's
 * piece, then the pieces at the settled nodes in the search's order).
 */
extern void cp_reach_units(CpUnitsByPiece *ix, const CpSeed *seed, double bound,
						   CpUnitSkipFn skip, CpUnitReachedFn reached, void *arg);

extern void cp_units_by_piece_free(CpUnitsByPiece *ix);

#endif
