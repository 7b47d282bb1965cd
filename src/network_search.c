/*
 * network_search.c: bounded multi-source Dijkstra over pieces, k distinct
 * nearest seeds per node, and the reach of points lying on pieces.
 *
 * 'toward_seeds' searches the reversed graph: labels are the cost of walking
 * from a node to a seed (residents walking to facilities); otherwise from a
 * seed to the node.
 */
#include "postgres.h"
#include "community_planning.h"	/* TEXTDOMAIN: messages through po/ */

#include <math.h>

#include "miscadmin.h"
#include "utils/memutils.h"

#include "network.h"

typedef struct HeapItem
{
	double		key;
	double		secondary;
	uint32		node;
	int32		origin;
} HeapItem;

typedef struct Heap
{
	HeapItem   *items;
	Size		n;
	Size		cap;
	double		other_bytes;	/* labels of the search, counted against the cap too */
} Heap;

/* Labels kept between calls above this size are given back once a search no longer needs them. */
#define KEEP_LABELS_BYTES ((Size) 64 * 1024 * 1024)

static inline bool
item_less(const HeapItem *a, const HeapItem *b)
{
	return a->key < b->key || (a->key == b->key && a->origin < b->origin);
}

static void
heap_push(Heap *h, HeapItem it)
{
	Size		i;

	if (h->n == h->cap)
	{
		cp_check_call_memory("the search queue",
							 h->other_bytes + 2.0 * h->cap * sizeof(HeapItem),
							 "Lower k or max_cost, or raise community_planning.max_call_memory.");
		h->cap *= 2;
		h->items = repalloc_huge(h->items, sizeof(HeapItem) * h->cap);
	}
	i = h->n++;
	while (i > 0)
	{
		Size		parent = (i - 1) / 2;

		if (!item_less(&it, &h->items[parent]))
			break;
		h->items[i] = h->items[parent];
		i = parent;
	}
	h->items[i] = it;
}

static HeapItem
heap_pop(Heap *h)
{
	HeapItem	top = h->items[0];
	HeapItem	last = h->items[--h->n];
	Size		i = 0;

	for (;;)
	{
		Size		c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && item_less(&h->items[c + 1], &h->items[c]))
			c++;
		if (!item_less(&h->items[c], &last))
			break;
		h->items[i] = h->items[c];
		i = c;
	}
	if (h->n > 0)
		h->items[i] = last;
	return top;
}

/* Inlined in the search loops (a call per relaxed piece showed in profiles). */
static inline float
piece_weight(const CpNetwork *net, uint32 piece, bool forward, CpMetric metric)
{
	if (metric == CP_METRIC_DISTANCE)
		return forward ? net->cost_fwd[piece] : net->cost_bwd[piece];
	return forward ? net->time_fwd[piece] : net->time_bwd[piece];
}

static inline float
piece_other(const CpNetwork *net, uint32 piece, bool forward, CpMetric metric)
{
	return piece_weight(net, piece, forward,
						metric == CP_METRIC_DISTANCE ? CP_METRIC_TIME : CP_METRIC_DISTANCE);
}

float
cp_piece_weight(const CpNetwork *net, uint32 piece, bool forward, CpMetric metric)
{
	return piece_weight(net, piece, forward, metric);
}

float
cp_piece_other(const CpNetwork *net, uint32 piece, bool forward, CpMetric metric)
{
	return piece_other(net, piece, forward, metric);
}

/* Forget the last search: only touched nodes are reset. */
static void
space_prepare(CpNetwork *net, int k)
{
	CpSearchSpace *s = &net->space;
	uint32		i;

	if (s->nsettled == NULL)
	{
		s->nsettled = MemoryContextAllocHuge(net->cxt, sizeof(uint16) * Max(net->nnodes, 1));
		memset(s->nsettled, 0, sizeof(uint16) * Max(net->nnodes, 1));
		s->tentative = MemoryContextAllocHuge(net->cxt, sizeof(double) * Max(net->nnodes, 1));
		for (i = 0; i < net->nnodes; i++)
			s->tentative[i] = INFINITY;
		s->touched = MemoryContextAllocHuge(net->cxt, sizeof(uint32) * Max(net->nnodes, 1));
		s->ntouched = 0;
	}
	for (i = 0; i < s->ntouched; i++)
	{
		s->nsettled[s->touched[i]] = 0;
		s->tentative[s->touched[i]] = INFINITY;
	}
	s->ntouched = 0;
	if (s->k_alloc < k ||
		(s->k_alloc > k && sizeof(CpReach) * (Size) Max(net->nnodes, 1) * s->k_alloc > KEEP_LABELS_BYTES))
	{
		double		need = (double) sizeof(CpReach) * Max(net->nnodes, 1) * k;

		cp_check_call_memory(psprintf("a search keeping %d labels at each of %u nodes", k, net->nnodes),
							 need,
							 "Lower k, or raise community_planning.max_call_memory.");
		if (s->labels)
			pfree(s->labels);
		s->labels = NULL;		/* never dangling, should the allocation fail */
		s->k_alloc = 0;
		s->labels = MemoryContextAllocHuge(net->cxt, (Size) need);
		s->k_alloc = k;
	}
	s->k = k;
}

static inline void
touch(CpSearchSpace *s, uint32 node)
{
	if (s->nsettled[node] == 0 && isinf(s->tentative[node]))
		s->touched[s->ntouched++] = node;
}

static void
offer(CpNetwork *net, Heap *h, uint32 node, double key, double secondary, int32 origin, int k,
	  double bound)
{
	CpSearchSpace *s = &net->space;

	if (key > bound)
		return;
	if (k == 1)
	{
		/*
		 * A settled node's tentative key is its final one, never above a key
		 * offered later (keys pop in order, weights are not negative): this
		 * one test also stands for nsettled, one cache miss less per arc.
		 */
		if (key >= s->tentative[node])
			return;
		if (isinf(s->tentative[node]))
			s->touched[s->ntouched++] = node;
		s->tentative[node] = key;
	}
	else if (s->nsettled[node] >= k)
		return;
	heap_push(h, (HeapItem) {key, secondary, node, origin});
}

/* Seed the heap from a point on a piece: it reaches both ends of the piece. */
static void
seed_point(CpNetwork *net, Heap *h, const CpSeed *seed, int k, double bound, CpMetric metric,
		   bool toward)
{
	uint32		p = seed->piece;
	double		f = seed->fraction;
	/* toward: node -> seed. From the source that is forward along the piece. */
	bool		src_dir_forward = toward;
	float		ws = piece_weight(net, p, src_dir_forward, metric);
	float		os = piece_other(net, p, src_dir_forward, metric);
	float		wt = piece_weight(net, p, !src_dir_forward, metric);
	float		ot = piece_other(net, p, !src_dir_forward, metric);

	/* a point at an end of the piece is that node, whichever way the piece is open */
	if (f == 0)
		offer(net, h, net->source[p], 0, 0, seed->origin, k, bound);
	else if (ws >= 0)
		offer(net, h, net->source[p], f * ws, f * os, seed->origin, k, bound);
	if (f == 1)
		offer(net, h, net->target[p], 0, 0, seed->origin, k, bound);
	else if (wt >= 0)
		offer(net, h, net->target[p], (1 - f) * wt, (1 - f) * ot, seed->origin, k, bound);
}

static bool
already_settled(const CpSearchSpace *s, uint32 node, int32 origin)
{
	const CpReach *l = &s->labels[(Size) node * s->k];
	int			i;

	for (i = 0; i < s->nsettled[node]; i++)
		if (l[i].origin == origin)
			return true;
	return false;
}

static bool
all_settled(const CpSearchSpace *s, const uint32 *nodes, int n, int k)
{
	int			i;

	for (i = 0; i < n; i++)
		if (s->nsettled[nodes[i]] < k)
			return false;
	return true;
}

/*
 * The packed arcs of a direction and metric, in the order of the node's
 * adjacency (so the search offers, and breaks ties, exactly as over the blob).
 */
static const CpSearchAdj *
search_adj(CpNetwork *net, CpMetric metric, bool toward_seeds)
{
	CpSearchAdj *sa = &net->search_adj[metric == CP_METRIC_TIME][toward_seeds ? 1 : 0];
	uint32	   *start;
	CpSearchArc *arcs;
	uint32		u,
				a,
				n = 0;

	if (sa->start != NULL)
		return sa;
	start = MemoryContextAllocHuge(net->cxt, sizeof(uint32) * ((Size) net->nnodes + 1));
	arcs = MemoryContextAllocHuge(net->cxt, sizeof(CpSearchArc) * Max((Size) net->adj_start[net->nnodes], 1));
	for (u = 0; u < net->nnodes; u++)
	{
		if ((u & 0xffff) == 0)
			CHECK_FOR_INTERRUPTS();
		start[u] = n;
		for (a = net->adj_start[u]; a < net->adj_start[u + 1]; a++)
		{
			uint32		p = net->adj[a] >> 1;
			bool		u_is_target = net->adj[a] & 1;
			uint32		v = u_is_target ? net->source[p] : net->target[p];
			/* walking u -> v is forward when u is the source; reversed search walks v -> u */
			bool		forward = toward_seeds ? u_is_target : !u_is_target;
			float		w = piece_weight(net, p, forward, metric);

			if (w < 0 || v == u)
				continue;
			arcs[n++] = (CpSearchArc) {v, w, piece_other(net, p, forward, metric)};
		}
	}
	start[net->nnodes] = n;
	sa->arcs = arcs;
	sa->start = start;			/* last: an interrupted build is never used half done */
	return sa;
}

void
cp_search(CpNetwork *net, const CpSeed *seeds, int nseeds, int k, double bound, CpMetric metric,
		  bool toward_seeds, const uint32 *stop_nodes, int nstop)
{
	const CpSearchAdj *sa = search_adj(net, metric, toward_seeds);
	CpSearchSpace *s;
	Heap		h;
	int			i;
	uint64		pops = 0;

	space_prepare(net, k);
	s = &net->space;
	h.cap = Max(1024, nseeds * 2);
	h.n = 0;
	h.other_bytes = (double) sizeof(CpReach) * Max(net->nnodes, 1) * s->k_alloc;
	h.items = palloc_extended(sizeof(HeapItem) * h.cap, MCXT_ALLOC_HUGE);
	for (i = 0; i < nseeds; i++)
		seed_point(net, &h, &seeds[i], k, bound, metric, toward_seeds);

	while (h.n > 0)
	{
		HeapItem	it = heap_pop(&h);
		uint32		u = it.node;
		uint32		a;

		if ((++pops & 0xfff) == 0)
			CHECK_FOR_INTERRUPTS();
		if (s->nsettled[u] >= k)
			continue;
		if (k > 1 && already_settled(s, u, it.origin))
			continue;
		touch(s, u);
		s->labels[(Size) u * k + s->nsettled[u]] = (CpReach) {it.origin, it.key, it.secondary};
		s->nsettled[u]++;
		if (nstop > 0 && all_settled(s, stop_nodes, nstop, k))
			break;				/* the destination's labels are final */
		/* the arcs' far ends are anywhere in memory: ask for all of them before the first offer */
		for (a = sa->start[u]; a < sa->start[u + 1]; a++)
			__builtin_prefetch(k == 1 ? (const void *) &s->tentative[sa->arcs[a].node] :
							   (const void *) &s->nsettled[sa->arcs[a].node]);
		for (a = sa->start[u]; a < sa->start[u + 1]; a++)
		{
			const CpSearchArc *arc = &sa->arcs[a];

			offer(net, &h, arc->node, it.key + arc->w, it.secondary + arc->other, it.origin, k, bound);
		}
	}
	pfree(h.items);
}

/* Give back labels of a many-label search once its results are read. */
void
cp_search_trim(CpNetwork *net)
{
	CpSearchSpace *s = &net->space;

	if (s->labels != NULL && sizeof(CpReach) * (Size) Max(net->nnodes, 1) * s->k_alloc > KEEP_LABELS_BYTES)
	{
		pfree(s->labels);
		s->labels = NULL;
		s->k_alloc = 0;
		/* the next search starts from nothing: forget what this one touched */
		while (s->ntouched > 0)
		{
			uint32		u = s->touched[--s->ntouched];

			s->nsettled[u] = 0;
			s->tentative[u] = INFINITY;
		}
	}
}

static inline int
node_labels_of(const CpNetwork *net, uint32 node, const CpReach **labels)
{
	*labels = &net->space.labels[(Size) node * net->space.k];
	return net->space.nsettled[node];
}

int
cp_search_node_labels(const CpNetwork *net, uint32 node, const CpReach **labels)
{
	return node_labels_of(net, node, labels);
}

static int
cmp_seed(const void *a, const void *b)
{
	const CpSeed *x = a,
			   *y = b;

	if (x->piece != y->piece)
		return x->piece < y->piece ? -1 : 1;
	return x->origin < y->origin ? -1 : x->origin > y->origin;
}

void
cp_seeds_sort(CpSeed *seeds, int nseeds)
{
	qsort(seeds, nseeds, sizeof(CpSeed), cmp_seed);
}

static int
cmp_reach(const void *a, const void *b)
{
	const CpReach *x = a,
			   *y = b;

	if (x->primary != y->primary)
		return x->primary < y->primary ? -1 : 1;
	return x->origin < y->origin ? -1 : x->origin > y->origin;
}

/*
 * Candidate reaches of a point. With k = 1 only the best by (cost, origin) is
 * kept as it comes: the reach of one point per resident and category is the
 * inner loop of a coverage report, and needs neither a list nor a sort.
 */
typedef struct Candidates
{
	CpReach    *list;
	int			n;
	bool		best_only;
} Candidates;

static void
offer_candidate(Candidates *c, CpReach r)
{
	if (!c->best_only)
		c->list[c->n++] = r;
	else if (c->n == 0 || cmp_reach(&r, &c->list[0]) < 0)
	{
		c->list[0] = r;
		c->n = 1;
	}
}

/* Candidates through one end of the piece. */
static void
via_node(const CpNetwork *net, uint32 node, double w, double ow, Candidates *c)
{
	const CpReach *labels;
	int			cnt = node_labels_of(net, node, &labels);
	int			i;

	for (i = 0; i < cnt; i++)
		offer_candidate(c, (CpReach) {labels[i].origin, labels[i].primary + w, labels[i].secondary + ow});
}

int
cp_search_reach_point(const CpNetwork *net, const CpSeed *seeds, int nseeds, uint32 piece,
					  double fraction, int k, double bound, CpMetric metric, bool toward_seeds,
					  CpReach *out)
{
	/* toward: point -> source walks backward along the piece */
	bool		to_source_forward = !toward_seeds;
	float		ws = piece_weight(net, piece, to_source_forward, metric);
	float		os = piece_other(net, piece, to_source_forward, metric);
	float		wt = piece_weight(net, piece, !to_source_forward, metric);
	float		ot = piece_other(net, piece, !to_source_forward, metric);
	float		wf = piece_weight(net, piece, true, metric);
	float		of = piece_other(net, piece, true, metric);
	float		wb = piece_weight(net, piece, false, metric);
	float		ob = piece_other(net, piece, false, metric);
	CpReach		best;
	Candidates	cand = {&best, 0, k == 1};
	int			lo = 0,
				hi = nseeds,
				i,
				kept = 0;

	/* seeds on this piece (sorted by piece): first index with piece >= this one */
	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (seeds[mid].piece < piece)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (hi = lo; hi < nseeds && seeds[hi].piece == piece; hi++)
		;
	if (!cand.best_only)
		cand.list = palloc(sizeof(CpReach) * (2 * k + (hi - lo) + 1));
	/* a point at an end of the piece is that node, whichever way the piece is open */
	if (fraction == 0)
		via_node(net, net->source[piece], 0, 0, &cand);
	else if (ws >= 0)
		via_node(net, net->source[piece], fraction * ws, fraction * os, &cand);
	if (fraction == 1)
		via_node(net, net->target[piece], 0, 0, &cand);
	else if (wt >= 0)
		via_node(net, net->target[piece], (1 - fraction) * wt, (1 - fraction) * ot, &cand);
	for (i = lo; i < hi; i++)
	{
		double		f = seeds[i].fraction;
		/* walking from 'from' to 'to' along the piece */
		double		from = toward_seeds ? fraction : f;
		double		to = toward_seeds ? f : fraction;

		if (to >= from && wf >= 0)
			offer_candidate(&cand, (CpReach) {seeds[i].origin, (to - from) * wf, (to - from) * of});
		else if (to < from && wb >= 0)
			offer_candidate(&cand, (CpReach) {seeds[i].origin, (from - to) * wb, (from - to) * ob});
	}
	if (cand.best_only)
	{
		if (cand.n > 0 && best.primary <= bound)
			out[kept++] = best;
		return kept;
	}
	qsort(cand.list, cand.n, sizeof(CpReach), cmp_reach);
	for (i = 0; i < cand.n && kept < k; i++)
	{
		int			j;
		bool		dup = false;

		if (cand.list[i].primary > bound)
			break;
		for (j = 0; j < kept; j++)
			if (out[j].origin == cand.list[i].origin)
				dup = true;
		if (!dup)
			out[kept++] = cand.list[i];
	}
	pfree(cand.list);
	return kept;
}
