/*
 * sfca.c: two-step floating catchment (2SFCA) with distance decay.
 *
 *   R_j = S_j / sum_k P_k W(d_kj)        (step 1, units k within d0 of j)
 *   A_i = sum_j R_j W(d_ij)              (step 2, facilities j within d0 of i)
 *
 * W is the distance decay: 'step' (W = 1 within d0: Luo & Wang 2003),
 * 'gaussian' (Dai 2010) or 'exponential' (the gravity family, Wang 2012);
 * W = 0 beyond d0 always. One bounded search per facility, toward the seed
 * (unit -> facility, as cp.nearest measures it); units are indexed by the
 * piece they snap to, so a search reads only the units on the pieces it
 * reached. The (unit, facility, weight) pairs of step 1 are kept for step 2
 * while they fit in pair_budget bytes; beyond, step 2 searches again, so
 * memory stays linear whatever the density.
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"

#include "sfca.h"

CpDecay
cp_decay_parse(const char *name, bool has_param, double param, double *beta)
{
	CpDecay		d;

	if (strcmp(name, "step") == 0)
		d = CP_DECAY_STEP;
	else if (strcmp(name, "gaussian") == 0)
		d = CP_DECAY_GAUSSIAN;
	else if (strcmp(name, "exponential") == 0)
		d = CP_DECAY_EXPONENTIAL;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown distance decay \"%s\"", name),
				 errhint("Use 'step' (the classic two-step floating catchment), 'gaussian' or 'exponential' (decay_param = beta).")));
	if (d == CP_DECAY_EXPONENTIAL)
	{
		if (!has_param)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("distance decay \"exponential\" needs decay_param"),
					 errdetail("W(d) = exp(-beta d / d0) within the radius d0; decay_param is beta."),
					 errhint("Pass decay_param => 1 for a weight of 1/e at the radius.")));
		if (!(param > 0 && param <= CP_SFCA_MAX_BETA))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("decay_param of the exponential decay must be above 0 and at most %g", CP_SFCA_MAX_BETA),
					 errdetail("The value given is %s.", float8out_internal(param))));
		*beta = param;
	}
	else if (has_param)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("distance decay \"%s\" takes no decay_param", name),
				 errdetail("Its only parameter is the category's radius."),
				 errhint("Leave decay_param NULL.")));
	return d;
}

/*
 * The decay W(d), 0 <= d <= d0 + slack (the search gives nothing beyond);
 * W(d) = 0 beyond d0 for the smooth ones (clamped: the slack never makes a
 * negative weight).
 */
static inline double
decay_weight(const CpSfca *s, double d)
{
	switch (s->decay)
	{
		case CP_DECAY_STEP:
			return 1.0;
		case CP_DECAY_GAUSSIAN:
			{
				double		e = exp(-0.5),
							r = d / s->d0;

				if (r >= 1)
					return 0;
				return (exp(-0.5 * r * r) - e) / (1 - e);
			}
		case CP_DECAY_EXPONENTIAL:
			return exp(-s->beta * Min(d, s->d0) / s->d0);
	}
	return 0;					/* not reached */
}

/* Units with demand take part in both steps (reach.c's index). */
static bool
place_unit(int32 i, uint32 *piece, double *fraction, void *arg)
{
	const CpSfca *s = arg;

	if (!s->usnap[i].found || !(s->weight[i] > 0))
		return false;
	*piece = s->usnap[i].piece;
	*fraction = s->usnap[i].fraction;
	return true;
}

static void
pair_add(CpSfca *s, int32 i, double w)
{
	if (!s->keep_pairs)
		return;
	if (s->npairs == s->pair_cap)
	{
		if ((double) s->pair_cap * 2 * (sizeof(int32) + sizeof(double)) > s->pair_budget)
		{
			/* too many to keep: step 2 searches again */
			s->keep_pairs = false;
			pfree(s->pair_unit);
			pfree(s->pair_w);
			s->pair_unit = NULL;
			s->pair_w = NULL;
			elog(DEBUG1, "2sfca: more than %zu pairs, step 2 searches again", s->pair_cap);
			return;
		}
		s->pair_cap *= 2;
		s->pair_unit = repalloc_huge(s->pair_unit, sizeof(int32) * s->pair_cap);
		s->pair_w = repalloc_huge(s->pair_w, sizeof(double) * s->pair_cap);
	}
	s->pair_unit[s->npairs] = i;
	s->pair_w[s->npairs] = w;
	s->npairs++;
}

/* A unit within reach of the facility being searched: step 1 adds P_i W(d), step 2 R_j W(d). */
static void
unit_reached(int32 i, double distance, void *arg)
{
	CpSfca	   *s = arg;
	double		w = decay_weight(s, distance);

	if (!(w > 0))
		return;
	if (s->second_step)
		s->per_unit[i] += s->ratio[s->cur] * w;
	else
	{
		s->denom += s->weight[i] * w;
		pair_add(s, i, w);
	}
}

/* One bounded search from facility f (toward it) and every unit it reaches. */
static void
search_facility(CpSfca *s, int f)
{
	CpSeed		seed = {s->fsnap[f].piece, s->fsnap[f].fraction, 0};

	CHECK_FOR_INTERRUPTS();
	s->cur = f;
	cp_reach_units(&s->by_piece, &seed, s->bound, NULL, unit_reached, s);
}

int64
cp_sfca_set_facilities(CpSfca *s, const CpFacilities *fac, double max_snap)
{
	CpSnap	   *fsnap = palloc_extended(sizeof(CpSnap) * Max(fac->n, 1), MCXT_ALLOC_HUGE);
	double	   *famount = palloc_extended(sizeof(double) * Max(fac->n, 1), MCXT_ALLOC_HUGE);
	int64		unsnapped = 0;
	int			f;

	s->nfac = 0;
	for (f = 0; f < fac->n; f++)
	{
		CpSnap		sn;

		if ((f & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		/* one without an amount shares nothing */
		if (!fac->placed[f] || !(fac->amount[f] > 0))
			continue;
		sn = cp_snap_point(s->net, fac->x[f], fac->y[f], max_snap);
		if (!sn.found)
		{
			unsnapped++;
			continue;
		}
		fsnap[s->nfac] = sn;
		famount[s->nfac] = fac->amount[f];
		s->nfac++;
	}
	s->fsnap = fsnap;
	s->famount = famount;
	return unsnapped;
}

void
cp_sfca_run(CpSfca *s)
{
	int			f;
	Size		p;

	s->bound = s->d0 + CP_SFCA_SLACK_M;
	(void) cp_units_by_piece(&s->by_piece, s->net, s->nunits, place_unit, s);
	s->by_piece.metric = s->metric;
	s->ratio = palloc_extended(sizeof(double) * Max(s->nfac, 1), MCXT_ALLOC_HUGE);
	s->per_unit = palloc_extended(sizeof(double) * Max(s->nunits, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	s->pair_start = palloc_extended(sizeof(Size) * (s->nfac + 1), MCXT_ALLOC_HUGE);
	s->keep_pairs = s->pair_budget > 0;
	s->npairs = 0;
	s->pair_cap = 1024;
	if (s->keep_pairs)
	{
		s->pair_unit = palloc_extended(sizeof(int32) * s->pair_cap, MCXT_ALLOC_HUGE);
		s->pair_w = palloc_extended(sizeof(double) * s->pair_cap, MCXT_ALLOC_HUGE);
	}
	s->second_step = false;
	for (f = 0; f < s->nfac; f++)
	{
		s->pair_start[f] = s->npairs;
		s->denom = 0;
		search_facility(s, f);
		/* no one in reach (or only people at weight 0): the facility serves nobody */
		s->ratio[f] = s->denom > 0 ? s->famount[f] / s->denom : 0;
	}
	s->pair_start[s->nfac] = s->npairs;
	if (s->keep_pairs)
	{
		for (f = 0; f < s->nfac; f++)
		{
			if ((f & 0xff) == 0)
				CHECK_FOR_INTERRUPTS();
			for (p = s->pair_start[f]; p < s->pair_start[f + 1]; p++)
			{
				if ((p & 0xffff) == 0xffff)
					CHECK_FOR_INTERRUPTS();
				s->per_unit[s->pair_unit[p]] += s->ratio[f] * s->pair_w[p];
			}
		}
		elog(DEBUG1, "2sfca: %d facilities, %zu pairs kept", s->nfac, s->npairs);
	}
	else
	{
		s->second_step = true;
		for (f = 0; f < s->nfac; f++)
			if (s->ratio[f] > 0)
				search_facility(s, f);
	}
	cp_units_by_piece_free(&s->by_piece);
}
