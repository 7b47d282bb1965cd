/*
 * reach.c: the units one seed reaches within a distance (reach.h).
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include "miscadmin.h"

#include "reach.h"

int
cp_units_by_piece(CpUnitsByPiece *ix, CpNetwork *net, int n, CpUnitPlaceFn place, void *arg)
{
	uint32		npieces = net->npieces;
	uint32	   *piece = palloc_extended(sizeof(uint32) * Max(n, 1), MCXT_ALLOC_HUGE);
	double	   *fraction = palloc_extended(sizeof(double) * Max(n, 1), MCXT_ALLOC_HUGE);
	bool	   *in = palloc_extended(sizeof(bool) * Max(n, 1), MCXT_ALLOC_HUGE);
	uint32	   *fill;
	int			nin = 0,
				i;

	ix->net = net;
	ix->nsearch = 0;
	ix->metric = CP_METRIC_DISTANCE;	/* a caller measuring time sets it after */
	ix->start = palloc_extended(sizeof(uint32) * ((Size) npieces + 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	for (i = 0; i < n; i++)
	{
		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		in[i] = place(i, &piece[i], &fraction[i], arg);
		if (in[i])
		{
			ix->start[piece[i] + 1]++;
			nin++;
		}
	}
	for (i = 0; i < (int) npieces; i++)
		ix->start[i + 1] += ix->start[i];
	ix->unit = palloc_extended(sizeof(int32) * Max(nin, 1), MCXT_ALLOC_HUGE);
	ix->fraction = palloc_extended(sizeof(double) * Max(nin, 1), MCXT_ALLOC_HUGE);
	fill = palloc_extended(sizeof(uint32) * Max(npieces, 1), MCXT_ALLOC_HUGE);
	memcpy(fill, ix->start, sizeof(uint32) * npieces);
	for (i = 0; i < n; i++)
		if (in[i])
		{
			uint32		at = fill[piece[i]]++;

			ix->unit[at] = i;
			ix->fraction[at] = fraction[i];
		}
	pfree(fill);
	pfree(in);
	pfree(fraction);
	pfree(piece);
	ix->stamp = palloc_extended(sizeof(int32) * Max(npieces, 1), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	return nin;
}

/* The units of one piece, once per search (a piece reached from both ends is read once). */
static void
visit_piece(CpUnitsByPiece *ix, const CpSeed *seed, uint32 piece, double bound,
			CpUnitSkipFn skip, CpUnitReachedFn reached, void *arg)
{
	uint32		j;

	if (ix->stamp[piece] == ix->nsearch)
		return;
	ix->stamp[piece] = ix->nsearch;
	for (j = ix->start[piece]; j < ix->start[piece + 1]; j++)
	{
		int32		i = ix->unit[j];
		CpReach		r;

		if (((j - ix->start[piece]) & 0xfff) == 0xfff)
			CHECK_FOR_INTERRUPTS();	/* a piece may carry a whole estate */
		if (skip && skip(i, arg))
			continue;
		if (cp_search_reach_point(ix->net, seed, 1, piece, ix->fraction[j], 1, bound,
								  ix->metric, true, &r) > 0)
			reached(i, r.primary, arg);
	}
}

void
cp_reach_units(CpUnitsByPiece *ix, const CpSeed *seed, double bound,
			   CpUnitSkipFn skip, CpUnitReachedFn reached, void *arg)
{
	const CpSearchSpace *space = &ix->net->space;
	uint32		t;

	cp_search(ix->net, seed, 1, 1, bound, ix->metric, true, NULL, 0);
	/* a new stamp per search; wrap-around is safe only after a reset */
	if (++ix->nsearch == PG_INT32_MAX)
	{
		memset(ix->stamp, 0, sizeof(int32) * Max(ix->net->npieces, 1));
		ix->nsearch = 1;
	}
	visit_piece(ix, seed, seed->piece, bound, skip, reached, arg);
	for (t = 0; t < space->ntouched; t++)
	{
		uint32		u = space->touched[t],
					a;

		if ((t & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (space->nsettled[u] == 0)
			continue;
		for (a = ix->net->adj_start[u]; a < ix->net->adj_start[u + 1]; a++)
			visit_piece(ix, seed, ix->net->adj[a] >> 1, bound, skip, reached, arg);
	}
}

void
cp_units_by_piece_free(CpUnitsByPiece *ix)
{
	pfree(ix->start);
	pfree(ix->unit);
	pfree(ix->fraction);
	pfree(ix->stamp);
}
