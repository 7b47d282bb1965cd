/*
 * sfca.h: the two-step floating catchment (2SFCA) with distance decay, one
 * implementation for cp.supply_gap / cp.supply_access (supply.c) and
 * cp.access_surface (surface.c). docs/supply.md has the equations.
 */
#ifndef CP_SFCA_H
#define CP_SFCA_H

#include "postgres.h"

#include "network.h"
#include "reach.h"
#include "units.h"

/* Radii are compared with a millimetre of slack, as cp.nearest's callers always did. */
#define CP_SFCA_SLACK_M 0.001
/* The exponential decay's beta: e^-50 is below any capacity's precision. */
#define CP_SFCA_MAX_BETA 50.0

typedef enum CpDecay
{
	CP_DECAY_STEP,
	CP_DECAY_GAUSSIAN,
	CP_DECAY_EXPONENTIAL
} CpDecay;

/* The decay named (22023 for an unknown one or a decay_param it does not take); beta for exponential. */
extern CpDecay cp_decay_parse(const char *name, bool has_param, double param, double *beta);

typedef struct CpSfca
{
	/* given by the caller */
	CpNetwork  *net;
	CpMetric	metric;			/* what d0 measures: metres, or slope-weighted metres (time) */
	double		d0;				/* the catchment cut-off */
	CpDecay		decay;
	double		beta;			/* exponential */
	int			nunits;
	const double *weight;		/* demand of each unit: units with weight > 0 and a snap take part */
	const CpSnap *usnap;		/* each unit's snap */
	int			nfac;
	const CpSnap *fsnap;		/* the facilities taking part (snapped) */
	const double *famount;		/* their amount S_j */
	double		pair_budget;	/* bytes to keep step 1's pairs for step 2 (beyond: search again) */
	/* results */
	double	   *ratio;			/* R_j, per facility */
	double	   *per_unit;		/* A_i, per unit (0 where nothing is in reach) */
	/* internal */
	CpUnitsByPiece by_piece;
	double		bound;
	bool		keep_pairs;
	Size		npairs;
	Size		pair_cap;
	int32	   *pair_unit;
	double	   *pair_w;
	Size	   *pair_start;
	int			cur;
	bool		second_step;
	double		denom;
} CpSfca;

/*
 * The facilities that take part: placed, amount above 0, snapped within
 * max_snap (s->net must be set); sets fsnap, famount and nfac and returns the
 * number that lie too far from the network.
 */
extern int64 cp_sfca_set_facilities(CpSfca *s, const CpFacilities *fac, double max_snap);

/* R_j for every facility and A_i for every unit (both allocated here). */
extern void cp_sfca_run(CpSfca *s);

#endif
