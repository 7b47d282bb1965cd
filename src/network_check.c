/*
 * network_check.c: a compiled network is checked before it is used.
 *
 * The blob in cp.network_catalog is read straight into the search, so a
 * damaged or forged one (a role that may write its own row, a tampered dump)
 * must not reach it: every array lies inside the blob, every index is in
 * range, every number the search adds up is finite. One pass, O(size), run
 * when a backend maps a network (it then stays cached).
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include <math.h>

#include "miscadmin.h"

#include "network.h"

#define CP_MAX_COORDINATE 1e9

static void
damaged(const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("compiled network is damaged or of another format"),
			 errdetail("%s", why),
			 errhint("Rebuild it with cp.network_build().")));
}

/* An array of n elements of size 'elem' at 'off' lies inside the blob, aligned to its element. */
static void
check_array(const CpNetHeader *h, uint64 off, uint64 n, uint64 elem, const char *name)
{
	if (off < sizeof(CpNetHeader) || off > h->total_size || off % elem != 0 ||
		n > (h->total_size - off) / elem)
		damaged(psprintf("Array %s lies outside the compiled network.", name));
}

static void
check_offsets(const uint32 *start, uint32 n, uint64 last, const char *name)
{
	uint32		i;

	if (start[0] != 0 || start[n] != last)
		damaged(psprintf("Array %s does not span its elements.", name));
	for (i = 0; i < n; i++)
	{
		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (start[i] > start[i + 1])
			damaged(psprintf("Array %s is not in order.", name));
	}
}

static void
check_finite_floats(const float *v, uint32 n, bool non_negative, const char *name)
{
	uint32		i;

	for (i = 0; i < n; i++)
		if (isnan(v[i]) || isinf(v[i]) || (non_negative && v[i] < 0))
			damaged(psprintf("Array %s holds a value that is not finite%s.", name,
							 non_negative ? " or is negative" : ""));
}

void
cp_network_check(const CpNetwork *net)
{
	const CpNetHeader *h = net->hdr;
	uint32		nn = h->nnodes,
				np = h->npieces,
				nv = h->nverts,
				i,
				p;

	if (np == 0 || nn == 0 || np > PG_UINT32_MAX / 2 - 1 || nn == PG_UINT32_MAX || nv == PG_UINT32_MAX)
		damaged("Its counts are out of range.");
	check_array(h, h->off_adj_start, (uint64) nn + 1, sizeof(uint32), "adj_start");
	check_array(h, h->off_adj, 2 * (uint64) np, sizeof(uint32), "adj");
	if (h->flags & CP_NET_USER_NODES)
		check_array(h, h->off_node_id, nn, sizeof(int64), "node_id");
	check_array(h, h->off_source, np, sizeof(uint32), "source");
	check_array(h, h->off_target, np, sizeof(uint32), "target");
	check_array(h, h->off_length, np, sizeof(float), "length");
	check_array(h, h->off_cost_fwd, np, sizeof(float), "cost_fwd");
	check_array(h, h->off_cost_bwd, np, sizeof(float), "cost_bwd");
	check_array(h, h->off_time_fwd, np, sizeof(float), "time_fwd");
	check_array(h, h->off_time_bwd, np, sizeof(float), "time_bwd");
	check_array(h, h->off_edge_id, np, sizeof(int64), "edge_id");
	check_array(h, h->off_part, np, sizeof(int32), "part");
	check_array(h, h->off_component, np, sizeof(int32), "component");
	check_array(h, h->off_vert_start, (uint64) np + 1, sizeof(uint32), "vert_start");
	check_array(h, h->off_vx, nv, sizeof(double), "vx");
	check_array(h, h->off_vy, nv, sizeof(double), "vy");

	check_offsets(net->adj_start, nn, 2 * (uint64) np, "adj_start");
	check_offsets(net->vert_start, np, nv, "vert_start");
	for (p = 0; p < np; p++)
	{
		if ((p & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (net->source[p] >= nn || net->target[p] >= nn)
			damaged("A piece names a node that does not exist.");
		if (net->vert_start[p + 1] - net->vert_start[p] < 2)
			damaged("A piece has fewer than two vertices.");
	}
	for (i = 0; i < nn; i++)
	{
		uint32		a;

		if ((i & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		for (a = net->adj_start[i]; a < net->adj_start[i + 1]; a++)
		{
			uint32		piece = net->adj[a] >> 1;
			bool		is_target = (net->adj[a] & 1) != 0;

			if (piece >= np || (is_target ? net->target[piece] : net->source[piece]) != i)
				damaged("The adjacency does not match the pieces.");
		}
	}
	check_finite_floats(net->length, np, true, "length");
	check_finite_floats(net->cost_fwd, np, false, "cost_fwd");
	check_finite_floats(net->cost_bwd, np, false, "cost_bwd");
	check_finite_floats(net->time_fwd, np, false, "time_fwd");
	check_finite_floats(net->time_bwd, np, false, "time_bwd");
	/* metres in a projected CRS: the snapping grid's arithmetic needs them Earth-sized */
	for (i = 0; i < nv; i++)
		if (!(fabs(net->vx[i]) <= CP_MAX_COORDINATE) || !(fabs(net->vy[i]) <= CP_MAX_COORDINATE))
			damaged("A vertex has a coordinate that is not finite or beyond 1e9 metres.");
	if (!isfinite(h->total_length_m) || !isfinite(h->tolerance_m))
		damaged("Its totals are not finite.");
}
